"""A fake-camera video (YUV4MPEG2) showing 1-D barcodes, for Chromium's fake camera. Pure Python.

    python tests/e2e/barcode_y4m.py 356938035643809 imei.y4m            # Code 128 (what IMEI labels use)
    python tests/e2e/barcode_y4m.py R58N12345AB 356938035643809 box.y4m # two labels (S/N above IMEI)

Chromium: --use-fake-device-for-media-stream --use-file-for-fake-video-capture=imei.y4m
"""

from __future__ import annotations

import sys

# Code 128 bar/space widths for symbol values 0..105 (6 modules each); STOP has 7.
_C128 = (
    "212222222122222221121223121322131222122213122312132212221213221312231212112232122132122231113222"
    "123122123221223211221132221231213212223112312131311222321122321221312212322112322211212123212321"
    "232121111323131123131321112313132113132311211313231113231311112133112331132131113123113321133121"
    "313121211331231131213113213311213131311123311321331121312113312311332111314111221411431111111224"
    "111422121124121421141122141221112214112412122114122411142112142211241211221114413111241112134111"
    "111242121142121241114212124112124211411212421112421211212141214121412121111143111341131141114113"
    "114311411113411311113141114131311141411131211412211214211232"
)
_C128_STOP = "2331112"
START_B, START_C, CODE_B, CODE_C = 104, 105, 100, 99


def code128_values(text: str) -> list[int]:
    """Symbol values incl. start and checksum: set C for runs of 4+ digits (in pairs), set B otherwise."""
    values: list[int] = []
    cur, i = "", 0
    while i < len(text):
        run = len(text[i:]) - len(text[i:].lstrip("0123456789"))
        want = "C" if run >= 4 else "B"
        if want != cur:
            values.append(
                (START_C if want == "C" else START_B) if not values else (CODE_C if want == "C" else CODE_B)
            )
            cur = want
        if want == "C":
            run -= run % 2
            values += [int(text[j : j + 2]) for j in range(i, i + run, 2)]
            i += run
        else:
            values.append(ord(text[i]) - 32)
            i += 1
    values.append((values[0] + sum(k * v for k, v in enumerate(values[1:], 1))) % 103)
    return values


def code128_modules(text: str) -> str:
    """'1' = bar module, '0' = space module, without quiet zones."""
    widths = "".join(_C128[6 * v : 6 * v + 6] for v in code128_values(text)) + _C128_STOP
    return "".join(("1" if n % 2 == 0 else "0") * int(w) for n, w in enumerate(widths))


def barcode_y4m(
    modules: str | list[str],
    width: int = 640,
    height: int = 480,
    frames: int = 10,
    fps: int = 10,
    module_px: int = 0,
) -> bytes:
    """A y4m (C420jpeg) of identical frames: black bars on white, each barcode in its own horizontal band."""
    codes = [modules] if isinstance(modules, str) else modules
    quiet, white = 10, bytes([255]) * width
    band = height // len(codes)
    luma = bytearray()
    for mods in codes:
        px = module_px or max(1, width // (len(mods) + 2 * quiet))
        left = (width - len(mods) * px) // 2
        assert left >= quiet * px // 2, "barcode too wide for the frame"
        row = bytearray(white)
        for n, m in enumerate(mods):
            if m == "1":
                row[left + n * px : left + (n + 1) * px] = b"\x00" * px
        top, bottom = band // 4, band * 3 // 4  # bars over the middle half of the band
        luma += b"".join(bytes(row) if top <= y < bottom else white for y in range(band))
    luma += white * (height - len(luma) // width)
    chroma = bytes([128]) * ((width // 2) * (height // 2) * 2)
    header = f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode()
    return header + (b"FRAME\n" + bytes(luma) + chroma) * frames


if __name__ == "__main__":
    *texts, path = [a for a in sys.argv[1:] if not a.startswith("--")]
    mods = [code128_modules(t) for t in texts]
    with open(path, "wb") as f:
        f.write(barcode_y4m(mods))
    print(f"{path}: {[len(m) for m in mods]} modules")
