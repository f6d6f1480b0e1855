"""Catalog texts whose key a handler chose at run time (an error, a status), in the tab's language."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.lib.formatting import LANGS
from oppo_kz.ui.i18n import I18nState, catalogs


def keyed_text(code: Any, prefix: str) -> Any:
    """The text of the catalog key `prefix + code`, where `code` (a state var) names one of the keys
    starting with `prefix` ("sales.error." + "imei_taken"); an unknown code reads as `prefix + "generic"`
    when the catalog has one.

    The page carries the texts of those keys only (a small table), so keep prefixes narrow.
    """
    table = {
        lang: {k.removeprefix(prefix): v for k, v in catalogs()[lang].items() if k.startswith(prefix)}
        for lang in LANGS
    }
    texts = rx.Var.create(table)[I18nState.lang]
    if all("generic" in keys for keys in table.values()):
        # A code without its own text (an unexpected refusal) still says something.
        return rx.cond(texts[code], texts[code], texts["generic"])
    return texts[code]
