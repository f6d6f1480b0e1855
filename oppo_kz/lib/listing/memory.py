"""The list grammar over a few rows computed in Python (e.g. the bonus months, derived from sales and
closed months): the same parsing, validation and errors as a SQL list, evaluated in memory.

MONTHS = spec_for_rows("bonus months", {"month": Kind.text, "closed": Kind.boolean}, key="month")
items, total = select_rows(MONTHS, parse_query(MONTHS, params), rows)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import column, table

from oppo_kz.lib.listing.query import Filter, ListQuery
from oppo_kz.lib.listing.spec import FieldSpec, Kind, ListSpec

Row = Mapping[str, Any]


def spec_for_rows(
    name: str, kinds: Mapping[str, Kind], *, key: str, default_sort: tuple[tuple[str, bool], ...] = ()
) -> ListSpec:
    """A list spec for rows with these fields; `key` is unique per row and breaks sort ties."""
    source = table(name.replace(" ", "_"), *(column(field) for field in kinds))
    fields = {
        field: FieldSpec(name=field, kind=kind, column=source.c[field], nullable=True)
        for field, kind in kinds.items()
    }
    return ListSpec(
        name=name,
        source=source,
        id_column=source.c[key],
        fields=fields,
        output=tuple(kinds),
        default_sort=default_sort or ((key, False),),
    )


def _contains(value: Any, wanted: Any) -> bool:
    return str(wanted).casefold() in str(value).casefold()


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": lambda value, wanted: bool(value == wanted),
    "ne": lambda value, wanted: bool(value != wanted),
    "in": lambda value, wanted: value in wanted,
    "gte": lambda value, wanted: bool(value >= wanted),
    "lte": lambda value, wanted: bool(value <= wanted),
    "between": lambda value, wanted: bool(wanted[0] <= value <= wanted[1]),
    "contains": _contains,
}


def _matches(row: Row, f: Filter) -> bool:
    value = row.get(f.field)
    # As in SQL, a null matches no condition.
    return value is not None and _TESTS[f.op](value, f.value)


def _sorted(spec: ListSpec, query: ListQuery, rows: list[Row]) -> list[Row]:
    keys = [(k.field, k.descending) for k in query.sort] or list(spec.default_sort)
    tie = str(spec.id_column.key)
    if tie not in {field for field, _ in keys}:
        keys.append((tie, False))
    # Stable sorts from the last key to the first; nulls last either way, as PostgreSQL sorts ascending.
    for field, descending in reversed(keys):
        present = [r for r in rows if r.get(field) is not None]
        missing = [r for r in rows if r.get(field) is None]
        rows = sorted(present, key=lambda r: r[field], reverse=descending) + missing
    return rows


def select_rows(spec: ListSpec, query: ListQuery, rows: Sequence[Row]) -> tuple[list[Row], int]:
    """The rows of the query's page (filtered, sorted) and how many match in all."""
    kept = [row for row in rows if all(_matches(row, f) for f in query.filters)]
    ordered = _sorted(spec, query, kept)
    start = (query.page - 1) * query.page_size
    return ordered[start : start + query.page_size], len(ordered)
