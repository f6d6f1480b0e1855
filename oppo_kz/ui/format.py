"""UI-only readings of values on top of `lib/formatting` (Babel): memory sizes, and whole numbers typed
the way people write them ('199 990')."""

from __future__ import annotations

from oppo_kz.lib import formatting
from oppo_kz.ui.i18n import tr


def memory(ram_gb: int | None, storage_gb: int | None, lang: str = formatting.DEFAULT_LANG) -> str:
    """'8/256 ГБ' (RAM/storage), '256 ГБ', or a dash."""
    unit = tr(lang, "unit.gb")
    if ram_gb and storage_gb:
        return f"{ram_gb}/{storage_gb}{formatting.NBSP}{unit}"
    if storage_gb:
        return f"{storage_gb}{formatting.NBSP}{unit}"
    return formatting.DASH


def parse_whole_number(text: str) -> int:
    """'199 990', '199,990' (en grouping) or '199990' -> 199990; raises ValueError for anything else."""
    cleaned = text.strip().replace(" ", "").replace(formatting.NBSP, "").replace("\u202f", "")
    cleaned = cleaned.removesuffix(formatting.TENGE)
    if "," in cleaned and all(len(part) == 3 for part in cleaned.split(",")[1:]):
        cleaned = cleaned.replace(",", "")
    if not cleaned or not (cleaned.isdigit() or (cleaned[0] == "-" and cleaned[1:].isdigit())):
        raise ValueError(text)
    return int(cleaned)
