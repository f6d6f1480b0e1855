"""Field types shared by the schemas: strict numbers, clean text."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Strict
from sqlalchemy import Enum as SAEnum


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# JSON `"5"` or `5.5` for an integer field, or `"true"` for a boolean, is a client bug: refuse it.
StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]
CleanStr = Annotated[str, AfterValidator(_no_nul)]


# Ids are 32-bit integer columns on PostgreSQL: a larger id cannot exist (and would overflow the driver).
MAX_INT32 = 2**31 - 1
MAX_ROW_ID = MAX_INT32

# Bodies are strict about dates too: pydantic's lax mode would read 0 or "1654646400" as a Unix time.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})")


def _iso_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("must be a date as YYYY-MM-DD")


def _rfc3339(value: object) -> object:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value
    if isinstance(value, str) and _RFC3339.fullmatch(value):
        return value
    raise ValueError("must be a date-time with its offset, as 2025-01-31T12:00:00Z")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime, BeforeValidator(_rfc3339)]


def is_row_id(value: object) -> bool:
    """Whether `value` can be the id of a stored row."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def enum_column(enum: type[Enum], name: str) -> SAEnum:
    """Store an enum as its value in a VARCHAR with a CHECK constraint; load it back as the enum."""
    return SAEnum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )
