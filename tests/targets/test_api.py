"""Targets over REST (CONTRACT-SALES "Targets"): the rules of a target, one per pair, office/admin
writes, versions, and who reads which."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import expect_error
from tests.world import World

URL = "/api/v1/targets"


def _post(client: Any, world: World, body: dict[str, Any], who: str = "office") -> Any:
    return client.post(URL, json=body, headers=world.h(who))


def test_office_sets_reads_changes_and_removes_a_target(client: Any, world: World) -> None:
    created = _post(
        client, world, {"month": "2026-11", "store_id": world["a1"], "units": 40, "amount": 8_000_000}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["month"] == "2026-11"
    assert body["store_id"] == world["a1"]
    assert body["promoter_id"] is None
    assert (body["units"], body["amount"], body["version"]) == (40, 8_000_000, 1)
    assert created.headers["Location"] == f"{URL}/{body['id']}"
    assert body["store_name"] == "Technodom Dostyk"
    one = f"{URL}/{body['id']}"
    assert client.get(one, headers=world.h("admin")).json()["units"] == 40
    changed = client.patch(one, json={"units": 45, "version": 1}, headers=world.h("office"))
    assert changed.status_code == 200, changed.text
    assert (changed.json()["units"], changed.json()["version"]) == (45, 2)
    expect_error(
        client.patch(one, json={"units": 50, "version": 1}, headers=world.h("office")), 409, "conflict"
    )
    expect_error(
        client.patch(one, json={"amount": 1}, headers={**world.h("office"), "If-Match": '"1"'}),
        409,
        "conflict",
    )
    assert client.delete(one, headers=world.h("admin")).status_code == 204
    expect_error(client.get(one, headers=world.h("office")), 404, "not_found")


def test_one_target_per_month_and_store_and_per_month_and_promoter(client: Any, world: World) -> None:
    assert _post(client, world, {"month": "2026-11", "store_id": world["a1"], "units": 1}).status_code == 201
    assert (
        _post(client, world, {"month": "2026-11", "promoter_id": world["p1"], "units": 1}).status_code == 201
    )
    body = expect_error(
        _post(client, world, {"month": "2026-11", "store_id": world["a1"], "amount": 5}), 409, "conflict"
    )
    assert body["details"]["field"] == "store_id"
    expect_error(
        _post(client, world, {"month": "2026-11", "promoter_id": world["p1"], "amount": 5}), 409, "conflict"
    )
    # another month, or the same month for another subject, is fine
    assert _post(client, world, {"month": "2026-12", "store_id": world["a1"], "units": 1}).status_code == 201
    assert _post(client, world, {"month": "2026-11", "store_id": world["a2"], "units": 1}).status_code == 201
    # moving a target onto a pair that has one is a conflict too
    other = _post(client, world, {"month": "2026-10", "store_id": world["a1"], "units": 1}).json()
    expect_error(
        client.patch(f"{URL}/{other['id']}", json={"month": "2026-11"}, headers=world.h("office")),
        409,
        "conflict",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"month": "2026-11", "units": 1}, "store_id"),
        ({"month": "2026-11", "store_id": 1, "promoter_id": 1, "units": 1}, "promoter_id"),
        ({"month": "2026-11", "store_id": "STORE", "units": 0, "amount": 0}, "units"),
        ({"month": "2026-13", "store_id": "STORE", "units": 1}, "month"),
        ({"month": "26-11", "store_id": "STORE", "units": 1}, "month"),
        ({"month": "2026-11", "store_id": "STORE", "units": -1}, "units"),
        ({"month": "2026-11", "store_id": "STORE", "amount": 1.5}, "amount"),
        ({"month": "2026-11", "store_id": "STORE", "units": "3"}, "units"),
        ({"month": "2026-11", "store_id": 999999, "units": 1}, "store_id"),
        ({"month": "2026-11", "promoter_id": "SUPERVISOR", "units": 1}, "promoter_id"),
        ({"month": "2026-11", "store_id": "STORE", "units": 1, "colour": "red"}, "colour"),
    ],
)
def test_invalid_targets_are_422_naming_the_field(client: Any, world: World, body: dict, field: str) -> None:
    body = {
        k: world["a1"] if v == "STORE" else world["sup_a"] if v == "SUPERVISOR" else v
        for k, v in body.items()
    }
    error = expect_error(_post(client, world, body), 422, "validation_error")
    assert field in {e["field"].split(".")[-1] for e in error["details"]["errors"]}, error


def test_only_office_and_admin_write(client: Any, world: World) -> None:
    body = {"month": "2026-11", "store_id": world["a1"], "units": 1}
    for who in ("sup_a", "p1"):
        expect_error(_post(client, world, body, who), 403, "forbidden")
    target = _post(client, world, body).json()
    expect_error(
        client.patch(f"{URL}/{target['id']}", json={"units": 2}, headers=world.h("sup_a")), 403, "forbidden"
    )
    expect_error(client.delete(f"{URL}/{target['id']}", headers=world.h("p1")), 403, "forbidden")
    expect_error(client.post(URL, json=body), 401, "not_authenticated")


def test_each_role_reads_the_targets_of_its_scope(client: Any, world: World) -> None:
    made = {
        name: _post(client, world, {"month": "2026-11", key: world[name], "units": 10}).json()["id"]
        for name, key in (
            ("a1", "store_id"),
            ("a2", "store_id"),
            ("b1", "store_id"),
            ("p1", "promoter_id"),
            ("p2", "promoter_id"),
        )
    }

    def seen(who: str) -> set[str]:
        response = client.get(f"{URL}?page_size=200", headers=world.h(who))
        assert response.status_code == 200, response.text
        ids = {item["id"] for item in response.json()["items"]}
        return {name for name, target_id in made.items() if target_id in ids}

    everything = set(made)
    assert seen("office") == seen("admin") == everything
    # supervisor A: stores a1, a2 and the promoters ever assigned to them (p1, p2)
    assert seen("sup_a") == {"a1", "a2", "p1", "p2"}
    # supervisor B: store b1 and p2 (once assigned there)
    assert seen("sup_b") == {"b1", "p2"}
    # a promoter: their own and their stores'
    assert seen("p1") == {"a1", "p1"}
    assert seen("p2") == {"a2", "b1", "p2"}
    # outside the scope, an id answers as one that does not exist
    expect_error(client.get(f"{URL}/{made['b1']}", headers=world.h("p1")), 404, "not_found")
    assert client.get(f"{URL}/{made['a1']}", headers=world.h("p1")).status_code == 200


def test_the_list_takes_the_filter_grammar(client: Any, world: World) -> None:
    for month in ("2026-09", "2026-10", "2026-11"):
        _post(client, world, {"month": month, "store_id": world["a1"], "units": int(month[-2:])})
    page = client.get(f"{URL}?month__gte=2026-10&sort=month", headers=world.h("office")).json()
    assert [item["month"] for item in page["items"]] == ["2026-10", "2026-11"]
    assert page["total"] == 2
    assert set(page) == {"items", "total", "page", "page_size", "pages"}
    assert client.get(f"{URL}?units__between=9,10", headers=world.h("office")).json()["total"] == 2
    expect_error(client.get(f"{URL}?colour=red", headers=world.h("office")), 400, "invalid_filter")
    expect_error(client.get(f"{URL}?units=many", headers=world.h("office")), 400, "invalid_filter")
    expect_error(client.get(f"{URL}?sort=colour", headers=world.h("office")), 400, "invalid_sort")


def test_copy_a_month_keeps_what_is_set_already(client: Any, world: World) -> None:
    _post(client, world, {"month": "2026-10", "store_id": world["a1"], "units": 10})
    _post(client, world, {"month": "2026-10", "promoter_id": world["p1"], "amount": 500})
    _post(client, world, {"month": "2026-11", "store_id": world["a1"], "units": 99})
    copied = client.post(
        f"{URL}/copy", json={"source": "2026-10", "month": "2026-11"}, headers=world.h("office")
    )
    assert copied.status_code == 200, copied.text
    assert copied.json() == {"added": 1}
    november = client.get(f"{URL}?month=2026-11&sort=id", headers=world.h("office")).json()["items"]
    assert [(t["store_id"], t["promoter_id"], t["units"], t["amount"]) for t in november] == [
        (world["a1"], None, 99, 0),
        (None, world["p1"], 0, 500),
    ]
    expect_error(
        client.post(f"{URL}/copy", json={"source": "2026-10", "month": "2026-11"}, headers=world.h("sup_a")),
        403,
        "forbidden",
    )
