"""Row-level scope as a matrix (CONTRACT-SALES "Permissions"): what each role reads of stores,
assignments and sales, in lists and one by one; what is outside its scope answers 404."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.products.models import Product
from oppo_kz.sales import queries
from oppo_kz.stores.models import Store
from oppo_kz.users.models import User
from tests.factories import id_of, make_sale
from tests.world import World

ROLES = ["admin", "office", "sup_a", "sup_b", "p1", "p2"]
STORES = {
    "admin": {"a1", "a2", "b1"},
    "office": {"a1", "a2", "b1"},
    "sup_a": {"a1", "a2"},
    "sup_b": {"b1"},
    "p1": {"a1"},  # assigned today
    "p2": {"a2"},  # its assignment to b1 ended in 2021
}
SALES = {
    "admin": {"s1", "s2", "s3"},
    "office": {"s1", "s2", "s3"},
    "sup_a": {"s1", "s2"},
    "sup_b": {"s3"},
    "p1": {"s1"},
    "p2": {"s2", "s3"},
}
ASSIGNMENTS = {  # (store, promoter) pairs
    "admin": {("a1", "p1"), ("a2", "p2"), ("b1", "p2")},
    "office": {("a1", "p1"), ("a2", "p2"), ("b1", "p2")},
    "sup_a": {("a1", "p1"), ("a2", "p2")},
    "sup_b": {("b1", "p2")},
    "p1": {("a1", "p1")},
    "p2": {("a2", "p2"), ("b1", "p2")},
}


@pytest.fixture
def sold(world: World) -> dict[str, int]:
    with session_scope(write=True) as s:
        phone = s.get_one(Product, world["phone"])

        def sale(store: str, promoter: str, **extra: Any) -> int:
            return id_of(
                make_sale(
                    s,
                    store=s.get_one(Store, world[store]),
                    promoter=s.get_one(User, world[promoter]),
                    product=phone,
                    **extra,
                )
            )

        return {
            "s1": sale("a1", "p1"),
            "s2": sale("a2", "p2"),
            "s3": sale("b1", "p2", sold_at=datetime(2020, 7, 1, 10, tzinfo=UTC)),
        }


def _names(ids: dict[str, int], found: set[int]) -> set[str]:
    by_id = {v: k for k, v in ids.items()}
    return {by_id.get(i, f"?{i}") for i in found}


@pytest.mark.parametrize("role", ROLES)
def test_stores_in_scope(client: Any, world: World, role: str) -> None:
    listed = client.get("/api/v1/stores?page_size=200", headers=world.h(role)).json()
    stores = {name: world[name] for name in ("a1", "a2", "b1")}
    assert _names(stores, {s["id"] for s in listed["items"]}) == STORES[role]
    assert listed["total"] == len(STORES[role])
    for store in ("a1", "a2", "b1"):
        expected = 200 if store in STORES[role] else 404
        assert (
            client.get(f"/api/v1/stores/{world[store]}", headers=world.h(role)).status_code == expected
        ), store


@pytest.mark.parametrize("role", ROLES)
def test_sales_in_scope(client: Any, world: World, sold: dict[str, int], role: str) -> None:
    listed = client.get("/api/v1/sales?page_size=200", headers=world.h(role)).json()
    assert _names(sold, {s["id"] for s in listed["items"]}) == SALES[role]
    totals = client.get("/api/v1/sales/totals", headers=world.h(role)).json()
    assert totals["count"] == len(SALES[role])
    for sale, sale_id in sold.items():
        expected = 200 if sale in SALES[role] else 404
        assert client.get(f"/api/v1/sales/{sale_id}", headers=world.h(role)).status_code == expected, sale
    # a filter never widens the scope
    for store in ("a1", "a2", "b1"):
        count = client.get(f"/api/v1/sales?store_id={world[store]}", headers=world.h(role)).json()["total"]
        assert count == len({s for s in SALES[role] if s == {"a1": "s1", "a2": "s2", "b1": "s3"}[store]})


@pytest.mark.parametrize("role", ROLES)
def test_assignments_in_scope(client: Any, world: World, role: str) -> None:
    listed = client.get("/api/v1/assignments?page_size=200", headers=world.h(role)).json()
    pairs = {(a["store_id"], a["user_id"]) for a in listed["items"]}
    assert pairs == {(world[store], world[promoter]) for store, promoter in ASSIGNMENTS[role]}


FILTER_CHOICES = {  # the /sales page's store and promoter pickers
    "admin": ({"a1", "a2", "b1"}, {"p1", "p2"}),
    "office": ({"a1", "a2", "b1"}, {"p1", "p2"}),
    "sup_a": ({"a1", "a2"}, {"p1", "p2"}),
    "sup_b": ({"b1"}, {"p2"}),  # p2 was assigned to b1 once: their old sales are b's to read
    "p1": (set(), set()),
    "p2": (set(), set()),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_sales_filters_offer_only_what_is_in_scope(world: World, role: str) -> None:
    with session_scope() as s:
        user = s.get_one(User, world[role])
        actor = Principal(id=world[role], email=user.email, full_name=user.full_name, role=user.role)
        choices = queries.filter_choices(session=s, actor=actor)
    stores = {name: world[name] for name in ("a1", "a2", "b1")}
    promoters = {name: world[name] for name in ("p1", "p2")}
    assert _names(stores, {c["id"] for c in choices["stores"]}) == FILTER_CHOICES[role][0]
    assert _names(promoters, {c["id"] for c in choices["promoters"]}) == FILTER_CHOICES[role][1]
