"""The list engine's query grammar, through the products spec: parsing and validation (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from oppo_kz.core.errors import (
    InvalidFilterError,
    InvalidSortError,
    ValidationFailedError,
)
from oppo_kz.lib.listing import Filter, ListQuery, SortKey, validate_query
from oppo_kz.products import service as products
from oppo_kz.products.models import Category, ProductCreate
from oppo_kz.products.service import parse_query

# --- parsing (no database) ---------------------------------------------------------------------------


def test_defaults() -> None:
    assert parse_query([]) == ListQuery(page=1, page_size=20, sort=(), filters=(), q=None)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("price", "5")], Filter("price", "eq", 5)),
        ([("price__eq", "-5")], Filter("price", "eq", -5)),
        ([("price__ne", "5")], Filter("price", "ne", 5)),
        ([("price__gte", "5")], Filter("price", "gte", 5)),
        ([("price__lte", "5")], Filter("price", "lte", 5)),
        ([("price__between", "5,10")], Filter("price", "between", (5, 10))),
        ([("ram_gb__in", "8,12,16")], Filter("ram_gb", "in", (8, 12, 16))),
        ([("name__contains", "Reno")], Filter("name", "contains", "Reno")),
        ([("series__in", "Reno,Find")], Filter("series", "in", ("Reno", "Find"))),
        ([("sku", "abc-1")], Filter("sku", "eq", "ABC-1")),
        ([("sku__contains", "abc")], Filter("sku", "contains", "abc")),
        ([("category", "Tablet")], Filter("category", "eq", Category.tablet)),
        ([("category__in", "audio,tablet")], Filter("category", "in", (Category.audio, Category.tablet))),
        ([("is_active", "true")], Filter("is_active", "eq", True)),
        ([("is_active", "FALSE")], Filter("is_active", "eq", False)),
        ([("launch_date__gte", "2025-01-31")], Filter("launch_date", "gte", date(2025, 1, 31))),
        (
            [("launch_date__between", "2025-01-01,2025-12-31")],
            Filter("launch_date", "between", (date(2025, 1, 1), date(2025, 12, 31))),
        ),
        (
            [("created_at__gte", "2025-01-31T12:00:00Z")],
            Filter("created_at", "gte", datetime(2025, 1, 31, 12, tzinfo=UTC)),
        ),
        (
            # an unencoded "+05:00" arrives as " 05:00"
            [("updated_at__lte", "2025-01-31T17:00:00 05:00")],
            Filter("updated_at", "lte", datetime(2025, 1, 31, 12, tzinfo=UTC)),
        ),
        (
            [("created_at__lte", "2025-01-31T12:00:00")],  # naive means UTC
            Filter("created_at", "lte", datetime(2025, 1, 31, 12, tzinfo=UTC)),
        ),
    ],
)
def test_parse_filter(params: list[tuple[str, str]], expected: Filter) -> None:
    query = parse_query(params)
    assert query.filters == (expected,)


def test_parse_sort_paging_search_and_repeated_filters() -> None:
    query = parse_query(
        [
            ("sort", "-price, name"),
            ("page", "3"),
            ("page_size", "50"),
            ("q", "  reno "),
            ("price__gte", "5"),
            ("price__gte", "7"),
        ]
    )
    assert query.sort == (SortKey("price", True), SortKey("name", False))
    assert (query.page, query.page_size, query.q) == (3, 50, "reno")
    assert query.filters == (Filter("price", "gte", 5), Filter("price", "gte", 7))
    assert parse_query([("q", "  ")]).q is None
    assert parse_query([("sort", "")]).sort == ()


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ([("colour", "red")], "colour"),
        ([("colour__eq", "red")], "colour__eq"),
        ([("price__like", "5")], "price__like"),
        ([("price__between__x", "5")], "price__between__x"),
        ([("price", "abc")], "price"),
        ([("price", "5.5")], "price"),
        ([("price", "")], "price"),
        ([("price__gte", "99999999999999999999999")], "price__gte"),
        ([("price__between", "5")], "price__between"),
        ([("price__between", "1,2,3")], "price__between"),
        ([("price__between", "1,x")], "price__between"),
        ([("ram_gb__in", "8,,16")], "ram_gb__in"),
        ([("is_active", "yes")], "is_active"),
        ([("is_active", "1")], "is_active"),
        ([("launch_date", "31.01.2025")], "launch_date"),
        ([("launch_date__between", "2025-01-01,soon")], "launch_date__between"),
        ([("created_at__gte", "yesterday")], "created_at__gte"),
        ([("category", "tv")], "category"),
        ([("category__in", "tablet,tv")], "category__in"),
        ([("category__contains", "phone")], "category__contains"),
        ([("price__contains", "5")], "price__contains"),
        ([("name__between", "a,b")], "name__between"),
        ([("is_active__lte", "true")], "is_active__lte"),
        ([("name", "a\x00b")], "name"),
        ([("q", "a\x00b")], "q"),
        ([("q", "a"), ("q", "b")], "q"),
        ([("page_sz", "5")], "page_sz"),
    ],
)
def test_bad_filters_are_invalid_filter_naming_the_parameter(
    params: list[tuple[str, str]], parameter: str
) -> None:
    with pytest.raises(InvalidFilterError) as caught:
        parse_query(params)
    assert caught.value.status_code == 400
    assert caught.value.error_code == "invalid_filter"
    assert caught.value.details["parameter"] == parameter
    if parameter != "q":
        assert repr(parameter) in caught.value.message


@pytest.mark.parametrize("sort", ["colour", "-colour", "price,", ",", "- price", "+-price"])
def test_bad_sort_is_invalid_sort(sort: str) -> None:
    with pytest.raises(InvalidSortError) as caught:
        parse_query([("sort", sort)])
    assert caught.value.status_code == 400
    assert caught.value.error_code == "invalid_sort"
    assert caught.value.details["parameter"] == "sort"


def test_a_field_sorted_by_twice_counts_once_as_sql_would() -> None:
    assert parse_query([("sort", "price,-price, name ,-name")]).sort == (
        SortKey("price"),
        SortKey("name"),
    )


def test_sort_given_twice_is_invalid_sort() -> None:
    with pytest.raises(InvalidSortError):
        parse_query([("sort", "price"), ("sort", "name")])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ([("page", "0")], "page"),
        ([("page", "-1")], "page"),
        ([("page", "abc")], "page"),
        ([("page", "")], "page"),
        ([("page", "1"), ("page", "2")], "page"),
        ([("page", str(2**31))], "page"),
        ([("page_size", "0")], "page_size"),
        ([("page_size", "201")], "page_size"),
        ([("page_size", "1.5")], "page_size"),
    ],
)
def test_bad_paging_is_a_validation_error_on_that_field(params: list[tuple[str, str]], field: str) -> None:
    with pytest.raises(ValidationFailedError) as caught:
        parse_query(params)
    assert caught.value.status_code == 422
    assert [e["field"] for e in caught.value.errors] == [field]


def test_page_size_200_is_accepted() -> None:
    assert parse_query([("page_size", "200")]).page_size == 200


@pytest.mark.parametrize(
    "bad",
    [
        Filter("price", "eq", "5"),
        Filter("price", "eq", True),
        Filter("price", "between", (1,)),
        Filter("price", "between", 5),
        Filter("price", "in", ()),
        Filter("is_active", "eq", 1),
        Filter("launch_date", "eq", datetime(2025, 1, 1, tzinfo=UTC)),
        Filter("launch_date", "eq", "2025-01-01"),
        Filter("created_at", "gte", date(2025, 1, 1)),
        Filter("category", "eq", "tv"),
        Filter("name", "eq", 5),
        Filter("name", "contains", ""),
        Filter("nope", "eq", 1),
        Filter("price", "like", 1),
        Filter("is_active", "gte", True),
    ],
)
def test_queries_built_in_code_are_validated_the_same_way(bad: Filter) -> None:
    with pytest.raises(InvalidFilterError) as caught:
        validate_query(products.PRODUCTS, ListQuery(filters=(bad,)))
    assert caught.value.details["parameter"] == bad.parameter


def test_code_built_queries_are_normalised_and_bad_sort_or_paging_refused() -> None:
    query = validate_query(
        products.PRODUCTS,
        ListQuery(filters=(Filter("category", "in", ["tablet"]), Filter("sku", "eq", "ab-1"))),
    )
    assert query.filters == (Filter("category", "in", (Category.tablet,)), Filter("sku", "eq", "AB-1"))
    with pytest.raises(InvalidSortError):
        validate_query(products.PRODUCTS, ListQuery(sort=(SortKey("nope"),)))
    with pytest.raises(ValidationFailedError) as caught:
        validate_query(products.PRODUCTS, ListQuery(page=0, page_size=500))
    assert {e["field"] for e in caught.value.errors} == {"page", "page_size"}


def test_every_field_has_operators_for_its_type() -> None:
    ops = products.PRODUCTS.operators()
    assert ops["price"] == ("eq", "ne", "between", "in", "gte", "lte")
    assert ops["name"] == ("eq", "ne", "contains", "in", "gte", "lte")
    assert ops["category"] == ("eq", "ne", "in", "gte", "lte")
    assert ops["is_active"] == ("eq", "ne", "in")
    assert ops["launch_date"] == ops["created_at"] == ops["price"]
    assert set(ops) == set(ProductCreate.model_fields) | {"id", "created_at", "updated_at", "version"}
