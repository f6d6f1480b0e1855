"""The seed catalogue: 200 realistic OPPO products (tenge prices), the same every time."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session, select

from oppo_kz.products.models import Category, Product

SEED_PRODUCT_COUNT = 200


@dataclass(frozen=True)
class Model:
    code: str
    name: str
    category: Category
    series: str
    launched: date
    variants: tuple[tuple[int | None, int | None, int], ...]  # (ram GB, storage GB, price KZT)
    colors: tuple[str, ...]
    active: bool = True


_S, _T, _W, _A, _X = (
    Category.smartphone,
    Category.tablet,
    Category.wearable,
    Category.audio,
    Category.accessory,
)

CATALOGUE: tuple[Model, ...] = (
    Model(
        "FINDN5",
        "OPPO Find N5",
        _S,
        "Find",
        date(2025, 2, 20),
        ((16, 512, 899_990),),
        ("Cosmic Black", "Misty White"),
    ),
    Model(
        "FINDX8P",
        "OPPO Find X8 Pro",
        _S,
        "Find",
        date(2024, 11, 21),
        ((16, 512, 649_990),),
        ("Space Black", "Pearl White"),
    ),
    Model(
        "FINDX8",
        "OPPO Find X8",
        _S,
        "Find",
        date(2024, 11, 21),
        ((12, 256, 469_990), (16, 512, 529_990)),
        ("Space Black", "Star Grey", "Bubble Blue"),
    ),
    Model(
        "FINDX7U",
        "OPPO Find X7 Ultra",
        _S,
        "Find",
        date(2024, 1, 12),
        ((16, 512, 549_990),),
        ("Ocean Blue", "Sepia Brown"),
    ),
    Model(
        "FINDN3F",
        "OPPO Find N3 Flip",
        _S,
        "Find",
        date(2023, 9, 1),
        ((12, 256, 399_990),),
        ("Sleek Black", "Misty Pink", "Cream Gold"),
        active=False,
    ),
    Model(
        "FINDX5P",
        "OPPO Find X5 Pro",
        _S,
        "Find",
        date(2022, 3, 14),
        ((12, 256, 399_990),),
        ("Glaze Black", "Ceramic White"),
        active=False,
    ),
    Model(
        "RENO14P",
        "OPPO Reno14 Pro 5G",
        _S,
        "Reno",
        date(2025, 7, 1),
        ((12, 512, 359_990),),
        ("Titanium Grey", "Opal White"),
    ),
    Model(
        "RENO14",
        "OPPO Reno14 5G",
        _S,
        "Reno",
        date(2025, 7, 1),
        ((12, 256, 279_990), (12, 512, 309_990)),
        ("Forest Green", "Opal White", "Titanium Grey"),
    ),
    Model(
        "RENO14F",
        "OPPO Reno14 F 5G",
        _S,
        "Reno",
        date(2025, 7, 1),
        ((8, 256, 189_990), (12, 512, 219_990)),
        ("Opal Blue", "Luminous Green"),
    ),
    Model(
        "RENO13P",
        "OPPO Reno13 Pro 5G",
        _S,
        "Reno",
        date(2025, 1, 20),
        ((12, 512, 329_990),),
        ("Graphite Grey", "Mist Lavender"),
    ),
    Model(
        "RENO13",
        "OPPO Reno13 5G",
        _S,
        "Reno",
        date(2025, 1, 20),
        ((12, 256, 249_990), (12, 512, 279_990)),
        ("Luminous Blue", "Ivory White"),
    ),
    Model(
        "RENO13F",
        "OPPO Reno13 F",
        _S,
        "Reno",
        date(2025, 2, 10),
        ((8, 256, 169_990),),
        ("Graphite Grey", "Plume Purple", "Skyline Blue"),
    ),
    Model(
        "RENO12P",
        "OPPO Reno12 Pro 5G",
        _S,
        "Reno",
        date(2024, 6, 18),
        ((12, 256, 269_990), (12, 512, 289_990)),
        ("Space Brown", "Nebula Silver"),
    ),
    Model(
        "RENO12",
        "OPPO Reno12 5G",
        _S,
        "Reno",
        date(2024, 6, 18),
        ((12, 256, 229_990),),
        ("Astro Silver", "Matte Brown"),
    ),
    Model(
        "RENO12F",
        "OPPO Reno12 F",
        _S,
        "Reno",
        date(2024, 7, 1),
        ((8, 256, 149_990),),
        ("Olive Green", "Matte Grey", "Amber Orange"),
    ),
    Model(
        "RENO11F",
        "OPPO Reno11 F 5G",
        _S,
        "Reno",
        date(2024, 2, 15),
        ((8, 256, 139_990),),
        ("Palm Green", "Ocean Blue", "Coral Purple"),
    ),
    Model(
        "RENO10",
        "OPPO Reno10 5G",
        _S,
        "Reno",
        date(2023, 7, 10),
        ((8, 256, 159_990),),
        ("Ice Blue", "Silvery Grey"),
        active=False,
    ),
    Model(
        "A5P",
        "OPPO A5 Pro",
        _S,
        "A",
        date(2025, 4, 15),
        ((8, 256, 139_990), (12, 256, 159_990)),
        ("Mocha Brown", "Olive Green", "Feather Blue"),
    ),
    Model(
        "A5",
        "OPPO A5",
        _S,
        "A",
        date(2025, 5, 10),
        ((6, 128, 89_990), (8, 256, 109_990)),
        ("Aurora Green", "Mist White", "Midnight Black"),
    ),
    Model(
        "A3X",
        "OPPO A3x",
        _S,
        "A",
        date(2024, 8, 20),
        ((4, 64, 59_990), (4, 128, 64_990)),
        ("Nebula Red", "Ocean Blue", "Sparkle Black"),
    ),
    Model(
        "A3P",
        "OPPO A3 Pro",
        _S,
        "A",
        date(2024, 6, 1),
        ((8, 256, 129_990),),
        ("Moonlight Purple", "Starry Black"),
    ),
    Model(
        "A60",
        "OPPO A60",
        _S,
        "A",
        date(2024, 4, 25),
        ((8, 128, 89_990), (8, 256, 99_990)),
        ("Midnight Purple", "Ripple Blue"),
    ),
    Model(
        "A40", "OPPO A40", _S, "A", date(2024, 9, 5), ((4, 128, 59_990),), ("Starry Purple", "Sparkle Black")
    ),
    Model(
        "A18",
        "OPPO A18",
        _S,
        "A",
        date(2023, 10, 5),
        ((4, 64, 49_990), (4, 128, 54_990)),
        ("Glowing Black", "Glowing Blue"),
    ),
    Model(
        "A98", "OPPO A98 5G", _S, "A", date(2023, 5, 20), ((8, 256, 129_990),), ("Cool Black", "Dreamy Blue")
    ),
    Model(
        "A79",
        "OPPO A79 5G",
        _S,
        "A",
        date(2023, 11, 1),
        ((8, 256, 109_990),),
        ("Glowing Green", "Mystery Black"),
    ),
    Model(
        "A38", "OPPO A38", _S, "A", date(2023, 9, 15), ((4, 128, 59_990),), ("Glowing Black", "Glowing Gold")
    ),
    Model("A78", "OPPO A78", _S, "A", date(2023, 3, 1), ((8, 256, 99_990),), ("Mist Black", "Aqua Green")),
    Model(
        "A57",
        "OPPO A57",
        _S,
        "A",
        date(2022, 6, 10),
        ((4, 64, 54_990),),
        ("Glowing Black", "Glowing Green"),
        active=False,
    ),
    Model(
        "K13", "OPPO K13 5G", _S, "K", date(2025, 4, 21), ((8, 256, 119_990),), ("Icy Purple", "Prism Black")
    ),
    Model(
        "K12X",
        "OPPO K12x 5G",
        _S,
        "K",
        date(2024, 8, 1),
        ((8, 256, 109_990),),
        ("Breeze Blue", "Midnight Violet"),
    ),
    Model(
        "PAD3P",
        "OPPO Pad 3 Pro",
        _T,
        "Pad",
        date(2025, 3, 1),
        ((12, 256, 299_990), (16, 512, 349_990)),
        ("Space Grey", "Starlight Silver"),
    ),
    Model(
        "PAD3",
        "OPPO Pad 3",
        _T,
        "Pad",
        date(2025, 6, 12),
        ((8, 128, 219_990), (8, 256, 239_990)),
        ("Starry Purple", "Misty Blue"),
    ),
    Model("PAD2", "OPPO Pad 2", _T, "Pad", date(2023, 7, 20), ((8, 256, 219_990),), ("Grey",)),
    Model(
        "PADNEO",
        "OPPO Pad Neo",
        _T,
        "Pad",
        date(2024, 1, 30),
        ((6, 128, 129_990), (8, 128, 139_990)),
        ("Space Grey",),
    ),
    Model("PADAIR2", "OPPO Pad Air2", _T, "Pad", date(2023, 11, 1), ((8, 128, 119_990),), ("Grey", "Silver")),
    Model(
        "PADSE",
        "OPPO Pad SE",
        _T,
        "Pad",
        date(2024, 11, 5),
        ((4, 128, 84_990), (6, 128, 94_990)),
        ("Night Blue", "Starlight Silver"),
    ),
    Model(
        "WATCHX2",
        "OPPO Watch X2",
        _W,
        "Watch",
        date(2025, 3, 25),
        ((None, None, 119_990),),
        ("Black Steel", "Brown Leather"),
    ),
    Model(
        "WATCHX2M",
        "OPPO Watch X2 Mini",
        _W,
        "Watch",
        date(2025, 4, 10),
        ((None, None, 89_990),),
        ("Black", "Pink"),
    ),
    Model(
        "WATCHX",
        "OPPO Watch X",
        _W,
        "Watch",
        date(2024, 4, 15),
        ((None, None, 99_990),),
        ("Platinum Black", "Mars Brown"),
    ),
    Model(
        "WATCHFREE",
        "OPPO Watch Free",
        _W,
        "Watch",
        date(2023, 2, 1),
        ((None, None, 34_990),),
        ("Black", "Vanilla"),
    ),
    Model(
        "BAND2",
        "OPPO Band 2",
        _W,
        "Watch",
        date(2023, 1, 15),
        ((None, None, 24_990),),
        ("Matcha Green", "Lake Blue", "Black"),
    ),
    Model(
        "ENCOX3", "OPPO Enco X3", _A, "Enco", date(2025, 2, 1), ((None, None, 69_990),), ("Black", "White")
    ),
    Model(
        "ENCOCLIP",
        "OPPO Enco Clip",
        _A,
        "Enco",
        date(2025, 3, 3),
        ((None, None, 49_990),),
        ("Black", "White"),
    ),
    Model(
        "ENCOX2",
        "OPPO Enco X2",
        _A,
        "Enco",
        date(2023, 1, 10),
        ((None, None, 59_990),),
        ("Black", "White"),
        active=False,
    ),
    Model(
        "ENCOAIR4P",
        "OPPO Enco Air4 Pro",
        _A,
        "Enco",
        date(2024, 9, 10),
        ((None, None, 29_990),),
        ("Moonlight White", "Black"),
    ),
    Model(
        "ENCOAIR4",
        "OPPO Enco Air4",
        _A,
        "Enco",
        date(2024, 9, 10),
        ((None, None, 22_990),),
        ("Misty White", "Cyan Blue"),
    ),
    Model(
        "ENCOFREE4",
        "OPPO Enco Free4",
        _A,
        "Enco",
        date(2025, 4, 2),
        ((None, None, 39_990),),
        ("Black", "White"),
    ),
    Model(
        "ENCOBUDS2P",
        "OPPO Enco Buds2 Pro",
        _A,
        "Enco",
        date(2023, 10, 1),
        ((None, None, 16_990),),
        ("Graphite", "White"),
    ),
    Model(
        "ENCOBUDS2",
        "OPPO Enco Buds2",
        _A,
        "Enco",
        date(2022, 11, 1),
        ((None, None, 12_990),),
        ("Midnight", "Star White"),
    ),
    Model(
        "SVOOC100W",
        "OPPO SUPERVOOC 100W Charger",
        _X,
        "SUPERVOOC",
        date(2024, 5, 1),
        ((None, None, 19_990),),
        ("White",),
    ),
    Model(
        "SVOOC80W",
        "OPPO SUPERVOOC 80W Charger",
        _X,
        "SUPERVOOC",
        date(2023, 6, 1),
        ((None, None, 14_990),),
        ("White",),
    ),
    Model(
        "SVOOC67W",
        "OPPO SUPERVOOC 67W Charger",
        _X,
        "SUPERVOOC",
        date(2023, 3, 1),
        ((None, None, 11_990),),
        ("White",),
    ),
    Model(
        "SVOOC45W",
        "OPPO SUPERVOOC 45W Charger",
        _X,
        "SUPERVOOC",
        date(2023, 3, 1),
        ((None, None, 9_990),),
        ("White",),
    ),
    Model(
        "SVOOC33W",
        "OPPO SUPERVOOC 33W Charger",
        _X,
        "SUPERVOOC",
        date(2022, 5, 1),
        ((None, None, 7_990),),
        ("White",),
    ),
    Model(
        "AIRVOOC50",
        "OPPO AIRVOOC 50W Wireless Charger",
        _X,
        "AIRVOOC",
        date(2023, 4, 1),
        ((None, None, 24_990),),
        ("White",),
    ),
    Model(
        "CAR45W",
        "OPPO 45W Car Charger",
        _X,
        "SUPERVOOC",
        date(2023, 9, 1),
        ((None, None, 9_990),),
        ("Black",),
    ),
    Model(
        "PB10K",
        "OPPO 10000mAh Power Bank 33W",
        _X,
        "SUPERVOOC",
        date(2023, 8, 1),
        ((None, None, 14_990),),
        ("White", "Black"),
    ),
    Model(
        "CABLEC1M", "OPPO USB-C Cable 1 m", _X, "Cable", date(2022, 1, 1), ((None, None, 3_990),), ("White",)
    ),
    Model(
        "TRIPOD",
        "OPPO Selfie Stick Tripod",
        _X,
        "Accessories",
        date(2022, 4, 1),
        ((None, None, 9_990),),
        ("Black", "White"),
    ),
    Model(
        "CABLEC2M", "OPPO USB-C Cable 2 m", _X, "Cable", date(2022, 1, 1), ((None, None, 4_990),), ("White",)
    ),
)

# Cases and screen protectors for the phones people buy most, to reach a realistic accessory share.
CASE_FOR = (
    "RENO14P",
    "RENO14",
    "RENO14F",
    "RENO13",
    "RENO13F",
    "RENO12F",
    "A5P",
    "A5",
    "A3X",
    "A60",
    "FINDX8",
    "FINDX8P",
)
CASE_COLORS = ("Clear", "Black", "Blue")


def _stable_int(key: str, low: int, high: int) -> int:
    digest = hashlib.sha256(key.encode()).digest()
    return low + int.from_bytes(digest[:4], "big") % (high - low + 1)


def _color_code(color: str) -> str:
    return "".join(word[:3] for word in color.split()).upper()


def _memory_label(ram: int | None, storage: int | None) -> str:
    return f" {ram}/{storage} GB" if ram and storage else ""


def catalogue_products() -> list[dict[str, Any]]:
    """The seed products as plain dicts, always the same ones in the same order."""
    rows: list[dict[str, Any]] = []
    by_code = {model.code: model for model in CATALOGUE}
    for model in CATALOGUE:
        for ram, storage, price in model.variants:
            for color in model.colors:
                memory = f"-{ram}-{storage}" if ram and storage else ""
                sku = f"{model.code}{memory}-{_color_code(color)}"
                rows.append(
                    {
                        "sku": sku,
                        "name": f"{model.name}{_memory_label(ram, storage)}, {color}",
                        "category": model.category,
                        "series": model.series,
                        "color": color,
                        "ram_gb": ram,
                        "storage_gb": storage,
                        "price": price,
                        "stock": 0 if not model.active else _stable_int(sku, 0, 240),
                        "is_active": model.active,
                        "launch_date": model.launched,
                    }
                )
    for code in CASE_FOR:
        phone = by_code[code]
        for color in CASE_COLORS:
            for kind, price in (("Case", 6_990), ("Tempered Glass", 3_990)):
                if kind == "Tempered Glass" and color != "Clear":
                    continue
                sku = f"{'CASE' if kind == 'Case' else 'GLASS'}-{code}-{_color_code(color)}"
                rows.append(
                    {
                        "sku": sku,
                        "name": f"{kind} for {phone.name.removeprefix('OPPO ')}, {color}",
                        "category": Category.accessory,
                        "series": phone.series,
                        "color": color,
                        "ram_gb": None,
                        "storage_gb": None,
                        "price": price + (1_000 if phone.series == "Find" else 0),
                        "stock": _stable_int(sku, 5, 400),
                        "is_active": True,
                        "launch_date": phone.launched,
                    }
                )
    if len(rows) < SEED_PRODUCT_COUNT or len({row["sku"] for row in rows}) != len(rows):
        raise RuntimeError("the seed catalogue must hold at least 200 products with distinct SKUs")
    return rows[:SEED_PRODUCT_COUNT]


def seed_products(session: Session) -> int:
    """Add the seed products that are missing (by SKU); return how many were added. The caller commits."""
    existing_skus = set(session.exec(select(Product.sku)).all())
    added = 0
    for row in catalogue_products():
        if row["sku"] not in existing_skus:
            session.add(Product(**row))
            added += 1
    return added
