"""The live product feed against real servers: slow clients (uvicorn in this process, so the test's
writes reach its bus), expiry, logs and ended logins (a `LiveServer` subprocess)."""

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
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.websockets import WebSocketDisconnect
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from oppo_kz.api import ws as ws_route
from oppo_kz.api.app import create_api
from oppo_kz.auth import service as auth
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.core.events import bus
from oppo_kz.core.security import decode_token
from oppo_kz.products import feed as product_feed
from oppo_kz.serve import RedactTokens, redact_tokens
from oppo_kz.users.models import Role
from tests.factories import make_user
from tests.products.ws_helpers import WS, feed_subscribers, feed_url, mint_access_token, wait_for
from tests.server import LiveServer

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


async def test_a_stalled_client_never_delays_a_fast_one_and_is_dropped_with_4408(
    served, served_token
) -> None:
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


async def test_a_client_whose_send_blocks_past_the_timeout_is_dropped(
    served, served_token, monkeypatch
) -> None:
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


async def test_the_socket_is_closed_with_4401_within_5_s_of_the_token_expiring(live) -> None:
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


async def test_the_server_log_never_contains_the_token(live) -> None:
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


def test_logout_closes_the_sockets_of_that_login_with_4401(client, tokens_for) -> None:
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


def test_disabling_a_user_closes_their_sockets_with_4401(client, tokens_for, admin_headers) -> None:
    tokens = tokens_for()
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    with client.websocket_connect(feed_url(tokens["access_token"])) as ws:
        response = client.patch(f"/api/v1/users/{me['id']}", json={"is_active": False}, headers=admin_headers)
        assert response.status_code == 200
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_text()
        assert closed.value.code == 4401
