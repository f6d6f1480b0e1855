"""The example feed consumers (examples/ws_client.py and .js): backoff schedule, expiry, server restarts."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from examples import ws_client
from oppo_kz.core.security import create_token, decode_token
from tests.conftest import PROJECT_ROOT
from tests.server import LiveServer

PROMOTER_PASSWORD = "Promoter123!"  # the seed's demo user (python -m oppo_kz.seed --demo-users)
EXPECTED_BASES = [1, 2, 5, 10, 10, 10, 10, 10]


def first(count: int, delays: Iterator[float]) -> list[float]:
    return list(itertools.islice(delays, count))


def test_the_backoff_is_1_2_5_10_then_10_seconds_each_within_20_percent() -> None:
    assert first(8, ws_client.backoff_delays(lambda: 0.5)) == EXPECTED_BASES
    assert first(8, ws_client.backoff_delays(lambda: 0.0)) == pytest.approx([b * 0.8 for b in EXPECTED_BASES])
    assert first(8, ws_client.backoff_delays(lambda: 1.0)) == pytest.approx([b * 1.2 for b in EXPECTED_BASES])

    rng = random.Random(1234)
    schedules = [first(8, ws_client.backoff_delays(rng.random)) for _ in range(500)]
    for schedule in schedules:
        for delay, base in zip(schedule, EXPECTED_BASES, strict=True):
            assert base * 0.8 <= delay <= base * 1.2
    # Really random: clients that lost the server together do not all come back at the same moment.
    assert len({round(s[0], 6) for s in schedules}) > 400


def test_the_browser_example_uses_the_same_schedule(tmp_path: Path) -> None:
    node = shutil.which("node", path=str(Path(sys.executable).parent)) or shutil.which("node")
    if node is None:
        pytest.skip("no node to run examples/ws_client.js")
    # An ES module for browsers; node needs the .mjs name to load it as one.
    module = tmp_path / "ws_client.mjs"
    shutil.copy(PROJECT_ROOT / "examples" / "ws_client.js", module)
    script = (
        f"import('{module.as_uri()}').then(m => console.log(JSON.stringify({{"
        "low: [0,1,2,3,4,9].map(a => m.backoffDelay(a, () => 0)),"
        "high: [0,1,2,3,4,9].map(a => m.backoffDelay(a, () => 1)),"
        "url: m.feedUrl('https://oppo.example.kz/x', 'abc')})))"
    )
    result = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["low"] == pytest.approx([800, 1600, 4000, 8000, 8000, 8000])
    assert answer["high"] == pytest.approx([1200, 2400, 6000, 12000, 12000, 12000])
    assert answer["url"] == "wss://oppo.example.kz/api/v1/ws/products?token=abc"


# --- against a real server --------------------------------------------------------------------------


class Admin:
    """Makes committed changes through the REST API of the live server."""

    def __init__(self, live: LiveServer) -> None:
        self.http = httpx.Client(base_url=live.url, timeout=10)
        response = self.http.post(
            "/api/v1/auth/login", json={"email": "admin@oppo.kz", "password": "Admin123!"}
        )
        assert response.status_code == 200, response.text
        self.http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        self.product_id = self.http.get("/api/v1/products", params={"page_size": 1}).json()["items"][0]["id"]

    def touch(self) -> int:
        """Change the product's stock; return its new version."""
        response = self.http.patch(
            f"/api/v1/products/{self.product_id}", json={"stock": random.randint(0, 999)}
        )
        assert response.status_code == 200, response.text
        return response.json()["version"]


class Consumer:
    """`ws_client.run` in a task, recording what it receives."""

    def __init__(self, live: LiveServer, email: str = "promoter@oppo.kz", password: str = PROMOTER_PASSWORD):
        self.events: list[dict[str, Any]] = []
        self.resyncs = 0
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(
            ws_client.run(
                live.url, email, password, on_event=self.events.append, on_resync=self._resync, stop=self.stop
            )
        )

    def _resync(self) -> None:
        self.resyncs += 1

    def versions(self) -> set[int]:
        return {e["data"]["version"] for e in self.events if e["event"] == "product.updated"}

    async def receives_a_new_change(self, admin: Admin, within: float = 30) -> int:
        """Keep making changes until one made now arrives; return its version."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert not self.task.done(), self.task
            version = await asyncio.to_thread(admin.touch)
            for _ in range(20):
                if version in self.versions():
                    return version
                await asyncio.sleep(0.05)
        raise AssertionError(f"no change arrived within {within} s; got {self.events[-3:]}")

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, timeout=15)


async def test_the_python_client_reconnects_after_a_server_restart(live) -> None:
    admin = await asyncio.to_thread(Admin, live)
    consumer = Consumer(live)
    try:
        before = await consumer.receives_a_new_change(admin)
        assert consumer.resyncs == 0

        started = time.monotonic()
        await asyncio.to_thread(live.restart)
        after = await consumer.receives_a_new_change(admin)
        assert after > before
        assert consumer.resyncs >= 1  # it reconnected and was told to reload
        assert time.monotonic() - started < 40
    finally:
        await consumer.close()


async def test_the_python_client_refreshes_its_token_when_the_server_closes_with_4401(
    live, monkeypatch
) -> None:
    minted: list[str] = []
    real_login = ws_client.Tokens.login

    async def login_with_a_short_access_token(self: ws_client.Tokens) -> None:
        await real_login(self)
        assert self.access is not None
        claims = decode_token(self.access, expected_type="access")
        self.access, _ = create_token(
            subject=claims["sub"],
            token_type="access",
            expires_in=timedelta(seconds=2),
            extra={"role": claims["role"], "sid": claims["sid"]},
        )
        minted.append(self.access)

    monkeypatch.setattr(ws_client.Tokens, "login", login_with_a_short_access_token)
    admin = await asyncio.to_thread(Admin, live)
    consumer = Consumer(live)
    try:
        await consumer.receives_a_new_change(admin)
        await asyncio.sleep(3.5)  # the short token has expired: the server closed with 4401
        await consumer.receives_a_new_change(admin, within=10)
        assert len(minted) == 1  # it refreshed, it did not sign in again
        assert consumer.resyncs >= 1
    finally:
        await consumer.close()
