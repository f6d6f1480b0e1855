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
