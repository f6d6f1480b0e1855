"""Field types shared by the schemas: strict numbers, clean text."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, Strict
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


# JSON `"5"` or `5.5` for an integer field, or `"true"` for a boolean, is a client bug: refuse it.
StrictInt = Annotated[int, Strict()]
StrictBool = Annotated[bool, Strict()]
# A number in JSON (an integer is fine), never a string.
StrictFloat = Annotated[float, Strict()]
CleanStr = Annotated[str, AfterValidator(_no_nul)]


# Ids are 32-bit integer columns on PostgreSQL: a larger id cannot exist (and would overflow the driver).
MAX_ROW_ID = 2**31 - 1


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


class ReadOnlyEcho(SQLModel):
    """What GET returns but nobody writes: accepted in a body (so GET, edit, PUT works) and ignored.

    `id`, when sent, must be the row's own; `lib.versioned.check_echo` checks it against the URL.
    """

    id: StrictInt | None = Field(default=None, exclude=True)
    created_at: datetime | None = Field(default=None, exclude=True)
    updated_at: datetime | None = Field(default=None, exclude=True)
