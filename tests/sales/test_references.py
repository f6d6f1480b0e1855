"""What sales point at stays: deleting a product, a promoter or a store that has sales is 409, not 500."""

from __future__ import annotations

from typing import Any

from tests.factories import valid_imei
from tests.helpers import expect_error
from tests.world import World


def test_what_a_sale_points_at_cannot_be_deleted(client: Any, world: World) -> None:
    sold = client.post(
        "/api/v1/sales",
        json={"store_id": world["a1"], "product_id": world["phone"], "imei": valid_imei()},
        headers=world.h("p1"),
    )
    assert sold.status_code == 201, sold.text
    admin = world.h("admin")
    for url in (
        f"/api/v1/products/{world['phone']}",
        f"/api/v1/users/{world['p1']}",
        f"/api/v1/stores/{world['a1']}",
    ):
        body = expect_error(client.delete(url, headers=admin), 409, "conflict")
        assert body["details"]["reason"] in {"in_use", "has_sales"}, url
        assert client.get(url, headers=admin).status_code == 200, url  # nothing was half-deleted
    # without sales they go
    assert client.delete(f"/api/v1/products/{world['tablet']}", headers=admin).status_code == 204
    assert client.delete(f"/api/v1/users/{world['p2']}", headers=admin).status_code == 204
