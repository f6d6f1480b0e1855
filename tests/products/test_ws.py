"""The live product feed `/api/v1/ws/products` (CONTRACT.md "WebSocket"; docs/websocket.md).

Most tests drive the app through Starlette's TestClient; the ones about sockets and time (a client
that never reads, expiry, what the server logs) use a real uvicorn: in this process when the test's
own writes must reach the server's event bus, or a `LiveServer` subprocess.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.websockets import WebSocketDisconnect
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from oppo_kz.api.app import create_api
from oppo_kz.auth import service as auth
from oppo_kz.auth.permissions import ROLE_PERMISSIONS
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.core.events import Event, bus
from oppo_kz.core.security import create_token, decode_token
from oppo_kz.products import feed as product_feed
from oppo_kz.products import ws as ws_route
from oppo_kz.products.events import product_payload
from oppo_kz.products.feed import origin_allowed
from oppo_kz.products.models import Product
from oppo_kz.serve import RedactTokens, redact_tokens
from oppo_kz.users.models import Role
from tests.factories import make_product, make_user
from tests.live import LiveServer

WS = "/api/v1/ws/products"


def feed_subscribers() -> int:
    """Open product feeds (each socket also watches for its login ending, on another topic)."""
    return bus.count(product_feed.TOPIC)


def feed_url(token: str | None) -> str:
    return WS if token is None else f"{WS}?token={token}"


@pytest.fixture
def tokens_for(db: str, login) -> Callable[..., dict[str, Any]]:  # type: ignore[no-untyped-def]
    """tokens_for(role) -> the login answer (access and refresh token) of a fresh user with that role."""

    def make(role: Role | str = Role.promoter) -> dict[str, Any]:
        with session_scope(write=True) as s:
            user = make_user(s, role=role)
        return login(user.email)

    return make


@pytest.fixture
def token(tokens_for) -> str:  # type: ignore[no-untyped-def]
    return tokens_for(Role.promoter)["access_token"]


def closed_with(client, url: str, headers: dict[str, str] | None = None) -> WebSocketDisconnect:  # type: ignore[no-untyped-def]
    """Connect and return how the server closed the socket (it must close before sending anything)."""
    with (
        client.websocket_connect(url, headers=headers or {}) as ws,
        pytest.raises(WebSocketDisconnect) as exc,
    ):
        ws.receive_text()
    return exc.value


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.01)


def mint_access_token(access_token: str, *, expires_in: timedelta, now: datetime | None = None) -> str:
    """A new access token for the same login (same `sub`, `role` and `sid`) with another lifetime."""
    claims = decode_token(access_token, expected_type="access")
    minted, _ = create_token(
        subject=claims["sub"],
        token_type="access",
        expires_in=expires_in,
        extra={"role": claims["role"], "sid": claims["sid"]},
        now=now,
    )
    return minted


# --- who may connect ----------------------------------------------------------------------------


def test_no_token_is_closed_with_4401(client, db) -> None:  # type: ignore[no-untyped-def]
    assert closed_with(client, feed_url(None)).code == 4401
    assert closed_with(client, feed_url("")).code == 4401


def test_a_garbage_token_is_closed_with_4401(client, db) -> None:  # type: ignore[no-untyped-def]
    closed = closed_with(client, feed_url("not-a-jwt"))
    assert closed.code == 4401
    assert closed.reason


def test_an_expired_token_is_closed_with_4401(client, tokens_for) -> None:  # type: ignore[no-untyped-def]
    fresh = tokens_for()["access_token"]
    expired = mint_access_token(fresh, expires_in=timedelta(minutes=15), now=utcnow() - timedelta(hours=1))
    assert closed_with(client, feed_url(expired)).code == 4401


def test_a_refresh_token_is_not_an_access_token(client, tokens_for) -> None:  # type: ignore[no-untyped-def]
    assert closed_with(client, feed_url(tokens_for()["refresh_token"])).code == 4401


def test_the_token_of_a_login_that_ended_is_closed_with_4401(client, tokens_for) -> None:  # type: ignore[no-untyped-def]
    tokens = tokens_for()
    assert (
        client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    )
    assert closed_with(client, feed_url(tokens["access_token"])).code == 4401


def test_a_token_signed_with_another_key_is_closed_with_4401(client, tokens_for) -> None:  # type: ignore[no-untyped-def]
    head, body, _sig = tokens_for()["access_token"].split(".")
    forged = f"{head}.{body}.{base64.urlsafe_b64encode(os.urandom(32)).rstrip(b'=').decode()}"
    assert closed_with(client, feed_url(forged)).code == 4401


def test_a_role_without_products_read_is_closed_with_4403(client, tokens_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    token = tokens_for(Role.supervisor)["access_token"]
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.supervisor, frozenset())
    closed = closed_with(client, feed_url(token))
    assert closed.code == 4403
    assert "supervisor" in closed.reason


@pytest.mark.parametrize("role", list(Role))
def test_every_role_of_the_contract_may_follow_the_feed(client, tokens_for, role: Role) -> None:  # type: ignore[no-untyped-def]
    with client.websocket_connect(feed_url(tokens_for(role)["access_token"])) as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "pong"


def test_ping_is_answered_with_pong_and_other_text_is_ignored(client, token) -> None:  # type: ignore[no-untyped-def]
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
def test_a_page_from_an_allowed_origin_may_connect(client, token, origin: str) -> None:  # type: ignore[no-untyped-def]
    with client.websocket_connect(feed_url(token), headers={"origin": origin}) as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "pong"


@pytest.mark.parametrize(
    "origin", ["https://evil.example", "http://localhost:3001", "null", "http://testserver.evil.example"]
)
def test_a_page_from_a_foreign_origin_is_closed_with_4403(client, token, origin: str) -> None:  # type: ignore[no-untyped-def]
    before = feed_subscribers()
    assert closed_with(client, feed_url(token), headers={"origin": origin}).code == 4403
    assert feed_subscribers() == before


def test_a_foreign_origin_is_refused_before_the_token_is_looked_at(client, db) -> None:  # type: ignore[no-untyped-def]
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


def test_a_service_level_write_reaches_the_client(client, token) -> None:  # type: ignore[no-untyped-def]
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


def test_rest_writes_reach_the_client_as_the_rest_api_returned_them(client, tokens_for, headers_for) -> None:  # type: ignore[no-untyped-def]
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


def test_a_rolled_back_write_is_never_announced(client, token) -> None:  # type: ignore[no-untyped-def]
    with client.websocket_connect(feed_url(token)) as ws:
        with session_scope(write=True) as s:
            make_product(s, commit=False)
            s.rollback()
        with session_scope(write=True) as s:
            make_product(s, sku="AFTER-ROLLBACK")
        message = ws.receive_json()
        assert (message["event"], message["data"]["sku"]) == ("product.created", "AFTER-ROLLBACK")


def test_many_changes_from_several_threads_reach_every_client_in_commit_order(client, tokens_for) -> None:  # type: ignore[no-untyped-def]
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


def test_each_event_is_serialised_once_whatever_the_number_of_clients(client, tokens_for, monkeypatch) -> None:  # type: ignore[no-untyped-def]
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


def test_every_exit_path_unsubscribes(client, tokens_for) -> None:  # type: ignore[no-untyped-def]
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


# --- a real server: slow clients ------------------------------------------------------------------


@pytest.fixture
def served(sqlite_db: str) -> Iterator[str]:
    """The API on a real uvicorn server thread in this process, so the test's writes reach its bus."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_api(), log_level="warning", lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    wait_for(lambda: server.started, timeout=15)
    yield f"ws://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=15)


@pytest.fixture
def served_token(served: str) -> str:
    with session_scope(write=True) as s:
        user = make_user(s, role=Role.promoter)
    with session_scope(write=True) as s:
        return auth.authenticate(session=s, email=user.email, password="Passw0rd!").access_token


def open_stalled_client(ws_base: str, token: str) -> socket.socket:
    """A client that completes the handshake and then never reads (a tiny receive buffer)."""
    host, port = ws_base.removeprefix("ws://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect((host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET {feed_url(token)} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def drain(sock: socket.socket, until: bytes, timeout: float = 5.0) -> bytes:
    """Read what the server sent until `until` arrives, the connection ends or `timeout` passes."""
    sock.settimeout(timeout)
    data = b""
    try:
        while (chunk := sock.recv(1 << 16)) and until not in data + chunk:
            data += chunk
        data += chunk
    except TimeoutError:
        pass
    return data


def close_frame(code: int, reason: str) -> bytes:
    payload = code.to_bytes(2, "big") + reason.encode()
    return b"\x88" + bytes([len(payload)]) + payload  # FIN + close opcode, length, code, reason


def _big_payload(n: int, size: int = 4000) -> dict[str, Any]:
    # Product-shaped and large, so a stalled socket's buffers fill after a few hundred events.
    return {"id": 1, "version": n, "name": "x" * size, "sku": "SLOW-1"}


async def _read_all(ws: Any, received: list[tuple[int, float]]) -> None:
    try:
        async for text in ws:
            if text != "pong":
                received.append((json.loads(text)["data"]["version"], time.monotonic()))
    except ConnectionClosed:
        pass


async def test_a_stalled_client_never_delays_a_fast_one_and_is_dropped_with_4408(served, served_token) -> None:  # type: ignore[no-untyped-def]
    before = feed_subscribers()
    stalled = open_stalled_client(served, served_token)
    fast = await connect(f"{served}{feed_url(served_token)}", proxy=None)
    received: list[tuple[int, float]] = []
    reader = asyncio.create_task(_read_all(fast, received))
    wait_for(lambda: feed_subscribers() == before + 2)
    published: dict[int, float] = {}

    def publish(first: int, count: int) -> None:
        for n in range(first, first + count):
            published[n] = time.monotonic()
            bus.publish("product.updated", _big_payload(n), utcnow().isoformat())

    try:
        total = 0
        deadline = time.monotonic() + 30
        while feed_subscribers() == before + 2:  # until the stalled one is dropped
            assert time.monotonic() < deadline, "the stalled client was never dropped"
            await asyncio.to_thread(publish, total, 25)
            total += 25
            await asyncio.sleep(0.01)
        await asyncio.to_thread(publish, total, 25)  # the fast client is still served afterwards
        total += 25
        for _ in range(500):
            if len(received) == total:
                break
            await asyncio.sleep(0.01)
        assert [n for n, _ in received] == list(range(total))
        delays = sorted(at - published[n] for n, at in received)
        assert delays[int(len(delays) * 0.95)] < 0.25, delays[-10:]
        assert delays[-1] < 1.0
        await fast.send("ping")
    finally:
        await fast.close()
        reader.cancel()
        data = await asyncio.to_thread(drain, stalled, close_frame(4408, ws_route.TOO_SLOW))
        stalled.close()
    assert (
        close_frame(4408, ws_route.TOO_SLOW) in data
    )  # after everything it had buffered, the reason to reconnect
    wait_for(lambda: feed_subscribers() == before)


async def test_a_client_whose_send_blocks_past_the_timeout_is_dropped(served, served_token, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(ws_route, "SEND_TIMEOUT", 0.5)
    before = feed_subscribers()
    stalled = open_stalled_client(served, served_token)
    try:
        wait_for(lambda: feed_subscribers() == before + 1)
        sent = 0
        deadline = time.monotonic() + 20
        while feed_subscribers() > before:
            assert time.monotonic() < deadline, "the stalled client was never dropped"
            if sent < product_feed.QUEUE_SIZE // 2:  # never enough to overflow its queue
                bus.publish("product.updated", _big_payload(sent, 16_000), utcnow().isoformat())
                sent += 1
            else:
                await asyncio.sleep(0.05)
    finally:
        stalled.close()
    assert sent <= product_feed.QUEUE_SIZE // 2


# --- a real server process: expiry and logs --------------------------------------------------------


PROMOTER = ("promoter@oppo.kz", "Promoter123!")  # the seed's demo user (python -m oppo_kz.seed --demo-users)


def live_login(live: LiveServer) -> dict:
    email, password = PROMOTER
    response = httpx.post(f"{live.url}/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()


def ws_url(live: LiveServer, token: str, name: str = "token") -> str:
    return f"{live.url.replace('http://', 'ws://')}{WS}?{name}={token}"


async def test_the_socket_is_closed_with_4401_within_5_s_of_the_token_expiring(live) -> None:  # type: ignore[no-untyped-def]
    short = mint_access_token(live_login(live)["access_token"], expires_in=timedelta(seconds=3))
    expires_at = decode_token(short, expected_type="access")["exp"]
    async with connect(ws_url(live, short), proxy=None) as ws:
        await ws.send("ping")
        assert await ws.recv() == "pong"
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), timeout=15)
        closed_at = time.time()
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4401
    assert expires_at - 0.2 <= closed_at <= expires_at + 5


async def test_the_server_log_never_contains_the_token(live) -> None:  # type: ignore[no-untyped-def]
    tokens = live_login(live)
    access = tokens["access_token"]
    for url in (ws_url(live, access), ws_url(live, access, name="tok%65n")):  # both reach the app as `token`
        async with connect(url, proxy=None) as ws:
            await ws.send("ping")
            assert await ws.recv() == "pong"
    async with connect(ws_url(live, f"{access}x"), proxy=None) as ws:
        with pytest.raises(ConnectionClosed):
            await ws.recv()
    query = f"token={access}&access_token={tokens['refresh_token']}"
    await asyncio.to_thread(httpx.get, f"{live.url}/api/v1/health?{query}")

    def logged() -> str:
        return Path(live.log_path).read_text(errors="replace")

    wait_for(lambda: logged().count("/api/v1/health?token=") >= 1)
    log = logged()
    assert log.count(f"{WS}?token=[redacted]") >= 2  # uvicorn did log the handshakes, redacted
    assert access not in log
    assert tokens["refresh_token"] not in log
    for part in access.split("."):  # not even a piece of it
        assert part not in log


def test_the_redaction_filter_covers_arguments_messages_and_tracebacks() -> None:
    jwt_like = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
    redact = RedactTokens()

    def formatted(record: logging.LogRecord) -> str:
        redact.filter(record)
        return logging.Formatter().format(record)

    class Url:
        def __str__(self) -> str:
            return f"ws://h/x?token={jwt_like}"

    records = [
        logging.LogRecord(
            "uvicorn.error",
            logging.INFO,
            "",
            0,
            '%s - "WebSocket %s" %d',
            ("c", f"/x?token={jwt_like}", 403),
            None,
        ),
        logging.LogRecord("x", logging.INFO, "", 0, f"GET /x?access_token={jwt_like}&a=1", None, None),
        logging.LogRecord("x", logging.INFO, "", 0, "%(path)s", ({"path": f"/x?TOKEN={jwt_like}"},), None),
        logging.LogRecord("x", logging.INFO, "", 0, "url %s", (Url(),), None),
        logging.LogRecord("x", logging.INFO, "", 0, "bearer %s", (jwt_like,), None),
    ]
    try:
        raise ValueError(f"bad url /x?token={jwt_like}")
    except ValueError:
        records.append(logging.LogRecord("x", logging.ERROR, "", 0, "failed", None, sys.exc_info()))
    for record in records:
        text = formatted(record)
        assert jwt_like not in text, text
        assert "[redacted]" in text
    assert redact_tokens("/x?tok%65n=abc&b=2") == "/x?tok%65n=[redacted]&b=2"


# --- the login ends while connected -------------------------------------------------------------


def test_logout_closes_the_sockets_of_that_login_with_4401(client, tokens_for) -> None:  # type: ignore[no-untyped-def]
    mine, other = tokens_for(), tokens_for()
    subscriptions_before = bus.subscriber_count
    with (
        client.websocket_connect(feed_url(mine["access_token"])) as ws,
        client.websocket_connect(feed_url(other["access_token"])) as bystander,
    ):
        assert (
            client.post("/api/v1/auth/logout", json={"refresh_token": mine["refresh_token"]}).status_code
            == 204
        )
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 4401
        bystander.send_text("ping")
        assert bystander.receive_text() == "pong"
    wait_for(lambda: bus.subscriber_count == subscriptions_before)  # both watches of both sockets are gone


def test_disabling_a_user_closes_their_sockets_with_4401(client, tokens_for, admin_headers) -> None:  # type: ignore[no-untyped-def]
    tokens = tokens_for()
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    with client.websocket_connect(feed_url(tokens["access_token"])) as ws:
        response = client.patch(f"/api/v1/users/{me['id']}", json={"is_active": False}, headers=admin_headers)
        assert response.status_code == 200
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 4401
