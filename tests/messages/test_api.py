"""Messages over REST (CONTRACT-SALES "Messages"): audiences, the inbox, reads, receipts, who may send
what, and `message.created` on the events socket only for recipients — on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from tests.helpers import expect_error
from tests.world import World

URL = "/api/v1/messages"
EVERYONE_BUT_ADMIN = {"office", "sup_a", "sup_b", "p1", "p2"}
NAMES = ("admin", "office", "sup_a", "sup_b", "p1", "p2")


def _send(client: Any, world: World, who: str = "admin", **audience: Any) -> Any:
    body = {"title": "Reno14 week", "body": "Double bonus on Reno14 from Monday.", "audience": audience}
    return client.post(URL, json=body, headers=world.h(who))


def _sent(client: Any, world: World, who: str = "admin", **audience: Any) -> dict[str, Any]:
    response = _send(client, world, who, **audience)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _inbox_ids(client: Any, world: World, who: str, **params: str) -> list[int]:
    response = client.get(URL, params=params, headers=world.h(who))
    assert response.status_code == 200, response.text
    return [m["id"] for m in response.json()["items"]]


def _recipients(client: Any, world: World, message_id: int) -> set[str]:
    response = client.get(f"{URL}/{message_id}/receipts", headers=world.h("office"))
    assert response.status_code == 200, response.text
    by_id = {world[name]: name for name in NAMES}
    return {by_id[item["user_id"]] for item in response.json()["items"]}


def _resolve(world: World, audience: dict[str, list[str]]) -> dict[str, list[Any]]:
    """Audience lists naming world rows ("a1", "p2") as ids; roles and cities as they are."""
    resolved: dict[str, list[Any]] = {}
    for key, values in audience.items():
        resolved[key] = [world[v] for v in values] if key in ("store_ids", "user_ids") else values
    return resolved


# p1 works in a1 (Almaty), p2 in a2 (Astana; b1 in Shymkent ended in 2021); sup_a supervises a1 and a2,
# sup_b supervises b1. The author (admin) is never a recipient of their own message.
AUDIENCES: list[tuple[dict[str, list[str]], set[str]]] = [
    ({}, EVERYONE_BUT_ADMIN),
    ({"roles": ["promoter"]}, {"p1", "p2"}),
    ({"roles": ["supervisor", "office"]}, {"sup_a", "sup_b", "office"}),
    ({"cities": ["Astana"]}, {"p2", "sup_a"}),
    ({"cities": ["shymkent"]}, {"sup_b"}),  # p2's assignment there has ended; cities match in any case
    ({"store_ids": ["a1"]}, {"p1", "sup_a"}),
    ({"store_ids": ["b1"]}, {"sup_b"}),
    ({"user_ids": ["p2"]}, {"p2"}),
    ({"roles": ["office"], "user_ids": ["p1"]}, {"office", "p1"}),  # any non-empty list matching is enough
    ({"cities": ["Almaty"], "store_ids": ["b1"], "user_ids": ["p2"]}, {"p1", "sup_a", "sup_b", "p2"}),
    ({"roles": [], "cities": [], "store_ids": [], "user_ids": []}, EVERYONE_BUT_ADMIN),
]


def test_the_audience_decides_the_recipients(client: Any, world: World) -> None:
    # one world for the whole table: each message is checked against every reader
    sent = [
        (_sent(client, world, "admin", **_resolve(world, audience))["id"], expected)
        for audience, expected in AUDIENCES
    ]
    inboxes = {
        name: set(_inbox_ids(client, world, name, page_size="200")) for name in NAMES if name != "admin"
    }
    for (message_id, expected), (audience, _) in zip(sent, AUDIENCES, strict=True):
        assert _recipients(client, world, message_id) == expected, audience
        for name, inbox in inboxes.items():
            assert (message_id in inbox) == (name in expected), (audience, name)
            single = client.get(f"{URL}/{message_id}", headers=world.h(name))
            # office reads every message; others only what is addressed to them
            assert single.status_code == (200 if name in expected or name == "office" else 404), (
                audience,
                name,
            )


def test_a_message_as_sent_and_read(client: Any, world: World) -> None:
    created = _send(client, world, "office", store_ids=[world["a1"]])
    assert created.status_code == 201, created.text
    message = created.json()
    assert created.headers["Location"] == f"{URL}/{message['id']}"
    assert set(message) == {
        "id",
        "title",
        "body",
        "audience",
        "author_id",
        "author_name",
        "created_at",
        "read_at",
    }
    assert message["audience"] == {"roles": [], "cities": [], "store_ids": [world["a1"]], "user_ids": []}
    assert (message["author_id"], message["author_name"]) == (world["office"], "Aigerim Office")
    assert message["read_at"] is None

    page = client.get(URL, headers=world.h("p1")).json()
    assert set(page) == {"items", "total", "page", "page_size", "pages", "unread"}
    assert (page["total"], page["unread"]) == (1, 1)
    assert page["items"][0] == message | {"read_at": None}

    assert client.post(f"{URL}/{message['id']}/read", headers=world.h("p1")).status_code == 204
    first = client.get(f"{URL}/{message['id']}", headers=world.h("p1")).json()["read_at"]
    assert first is not None
    again = client.post(f"{URL}/{message['id']}/read", headers=world.h("p1"))
    assert (again.status_code, again.content) == (204, b"")
    assert client.get(f"{URL}/{message['id']}", headers=world.h("p1")).json()["read_at"] == first
    page = client.get(URL, headers=world.h("p1")).json()
    assert (page["unread"], page["items"][0]["read_at"]) == (0, first)

    receipts = client.get(f"{URL}/{message['id']}/receipts", headers=world.h("office")).json()
    assert (receipts["recipients"], receipts["read"]) == (2, 1)
    by_user = {i["user_id"]: i for i in receipts["items"]}
    assert by_user[world["p1"]] == {"user_id": world["p1"], "full_name": "Promoter One", "read_at": first}
    assert by_user[world["sup_a"]]["read_at"] is None


def test_the_inbox_is_newest_first_and_filters_unread(client: Any, world: World) -> None:
    ids = [_sent(client, world, user_ids=[world["p1"]])["id"] for _ in range(3)]
    assert _inbox_ids(client, world, "p1") == ids[::-1]
    client.post(f"{URL}/{ids[1]}/read", headers=world.h("p1"))
    assert _inbox_ids(client, world, "p1", unread="true") == [ids[2], ids[0]]
    assert _inbox_ids(client, world, "p1", unread="false") == ids[::-1]
    page = client.get(URL, params={"unread": "true", "page_size": "1"}, headers=world.h("p1")).json()
    assert (page["total"], page["unread"], page["pages"]) == (2, 2, 2)
    assert _inbox_ids(client, world, "p1", sort="created_at") == ids
    assert _inbox_ids(client, world, "p1", id__in=f"{ids[0]},{ids[2]}") == [ids[2], ids[0]]
    assert _inbox_ids(client, world, "p2") == []


def test_bad_inbox_queries_are_400(client: Any, world: World) -> None:
    for params, code in [({"unread": "maybe"}, "invalid_filter"), ({"audience": "x"}, "invalid_filter"),
                         ({"sort": "nope"}, "invalid_sort")]:  # fmt: skip
        expect_error(client.get(URL, params=params, headers=world.h("p1")), 400, code)


def test_receipts_are_for_the_author_office_and_admin(client: Any, world: World) -> None:
    message = _sent(client, world, "sup_a", store_ids=[world["a1"]])
    for who in ("sup_a", "office", "admin"):
        assert client.get(f"{URL}/{message['id']}/receipts", headers=world.h(who)).status_code == 200, who
    for who in ("p1", "sup_b", "p2"):  # p1 is a recipient, but receipts are not theirs to see
        expect_error(client.get(f"{URL}/{message['id']}/receipts", headers=world.h(who)), 404, "not_found")
    assert client.get(f"{URL}/{message['id']}", headers=world.h("sup_a")).status_code == 200  # the author
    assert client.post(f"{URL}/{message['id']}/read", headers=world.h("office")).status_code == 204
    expect_error(client.post(f"{URL}/{message['id']}/read", headers=world.h("p2")), 404, "not_found")
    expect_error(client.get(f"{URL}/999999/receipts", headers=world.h("office")), 404, "not_found")
    expect_error(client.get(f"{URL}/999999", headers=world.h("office")), 404, "not_found")


SUPERVISOR_AUDIENCES: list[tuple[dict[str, list[str]], int]] = [
    ({"store_ids": ["a1"]}, 201),
    ({"store_ids": ["a1", "a2"]}, 201),
    ({"user_ids": ["p1", "p2"]}, 201),  # promoters of their stores
    ({"store_ids": ["a2"], "user_ids": ["p1"]}, 201),
    ({"store_ids": ["b1"]}, 403),
    ({"store_ids": ["a1", "b1"]}, 403),
    ({"user_ids": ["sup_b"]}, 403),
    ({"user_ids": ["office"]}, 403),
    ({"roles": ["promoter"]}, 403),
    ({"cities": ["Almaty"]}, 403),
    ({}, 403),  # everyone
]


def test_a_supervisor_writes_only_to_their_stores_and_their_promoters(client: Any, world: World) -> None:
    for audience, status in SUPERVISOR_AUDIENCES:
        response = _send(client, world, "sup_a", **_resolve(world, audience))
        if status == 403:
            expect_error(response, 403, "forbidden")
        else:
            assert response.status_code == 201, (audience, response.text)


def test_a_supervisor_may_not_reach_a_promoter_of_another_store(client: Any, world: World) -> None:
    # p2 worked in b1 until 2021: not sup_b's promoter any more
    expect_error(_send(client, world, "sup_b", user_ids=[world["p2"]]), 403, "forbidden")


def test_promoters_do_not_send(client: Any, world: World) -> None:
    expect_error(_send(client, world, "p1", user_ids=[world["p2"]]), 403, "forbidden")


INVALID = [
    ({"title": " ", "body": "x"}, "title"),
    ({"title": "x" * 201, "body": "x"}, "title"),
    ({"title": "x", "body": ""}, "body"),
    ({"title": "x", "body": "x" * 10_001}, "body"),
    ({"title": "x", "body": "x", "audience": {"roles": ["boss"]}}, "roles"),
    ({"title": "x", "body": "x", "audience": {"store_ids": [999999]}}, "audience.store_ids"),
    ({"title": "x", "body": "x", "audience": {"user_ids": [999999]}}, "audience.user_ids"),
    ({"title": "x", "body": "x", "audience": {"teams": [1]}}, "teams"),
]


def test_invalid_messages_are_422(client: Any, world: World) -> None:
    for body, field in INVALID:
        errors = expect_error(client.post(URL, json=body, headers=world.h("office")), 422, "validation_error")
        assert any(field in e["field"] for e in errors["details"]["errors"]), errors


def _token(world: World, who: str) -> str:
    return world.h(who)["Authorization"].removeprefix("Bearer ")


def test_message_created_reaches_only_its_recipients_on_the_events_socket(client: Any, world: World) -> None:
    readers = ["p1", "p2", "office"]
    sockets = {
        who: client.websocket_connect(
            f"/api/v1/ws/events?token={_token(world, who)}&topics=messages,products"
        )
        for who in readers
    }
    entered = {who: ws.__enter__() for who, ws in sockets.items()}
    try:
        message = _sent(client, world, "admin", user_ids=[world["p1"]])
        marker = client.patch(
            f"/api/v1/products/{world['case']}", json={"price": 7_002}, headers=world.h("admin")
        )
        assert marker.status_code == 200
        got = entered["p1"].receive_json()
        assert (got["event"], got["data"]) == ("message.created", message)
        assert entered["p1"].receive_json()["event"] == "product.updated"
        for who in ("p2", "office"):  # not addressed to them: the product change comes first
            assert entered[who].receive_json()["event"] == "product.updated", who
    finally:
        for ws in sockets.values():
            ws.__exit__(None, None, None)
