"""The camera IMEI scanner: a client-only Reflex component around a local JSX file (bd_scanner.jsx).

It decodes Code 128 / EAN / ITF barcodes from the phone's rear camera with the `barcode-detector`
polyfill (zxing-wasm), whose wasm Vite bundles with the app — nothing comes from a CDN. The decoder is
a separate chunk, fetched the first time a scanner is shown; closing the scanner stops the camera.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import passthrough_event_spec

# rx.asset(shared=True) links the file into assets/external/<module path>/ at import time; the build
# copies assets/ into the web folder, and `importable_path` is what a component's `library` imports.
_JSX = rx.asset("bd_scanner.jsx", shared=True).importable_path
# An IMEI has 15 digits (ITF labels add a leading 0); other codes on a box (S/N, EAN) are skipped.
IMEI_PATTERN = r"^0?\d{15}$"


class BdScanner(rx.NoSSRComponent):
    library = _JSX
    tag = "BdScanner"
    # barcode-detector 3.2.2 inlines zxing-wasm 3.1.3's glue: the wasm imported must be that version.
    lib_dependencies: list[str] = ["barcode-detector@3.2.2", "zxing-wasm@3.1.3"]

    formats: rx.Var[list[str]]
    accept_pattern: rx.Var[str]
    facing_mode: rx.Var[str]
    scan_interval: rx.Var[int]
    # Reflex reads these annotations at run time (the JS arguments reach the handler by position);
    # mypy cannot evaluate a call inside a type, hence the two ignores.
    on_decode: rx.EventHandler[passthrough_event_spec(str)]  # type: ignore[type-arg, valid-type]
    on_error: rx.EventHandler[passthrough_event_spec(str, str)]  # type: ignore[type-arg, valid-type]


bd_scanner = BdScanner.create
