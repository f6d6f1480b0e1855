"""POST /products/{id}/revert (CONTRACT-SALES "Audit"): one change undone as a new version, audited as revert."""

from __future__ import annotations

from typing import Any

from tests.helpers import expect_error
from tests.world import World

PRODUCTS = "/api/v1/products"


def _history(client: Any, world: World, product_id: int) -> list[dict[str, Any]]:
    response = client.get(
        "/api/v1/audit", params={"entity": "product", "entity_id": product_id}, headers=world.h("office")
    )
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def test_office_reverts_one_change_and_the_revert_is_audited(client: Any, world: World) -> None:
    pid = world["phone"]
    first = client.patch(
        f"{PRODUCTS}/{pid}", json={"price": 150_000, "color": "Blue"}, headers=world.h("office")
    )
    assert first.status_code == 200
    second = client.patch(f"{PRODUCTS}/{pid}", json={"stock": 3}, headers=world.h("admin"))
    assert second.json()["version"] == 3
    change = next(e for e in _history(client, world, pid) if e["changes"].get("price"))

    reverted = client.post(
        f"{PRODUCTS}/{pid}/revert", json={"audit_id": change["id"]}, headers=world.h("office")
    )
    assert reverted.status_code == 200, reverted.text
    body = reverted.json()
    # The fields that entry changed are back; the later change stays.
    assert (body["price"], body["color"], body["stock"], body["version"]) == (199_990, "Black", 3, 4)
    assert reverted.headers["ETag"] == '"4"'
    latest = _history(client, world, pid)[0]
    assert latest["action"] == "revert"
    assert latest["changes"] == {"price": [150_000, 199_990], "color": ["Blue", "Black"]}
    assert latest["actor_id"] == world["office"]

    # Reverting the revert puts the change back.
    again = client.post(f"{PRODUCTS}/{pid}/revert", json={"audit_id": latest["id"]}, headers=world.h("admin"))
    assert (again.json()["price"], again.json()["version"]) == (150_000, 5)


def test_revert_refusals(client: Any, world: World) -> None:
    pid = world["phone"]
    client.patch(f"{PRODUCTS}/{world['case']}", json={"price": 7_000}, headers=world.h("office"))
    other = _history(client, world, world["case"])[0]
    created = next(e for e in _history(client, world, pid) if e["action"] == "create")
    client.patch(f"{PRODUCTS}/{pid}", json={"price": 1}, headers=world.h("office"))
    mine = _history(client, world, pid)[0]

    def revert(body: Any, who: str = "office", product_id: int = pid) -> Any:
        return client.post(f"{PRODUCTS}/{product_id}/revert", json=body, headers=world.h(who))

    expect_error(revert({"audit_id": 999_999}), 404, "not_found")
    expect_error(revert({"audit_id": other["id"]}), 404, "not_found")  # another product's entry
    expect_error(revert({"audit_id": mine["id"]}, product_id=999_999), 404, "not_found")
    body = expect_error(revert({"audit_id": created["id"]}), 409, "conflict")
    assert body["details"]["action"] == "create"
    expect_error(revert({"audit_id": mine["id"], "version": 1}), 409, "conflict")
    expect_error(revert({"audit_id": mine["id"]}, who="sup_a"), 403, "forbidden")
    expect_error(revert({}), 422, "validation_error")
    expect_error(revert({"audit_id": "x"}), 422, "validation_error")
    assert client.get(f"{PRODUCTS}/{pid}", headers=world.h("office")).json()["price"] == 1


def test_a_new_product_never_inherits_the_history_of_a_deleted_one(client: Any, world: World) -> None:
    """SQLite hands a deleted row's id to the next insert when it was the newest; the new product's
    history must not show the old one's entries, nor revert to them."""
    from oppo_kz.auth.service import Principal
    from oppo_kz.core.db import session_scope
    from oppo_kz.products import history
    from oppo_kz.users.models import Role

    def create(sku: str, price: int) -> int:
        response = client.post(
            PRODUCTS,
            json={"sku": sku, "name": sku, "category": "audio", "price": price},
            headers=world.h("office"),
        )
        assert response.status_code == 201, response.text
        product_id: int = response.json()["id"]
        return product_id

    old = create("gone-1", 1_000)
    assert (
        client.patch(f"{PRODUCTS}/{old}", json={"price": 2_000}, headers=world.h("office")).status_code == 200
    )
    old_update = _history(client, world, old)[0]
    assert client.delete(f"{PRODUCTS}/{old}", headers=world.h("admin")).status_code == 204
    new = create("new-1", 5_000)

    office = Principal(id=world["office"], email="office@oppo.kz", full_name="O", role=Role.office)
    with session_scope() as session:
        shown = history.product_history(session=session, actor=office, product_id=new)
    assert [(e.action.value, e.changes.get("sku")) for e in shown] == [("create", [None, "NEW-1"])]
    expect_error(
        client.post(
            f"{PRODUCTS}/{new}/revert", json={"audit_id": old_update["id"]}, headers=world.h("office")
        ),
        404,
        "not_found",
    )
    assert client.get(f"{PRODUCTS}/{new}", headers=world.h("office")).json()["price"] == 5_000
