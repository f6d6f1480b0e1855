"""A list query (filters, sort, page, search) parsed from a query string or built in code, and validated.

Both paths end in `validate_query`, so a query the UI builds is held to the same rules as a URL, and
every mistake is the contract's 400 `invalid_filter` / `invalid_sort` (or 422 for paging) naming it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from oppo_kz.core.errors import InvalidFilterError, InvalidSortError, ValidationFailedError
from oppo_kz.core.types import SPACES
from oppo_kz.lib.listing.spec import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    OPERATORS,
    RESERVED_PARAMETERS,
    FieldSpec,
    Kind,
    ListSpec,
)
from oppo_kz.lib.listing.values import check_scalar, filter_error

MAX_PAGE = 2**31 - 1
MAX_IN_VALUES = 500
_INT_RE = re.compile(r"^[+-]?[0-9]+$")
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class Filter:
    """One condition: `field` `op` `value`, the value already typed (between: (a, b); in: a tuple)."""

    field: str
    op: str
    value: Any

    @property
    def parameter(self) -> str:
        """The query-string name of this filter, e.g. `price__between`."""
        return self.field if self.op == "eq" else f"{self.field}__{self.op}"


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class ListQuery:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: tuple[SortKey, ...] = ()
    filters: tuple[Filter, ...] = ()
    q: str | None = None


def _parse_integer(raw: str, parameter: str, field: str) -> int:
    if not _INT_RE.match(raw.strip(SPACES)):
        raise filter_error(parameter, f"{raw!r} is not an integer.", field=field, value=raw)
    return int(raw)


def _parse_number(raw: str, parameter: str, field: str) -> float:
    try:
        number = float(raw.strip(SPACES))
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise filter_error(parameter, f"{raw!r} is not a finite number.", field=field, value=raw)
    return number


def _parse_boolean(raw: str, parameter: str, field: str) -> bool:
    lowered = raw.strip(SPACES).lower()
    if lowered not in ("true", "false"):
        raise filter_error(parameter, f"{raw!r} is not true or false.", field=field, value=raw)
    return lowered == "true"


def _parse_enum(raw: str, _parameter: str, _field: str) -> str:
    return raw.strip(SPACES).lower()  # checked against the choices by the validator


def _parse_scalar(spec: FieldSpec, raw: str, parameter: str) -> Any:
    """Turn one raw string into the field's Python type, or raise `InvalidFilterError`."""
    if raw == "":
        raise filter_error(parameter, "needs a value.", field=spec.name, value=raw)
    parse = _PARSERS.get(spec.kind)
    return raw if parse is None else parse(raw, parameter, spec.name)


def _parse_date(raw: str, parameter: str, field: str) -> date:
    text = raw.strip(SPACES)
    try:
        if not _DATE_RE.fullmatch(text):  # fromisoformat also takes 20250131 and 2025-W05-1
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise filter_error(
            parameter, f"{raw!r} is not an ISO date (YYYY-MM-DD).", field=field, value=raw
        ) from None


def _parse_datetime(raw: str, parameter: str, field: str) -> datetime:
    text = raw.strip()
    candidates = [text]
    # An unencoded "+05:00" arrives as " 05:00": a query string turns "+" into a space.
    if " " in text:
        head, _, tail = text.rpartition(" ")
        candidates.append(f"{head}+{tail}")
    for candidate in candidates:
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            continue
    raise filter_error(
        parameter, f"{raw!r} is not an ISO date-time (e.g. 2025-01-31T12:00:00Z).", field=field, value=raw
    )


_PARSERS: dict[Kind, Callable[[str, str, str], Any]] = {
    Kind.integer: _parse_integer,
    Kind.number: _parse_number,
    Kind.boolean: _parse_boolean,
    Kind.date: _parse_date,
    Kind.datetime: _parse_datetime,
    Kind.enum: _parse_enum,
}


def parse_filter(spec: ListSpec, key: str, raw: str) -> Filter:
    """One `field__op=value` pair as a typed `Filter` (validated later by `validate_query`)."""
    name, sep, op = key.rpartition("__")
    if not sep:
        name, op = key, "eq"
    if op not in OPERATORS:
        raise filter_error(key, f"unknown operator {op!r}.", operator=op, allowed_operators=list(OPERATORS))
    field = spec.fields.get(name)
    if field is None:
        raise filter_error(key, f"unknown field {name!r}.", field=name, allowed_fields=list(spec.fields))
    if op not in field.operators:
        return Filter(name, op, raw)  # the validator names the allowed operators
    value: Any
    if op == "between":
        parts = raw.split(",")
        if len(parts) != 2:
            raise filter_error(key, "needs two values: low,high.", field=name, value=raw)
        value = (_parse_scalar(field, parts[0], key), _parse_scalar(field, parts[1], key))
    elif op == "in":
        value = tuple(_parse_scalar(field, part, key) for part in raw.split(","))
    else:
        value = _parse_scalar(field, raw, key)
    return Filter(name, op, value)


def _parse_int_parameter(name: str, raw: str) -> int:
    if not _INT_RE.match(raw.strip(SPACES)):
        raise ValidationFailedError(
            [{"field": name, "message": f"{name} must be a whole number, not {raw!r}."}],
            f"The {name} parameter is not valid.",
        )
    return int(raw)


def _parse_sort(raw: str) -> tuple[SortKey, ...]:
    if raw.strip() == "":
        return ()
    keys = []
    for item in raw.split(","):
        text = item.strip(SPACES)
        descending = text.startswith("-")
        name = text[1:] if text[:1] in ("+", "-") else text
        keys.append(SortKey(name if name else item, descending))
    return tuple(keys)


def _repeated(key: str) -> Exception:
    message = f"The {key} parameter is given more than once."
    if key == "sort":
        return InvalidSortError(message, details={"parameter": "sort"})
    if key == "q":
        return InvalidFilterError(message, details={"parameter": "q"})
    return ValidationFailedError([{"field": key, "message": message}], message)


def parse_query(spec: ListSpec, params: Iterable[tuple[str, str]]) -> ListQuery:
    """Build a validated `ListQuery` from raw query-string pairs (repeated filters are ANDed)."""
    seen: dict[str, str] = {}
    filters: list[Filter] = []
    for key, raw in params:
        if key in RESERVED_PARAMETERS:
            if key in seen:
                raise _repeated(key)
            seen[key] = raw
        else:
            filters.append(parse_filter(spec, key, raw))
    query = ListQuery(
        page=_parse_int_parameter("page", seen["page"]) if "page" in seen else 1,
        page_size=(
            _parse_int_parameter("page_size", seen["page_size"]) if "page_size" in seen else DEFAULT_PAGE_SIZE
        ),
        sort=_parse_sort(seen.get("sort", "")),
        filters=tuple(filters),
        q=seen.get("q"),
    )
    return validate_query(spec, query)


# --- validating (for queries built in code as well) -----------------------------------------------


def _check_operator(spec: ListSpec, f: Filter) -> FieldSpec:
    parameter = f.parameter
    if f.op not in OPERATORS:
        raise filter_error(
            parameter, f"unknown operator {f.op!r}.", operator=f.op, allowed_operators=list(OPERATORS)
        )
    field = spec.fields.get(f.field)
    if field is None:
        raise filter_error(
            parameter, f"unknown field {f.field!r}.", field=f.field, allowed_fields=list(spec.fields)
        )
    if f.op not in field.operators:
        allowed = [op for op in OPERATORS if op in field.operators]
        raise filter_error(
            parameter,
            f"the operator {f.op!r} does not apply to {f.field} ({field.kind.value}); use {', '.join(allowed)}.",
            field=f.field,
            operator=f.op,
            allowed_operators=allowed,
        )
    return field


def validate_filter(spec: ListSpec, f: Filter) -> Filter:
    """Check one filter's field, operator and value(s); return it with values normalised."""
    field = _check_operator(spec, f)
    parameter = f.parameter
    value: Any
    if f.op == "between":
        if not isinstance(f.value, tuple | list) or len(f.value) != 2:
            raise filter_error(parameter, "needs two values: (low, high).", field=f.field)
        value = tuple(check_scalar(field, v, parameter) for v in f.value)
    elif f.op == "in":
        if not isinstance(f.value, tuple | list | set | frozenset) or not f.value:
            raise filter_error(parameter, "needs one or more values.", field=f.field)
        if len(f.value) > MAX_IN_VALUES:
            raise filter_error(parameter, f"takes at most {MAX_IN_VALUES} values.", field=f.field)
        value = tuple(check_scalar(field, v, parameter) for v in f.value)
    else:
        # contains is case-insensitive already: keep the user's text as it is
        value = check_scalar(field, f.value, parameter, normalize=f.op != "contains")
    return f if value == f.value and type(value) is type(f.value) else replace(f, value=value)


def _check_paging(query: ListQuery) -> None:
    errors = []
    page, size = query.page, query.page_size
    if isinstance(page, bool) or not isinstance(page, int) or not 1 <= page <= MAX_PAGE:
        errors.append({"field": "page", "message": f"page must be a whole number from 1 to {MAX_PAGE}."})
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        errors.append(
            {"field": "page_size", "message": f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}."}
        )
    if errors:
        raise ValidationFailedError(errors, "The paging parameters are not valid.")


def _check_sort(spec: ListSpec, sort: tuple[SortKey, ...]) -> tuple[SortKey, ...]:
    """The sort keys, each field once: `price,-price` orders by price (SQL would do the same)."""
    allowed = spec.sortable
    kept: dict[str, SortKey] = {}
    for key in sort:
        if key.field not in allowed:
            raise InvalidSortError(
                f"Sort {key.field!r}: unknown field; sort by {', '.join(allowed)}.",
                details={"parameter": "sort", "field": key.field, "allowed": list(allowed)},
            )
        kept.setdefault(key.field, key)
    return tuple(kept.values())


def _check_q(q: Any) -> str | None:
    if q is None:
        return None
    if not isinstance(q, str):
        raise InvalidFilterError("The search text q must be text.", details={"parameter": "q"})
    if "\x00" in q:
        raise InvalidFilterError(
            "The search text q must not contain NUL characters.", details={"parameter": "q"}
        )
    return q.strip() or None


def validate_query(spec: ListSpec, query: ListQuery) -> ListQuery:
    """Check a query built in code or parsed from a URL; return it with values normalised."""
    _check_paging(query)
    sort = _check_sort(spec, query.sort)
    q = _check_q(query.q)
    if q is not None and spec.search is None:
        raise InvalidFilterError(f"The {spec.name} list has no text search.", details={"parameter": "q"})
    filters = tuple(validate_filter(spec, f) for f in query.filters)
    if filters == query.filters and q == query.q and sort == query.sort:
        return query
    return replace(query, filters=filters, q=q, sort=sort)
