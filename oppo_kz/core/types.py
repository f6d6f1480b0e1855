"""Field types shared by the schemas: strict numbers, clean text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, GetJsonSchemaHandler, Strict
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

# Leading and trailing whitespace that text fields trim: ASCII only, so that the documented pattern
# means the same in every regex engine (Python's str.strip() also takes \x1c-\x1f and Unicode spaces).
SPACES = " \t\n\v\f\r"
SPACE_CLASS = r"\t\n\v\f\r "
NO_NUL_PATTERN = r"^[^\x00]*$"
SOME_TEXT_PATTERN = rf"^[^\x00]*[^\x00{SPACE_CLASS}][^\x00]*$"


def _integral(value: object) -> object:
    # JSON Schema's `integer` includes 5.0; 5.5, "5" and true stay refused by the strict check.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True, slots=True)
class Text:
    """A text field as the API documents it and the server checks it, both from one description.

    `max_length` (and `min_length`) count the text as sent; NUL, which PostgreSQL cannot store, is
    refused; with `trim`, ASCII spaces around it are removed; `require_text` refuses a blank value;
    `pattern` is what the trimmed text must match (documented with the spaces around it allowed).
    """

    max_length: int
    min_length: int = 0
    trim: bool = True
    require_text: bool = False
    pattern: str | None = None
    message: str = "is not in the expected form"

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        raw = core_schema.str_schema(max_length=self.max_length, min_length=self.min_length or None)
        return core_schema.no_info_after_validator_function(self._clean, raw)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        documented: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.min_length or self.require_text:
            documented["minLength"] = max(self.min_length, 1)
        if self.pattern is not None:
            documented["pattern"] = rf"^[{SPACE_CLASS}]*{self.pattern}[{SPACE_CLASS}]*$"
        else:
            documented["pattern"] = SOME_TEXT_PATTERN if self.require_text else NO_NUL_PATTERN
        return documented

    def _clean(self, value: str) -> str:
        # Typed errors, so that forms can word them for people (`ui.validation`): blank is "required".
        if "\x00" in value:
            raise PydanticCustomError("string_nul", "must not contain NUL characters")
        cleaned = value.strip(SPACES) if self.trim else value
        blank = not cleaned.strip(SPACES)
        if self.require_text and blank:
            raise PydanticCustomError("string_blank", "must not be blank")
        if self.pattern is not None and not re.fullmatch(self.pattern, cleaned):
            if blank:  # an empty SKU is a missing one, not a badly written one
                raise PydanticCustomError("string_blank", f"must not be blank: {self.message}")
            raise PydanticCustomError("string_pattern_mismatch", self.message)
        return cleaned


def not_null(schema: dict[str, Any]) -> None:
    """`json_schema_extra` for an optional field that may be left out but not sent as null (PATCH)."""
    branches = schema.pop("anyOf", None)
    if branches is not None:
        kept = [b for b in branches if b.get("type") != "null"]
        schema.update(kept[0] if len(kept) == 1 else {"anyOf": kept})
    schema.pop("default", None)


@dataclass(frozen=True, slots=True)
class Whole:
    """A whole number from `low` to `high`: JSON `5` (and `5.0`, an integer to JSON Schema too);
    `"5"`, `5.5` and `true` are client bugs and refused. The range is documented as checked."""

    low: int
    high: int

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        number = core_schema.int_schema(strict=True, ge=self.low, le=self.high)
        return core_schema.no_info_before_validator_function(_integral, number)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "integer", "minimum": self.low, "maximum": self.high}


@dataclass(frozen=True, slots=True)
class Number:
    """A JSON number from `low` to `high` (an integer is fine); `"5"` and `true` are refused."""

    low: float
    high: float

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.float_schema(strict=True, ge=self.low, le=self.high, allow_inf_nan=False)

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "number", "minimum": self.low, "maximum": self.high}


# JSON `"true"` for a boolean is a client bug: refuse it.
StrictBool = Annotated[bool, Strict()]


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


RowId = Annotated[int, Whole(1, MAX_ROW_ID)]
Version = Annotated[int, Whole(1, MAX_INT32)]
# Read-only fields a GET returns: a client may send them back unchanged (the server checks), so
# the documentation marks them readOnly rather than leaving them out.
_READ_ONLY: dict[str, Any] = {"readOnly": True}


def read_only_echo() -> Any:
    """A field GET returns and a body may echo: documented readOnly, ignored when written."""
    return Field(default=None, exclude=True, schema_extra={"json_schema_extra": _READ_ONLY})


def required(**kwargs: Any) -> Any:
    """A PATCH field that may be left out but not sent as null (it would erase a required value)."""
    return Field(default=None, schema_extra={"json_schema_extra": not_null}, **kwargs)


class ReadOnlyEcho(SQLModel):
    """What GET returns but nobody writes: accepted in a body (so GET, edit, PUT works) and ignored.

    `id`, when sent, must be the row's own; `lib.versioned.check_echo` checks it against the URL.
    """

    id: RowId | None = read_only_echo()
    created_at: IsoDateTime | None = read_only_echo()
    updated_at: IsoDateTime | None = read_only_echo()
