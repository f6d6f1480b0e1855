"""Catalog texts whose key a handler chose at run time (an error, a status), in the tab's language."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.lib.formatting import LANGS
from oppo_kz.ui.i18n import I18nState, catalogs


def keyed_text(key: Any, prefix: str) -> Any:
    """The text of the catalog key in `key` (a state var), one of the keys starting with `prefix`.

    The page carries the texts of those keys only (a small table), so keep prefixes narrow.
    """
    table = {lang: {k: v for k, v in catalogs()[lang].items() if k.startswith(prefix)} for lang in LANGS}
    return rx.Var.create(table)[I18nState.lang][key]
