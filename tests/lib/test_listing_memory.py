"""The list grammar over rows in memory (lib/listing/memory.py): the same errors as a SQL list, SQL's
null semantics, sort ties broken by the key, paging."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from oppo_kz.core.errors import InvalidFilterError, InvalidSortError
from oppo_kz.lib.listing import Kind, parse_query
from oppo_kz.lib.listing.memory import select_rows, spec_for_rows

SPEC = spec_for_rows(
    "things", {"key": Kind.text, "n": Kind.integer, "at": Kind.datetime, "on": Kind.boolean}, key="key"
)
ROWS: list[dict[str, Any]] = [
    {"key": "b", "n": 2, "at": datetime(2025, 1, 2, tzinfo=UTC), "on": True},
    {"key": "a", "n": 2, "at": None, "on": False},
    {"key": "c", "n": None, "at": datetime(2025, 1, 1, tzinfo=UTC), "on": True},
]


def keys(params: list[tuple[str, str]]) -> tuple[list[str], int]:
    items, total = select_rows(SPEC, parse_query(SPEC, params), ROWS)
    return [str(r["key"]) for r in items], total


def test_filters_sort_and_page_like_a_sql_list() -> None:
    assert keys([]) == (["a", "b", "c"], 3)  # the key's order by default
    assert keys([("n", "2")]) == (["a", "b"], 2)
    assert keys([("n__ne", "2")]) == ([], 0)  # a null matches nothing, as in SQL
    assert keys([("on", "true"), ("at__gte", "2025-01-02T00:00:00Z")]) == (["b"], 1)
    assert keys([("key__in", "a,c")]) == (["a", "c"], 2)
    assert keys([("key__contains", "B")]) == (["b"], 1)
    assert keys([("n__between", "1,2")]) == (["a", "b"], 2)
    assert keys([("sort", "-n")]) == (["a", "b", "c"], 3)  # ties by key, nulls last
    assert keys([("sort", "at")]) == (["c", "b", "a"], 3)
    assert keys([("sort", "-key"), ("page", "2"), ("page_size", "2")]) == (["a"], 3)


@pytest.mark.parametrize("params", [[("nope", "1")], [("on", "maybe")], [("n__contains", "1")], [("q", "x")]])
def test_bad_filters_are_refused(params: list[tuple[str, str]]) -> None:
    with pytest.raises(InvalidFilterError):
        parse_query(SPEC, params)


def test_a_bad_sort_is_refused() -> None:
    with pytest.raises(InvalidSortError):
        parse_query(SPEC, [("sort", "nope")])
