"""How numbers, money, dates and times read in each UI language (Babel's CLDR data), in TIMEZONE.

Money is whole tenge: `1 234 567 ₸` in every language (no-break spaces in ru/kk, as CLDR writes them;
English groups with commas and keeps the tenge sign). Dates are `01.12.2026` in ru/kk; en keeps the
same day-first numeric form, which is what people in Kazakhstan read whatever the UI language.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal

from oppo_kz.core.config import get_settings

LANGS: tuple[str, ...] = ("ru", "kk", "en")
DEFAULT_LANG = "ru"
# Plain `ru` writes KZT for the currency; the Kazakhstan locales write ₸. There is no en_KZ.
BABEL_LOCALES = {"ru": "ru_KZ", "kk": "kk_KZ", "en": "en"}
TENGE = "₸"
NBSP = "\u00a0"
DASH = "—"


def locale_of(lang: str) -> str:
    """The Babel locale for a UI language (unknown languages read as the default)."""
    return BABEL_LOCALES.get(lang, BABEL_LOCALES[DEFAULT_LANG])


def number(value: int | float | Decimal | None, lang: str = DEFAULT_LANG) -> str:
    """1234567 -> '1 234 567' (ru/kk, no-break spaces) or '1,234,567' (en)."""
    return DASH if value is None else format_decimal(value, locale=locale_of(lang))


def money(value: int | None, lang: str = DEFAULT_LANG) -> str:
    """Whole tenge: 1234567 -> '1 234 567 ₸' (no-break spaces)."""
    return DASH if value is None else f"{number(value, lang)}{NBSP}{TENGE}"


def percent(value: float | None, lang: str = DEFAULT_LANG) -> str:
    """87.5 -> '87,5 %' (ru/kk) or '87.5%' (en); one decimal."""
    if value is None:
        return DASH
    text = format_decimal(round(value, 1), format="#,##0.0", locale=locale_of(lang))
    return f"{text}%" if lang == "en" else f"{text}{NBSP}%"


def business_tz() -> ZoneInfo:
    """The zone business dates and shown times are in (TIMEZONE)."""
    return get_settings().tz


def local_date(moment: datetime) -> date:
    """The business day (in TIMEZONE) of an aware timestamp."""
    return moment.astimezone(business_tz()).date()


def day(value: date | str | None, lang: str = DEFAULT_LANG) -> str:
    """A date as '01.12.2026'."""
    if value is None or value == "":
        return DASH
    parsed = date.fromisoformat(value) if isinstance(value, str) else value
    return _babel_date(parsed, format="dd.MM.yyyy", locale=locale_of(lang))


def moment(value: datetime | str | None, lang: str = DEFAULT_LANG) -> str:
    """A timestamp in TIMEZONE as '01.12.2026 16:05'."""
    if value is None or value == "":
        return DASH
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return _babel_datetime(parsed, format="dd.MM.yyyy HH:mm", tzinfo=business_tz(), locale=locale_of(lang))


def file_stamp(value: datetime | None = None) -> str:
    """A timestamp in TIMEZONE for file names: '20261201-1530'."""
    from oppo_kz.core.db import utcnow

    return (value or utcnow()).astimezone(business_tz()).strftime("%Y%m%d-%H%M")
