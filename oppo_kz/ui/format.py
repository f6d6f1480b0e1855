"""How values read in the UI: tenge, memory, dates (Kazakhstan conventions)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

# Kazakhstan has used one time zone, UTC+5, since March 2024.
KZ_TIME = timezone(timedelta(hours=5), "KZT")


def group_thousands(value: int) -> str:
    """199990 -> '199 990' (a space between groups, as written in Kazakhstan)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", " ")


def format_tenge(value: int | None) -> str:
    """199990 -> '199 990 ₸'."""
    return "—" if value is None else f"{group_thousands(value)} ₸"


def format_memory(ram_gb: int | None, storage_gb: int | None) -> str:
    if ram_gb and storage_gb:
        return f"{ram_gb}/{storage_gb} GB"
    if storage_gb:
        return f"{storage_gb} GB"
    return "—"


def format_datetime(value: datetime | str | None) -> str:
    """A timestamp in Kazakhstan time: '27.11.2026 16:05'."""
    if value is None or value == "":
        return "—"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(KZ_TIME).strftime("%d.%m.%Y %H:%M")


def format_date(value: date | str | None) -> str:
    if value is None or value == "":
        return "—"
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return day.strftime("%d.%m.%Y")


def parse_whole_number(text: str) -> int:
    """'199 990' or '199990' -> 199990; raises ValueError for anything else."""
    cleaned = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("₸", "")
    if not cleaned or not (cleaned.isdigit() or (cleaned[0] == "-" and cleaned[1:].isdigit())):
        raise ValueError(text)
    return int(cleaned)
