"""Product lists on both databases: every filter as SQL, search (index and scan agree), sort, paging, counts."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import col, select

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.lib.listing import ListQuery, count_cache
from oppo_kz.lib.listing import sql as listing_sql
from oppo_kz.products import service as products
from oppo_kz.products.models import Category, Product, ProductUpdate
from oppo_kz.products.service import parse_query
from oppo_kz.users.models import Role
from tests.factories import id_of, make_product
from tests.products.helpers import ADMIN, create, list_ids, list_page

# --- filters against both databases -------------------------------------------------------------------


@pytest.fixture
def catalogue(db: str) -> dict[str, int]:
    """Five products that differ in every filterable way; returns their ids by a short name."""
    rows: dict[str, dict[str, Any]] = {
        "reno": {
            "sku": "R-1", "name": "OPPO Reno 12", "series": "Reno", "color": "Black", "ram_gb": 8, "price": 100, "stock": 5,
            "launch_date": date(2024, 6, 1),
        },
        "find": {
            "sku": "F-1", "name": "OPPO Find X8", "series": "Find", "color": None, "ram_gb": 16, "price": 300, "stock": 0,
            "launch_date": date(2025, 1, 15),
        },
        "pad": {
            "sku": "P-1", "name": "OPPO Pad 3", "category": Category.tablet, "series": None, "color": "Grey", "ram_gb": None,
            "price": 200, "stock": 7, "launch_date": None,
        },
        "watch": {
            "sku": "W-1", "name": "OPPO Watch X", "category": Category.wearable, "series": "Watch", "color": "black",
            "ram_gb": None, "price": 50, "stock": 2, "is_active": False, "launch_date": date(2023, 3, 3),
        },
        "buds": {
            "sku": "E-1", "name": "Enco Buds 2", "category": Category.audio, "series": "Enco", "color": "White", "ram_gb": None,
            "price": 0, "stock": 100, "launch_date": date(2025, 12, 31),
        },
    }  # fmt: skip
    return {key: id_of(create(**values)) for key, values in rows.items()}


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
    assert list_ids(params) == [catalogue[k] for k in expected]


def test_id_and_version_filters(catalogue: dict[str, int]) -> None:
    reno = catalogue["reno"]
    assert list_ids([("id", str(reno))]) == [reno]
    assert list_ids([("id__in", f"{reno},{catalogue['pad']}")]) == [reno, catalogue["pad"]]
    assert len(list_ids([("version", "1")])) == 5
    assert list_ids([("version__gte", "2")]) == []


def test_datetime_filters(db: str) -> None:
    base = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    ids = [
        create(created_at=base + timedelta(hours=h), updated_at=base + timedelta(hours=h)).id
        for h in range(3)
    ]
    assert list_ids([("created_at__gte", "2025-03-01T13:00:00Z")]) == ids[1:]
    assert list_ids([("created_at__lte", "2025-03-01T18:00:00+05:00")]) == ids[:2]  # 13:00 UTC
    assert list_ids([("created_at", "2025-03-01T12:00:00Z")]) == ids[:1]
    assert list_ids([("created_at__ne", "2025-03-01T12:00:00Z")]) == ids[1:]
    assert list_ids([("updated_at__between", "2025-03-01T12:30:00Z,2025-03-01T14:00:00Z")]) == ids[1:]


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
        create(name=name, sku=f"S-{i}")
    expected = [i for i, name in enumerate(_SEARCH_NAMES) if term.lower() in name.lower()]
    queries: list[list[tuple[str, str]]] = [[("name__contains", term)], [("q", term)]]
    indexed = [list_ids(p) for p in queries]
    monkeypatch.setattr(listing_sql, "FTS_MIN_CHARS", 10**6)  # every term takes the LIKE path
    scanned = [list_ids(p) for p in queries]
    assert indexed == scanned
    all_ids = list_ids([("page_size", "200")])
    assert indexed[0] == [all_ids[i] for i in expected]


def test_search_index_follows_inserts_updates_and_deletes(db: str) -> None:
    product = create(name="OPPO Alpha", sku="ALPHA-1")
    assert list_ids([("q", "alpha")]) == [product.id]
    with session_scope(write=True) as s:
        products.update_product(
            session=s,
            actor=ADMIN,
            product_id=id_of(product),
            changes=ProductUpdate(name="OPPO Beta", sku="BETA-1"),
        )
    assert list_ids([("q", "alpha")]) == []
    assert list_ids([("q", "beta-1")]) == [product.id]
    assert list_ids([("name__contains", "PO Bet")]) == [product.id]
    with session_scope(write=True) as s:
        products.delete_product(session=s, actor=ADMIN, product_id=id_of(product))
    assert list_ids([("q", "beta")]) == []


def test_sku_contains_searches_only_the_sku(db: str) -> None:
    a = create(name="Phone ABCDEF", sku="X-1")
    b = create(name="Phone", sku="ABCDEF-2")
    assert list_ids([("sku__contains", "bcde")]) == [b.id]
    assert list_ids([("name__contains", "bcde")]) == [a.id]
    assert list_ids([("q", "bcde")]) == [a.id, b.id]


# --- sort and paging -------------------------------------------------------------------------------------


def test_sort_multi_field_with_id_tie_break(db: str) -> None:
    a = create(price=200, name="B").id
    b = create(price=100, name="A").id
    c = create(price=200, name="A").id
    d = create(price=200, name="A").id
    assert list_ids([("sort", "-price,name")]) == [c, d, a, b]
    assert list_ids([("sort", "-price,-name")]) == [a, d, c, b]  # ties follow the last key's direction
    assert list_ids([("sort", "price")]) == [b, a, c, d]
    assert list_ids([("sort", "name,-id")]) == [d, c, b, a]
    assert list_ids([]) == [a, b, c, d]


def test_missing_values_sort_last_both_ways(db: str) -> None:
    none = create(launch_date=None).id
    old = create(launch_date=date(2020, 1, 1)).id
    new = create(launch_date=date(2025, 1, 1)).id
    assert list_ids([("sort", "launch_date")]) == [old, new, none]
    assert list_ids([("sort", "-launch_date")]) == [new, old, none]


def test_pages_never_overlap_even_with_ties(db: str) -> None:
    ids = {create(price=100 * (i % 3), stock=i % 2).id for i in range(17)}
    for sort in ("-price", "price,stock", "-stock,-price", "stock"):
        seen: list[int] = []
        for page in range(1, 8):
            seen += list_ids([("sort", sort), ("page", str(page)), ("page_size", "3")])
        assert len(seen) == len(set(seen)) == 17, sort
        assert set(seen) == ids


def test_paging_edges(db: str) -> None:
    for i in range(45):
        create(price=i)
    first = list_page([("page_size", "20")])
    assert (first.total, first.page, first.page_size, first.pages, len(first.items)) == (45, 1, 20, 3, 20)
    last = list_page([("page", "3"), ("page_size", "20")])
    assert (last.total, last.pages, len(last.items)) == (45, 3, 5)
    beyond = list_page([("page", "4"), ("page_size", "20")])
    assert (beyond.total, beyond.pages, beyond.items) == (45, 3, [])
    exact = list_page([("page", "3"), ("page_size", "15")])
    assert (exact.total, exact.pages, len(exact.items)) == (45, 3, 15)
    whole = list_page([("page_size", "200")])
    assert (whole.total, whole.pages, len(whole.items)) == (45, 1, 45)


def test_empty_catalogue(db: str) -> None:
    page = list_page([])
    assert (page.items, page.total, page.pages) == ([], 0, 0)
    assert list_page([("page", "2")]).total == 0


def test_totals_follow_every_commit(db: str) -> None:
    for _ in range(25):
        create(category=Category.audio)
    params = [("category", "audio"), ("page_size", "10")]
    assert list_page(params).total == 25
    assert list_page(params).total == 25  # counted once, then cached
    create(category=Category.audio)
    assert list_page(params).total == 26
    with session_scope(write=True) as s:  # a bulk statement, not a flush: the write path sees it too
        first_six = select(Product.id).order_by(col(Product.id)).limit(6).scalar_subquery()
        s.execute(delete(Product).where(col(Product.id).in_(first_six)))
        s.commit()
    assert list_page(params).total == 20
    with session_scope(write=True) as s:
        s.execute(
            update(Product).where(col(Product.category) == Category.audio).values(category=Category.tablet)
        )
        s.commit()
    assert list_page(params).total == 0


def test_a_write_outside_the_write_path_is_counted_after_the_ttl(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(3):
        create(category=Category.audio)
    params = [("category", "audio"), ("page_size", "2")]
    assert list_page(params).total == 3
    with session_scope(write=True) as s:  # raw SQL, as another process would write
        s.execute(text("DELETE FROM products"))
        s.commit()
    for _ in range(3):
        create(category=Category.wearable)  # the table changed again, but through the write path
    monkeypatch.setattr(count_cache, "ttl", 0.0)
    assert list_page(params).total == 0


def test_list_items_and_json_match_the_public_schema(db: str) -> None:
    product = create(launch_date=date(2025, 5, 5))
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


# --- the contract's gte/lte/ne apply to every field; search folds case beyond ASCII -----------------


def _names(session, query: ListQuery) -> list[str]:
    reader = Principal(id=0, email="r@oppo.kz", full_name="", role=Role.promoter)
    return [p.name for p in products.list_products(session=session, actor=reader, query=query).items]


def test_text_and_category_fields_order_with_gte_and_lte(session) -> None:
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
def test_search_ignores_case_beyond_ascii(session, params, expected) -> None:
    make_product(session, name="Чехол Қара", color="Қара", sku="CASE-KZ-1")
    make_product(session, name="OPPO Reno14", color="Black", sku="RENO14-X")
    assert _names(session, parse_query(params)) == expected
