"""Stores over REST (CONTRACT-SALES "Stores"): create, read, change, delete, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from oppo_kz.core.db import session_scope
from tests.factories import make_sale
from tests.helpers import expect_error
from tests.world import World

URL = "/api/v1/stores"
NEW = {"code": " ala-mec-010 ", "name": "Mechta Aport", "chain": "Mechta", "city": "Almaty"}


def test_office_creates_reads_changes_and_deletes_a_store(client: Any, world: World) -> None:
    created = client.post(URL, json=NEW | {"latitude": 43.2, "longitude": 76.85}, headers=world.h("office"))
    assert created.status_code == 201, created.text
    store = created.json()
    assert store["code"] == "ALA-MEC-010"  # stored upper-case, trimmed
    assert (store["is_active"], store["version"], store["supervisor_id"]) == (True, 1, None)
    assert created.headers["Location"] == f"{URL}/{store['id']}"
    assert created.headers["ETag"] == '"1"'

    got = client.get(f"{URL}/{store['id']}", headers=world.h("office"))
    assert got.status_code == 200
    assert got.json() == store

    patched = client.patch(
        f"{URL}/{store['id']}",
        json={"supervisor_id": world["sup_a"], "version": 1},
        headers=world.h("office"),
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["supervisor_id"], patched.json()["version"]) == (world["sup_a"], 2)
    stale = client.patch(f"{URL}/{store['id']}", json={"name": "X", "version": 1}, headers=world.h("office"))
    assert expect_error(stale, 409, "conflict")["details"]["current_version"] == 2

    replaced = client.put(
        f"{URL}/{store['id']}", json=patched.json() | {"name": "Mechta Aport Mall"}, headers=world.h("office")
    )
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["name"], replaced.json()["version"]) == ("Mechta Aport Mall", 3)

    assert (
        client.delete(f"{URL}/{store['id']}", headers=world.h("office") | {"If-Match": '"2"'}).status_code
        == 409
    )
    assert client.delete(f"{URL}/{store['id']}", headers=world.h("office")).status_code == 204
    expect_error(client.get(f"{URL}/{store['id']}", headers=world.h("office")), 404, "not_found")


def test_a_duplicate_code_is_a_conflict_case_insensitively(client: Any, world: World) -> None:
    body = expect_error(
        client.post(URL, json=NEW | {"code": "ala-tdm-001"}, headers=world.h("admin")), 409, "conflict"
    )
    assert body["details"]["field"] == "code"
    other = client.post(URL, json=NEW, headers=world.h("admin")).json()
    clash = client.patch(f"{URL}/{other['id']}", json={"code": "Ala-Tdm-001"}, headers=world.h("admin"))
    assert expect_error(clash, 409, "conflict")["details"]["field"] == "code"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "has spaces"}, "code"),
        ({"name": "   "}, "name"),
        ({"chain": None}, "chain"),
        ({"latitude": 91}, "latitude"),
        ({"longitude": -180.5}, "longitude"),
        ({"latitude": "43.2"}, "latitude"),
        ({"is_active": "yes"}, "is_active"),
        ({"supervisor_id": "7"}, "supervisor_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_bodies_are_422_naming_the_field(
    client: Any, world: World, body: dict[str, Any], field: str
) -> None:
    response = client.post(URL, json=NEW | body, headers=world.h("office"))
    errors = expect_error(response, 422, "validation_error")["details"]["errors"]
    assert field in {e["field"] for e in errors}, errors


@pytest.mark.parametrize("who", ["p1", "office", "admin"])
def test_the_supervisor_must_be_an_active_supervisor(client: Any, world: World, who: str) -> None:
    response = client.post(URL, json=NEW | {"supervisor_id": world[who]}, headers=world.h("office"))
    assert expect_error(response, 422, "validation_error")["details"]["errors"][0]["field"] == "supervisor_id"
    missing = client.post(URL, json=NEW | {"supervisor_id": 999_999}, headers=world.h("office"))
    expect_error(missing, 422, "validation_error")


@pytest.mark.parametrize("who", ["sup_a", "p1"])
def test_only_head_office_writes_stores(client: Any, world: World, who: str) -> None:
    expect_error(client.post(URL, json=NEW, headers=world.h(who)), 403, "forbidden")
    store = f"{URL}/{world['a1']}"
    expect_error(client.patch(store, json={"name": "Mine"}, headers=world.h(who)), 403, "forbidden")
    expect_error(client.delete(store, headers=world.h(who)), 403, "forbidden")


def test_a_store_with_sales_cannot_be_deleted_but_can_be_deactivated(client: Any, world: World) -> None:
    from oppo_kz.products.models import Product
    from oppo_kz.stores.models import Store
    from oppo_kz.users.models import User

    with session_scope(write=True) as s:
        make_sale(
            s,
            store=s.get_one(Store, world["a1"]),
            promoter=s.get_one(User, world["p1"]),
            product=s.get_one(Product, world["phone"]),
        )
    store = f"{URL}/{world['a1']}"
    body = expect_error(client.delete(store, headers=world.h("admin")), 409, "conflict")
    assert body["details"]["reason"] == "has_sales"
    assert (
        client.patch(store, json={"is_active": False}, headers=world.h("admin")).json()["is_active"] is False
    )


def test_lists_filter_sort_search_and_page(client: Any, world: World) -> None:
    office = world.h("office")
    assert client.get(f"{URL}?city=Astana", headers=office).json()["total"] == 1
    codes = [s["code"] for s in client.get(f"{URL}?sort=-code", headers=office).json()["items"]]
    assert codes == ["SHY-OPP-003", "AST-SUL-002", "ALA-TDM-001"]
    assert [s["code"] for s in client.get(f"{URL}?q=mega", headers=office).json()["items"]] == ["AST-SUL-002"]
    assert (
        client.get(f"{URL}?code=ala-tdm-001", headers=office).json()["total"] == 1
    )  # normalised like stored
    page = client.get(f"{URL}?page_size=2&page=2&sort=id", headers=office).json()
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 1)
    assert client.get(f"{URL}?supervisor_id={world['sup_b']}", headers=office).json()["total"] == 1
    expect_error(client.get(f"{URL}?colour=red", headers=office), 400, "invalid_filter")
    expect_error(client.get(f"{URL}?latitude__gte=north", headers=office), 400, "invalid_filter")
    expect_error(client.get(f"{URL}?sort=supervisor", headers=office), 400, "invalid_sort")
