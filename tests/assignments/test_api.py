"""Assignments over REST (CONTRACT-SALES "Assignments"): who manages which, overlaps, `active_on`."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import expect_error
from tests.world import World

URL = "/api/v1/assignments"


def _assign(client: Any, world: World, who: str, **body: Any) -> Any:
    return client.post(
        URL,
        json={"store_id": world["a1"], "user_id": world["p2"], "starts_on": "2026-01-01"} | body,
        headers=world.h(who),
    )


def test_a_supervisor_assigns_a_promoter_to_their_store_and_ends_it(client: Any, world: World) -> None:
    created = _assign(client, world, "sup_a")
    assert created.status_code == 201, created.text
    item = created.json()
    assert (item["store_id"], item["user_id"], item["ends_on"], item["version"]) == (
        world["a1"],
        world["p2"],
        None,
        1,
    )
    ended = client.patch(
        f"{URL}/{item['id']}", json={"ends_on": "2026-06-30", "version": 1}, headers=world.h("sup_a")
    )
    assert ended.status_code == 200, ended.text
    assert (ended.json()["ends_on"], ended.json()["version"]) == ("2026-06-30", 2)
    assert client.delete(f"{URL}/{item['id']}", headers=world.h("sup_a")).status_code == 204


def test_a_supervisor_may_not_manage_another_supervisors_store(client: Any, world: World) -> None:
    expect_error(_assign(client, world, "sup_b"), 403, "forbidden")
    theirs = _assign(client, world, "sup_a").json()
    # B cannot even see A's assignment: the same answer as one that does not exist
    expect_error(
        client.patch(f"{URL}/{theirs['id']}", json={"ends_on": "2026-02-01"}, headers=world.h("sup_b")),
        404,
        "not_found",
    )
    expect_error(client.get(f"{URL}/{theirs['id']}", headers=world.h("sup_b")), 404, "not_found")


def test_promoters_do_not_manage_assignments(client: Any, world: World) -> None:
    expect_error(_assign(client, world, "p1"), 403, "forbidden")


@pytest.mark.parametrize(
    ("first", "second", "clash"),
    [
        (("2026-01-01", None), ("2027-05-01", None), True),  # open-ended
        (("2026-01-01", "2026-03-31"), ("2026-03-31", None), True),  # one shared day
        (("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-04-30"), False),
        (("2026-05-01", None), ("2026-01-01", "2026-04-30"), False),
        (("2026-05-01", None), ("2026-01-01", "2026-05-01"), True),
    ],
)
def test_two_assignments_of_one_pair_may_not_overlap(
    client: Any, world: World, first: tuple[str, str | None], second: tuple[str, str | None], clash: bool
) -> None:
    assert _assign(client, world, "office", starts_on=first[0], ends_on=first[1]).status_code == 201
    response = _assign(client, world, "office", starts_on=second[0], ends_on=second[1])
    if clash:
        expect_error(response, 409, "conflict")
    else:
        assert response.status_code == 201, response.text


def test_moving_dates_into_an_overlap_is_a_conflict(client: Any, world: World) -> None:
    _assign(client, world, "office", starts_on="2026-01-01", ends_on="2026-01-31")
    later = _assign(client, world, "office", starts_on="2026-03-01").json()
    expect_error(
        client.patch(f"{URL}/{later['id']}", json={"starts_on": "2026-01-15"}, headers=world.h("office")),
        409,
        "conflict",
    )
    expect_error(
        client.patch(f"{URL}/{later['id']}", json={"ends_on": "2026-02-01"}, headers=world.h("office")),
        422,
        "validation_error",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"user_id": "sup_a"}, "user_id"),  # not a promoter
        ({"user_id": 999_999}, "user_id"),
        ({"store_id": 999_999}, "store_id"),
        ({"ends_on": "2025-12-31"}, "ends_on"),  # before starts_on: named as PATCH names it
        ({"starts_on": "1999-12-31"}, "starts_on"),
        ({"starts_on": "01.02.2026"}, "starts_on"),
        ({"store_id": "1"}, "store_id"),
    ],
)
def test_bad_assignments_are_422(client: Any, world: World, body: dict[str, Any], field: str) -> None:
    body = {k: world[v] if isinstance(v, str) and v in world.ids else v for k, v in body.items()}
    errors = expect_error(_assign(client, world, "office", **body), 422, "validation_error")["details"][
        "errors"
    ]
    assert field in {e["field"] for e in errors}, errors


def test_active_on_keeps_the_assignments_running_that_day(client: Any, world: World) -> None:
    office = world.h("office")
    assert client.get(f"{URL}?active_on=2020-06-01", headers=office).json()["total"] == 3
    running_now = client.get(f"{URL}?active_on=2026-12-01", headers=office).json()
    assert {(a["store_id"], a["user_id"]) for a in running_now["items"]} == {
        (world["a1"], world["p1"]),
        (world["a2"], world["p2"]),
    }
    assert (
        client.get(f"{URL}?active_on=2026-12-01&store_id={world['a1']}", headers=office).json()["total"] == 1
    )
    expect_error(client.get(f"{URL}?active_on=yesterday", headers=office), 400, "invalid_filter")
    expect_error(
        client.get(f"{URL}?active_on=2026-01-01&active_on=2026-01-02", headers=office), 400, "invalid_filter"
    )
