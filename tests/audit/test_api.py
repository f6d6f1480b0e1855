"""The audit log over REST (CONTRACT-SALES "Audit"): an entry for every committed write of every audited
entity, written in the write's own transaction, readable by admin and office only."""

from __future__ import annotations

import json
from typing import Any

import pytest

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.core.errors import ConflictError
from oppo_kz.products import service as products
from oppo_kz.products.models import ProductUpdate
from oppo_kz.users.models import Role
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import expect_error
from tests.world import World

AUDIT = "/api/v1/audit"


def entries(client: Any, world: World, **filters: Any) -> list[dict[str, Any]]:
    response = client.get(AUDIT, params={"page_size": 200, **filters}, headers=world.h("admin"))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_product_create_update_delete_are_audited_with_actor_and_changes(client: Any, world: World) -> None:
    created = client.post(
        "/api/v1/products",
        json={"sku": "audit-1", "name": "Audit Phone", "category": "audio", "price": 1000},
        headers=world.h("office"),
    )
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    patched = client.patch(f"/api/v1/products/{pid}", json={"price": 1500}, headers=world.h("office"))
    assert patched.status_code == 200
    assert client.delete(f"/api/v1/products/{pid}", headers=world.h("admin")).status_code == 204

    found = entries(client, world, entity="product", entity_id=pid)
    assert [e["action"] for e in found] == ["delete", "update", "create"]  # newest first
    delete, update, create = found
    assert create["changes"]["sku"] == [None, "AUDIT-1"]
    assert create["changes"]["price"] == [None, 1000]
    assert update["changes"] == {"price": [1000, 1500]}
    assert delete["changes"]["price"] == [1500, None]
    assert delete["changes"]["name"] == ["Audit Phone", None]
    assert (update["actor_id"], delete["actor_id"]) == (world["office"], world["admin"])
    assert update["actor_email"].endswith("@oppo.kz")
    assert set(update) == {"id", "at", "actor_id", "actor_email", "action", "entity", "entity_id", "changes"}


def test_store_and_assignment_writes_are_audited(client: Any, world: World) -> None:
    store = client.post(
        "/api/v1/stores",
        json={"code": "ALA-AUD-001", "name": "Audit Store", "chain": "Kaspi", "city": "Almaty"},
        headers=world.h("office"),
    ).json()
    client.patch(f"/api/v1/stores/{store['id']}", json={"name": "Audit Store 2"}, headers=world.h("office"))
    assigned = client.post(
        "/api/v1/assignments",
        json={"store_id": store["id"], "user_id": world["p1"], "starts_on": "2025-01-01"},
        headers=world.h("office"),
    )
    assert assigned.status_code == 201, assigned.text
    aid = assigned.json()["id"]
    client.patch(f"/api/v1/assignments/{aid}", json={"ends_on": "2025-12-31"}, headers=world.h("office"))
    assert client.delete(f"/api/v1/assignments/{aid}", headers=world.h("office")).status_code == 204
    assert client.delete(f"/api/v1/stores/{store['id']}", headers=world.h("office")).status_code == 204

    assert [e["action"] for e in entries(client, world, entity="store", entity_id=store["id"])] == [
        "delete",
        "update",
        "create",
    ]
    on_assignment = entries(client, world, entity="assignment", entity_id=aid)
    assert [e["action"] for e in on_assignment] == ["delete", "update", "create"]
    assert on_assignment[1]["changes"] == {"ends_on": [None, "2025-12-31"]}


def _sale(client: Any, world: World) -> int:
    response = client.post(
        "/api/v1/sales",
        json={"store_id": world["a1"], "product_id": world["case"], "quantity": 2},
        headers=world.h("p1"),
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_sale_reviews_are_audited_as_approve_and_reject(client: Any, world: World) -> None:
    approved, rejected, withdrawn = _sale(client, world), _sale(client, world), _sale(client, world)
    assert client.post(f"/api/v1/sales/{approved}/approve", headers=world.h("sup_a")).status_code == 200
    response = client.post(
        f"/api/v1/sales/{rejected}/reject", json={"note": "dup"}, headers=world.h("office")
    )
    assert response.status_code == 200
    assert (
        client.patch(f"/api/v1/sales/{withdrawn}", json={"quantity": 3}, headers=world.h("p1")).status_code
        == 200
    )
    assert client.delete(f"/api/v1/sales/{withdrawn}", headers=world.h("p1")).status_code == 204

    approve = entries(client, world, entity="sale", entity_id=approved)
    assert [e["action"] for e in approve] == ["approve", "create"]
    assert approve[0]["changes"]["status"] == ["pending", "approved"]
    assert approve[0]["actor_id"] == world["sup_a"]
    assert approve[1]["actor_id"] == world["p1"]
    reject = entries(client, world, entity="sale", entity_id=rejected)[0]
    assert (reject["action"], reject["changes"]["review_note"]) == ("reject", [None, "dup"])
    assert [e["action"] for e in entries(client, world, entity="sale", entity_id=withdrawn)] == [
        "delete",
        "update",
        "create",
    ]
    bulk = [_sale(client, world), _sale(client, world)]
    response = client.post(
        "/api/v1/sales/review", json={"ids": bulk, "action": "approve"}, headers=world.h("office")
    )
    assert response.status_code == 200
    assert (
        len(entries(client, world, entity="sale", action="approve", entity_id__in=",".join(map(str, bulk))))
        == 2
    )


def test_users_and_logins_are_audited_without_secrets(client: Any, world: World) -> None:
    secret = "Sup3r-Secret-Pass!"
    created = client.post(
        "/api/v1/users",
        json={"email": "new.one@oppo.kz", "password": secret, "full_name": "New One", "role": "office"},
        headers=world.h("admin"),
    )
    assert created.status_code == 201, created.text
    uid = created.json()["id"]
    client.post("/api/v1/auth/login", json={"email": "new.one@oppo.kz", "password": secret})
    client.patch(
        f"/api/v1/users/{uid}",
        json={"password": secret + "2", "full_name": "New Two"},
        headers=world.h("admin"),
    )
    assert client.delete(f"/api/v1/users/{uid}", headers=world.h("admin")).status_code == 204

    found = entries(client, world, entity="user", entity_id=uid)
    assert [e["action"] for e in found] == ["delete", "update", "login", "create"]
    _delete, update, login, create = found
    assert create["changes"]["email"] == [None, "new.one@oppo.kz"]
    assert create["changes"]["role"] == [None, "office"]
    assert update["changes"] == {"full_name": ["New One", "New Two"]}
    assert (login["actor_id"], login["actor_email"]) == (uid, "new.one@oppo.kz")
    text = json.dumps(found)
    assert "password" not in text
    assert "$2b$" not in text
    assert secret not in text
    assert "token" not in json.dumps(entries(client, world, action="login"))


def test_a_refused_write_leaves_no_entry(client: Any, world: World) -> None:
    before = client.get(AUDIT, params={"entity": "product"}, headers=world.h("admin")).json()["total"]
    response = client.patch(
        f"/api/v1/products/{world['phone']}", json={"sku": "PAD3-8-256"}, headers=world.h("office")
    )
    expect_error(response, 409, "conflict")
    stale = client.patch(
        f"/api/v1/products/{world['phone']}", json={"price": 1, "version": 99}, headers=world.h("office")
    )
    expect_error(stale, 409, "conflict")
    assert client.get(AUDIT, params={"entity": "product"}, headers=world.h("admin")).json()["total"] == before


def test_a_rolled_back_transaction_leaves_no_entry(client: Any, world: World) -> None:
    actor = Principal(id=world["office"], email="office@oppo.kz", full_name="O", role=Role.office)
    with session_scope(write=True) as session:
        product = products.get_product(session=session, actor=actor, product_id=world["phone"])
        product.price = 5
        session.flush()  # the entry is written in the transaction ...
        session.rollback()  # ... and goes with it
    assert entries(client, world, entity="product", entity_id=world["phone"], action="update") == []
    with session_scope(write=True) as session, pytest.raises(ConflictError):
        products.update_product(
            session=session, actor=actor, product_id=world["phone"], changes=ProductUpdate(sku="CASE-RENO14")
        )
    assert entries(client, world, entity="product", entity_id=world["phone"], action="update") == []


@pytest.mark.parametrize("who", ["sup_a", "p1"])
def test_only_admin_and_office_read_the_log(client: Any, world: World, who: str) -> None:
    assert client.get(AUDIT, headers=world.h("office")).status_code == 200
    expect_error(client.get(AUDIT, headers=world.h(who)), 403, "forbidden")
    expect_error(client.get(AUDIT), 401, "not_authenticated")


def test_the_log_takes_the_filter_grammar(client: Any, world: World) -> None:
    client.patch(f"/api/v1/products/{world['case']}", json={"stock": 77}, headers=world.h("office"))
    logins = client.get(
        AUDIT, params={"action": "login", "actor_id": world["office"]}, headers=world.h("office")
    )
    assert logins.status_code == 200
    assert logins.json()["total"] >= 1
    assert {e["action"] for e in logins.json()["items"]} == {"login"}
    hit = entries(client, world, entity__in="product,store", changes__contains="stock", action__ne="create")
    assert [e["entity_id"] for e in hit] == [world["case"]]
    assert entries(client, world, at__gte="2999-01-01T00:00:00Z") == []
    page = client.get(AUDIT, params={"sort": "id", "page_size": 2}, headers=world.h("office")).json()
    assert page["page_size"] == 2
    assert page["items"][0]["id"] < page["items"][1]["id"]
    bad_filters = ({"nope": "1"}, {"action": "fly"}, {"entity": "month"}, {"entity__in": "product,x"})
    for bad in (*bad_filters, {"entity_id": "x"}, {"at__contains": "1"}):
        expect_error(client.get(AUDIT, params=bad, headers=world.h("office")), 400, "invalid_filter")
    expect_error(
        client.get(AUDIT, params={"sort": "changes"}, headers=world.h("office")), 400, "invalid_sort"
    )
    assert DEFAULT_PASSWORD not in json.dumps(entries(client, world))


def test_targets_are_audited_through_their_tracking_alone(client: Any, world: World) -> None:
    created = client.post(
        "/api/v1/targets",
        json={"month": "2026-11", "store_id": world["a1"], "units": 40, "amount": 8_000_000},
        headers=world.h("office"),
    )
    assert created.status_code == 201, created.text
    tid = created.json()["id"]
    client.patch(f"/api/v1/targets/{tid}", json={"units": 45}, headers=world.h("office"))
    assert client.delete(f"/api/v1/targets/{tid}", headers=world.h("admin")).status_code == 204
    found = entries(client, world, entity="target", entity_id=tid)
    assert [e["action"] for e in found] == ["delete", "update", "create"]
    assert found[1]["changes"] == {"units": [40, 45]}
    assert (found[1]["actor_id"], found[0]["actor_id"]) == (world["office"], world["admin"])


def test_closing_a_bonus_month_is_audited_as_close(client: Any, world: World) -> None:
    from oppo_kz.bonuses import service as bonuses

    actor = Principal(id=world["office"], email="office@oppo.kz", full_name="O", role=Role.office)
    with session_scope(write=True) as session:
        bonuses.close_month(session=session, actor=actor, month="2025-01")
    (entry,) = entries(client, world, action="close")
    assert (entry["entity"], entry["entity_id"], entry["changes"]) == (
        "bonus_rule",
        None,
        {"month": [None, "2025-01"]},
    )
    assert (entry["actor_id"], entry["actor_email"]) == (world["office"], "office@oppo.kz")
