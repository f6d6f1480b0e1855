"""`python -m oppo_kz.serve --workers 2` on SQLite: each worker process has its own bus, and events
cross them through the outbox, so a socket gets every change whichever worker wrote it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import psutil
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from oppo_kz.seed import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.pg import free_port
from tests.server import LiveServer

WRITES = 40


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("workers"), preferred_port=free_port())
    server.build_ui = False  # API and sockets only; the server migrates and seeds the new database
    server.extra_args = ["--workers", "2"]
    try:
        server.start(timeout=120)
        yield server
    finally:
        server.stop()


def test_every_write_reaches_every_socket_in_seq_order_whichever_worker_served_it(
    two_workers: LiveServer,
) -> None:
    server = two_workers
    body = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    token = httpx.post(f"{server.url}/api/v1/auth/login", json=body).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    product = httpx.get(f"{server.url}/api/v1/products?page_size=1&sort=id", headers=headers).json()["items"][
        0
    ]
    url = f"ws://127.0.0.1:{server.port}/api/v1/ws/events?token={token}&topics=products"
    with contextlib.ExitStack() as stack:
        sockets = [stack.enter_context(connect(url, open_timeout=10)) for _ in range(4)]  # both workers
        for n in range(WRITES):  # a new connection each time: either worker may take it
            response = httpx.patch(
                f"{server.url}/api/v1/products/{product['id']}", json={"price": 50_000 + n}, headers=headers
            )
            assert response.status_code == 200, response.text
        for ws in sockets:
            got = [json.loads(ws.recv(timeout=10)) for _ in range(WRITES)]
            assert [m["data"]["price"] for m in got] == [50_000 + n for n in range(WRITES)]
            seqs = [m["seq"] for m in got]
            assert seqs == sorted(set(seqs))
    assert "Traceback" not in Path(server.log_path).read_text(errors="replace")


def test_forty_concurrent_bad_logins_over_both_workers_give_exactly_five_401s(
    two_workers: LiveServer,
) -> None:
    """No Redis: the workers share the limiter's counters through the SQLite file (BEGIN IMMEDIATE)."""
    start = threading.Barrier(40)

    def attempt(_n: int) -> int:
        with httpx.Client() as client:  # a connection each: both workers take some
            start.wait()
            body = {"email": "nobody-in-particular@oppo.kz", "password": "wrong"}
            return client.post(f"{two_workers.url}/api/v1/auth/login", json=body, timeout=30).status_code

    with ThreadPoolExecutor(40) as pool:
        codes = list(pool.map(attempt, range(40)))
    assert sorted(codes) == [401] * 5 + [429] * 35


def _worker_of(server: LiveServer, ws: ClientConnection) -> int:
    """The pid of the worker process holding the server side of this client's connection."""
    assert server.proc is not None
    port = ws.socket.getsockname()[1]
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        if any(c.raddr and c.raddr.port == port for c in child.net_connections(kind="tcp")):
            return int(child.pid)
    raise AssertionError(f"no worker holds the connection from port {port}")


def test_sigterm_closes_every_workers_sockets_with_1001(two_workers: LiveServer) -> None:
    """The last test of the module: it stops the server. SIGTERM goes to the supervisor only (what a
    PaaS sends), which passes it on; each worker drains as the single server does."""
    server = two_workers
    body = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    token = httpx.post(f"{server.url}/api/v1/auth/login", json=body).json()["access_token"]
    url = f"ws://127.0.0.1:{server.port}/api/v1/ws/events?token={token}&topics=products"
    with contextlib.ExitStack() as stack:
        sockets: dict[ClientConnection, int] = {}
        while len(set(sockets.values())) < 2:  # until both workers hold some
            assert len(sockets) < 40, "every connection went to one worker"
            ws = stack.enter_context(connect(url, open_timeout=10))
            ws.send("ping")
            assert ws.recv(timeout=10) == "pong"
            sockets[ws] = _worker_of(server, ws)
        assert server.proc is not None
        os.kill(server.proc.pid, signal.SIGTERM)
        codes = []
        for ws in sockets:
            with contextlib.suppress(ConnectionClosed):
                while True:
                    ws.recv(timeout=10)
            codes.append(ws.close_code)
    assert server.proc.wait(timeout=30) in (0, -signal.SIGTERM)
    assert codes == [1001] * len(sockets)
    assert "Traceback" not in Path(server.log_path).read_text(errors="replace")
