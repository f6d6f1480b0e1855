"""The live product feed `/api/v1/ws/products` through Starlette's TestClient (CONTRACT.md "WebSocket";
docs/websocket.md): who may connect, Origin, what clients receive."""

from __future__ import annotations

import base64
import os
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest

from oppo_kz.auth.live import origin_allowed
from oppo_kz.auth.permissions import ROLE_PERMISSIONS
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.core.events import Event, bus
from oppo_kz.products.events import product_payload
from oppo_kz.products.models import Product
from oppo_kz.users.models import Role
from tests.factories import make_product
from tests.products.ws_helpers import closed_with, feed_subscribers, feed_url, mint_access_token, wait_for

# --- who may connect ----------------------------------------------------------------------------


def test_no_token_is_closed_with_4401(client, db) -> None:
    assert closed_with(client, feed_url(None)).code == 4401
    assert closed_with(client, feed_url("")).code == 4401


def test_a_garbage_token_is_closed_with_4401(client, db) -> None:
    closed = closed_with(client, feed_url("not-a-jwt"))
    assert closed.code == 4401
    assert closed.reason


def test_an_expired_token_is_closed_with_4401(client, tokens_for) -> None:
    fresh = tokens_for()["access_token"]
    expired = mint_access_token(fresh, expires_in=timedelta(minutes=15), now=utcnow() - timedelta(hours=1))
    assert closed_with(client, feed_url(expired)).code == 4401


def test_a_refresh_token_is_not_an_access_token(client, tokens_for) -> None:
    assert closed_with(client, feed_url(tokens_for()["refresh_token"])).code == 4401


def test_the_token_of_a_login_that_ended_is_closed_with_4401(client, tokens_for) -> None:
    tokens = tokens_for()
    assert (
        client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    )
    assert closed_with(client, feed_url(tokens["access_token"])).code == 4401


def test_a_token_signed_with_another_key_is_closed_with_4401(client, tokens_for) -> None:
    head, body, _sig = tokens_for()["access_token"].split(".")
    forged = f"{head}.{body}.{base64.urlsafe_b64encode(os.urandom(32)).rstrip(b'=').decode()}"
    assert closed_with(client, feed_url(forged)).code == 4401


def test_a_role_without_products_read_is_closed_with_4403(client, tokens_for, monkeypatch) -> None:
    token = tokens_for(Role.supervisor)["access_token"]
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.supervisor, frozenset())
    closed = closed_with(client, feed_url(token))
    assert closed.code == 4403
    assert "supervisor" in closed.reason


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_the_contract_may_follow_the_feed(client, tokens_for, role: Role) -> None:
    with client.websocket_connect(feed_url(tokens_for(role)["access_token"])) as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "pong"


def test_ping_is_answered_with_pong_and_other_text_is_ignored(client, token) -> None:
    with client.websocket_connect(feed_url(token)) as ws:
        ws.send_text("hello")
        ws.send_bytes(b"ping")
        for _ in range(3):
            ws.send_text("ping")
            assert ws.receive_text() == "pong"


# --- Origin ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "http://localhost:3000",  # our own address
        "http://127.0.0.1:3000",
        "https://bi.example.kz",  # CORS_ORIGINS in the test settings
        "https://BI.example.kz/",
        "http://testserver",  # the host the socket was opened on
    ],
)
def test_a_page_from_an_allowed_origin_may_connect(client, token, origin: str) -> None:
    with client.websocket_connect(feed_url(token), headers={"origin": origin}) as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "pong"


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://localhost:3001", "null", "http://testserver.evil.example"]
)
def test_a_page_from_a_foreign_origin_is_closed_with_4403(client, token, origin: str) -> None:
    before = feed_subscribers()
    assert closed_with(client, feed_url(token), headers={"origin": origin}).code == 4403
    assert feed_subscribers() == before


def test_a_foreign_origin_is_refused_before_the_token_is_looked_at(client, db) -> None:
    assert closed_with(client, feed_url("garbage"), headers={"origin": "https://evil.example"}).code == 4403


@pytest.mark.parametrize(
    ("origin", "host", "allowed"),
    [
        (None, "anything", True),
        ("https://oppo.example.kz", "oppo.example.kz", True),
        ("https://oppo.example.kz", "oppo.example.kz:443", True),
        ("http://oppo.example.kz:8080", "oppo.example.kz:8080", True),
        ("http://oppo.example.kz:8080", "oppo.example.kz", False),
        ("https://oppo.example.kz", "other.example.kz", False),
        ("https://oppo.example.kz", None, False),
        ("http://[::1]:3000", "[::1]:3000", True),
        ("null", "null", False),
        ("garbage", "garbage", False),
        ("http://localhost:99999", "localhost:99999", False),
    ],
)
def test_origin_rules(origin: str | None, host: str | None, allowed: bool) -> None:
    assert origin_allowed(origin, host=host, allowed=["http://localhost:3000"]) is allowed


# --- what clients receive -------------------------------------------------------------------------


def _assert_message(message: dict[str, Any], event: str) -> None:
    assert set(message) == {"event", "data", "at"}
    assert message["event"] == event
    at = datetime.fromisoformat(message["at"])
    assert at.tzinfo is not None
    assert abs((utcnow() - at).total_seconds()) < 30


def test_a_service_level_write_reaches_the_client(client, token) -> None:
    with client.websocket_connect(feed_url(token)) as ws:
        with session_scope(write=True) as s:
            product = make_product(s)
            created = product_payload(product)
            product.price = 123_456
            s.add(product)
            s.commit()
            updated = product_payload(product)
            product_id = product.id
            s.delete(product)
            s.commit()

        message = ws.receive_json()
        _assert_message(message, "product.created")
        assert message["data"] == created
        message = ws.receive_json()
        _assert_message(message, "product.updated")
        assert message["data"] == updated
        assert (message["data"]["price"], message["data"]["version"]) == (123_456, 2)
        message = ws.receive_json()
        _assert_message(message, "product.deleted")
        assert message["data"] == {"id": product_id}


def test_rest_writes_reach_the_client_as_the_rest_api_returned_them(client, tokens_for, headers_for) -> None:
    admin = headers_for(Role.admin)
    with client.websocket_connect(feed_url(tokens_for()["access_token"])) as ws:
        new = {"sku": "ws-rest-1", "name": "OPPO Find X8", "category": "smartphone", "price": 499_990}
        created = client.post("/api/v1/products", json=new, headers=admin)
        assert created.status_code == 201, created.text
        product = created.json()
        updated = client.patch(f"/api/v1/products/{product['id']}", json={"stock": 7}, headers=admin)
        assert updated.status_code == 200, updated.text
        # Refused writes are not changes: nothing is announced for them.
        assert client.post("/api/v1/products", json=new, headers=admin).status_code == 409
        promoter = headers_for(Role.promoter)
        assert (
            client.patch(f"/api/v1/products/{product['id']}", json={"stock": 1}, headers=promoter).status_code
            == 403
        )
        deleted = client.delete(f"/api/v1/products/{product['id']}", headers=admin)
        assert deleted.status_code == 204

        message = ws.receive_json()
        _assert_message(message, "product.created")
        assert message["data"] == product
        message = ws.receive_json()
        _assert_message(message, "product.updated")
        assert message["data"] == updated.json()
        message = ws.receive_json()
        _assert_message(message, "product.deleted")
        assert message["data"] == {"id": product["id"]}


def test_a_rolled_back_write_is_never_announced(client, token) -> None:
    with client.websocket_connect(feed_url(token)) as ws:
        with session_scope(write=True) as s:
            make_product(s, commit=False)
            s.rollback()
        with session_scope(write=True) as s:
            make_product(s, sku="AFTER-ROLLBACK")
        message = ws.receive_json()
        assert (message["event"], message["data"]["sku"]) == ("product.created", "AFTER-ROLLBACK")


def test_many_changes_from_several_threads_reach_every_client_in_commit_order(client, tokens_for) -> None:
    with session_scope(write=True) as s:
        ids = [make_product(s).id for _ in range(4)]
    committed: list[tuple[int, int]] = []
    remove = bus.add_listener(lambda e: committed.append((e.data["id"], e.data["version"])))  # commit order
    per_writer = 40

    def writer(product_id: int) -> None:
        for i in range(per_writer):
            with session_scope(write=True) as s:
                product = s.get(Product, product_id)
                assert product is not None
                product.stock = i
                s.add(product)
                s.commit()

    try:
        with (
            client.websocket_connect(feed_url(tokens_for()["access_token"])) as first,
            client.websocket_connect(feed_url(tokens_for()["access_token"])) as second,
        ):
            threads = [threading.Thread(target=writer, args=(pid,)) for pid in ids]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            total = per_writer * len(ids)
            got_first = [first.receive_json()["data"] for _ in range(total)]
            got_second = [second.receive_json()["data"] for _ in range(total)]
    finally:
        remove()
    assert len(committed) == total
    assert [(d["id"], d["version"]) for d in got_first] == committed
    assert [(d["id"], d["version"]) for d in got_second] == committed
    for pid in ids:  # per product the versions climb one by one
        assert [v for i, v in committed if i == pid] == list(range(2, per_writer + 2))


def test_each_event_is_serialised_once_whatever_the_number_of_clients(
    client, tokens_for, monkeypatch
) -> None:
    calls: list[str] = []
    original = Event.to_message

    def counting(self: Event) -> dict[str, Any]:
        calls.append(self.name)
        return original(self)

    monkeypatch.setattr(Event, "to_message", counting)
    with (
        client.websocket_connect(feed_url(tokens_for()["access_token"])) as a,
        client.websocket_connect(feed_url(tokens_for()["access_token"])) as b,
        client.websocket_connect(feed_url(tokens_for()["access_token"])) as c,
    ):
        with session_scope(write=True) as s:
            make_product(s)
        texts = {ws.receive_text() for ws in (a, b, c)}
    assert len(texts) == 1
    assert calls == ["product.created"]


def test_every_exit_path_unsubscribes(client, tokens_for) -> None:
    before = feed_subscribers()
    with client.websocket_connect(feed_url(tokens_for()["access_token"])) as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "pong"
        assert feed_subscribers() == before + 1
    wait_for(lambda: feed_subscribers() == before)

    closed_with(client, feed_url("garbage"))
    assert feed_subscribers() == before

    soon = mint_access_token(tokens_for()["access_token"], expires_in=timedelta(seconds=2))
    assert closed_with(client, feed_url(soon)).code == 4401  # expired while connected
    wait_for(lambda: feed_subscribers() == before)
