"""Measure how fast committed product changes reach WebSocket clients.

    .venv/bin/python bench/ws_delivery.py --url http://localhost:3000 [--clients 100] [--events 200]
    (signs in as admin@oppo.kz / Admin123!, or pass --token <admin or office access token>)

Connects N clients to /api/v1/ws/products, then changes one product through the REST API
(`PATCH /api/v1/products/{id}`), sequentially and paced, and takes each client's delay from the
commit (the event's `at`, stamped right after the commit) to receipt (the same machine's clock, so
run this on the server's host). Prints and returns p50/p95/p99/max in ms and the messages lost.
The target is p95 <= 50 ms to 100 clients. bench/products_api.py calls `run()` too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import time
from datetime import datetime
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect


def _ws_url(base_url: str, token: str) -> str:
    scheme, rest = base_url.rstrip("/").split("://", 1)
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/v1/ws/products?token={token}"


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, round(share * (len(sorted_values) - 1)))]


class _Inbox:
    """What one client received, stamped on receipt and parsed later (so the stamp costs little)."""

    def __init__(self, expected: int, all_in: asyncio.Event, pending: list[int]) -> None:
        self.messages: list[tuple[float, str]] = []
        self.expected = expected
        self.all_in = all_in
        self.pending = pending  # one shared counter of inboxes still waiting

    async def collect(self, ws: ClientConnection) -> None:
        try:
            async for text in ws:
                self.messages.append((time.time(), text if isinstance(text, str) else text.decode()))
                if len(self.messages) == self.expected:
                    self.pending[0] -= 1
                    if self.pending[0] == 0:
                        self.all_in.set()
        except Exception:  # a dropped client shows up as lost messages
            return


async def _measure(base_url: str, token: str, clients: int, events: int, interval: float) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as http:
        page = await http.get("/api/v1/products", params={"page_size": 1})
        page.raise_for_status()
        product_id = page.json()["items"][0]["id"]

        limit = asyncio.Semaphore(20)

        async def open_one() -> ClientConnection:
            async with limit:
                return await connect(_ws_url(base_url, token), proxy=None, max_queue=None, open_timeout=30)

        sockets = await asyncio.gather(*(open_one() for _ in range(clients)))
        all_in, pending = asyncio.Event(), [clients]
        inboxes = [_Inbox(events, all_in, pending) for _ in sockets]
        readers = [asyncio.create_task(inbox.collect(ws)) for ws, inbox in zip(sockets, inboxes, strict=True)]
        try:
            await asyncio.sleep(0.5)
            versions: set[int] = set()
            started = time.monotonic()
            for i in range(events):
                response = await http.patch(f"/api/v1/products/{product_id}", json={"stock": i % 1000})
                response.raise_for_status()
                versions.add(response.json()["version"])
                await asyncio.sleep(interval)
            writing = time.monotonic() - started
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(all_in.wait(), timeout=10)
        finally:
            for reader in readers:
                reader.cancel()
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)

    delays: list[float] = []
    for inbox in inboxes:
        for received_at, text in inbox.messages:
            message = json.loads(text)
            data = message["data"]
            if (
                message["event"] == "product.updated"
                and data["id"] == product_id
                and data["version"] in versions
            ):
                delays.append((received_at - datetime.fromisoformat(message["at"]).timestamp()) * 1000)
    delays.sort()
    return {
        "clients": clients,
        "events": events,
        "interval_ms": round(interval * 1000, 1),
        "writes_per_s": round(events / writing, 1),
        "delivered": len(delays),
        "lost": clients * events - len(delays),
        "p50_ms": round(_percentile(delays, 0.50), 2),
        "p95_ms": round(_percentile(delays, 0.95), 2),
        "p99_ms": round(_percentile(delays, 0.99), 2),
        "max_ms": round(delays[-1], 2) if delays else None,
        "mean_ms": round(statistics.fmean(delays), 2) if delays else None,
    }


def run(base_url: str, token: str, clients: int = 100, events: int = 200, interval: float = 0.02) -> dict:
    """Connect `clients` sockets, make `events` paced changes, return the delivery figures (ms)."""
    figures = asyncio.run(_measure(base_url, token, clients, events, interval))
    print(
        f"ws delivery to {figures['clients']} clients, {figures['events']} changes "
        f"({figures['writes_per_s']}/s): p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
        f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms, lost {figures['lost']}"
    )
    return figures


def _login(base_url: str, email: str, password: str) -> str:
    response = httpx.post(
        f"{base_url}/api/v1/auth/login", json={"email": email, "password": password}, timeout=30
    )
    response.raise_for_status()
    return response.json()["access_token"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:3000", help="a running server")
    parser.add_argument("--token", help="an access token that may update products")
    parser.add_argument("--email", default="admin@oppo.kz")
    parser.add_argument("--password", default="Admin123!")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.02, help="seconds between changes")
    args = parser.parse_args(argv)
    token = args.token or _login(args.url, args.email, args.password)
    figures = run(args.url, token, clients=args.clients, events=args.events, interval=args.interval)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
