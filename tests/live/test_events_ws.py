"""The events socket `/api/v1/ws/events` (CONTRACT-SALES "Events WebSocket"): every topic the reader may
read, each sale only to those in its scope, `seq` in commit order, and `since` replay or `resync`."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.factories import valid_imei
from tests.world import World

WS = "/api/v1/ws/events"


def _token(world: World, who: str) -> str:
    return world.h(who)["Authorization"].removeprefix("Bearer ")


def _url(world: World, who: str, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in ({"token": _token(world, who)} | params).items())
    return f"{WS}?{query}"


def _sale(client: Any, world: World, who: str = "p1", **body: Any) -> dict[str, Any]:
    base = {"store_id": world["a1"], "product_id": world["phone"], "imei": valid_imei()}
    response = client.post("/api/v1/sales", json=base | body, headers=world.h(who))
    assert response.status_code == 201, response.text
    return dict(response.json())


def _marker(client: Any, world: World, price: int) -> None:
    """A change everyone may see (a product), to show that nothing else came before it."""
    response = client.patch(
        f"/api/v1/products/{world['case']}", json={"price": price}, headers=world.h("admin")
    )
    assert response.status_code == 200, response.text


def _next_events(ws: Any, count: int) -> list[dict[str, Any]]:
    return [ws.receive_json() for _ in range(count)]


def test_a_sale_reaches_its_promoter_and_supervisor_and_head_office_only(client: Any, world: World) -> None:
    readers = ["p1", "sup_a", "office", "p2", "sup_b"]
    sockets = {who: client.websocket_connect(_url(world, who)) for who in readers}
    entered = {who: ws.__enter__() for who, ws in sockets.items()}
    try:
        sale = _sale(client, world)
        _marker(client, world, 7_001)
        for who in ("p1", "sup_a", "office"):
            got = _next_events(entered[who], 2)
            assert [m["event"] for m in got] == ["sale.created", "product.updated"], who
            assert got[0]["data"] == sale
            assert set(got[0]) == {"event", "data", "at", "seq"}
            assert got[0]["seq"] < got[1]["seq"]
        for who in ("p2", "sup_b"):  # the sale is outside their scope: the product change comes first
            assert entered[who].receive_json()["event"] == "product.updated", who
    finally:
        for ws in sockets.values():
            ws.__exit__(None, None, None)


def test_reviews_arrive_as_approved_and_rejected(client: Any, world: World) -> None:
    first, second = _sale(client, world), _sale(client, world)
    with client.websocket_connect(_url(world, "p1", topics="sales")) as ws:
        client.post(f"/api/v1/sales/{first['id']}/approve", headers=world.h("sup_a"))
        client.post(f"/api/v1/sales/{second['id']}/reject", json={"note": "No box"}, headers=world.h("sup_a"))
        client.patch(
            f"/api/v1/sales/{second['id']}", json={}, headers=world.h("p1")
        )  # refused: 409, not an event
        client.delete(f"/api/v1/sales/{_sale(client, world)['id']}", headers=world.h("p1"))
        got = _next_events(ws, 4)
    assert [(m["event"], m["data"]["id"]) for m in got[:2]] == [
        ("sale.approved", first["id"]),
        ("sale.rejected", second["id"]),
    ]
    assert (got[0]["data"]["status"], got[1]["data"]["review_note"]) == ("approved", "No box")
    assert [m["event"] for m in got[2:]] == ["sale.created", "sale.deleted"]
    assert got[3]["data"] == {"id": got[2]["data"]["id"]}
    assert [m["seq"] for m in got] == sorted(m["seq"] for m in got)


def test_topics_choose_what_arrives(client: Any, world: World) -> None:
    with client.websocket_connect(_url(world, "office", topics="products")) as ws:
        _sale(client, world)
        _marker(client, world, 7_002)
        assert ws.receive_json()["event"] == "product.updated"


@pytest.mark.parametrize("topics", ["nonsense", "sales,weather"])
def test_an_unknown_topic_is_refused_with_4403(client: Any, world: World, topics: str) -> None:
    with (
        client.websocket_connect(_url(world, "p1", topics=topics)) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_text()
    assert closed.value.code == 4403


def test_a_missing_or_bad_token_is_4401(client: Any, world: World) -> None:
    for url in (WS, f"{WS}?token=nonsense"):
        with client.websocket_connect(url) as ws, pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 4401


def test_since_replays_what_the_reader_missed_in_its_scope(client: Any, world: World) -> None:
    with client.websocket_connect(_url(world, "p1")) as ws:
        _marker(client, world, 7_003)
        seen = ws.receive_json()["seq"]
    mine = _sale(client, world)
    _sale(client, world, "office", promoter_id=world["p2"], store_id=world["a2"])  # not p1's
    _marker(client, world, 7_004)
    with client.websocket_connect(_url(world, "p1", since=str(seen))) as ws:
        replayed = _next_events(ws, 2)
        assert [(m["event"], m["data"]["id"]) for m in replayed] == [
            ("sale.created", mine["id"]),
            ("product.updated", world["case"]),
        ]
        _marker(client, world, 7_005)  # then live, without repeating the replay
        live = ws.receive_json()
        assert (live["event"], live["data"]["price"]) == ("product.updated", 7_005)
        assert live["seq"] > replayed[-1]["seq"]


@pytest.mark.parametrize("since", ["0", "999999999999"])
def test_since_older_than_kept_or_never_given_asks_for_a_resync(
    client: Any, world: World, since: str
) -> None:
    from datetime import timedelta

    from oppo_kz.core import outbox
    from oppo_kz.core.db import utcnow

    for price in (7_010, 7_011, 7_012):
        _marker(client, world, price)
    # Past the retention everything but the newest event is pruned: seq 0 is no longer kept.
    assert outbox.prune(now=utcnow() + timedelta(days=30)) > 0
    with client.websocket_connect(_url(world, "p1", since=since)) as ws:
        assert ws.receive_json() == {"event": "resync"}
        _marker(client, world, 7_013)
        assert ws.receive_json()["data"]["price"] == 7_013


def test_a_bad_since_is_refused(client: Any, world: World) -> None:
    with (
        client.websocket_connect(_url(world, "p1", since="yesterday")) as ws,
        pytest.raises(WebSocketDisconnect) as closed,
    ):
        ws.receive_text()
    assert closed.value.code == 4403
