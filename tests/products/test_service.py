"""Product services: query parsing and validation, filters as SQL, search, sort, paging, writes, concurrency."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import col, select

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.core.errors import (
    ConflictError,
    InvalidFilterError,
    InvalidSortError,
    NotFoundError,
    PermissionDeniedError,
    ValidationFailedError,
)
from oppo_kz.core.events import bus
from oppo_kz.lib.listing import Filter, ListQuery, SortKey, count_cache, validate_query
from oppo_kz.lib.listing import sql as listing_sql
from oppo_kz.products import service as products
from oppo_kz.products.models import Category, Product, ProductCreate, ProductReplace, ProductUpdate
from oppo_kz.products.service import parse_query
from oppo_kz.users.models import Role
from tests.factories import make_product

ADMIN = Principal(id=1, email="admin@oppo.kz", full_name="Admin", role=Role.admin)
OFFICE = Principal(id=2, email="office@oppo.kz", full_name="Office", role=Role.office)
SUPERVISOR = Principal(id=3, email="supervisor@oppo.kz", full_name="Supervisor", role=Role.supervisor)
PROMOTER = Principal(id=4, email="promoter@oppo.kz", full_name="Promoter", role=Role.promoter)


def _ids(query: ListQuery | list[tuple[str, str]], actor: Principal = ADMIN) -> list[int]:
    if not isinstance(query, ListQuery):
        query = parse_query(query)
    with session_scope() as s:
        page = products.list_products(session=s, actor=actor, query=query)
    return [item.id for item in page.items]


def _page(params: list[tuple[str, str]]) -> Any:
    with session_scope() as s:
        return products.list_products(session=s, actor=ADMIN, query=parse_query(params))


def _create(**overrides: Any) -> Product:
    with session_scope(write=True) as s:
        return make_product(s, **overrides)


def _new(**overrides: Any) -> ProductCreate:
    values: dict[str, Any] = {"sku": "NEW-1", "name": "OPPO Reno 13", "category": "smartphone", "price": 1000}
    return ProductCreate(**(values | overrides))


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


@pytest.mark.parametrize("sort", ["colour", "-colour", "price,", "price,-price", ","])
def test_bad_sort_is_invalid_sort(sort: str) -> None:
    with pytest.raises(InvalidSortError) as caught:
        parse_query([("sort", sort)])
    assert caught.value.status_code == 400
    assert caught.value.error_code == "invalid_sort"
    assert caught.value.details["parameter"] == "sort"


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


# --- filters against both databases -------------------------------------------------------------------


@pytest.fixture
def catalogue(db: str) -> dict[str, int]:
    """Five products that differ in every filterable way; returns their ids by a short name."""
    rows = {
        "reno": dict(
            sku="R-1", name="OPPO Reno 12", series="Reno", color="Black", ram_gb=8, price=100, stock=5,
            launch_date=date(2024, 6, 1),
        ),
        "find": dict(
            sku="F-1", name="OPPO Find X8", series="Find", color=None, ram_gb=16, price=300, stock=0,
            launch_date=date(2025, 1, 15),
        ),
        "pad": dict(
            sku="P-1", name="OPPO Pad 3", category=Category.tablet, series=None, color="Grey", ram_gb=None,
            price=200, stock=7, launch_date=None,
        ),
        "watch": dict(
            sku="W-1", name="OPPO Watch X", category=Category.wearable, series="Watch", color="black",
            ram_gb=None, price=50, stock=2, is_active=False, launch_date=date(2023, 3, 3),
        ),
        "buds": dict(
            sku="E-1", name="Enco Buds 2", category=Category.audio, series="Enco", color="White", ram_gb=None,
            price=0, stock=100, launch_date=date(2025, 12, 31),
        ),
    }  # fmt: skip
    return {key: _create(**values).id for key, values in rows.items()}  # type: ignore[misc]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # integers
        ([("price", "100")], ["reno"]),
        ([("price__eq", "0")], ["buds"]),
        ([("price__ne", "100")], ["find", "pad", "watch", "buds"]),
        ([("price__gte", "200")], ["find", "pad"]),
        ([("price__lte", "50")], ["watch", "buds"]),
        ([("price__between", "50,200")], ["reno", "pad", "watch"]),
        ([("price__between", "200,50")], []),
        ([("price__in", "0,300,999")], ["find", "buds"]),
        ([("stock", "0")], ["find"]),
        ([("ram_gb__between", "8,12")], ["reno"]),
        ([("ram_gb__ne", "8")], ["find", "pad", "watch", "buds"]),  # no value is "not 8" too
        ([("ram_gb__in", "8,16")], ["reno", "find"]),
        # text
        ([("name", "OPPO Pad 3")], ["pad"]),
        ([("name", "oppo pad 3")], []),  # equality is exact
        ([("name__contains", "oppo")], ["reno", "find", "pad", "watch"]),
        ([("name__contains", "X")], ["find", "watch"]),
        ([("name__contains", "nothing")], []),
        ([("color", "Black")], ["reno"]),
        ([("color__ne", "Black")], ["find", "pad", "watch", "buds"]),
        ([("color__contains", "BLACK")], ["reno", "watch"]),
        ([("color__in", "Grey,White")], ["pad", "buds"]),
        ([("series__contains", "e")], ["reno", "buds"]),
        ([("sku", "r-1")], ["reno"]),
        ([("sku__in", "r-1,f-1")], ["reno", "find"]),
        ([("sku__contains", "-1")], ["reno", "find", "pad", "watch", "buds"]),
        # category
        ([("category", "tablet")], ["pad"]),
        ([("category__ne", "smartphone")], ["pad", "watch", "buds"]),
        ([("category__in", "wearable,audio")], ["watch", "buds"]),
        # boolean
        ([("is_active", "false")], ["watch"]),
        ([("is_active__ne", "false")], ["reno", "find", "pad", "buds"]),
        ([("is_active__in", "true,false")], ["reno", "find", "pad", "watch", "buds"]),
        # dates
        ([("launch_date", "2024-06-01")], ["reno"]),
        ([("launch_date__gte", "2025-01-01")], ["find", "buds"]),
        ([("launch_date__lte", "2024-06-01")], ["reno", "watch"]),
        ([("launch_date__between", "2024-06-01,2025-01-15")], ["reno", "find"]),
        ([("launch_date__ne", "2024-06-01")], ["find", "pad", "watch", "buds"]),
        ([("launch_date__in", "2023-03-03,2025-12-31")], ["watch", "buds"]),
        # several filters AND
        ([("category", "smartphone"), ("price__gte", "200")], ["find"]),
        ([("is_active", "true"), ("color__contains", "black")], ["reno"]),
        ([("price__gte", "50"), ("price__lte", "100")], ["reno", "watch"]),
        # search over name and sku
        ([("q", "reno")], ["reno"]),
        ([("q", "w-1")], ["watch"]),
        ([("q", "BUDS"), ("is_active", "true")], ["buds"]),
        ([("q", "x")], ["find", "watch"]),
    ],
)
def test_filters(catalogue: dict[str, int], params: list[tuple[str, str]], expected: list[str]) -> None:
    assert _ids(params) == [catalogue[k] for k in expected]


def test_id_and_version_filters(catalogue: dict[str, int]) -> None:
    reno = catalogue["reno"]
    assert _ids([("id", str(reno))]) == [reno]
    assert _ids([("id__in", f"{reno},{catalogue['pad']}")]) == [reno, catalogue["pad"]]
    assert len(_ids([("version", "1")])) == 5
    assert _ids([("version__gte", "2")]) == []


def test_datetime_filters(db: str) -> None:
    base = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    ids = [
        _create(created_at=base + timedelta(hours=h), updated_at=base + timedelta(hours=h)).id
        for h in range(3)
    ]
    assert _ids([("created_at__gte", "2025-03-01T13:00:00Z")]) == ids[1:]
    assert _ids([("created_at__lte", "2025-03-01T18:00:00+05:00")]) == ids[:2]  # 13:00 UTC
    assert _ids([("created_at", "2025-03-01T12:00:00Z")]) == ids[:1]
    assert _ids([("created_at__ne", "2025-03-01T12:00:00Z")]) == ids[1:]
    assert _ids([("updated_at__between", "2025-03-01T12:30:00Z,2025-03-01T14:00:00Z")]) == ids[1:]


# --- search: the index and the plain scan agree -------------------------------------------------------

_SEARCH_NAMES = [
    "OPPO Reno 100% Edition",
    "OPPO Reno 100 Pro",
    "Promo_Pack 2 pieces",
    "PromoXPack 2 pieces",
    'Case "Magsafe" Black',
    "Cable 1m",
    "Cable \\ USB-C",
    "Find N5 it's folded",
    "Наушники OPPO",
]


@pytest.mark.parametrize(
    "term",
    ["100%", "0% e", "o_p", "_", "%", '"magsafe"', '"', 'e "ma', "\\", "cable \\", "it's", "'s f", "oppo", "Op", "cable 1",
     "reno 100", "no such thing", "EN", "n5", "а", "PACK 2"],
)  # fmt: skip
def test_substring_search_index_and_scan_agree(db: str, term: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for i, name in enumerate(_SEARCH_NAMES):
        _create(name=name, sku=f"S-{i}")
    expected = [i for i, name in enumerate(_SEARCH_NAMES) if term.lower() in name.lower()]
    queries: list[list[tuple[str, str]]] = [[("name__contains", term)], [("q", term)]]
    indexed = [_ids(p) for p in queries]
    monkeypatch.setattr(listing_sql, "FTS_MIN_CHARS", 10**6)  # every term takes the LIKE path
    scanned = [_ids(p) for p in queries]
    assert indexed == scanned
    all_ids = _ids([("page_size", "200")])
    assert indexed[0] == [all_ids[i] for i in expected]


def test_search_index_follows_inserts_updates_and_deletes(db: str) -> None:
    product = _create(name="OPPO Alpha", sku="ALPHA-1")
    assert _ids([("q", "alpha")]) == [product.id]
    with session_scope(write=True) as s:
        products.update_product(
            session=s,
            actor=ADMIN,
            product_id=product.id,
            changes=ProductUpdate(name="OPPO Beta", sku="BETA-1"),
        )
    assert _ids([("q", "alpha")]) == []
    assert _ids([("q", "beta-1")]) == [product.id]
    assert _ids([("name__contains", "PO Bet")]) == [product.id]
    with session_scope(write=True) as s:
        products.delete_product(session=s, actor=ADMIN, product_id=product.id)
    assert _ids([("q", "beta")]) == []


def test_sku_contains_searches_only_the_sku(db: str) -> None:
    a = _create(name="Phone ABCDEF", sku="X-1")
    b = _create(name="Phone", sku="ABCDEF-2")
    assert _ids([("sku__contains", "bcde")]) == [b.id]
    assert _ids([("name__contains", "bcde")]) == [a.id]
    assert _ids([("q", "bcde")]) == [a.id, b.id]


# --- sort and paging -------------------------------------------------------------------------------------


def test_sort_multi_field_with_id_tie_break(db: str) -> None:
    a = _create(price=200, name="B").id
    b = _create(price=100, name="A").id
    c = _create(price=200, name="A").id
    d = _create(price=200, name="A").id
    assert _ids([("sort", "-price,name")]) == [c, d, a, b]
    assert _ids([("sort", "-price,-name")]) == [a, d, c, b]  # ties follow the last key's direction
    assert _ids([("sort", "price")]) == [b, a, c, d]
    assert _ids([("sort", "name,-id")]) == [d, c, b, a]
    assert _ids([]) == [a, b, c, d]


def test_missing_values_sort_last_both_ways(db: str) -> None:
    none = _create(launch_date=None).id
    old = _create(launch_date=date(2020, 1, 1)).id
    new = _create(launch_date=date(2025, 1, 1)).id
    assert _ids([("sort", "launch_date")]) == [old, new, none]
    assert _ids([("sort", "-launch_date")]) == [new, old, none]


def test_pages_never_overlap_even_with_ties(db: str) -> None:
    ids = {_create(price=100 * (i % 3), stock=i % 2).id for i in range(17)}
    for sort in ("-price", "price,stock", "-stock,-price", "stock"):
        seen: list[int] = []
        for page in range(1, 8):
            seen += _ids([("sort", sort), ("page", str(page)), ("page_size", "3")])
        assert len(seen) == len(set(seen)) == 17, sort
        assert set(seen) == ids


def test_paging_edges(db: str) -> None:
    for i in range(45):
        _create(price=i)
    first = _page([("page_size", "20")])
    assert (first.total, first.page, first.page_size, first.pages, len(first.items)) == (45, 1, 20, 3, 20)
    last = _page([("page", "3"), ("page_size", "20")])
    assert (last.total, last.pages, len(last.items)) == (45, 3, 5)
    beyond = _page([("page", "4"), ("page_size", "20")])
    assert (beyond.total, beyond.pages, beyond.items) == (45, 3, [])
    exact = _page([("page", "3"), ("page_size", "15")])
    assert (exact.total, exact.pages, len(exact.items)) == (45, 3, 15)
    whole = _page([("page_size", "200")])
    assert (whole.total, whole.pages, len(whole.items)) == (45, 1, 45)


def test_empty_catalogue(db: str) -> None:
    page = _page([])
    assert (page.items, page.total, page.pages) == ([], 0, 0)
    assert _page([("page", "2")]).total == 0


def test_totals_follow_every_commit(db: str) -> None:
    for _ in range(25):
        _create(category=Category.audio)
    params = [("category", "audio"), ("page_size", "10")]
    assert _page(params).total == 25
    assert _page(params).total == 25  # counted once, then cached
    _create(category=Category.audio)
    assert _page(params).total == 26
    with session_scope(write=True) as s:  # a bulk statement, not a flush: the write path sees it too
        first_six = select(Product.id).order_by(col(Product.id)).limit(6).scalar_subquery()
        s.execute(delete(Product).where(col(Product.id).in_(first_six)))
        s.commit()
    assert _page(params).total == 20
    with session_scope(write=True) as s:
        s.execute(
            update(Product).where(col(Product.category) == Category.audio).values(category=Category.tablet)
        )
        s.commit()
    assert _page(params).total == 0


def test_a_write_outside_the_write_path_is_counted_after_the_ttl(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        _create(category=Category.audio)
    params = [("category", "audio"), ("page_size", "2")]
    assert _page(params).total == 3
    with session_scope(write=True) as s:  # raw SQL, as another process would write
        s.execute(text("DELETE FROM products"))
        s.commit()
    for _ in range(3):
        _create(category=Category.wearable)  # the table changed again, but through the write path
    monkeypatch.setattr(count_cache, "ttl", 0.0)
    assert _page(params).total == 0


def test_list_items_and_json_match_the_public_schema(db: str) -> None:
    product = _create(launch_date=date(2025, 5, 5))
    query = parse_query([])
    with session_scope() as s:
        page = products.list_products(session=s, actor=ADMIN, query=query)
        raw = products.list_products_json(session=s, actor=ADMIN, query=query)
    assert json.loads(raw) == json.loads(page.model_dump_json())
    item = page.items[0]
    assert (item.id, item.sku, item.category, item.launch_date) == (
        product.id,
        product.sku,
        Category.smartphone,
        date(2025, 5, 5),
    )
    assert item.created_at.tzinfo is not None


# --- writes ----------------------------------------------------------------------------------------------


@pytest.fixture
def events() -> Any:
    seen: list[tuple[str, dict[str, Any]]] = []
    remove = bus.add_listener(lambda e: seen.append((e.name, e.data)))
    yield seen
    remove()


def test_create_get_update_replace_delete(db: str, events: list[tuple[str, dict[str, Any]]]) -> None:
    with session_scope(write=True) as s:
        created = products.create_product(session=s, actor=OFFICE, product_in=_new(sku=" new-1 "))
    assert (created.sku, created.version) == ("NEW-1", 1)
    assert events == [("product.created", events[0][1])]
    with session_scope() as s:
        assert products.get_product(session=s, actor=PROMOTER, product_id=created.id).name == "OPPO Reno 13"

    with session_scope(write=True) as s:
        updated = products.update_product(
            session=s, actor=OFFICE, product_id=created.id, changes=ProductUpdate(price=5, version=1)
        )
    assert (updated.price, updated.version) == (5, 2)
    assert updated.updated_at > created.created_at
    assert events[-1][0] == "product.updated"
    assert events[-1][1]["version"] == 2

    with session_scope(write=True) as s:
        replaced = products.replace_product(
            session=s,
            actor=ADMIN,
            product_id=created.id,
            product_in=ProductReplace(sku="NEW-1", name="Pad", category="tablet", price=7),
            expected_version=2,
        )
    assert (replaced.name, replaced.category, replaced.price, replaced.stock, replaced.version) == (
        "Pad",
        Category.tablet,
        7,
        0,
        3,
    )

    with session_scope(write=True) as s:
        products.delete_product(session=s, actor=ADMIN, product_id=created.id, expected_version=3)
    assert [name for name, _ in events] == [
        "product.created",
        "product.updated",
        "product.updated",
        "product.deleted",
    ]
    with session_scope() as s, pytest.raises(NotFoundError):
        products.get_product(session=s, actor=ADMIN, product_id=created.id)


def test_an_update_that_changes_nothing_keeps_the_version(db: str, events: list[Any]) -> None:
    product = _create(price=10)
    events.clear()
    with session_scope(write=True) as s:
        same = products.update_product(
            session=s, actor=ADMIN, product_id=product.id, changes=ProductUpdate(price=10)
        )
    assert same.version == 1
    assert events == []


def test_update_clears_optional_fields_with_null(db: str) -> None:
    product = _create(series="Reno", ram_gb=8)
    with session_scope(write=True) as s:
        updated = products.update_product(
            session=s, actor=ADMIN, product_id=product.id, changes=ProductUpdate(series=None, ram_gb=None)
        )
    assert (updated.series, updated.ram_gb, updated.version) == (None, None, 2)


@pytest.mark.parametrize("how", ["body", "expected_version", "both"])
def test_a_stale_version_is_a_conflict_and_changes_nothing(db: str, how: str) -> None:
    product = _create(price=10)
    with session_scope(write=True) as s:
        products.update_product(
            session=s, actor=ADMIN, product_id=product.id, changes=ProductUpdate(price=11)
        )
    body_version = 1 if how in ("body", "both") else None
    header_version = 1 if how in ("expected_version", "both") else None
    with session_scope(write=True) as s, pytest.raises(ConflictError) as caught:
        products.update_product(
            session=s,
            actor=ADMIN,
            product_id=product.id,
            changes=ProductUpdate(price=12, version=body_version),
            expected_version=header_version,
        )
    assert caught.value.status_code == 409
    assert caught.value.details["current_version"] == 2
    with session_scope() as s:
        assert products.get_product(session=s, actor=ADMIN, product_id=product.id).price == 11


def test_stale_version_on_replace_and_delete(db: str) -> None:
    product = _create()
    with session_scope(write=True) as s, pytest.raises(ConflictError):
        products.replace_product(
            session=s,
            actor=ADMIN,
            product_id=product.id,
            product_in=ProductReplace(sku=product.sku, name="X", category="audio", price=1, version=7),
        )
    with session_scope(write=True) as s, pytest.raises(ConflictError):
        products.delete_product(session=s, actor=ADMIN, product_id=product.id, expected_version=2)
    with session_scope() as s:
        assert products.get_product(session=s, actor=ADMIN, product_id=product.id).version == 1


def test_duplicate_sku_is_a_conflict_case_insensitively(db: str) -> None:
    first = _create(sku="DUP-1")
    other = _create(sku="OTHER-1")
    with session_scope(write=True) as s, pytest.raises(ConflictError) as caught:
        products.create_product(session=s, actor=ADMIN, product_in=_new(sku="dup-1"))
    assert caught.value.details["field"] == "sku"
    with session_scope(write=True) as s, pytest.raises(ConflictError):
        products.update_product(
            session=s, actor=ADMIN, product_id=other.id, changes=ProductUpdate(sku="Dup-1")
        )
    with session_scope(write=True) as s:  # keeping your own SKU is fine
        kept = products.update_product(
            session=s, actor=ADMIN, product_id=first.id, changes=ProductUpdate(sku="dup-1", price=3)
        )
    assert (kept.sku, kept.price) == ("DUP-1", 3)


def test_a_duplicate_that_slips_past_the_check_is_still_a_conflict(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _create(sku="RACE-1")
    monkeypatch.setattr(products, "_ensure_sku_free", lambda *a, **k: None)  # as if another writer won
    with session_scope(write=True) as s:
        with pytest.raises(ConflictError):
            products.create_product(session=s, actor=ADMIN, product_in=_new(sku="RACE-1"))
        # the session is usable again afterwards
        assert products.create_product(session=s, actor=ADMIN, product_in=_new(sku="RACE-2")).id


@pytest.mark.parametrize("product_id", [0, -1, 999_999, 2**31, 2**63])
def test_missing_products_are_not_found(db: str, product_id: int) -> None:
    with session_scope() as s, pytest.raises(NotFoundError):
        products.get_product(session=s, actor=ADMIN, product_id=product_id)
    with session_scope(write=True) as s, pytest.raises(NotFoundError):
        products.update_product(session=s, actor=ADMIN, product_id=product_id, changes=ProductUpdate(price=1))
    with session_scope(write=True) as s, pytest.raises(NotFoundError):
        products.replace_product(
            session=s,
            actor=ADMIN,
            product_id=product_id,
            product_in=ProductReplace(sku="A", name="A", category="audio", price=1),
        )
    with session_scope(write=True) as s, pytest.raises(NotFoundError):
        products.delete_product(session=s, actor=ADMIN, product_id=product_id)


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        (PROMOTER, {"read"}),
        (SUPERVISOR, {"read"}),
        (OFFICE, {"read", "create", "update"}),
        (ADMIN, {"read", "create", "update", "delete"}),
    ],
)
def test_role_matrix(db: str, actor: Principal, allowed: set[str]) -> None:
    product = _create()
    calls = {
        "read": lambda s: products.list_products(session=s, actor=actor, query=ListQuery()),
        "create": lambda s: products.create_product(session=s, actor=actor, product_in=_new(sku="ROLE-1")),
        "update": lambda s: products.update_product(
            session=s, actor=actor, product_id=product.id, changes=ProductUpdate(price=1)
        ),
        "delete": lambda s: products.delete_product(session=s, actor=actor, product_id=product.id),
    }
    for name, call in calls.items():
        with session_scope(write=True) as s:
            if name in allowed:
                call(s)
            else:
                with pytest.raises(PermissionDeniedError):
                    call(s)
    # a role without the permission is refused before the product is even looked up
    expected = NotFoundError if "delete" in allowed else PermissionDeniedError
    with session_scope(write=True) as s, pytest.raises(expected):
        products.delete_product(session=s, actor=actor, product_id=999_999)


# --- concurrency ---------------------------------------------------------------------------------------


WRITERS = 8
ROUNDS = 6


def test_concurrent_writers_lose_no_update(db: str) -> None:
    """8 threads add 1 to the stock of the same two products, with optimistic versions and retries."""
    targets = [_create(stock=0).id, _create(stock=0).id]
    errors: list[BaseException] = []
    conflicts = [0]
    start = threading.Barrier(WRITERS)

    def writer() -> None:
        try:
            start.wait()
            for _ in range(ROUNDS):
                for product_id in targets:
                    while True:
                        with session_scope() as s:
                            current = products.get_product(session=s, actor=OFFICE, product_id=product_id)
                            stock, version = current.stock, current.version
                        try:
                            with session_scope(write=True) as s:
                                products.update_product(
                                    session=s,
                                    actor=OFFICE,
                                    product_id=product_id,
                                    changes=ProductUpdate(stock=stock + 1),
                                    expected_version=version,
                                )
                            break
                        except ConflictError:
                            conflicts[0] += 1
        except BaseException as exc:  # "database is locked" or anything else fails the test below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with session_scope() as s:
        for product_id in targets:
            product = products.get_product(session=s, actor=ADMIN, product_id=product_id)
            assert (product.stock, product.version) == (WRITERS * ROUNDS, 1 + WRITERS * ROUNDS)


def test_concurrent_blind_writes_serialise_without_locking_errors(db: str) -> None:
    """Writers without a version never fail; every one of them bumps the version exactly once."""
    product_id = _create().id
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(ROUNDS):
                with session_scope(write=True) as s:
                    products.update_product(
                        session=s,
                        actor=ADMIN,
                        product_id=product_id,
                        changes=ProductUpdate(price=n * 100 + i + 1),
                    )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    with session_scope() as s:
        assert (
            products.get_product(session=s, actor=ADMIN, product_id=product_id).version
            == 1 + WRITERS * ROUNDS
        )


def test_updated_at_moves_forward(db: str) -> None:
    product = _create(updated_at=utcnow() - timedelta(days=1))
    with session_scope(write=True) as s:
        updated = products.update_product(
            session=s, actor=ADMIN, product_id=product.id, changes=ProductUpdate(stock=1)
        )
    assert updated.updated_at > product.updated_at


# --- the contract's gte/lte/ne apply to every field; search folds case beyond ASCII -----------------


def _names(session, query: ListQuery) -> list[str]:  # type: ignore[no-untyped-def]
    reader = Principal(id=0, email="r@oppo.kz", full_name="", role=Role.promoter)
    return [p.name for p in products.list_products(session=session, actor=reader, query=query).items]


def test_text_and_category_fields_order_with_gte_and_lte(session) -> None:  # type: ignore[no-untyped-def]
    for name, category in (("Alpha", "audio"), ("Bravo", "tablet"), ("Charlie", "wearable")):
        make_product(session, name=name, category=category)
    by_name = parse_query([("name__gte", "B"), ("name__lte", "Bz"), ("sort", "name")])
    assert _names(session, by_name) == ["Bravo"]
    by_category = parse_query([("category__gte", "tablet"), ("sort", "name")])
    assert _names(session, by_category) == ["Bravo", "Charlie"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ([("q", "ЧЕ")], ["Чехол Қара"]),  # two letters: the LIKE path
        ([("q", "чехол")], ["Чехол Қара"]),  # the index path
        ([("color__contains", "ҚАРА")], ["Чехол Қара"]),
        ([("name__contains", "қ")], ["Чехол Қара"]),
    ],
)
def test_search_ignores_case_beyond_ascii(session, params, expected) -> None:  # type: ignore[no-untyped-def]
    make_product(session, name="Чехол Қара", color="Қара", sku="CASE-KZ-1")
    make_product(session, name="OPPO Reno14", color="Black", sku="RENO14-X")
    assert _names(session, parse_query(params)) == expected
