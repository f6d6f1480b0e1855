"""`python -m oppo_kz.serve --workers 2` on SQLite: each worker process has its own bus, and events
cross them through the outbox, so a socket gets every change whichever worker wrote it."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect

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
