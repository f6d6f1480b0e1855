"""Typed filter values checked against their field: type, range, choices; the errors name the parameter."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from oppo_kz.core.errors import InvalidFilterError
from oppo_kz.lib.listing.spec import FieldSpec, Kind


def filter_error(parameter: str, message: str, **details: Any) -> InvalidFilterError:
    """The contract's 400 `invalid_filter`, naming the query parameter."""
    return InvalidFilterError(f"Filter {parameter!r}: {message}", details={"parameter": parameter, **details})


# --- parsing raw query strings -------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _check_text(spec: FieldSpec, value: Any, parameter: str, *, normalize: bool) -> str:
    if not isinstance(value, str):
        raise _wrong(spec, value, parameter, "text")
    if value == "":
        raise filter_error(parameter, "needs a value.", field=spec.name, value=value)
    if "\x00" in value:
        raise filter_error(parameter, "must not contain NUL characters.", field=spec.name)
    return spec.normalize(value) if normalize and spec.normalize else value


def _check_enum(spec: FieldSpec, value: Any, parameter: str) -> Any:
    text = getattr(value, "value", value)
    if text not in spec.choices:
        raise filter_error(
            parameter,
            f"{value!r} is not a valid {spec.name}; use one of {', '.join(spec.choices)}.",
            field=spec.name,
            value=_jsonable(value),
            allowed_values=list(spec.choices),
        )
    return spec.enum_class(text) if spec.enum_class is not None else text


def _wrong(spec: FieldSpec, value: Any, parameter: str, expected: str) -> InvalidFilterError:
    return filter_error(parameter, f"{value!r} is not {expected}.", field=spec.name, value=_jsonable(value))


def _check_integer(spec: FieldSpec, value: Any, parameter: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong(spec, value, parameter, "an integer")
    low, high = spec.int_range
    if not low <= value <= high:
        raise filter_error(
            parameter, f"{value} is out of range ({low} to {high}).", field=spec.name, value=str(value)
        )
    return value


def _check_number(spec: FieldSpec, value: Any, parameter: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _wrong(spec, value, parameter, "a number")
    return float(value)


def _check_boolean(spec: FieldSpec, value: Any, parameter: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong(spec, value, parameter, "true or false")
    return value


def _check_date(spec: FieldSpec, value: Any, parameter: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise _wrong(spec, value, parameter, "a date")
    return value


def _check_datetime(spec: FieldSpec, value: Any, parameter: str) -> datetime:
    if not isinstance(value, datetime):
        raise _wrong(spec, value, parameter, "a date-time")
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:59-05:00 is past the last moment Python can hold in UTC
        raise filter_error(
            parameter, f"{value.isoformat()} is out of range.", field=spec.name, value=value.isoformat()
        ) from None


_CHECKS: dict[Kind, Callable[[FieldSpec, Any, str], Any]] = {
    Kind.integer: _check_integer,
    Kind.number: _check_number,
    Kind.boolean: _check_boolean,
    Kind.date: _check_date,
    Kind.datetime: _check_datetime,
    Kind.enum: _check_enum,
}


def check_scalar(spec: FieldSpec, value: Any, parameter: str, *, normalize: bool = True) -> Any:
    """Check a typed value against the field's type and range, and return it normalised."""
    check = _CHECKS.get(spec.kind)
    if check is not None:
        return check(spec, value, parameter)
    return _check_text(spec, value, parameter, normalize=normalize)
