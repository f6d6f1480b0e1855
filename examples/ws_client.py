"""Follow the live product feed from Python: sign in, listen, refresh on expiry, reconnect with backoff.

    python examples/ws_client.py --url http://localhost:3000 --email admin@oppo.kz --password 'Admin123!'

Needs only `httpx` and `websockets`. The pieces are importable: `backoff_delays()` is the contract's
reconnect schedule and `run(...)` the whole loop, with `on_event` and a `stop` event for callers.
Close codes (docs/websocket.md): 4401 the access token is missing, bad or has expired: refresh it
and reconnect at once; 4403 not allowed: stop; 4408 this client fell behind: reload what you show,
then reconnect; anything else (a restart is 1012, a dropped network 1006): reconnect with backoff.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import logging
import random
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

logger = logging.getLogger("oppo_kz.ws_client")

BACKOFF_SECONDS = (1.0, 2.0, 5.0, 10.0)  # then 10 s for ever
JITTER = 0.2  # each delay is scaled by a random factor in [0.8, 1.2]

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408


def backoff_delays(rng: Callable[[], float] = random.random) -> Iterator[float]:
    """Yield the reconnect delays: 1 s, 2 s, 5 s, 10 s, then 10 s for ever, each with ±20 % jitter."""
    for base in itertools.chain(BACKOFF_SECONDS, itertools.repeat(BACKOFF_SECONDS[-1])):
        yield base * (1 - JITTER + 2 * JITTER * rng())


class FeedForbiddenError(RuntimeError):
    """The server refused the feed for good (4403, or the sign-in itself failed)."""


class Tokens:
    """An access/refresh pair from the REST API, renewed by refresh (or by signing in again)."""

    def __init__(self, http: httpx.AsyncClient, email: str, password: str) -> None:
        self.http = http
        self.email = email
        self.password = password
        self.access: str | None = None
        self.refresh_token: str | None = None

    async def login(self) -> None:
        response = await self.http.post(
            "/api/v1/auth/login", json={"email": self.email, "password": self.password}
        )
        if response.status_code in (401, 403):
            raise FeedForbiddenError(f"sign-in refused: {response.json().get('message')}")
        response.raise_for_status()
        self._keep(response.json())

    async def renew(self) -> None:
        """Trade the refresh token for a new pair; sign in again if it no longer works."""
        if self.refresh_token is None:
            await self.login()
            return
        response = await self.http.post("/api/v1/auth/refresh", json={"refresh_token": self.refresh_token})
        if response.status_code == 401:
            await self.login()
            return
        response.raise_for_status()
        self._keep(response.json())

    def _keep(self, body: dict[str, Any]) -> None:
        self.access, self.refresh_token = body["access_token"], body["refresh_token"]


def feed_url(base_url: str, token: str) -> str:
    """The WebSocket address for an http(s) base URL."""
    scheme, rest = base_url.rstrip("/").split("://", 1)
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}/api/v1/ws/products?token={token}"


def print_event(message: dict[str, Any]) -> None:
    data = message["data"]
    print(
        f"{message['at']} {message['event']:<16} #{data.get('id')} {data.get('sku', '')} {data.get('name', '')}"
    )


async def _listen(
    ws: ClientConnection, on_event: Callable[[dict[str, Any]], Any], stop: asyncio.Event
) -> None:
    async def close_on_stop() -> None:
        await stop.wait()
        await ws.close()

    closer = asyncio.create_task(close_on_stop())
    try:
        async for text in ws:
            if text == "pong":
                continue
            await _called(on_event(json.loads(text)))
    finally:
        closer.cancel()


async def _called(result: Any) -> None:
    if asyncio.iscoroutine(result):
        await result


async def _connect_once(
    base_url: str,
    tokens: Tokens,
    on_event: Callable[[dict[str, Any]], Any],
    on_connect: Callable[[], Any],
    stop: asyncio.Event,
) -> int | None:
    """One connection, until it closes: its close code (None when the server was unreachable)."""
    try:
        if tokens.access is None:
            await tokens.login()
        assert tokens.access is not None
        async with connect(feed_url(base_url, tokens.access), open_timeout=10) as ws:
            logger.info("connected to the product feed")
            await _called(on_connect())
            await _listen(ws, on_event, stop)
        return ws.close_code
    except ConnectionClosed as exc:
        return exc.rcvd.code if exc.rcvd else None
    except (OSError, InvalidHandshake, TimeoutError, httpx.TransportError, httpx.HTTPStatusError) as exc:
        logger.info("product feed unreachable: %s", exc)
        return None


async def _reconnect_at_once(code: int | None, tokens: Tokens) -> bool:
    """Act on a close code; True when the next connection should not wait (a refreshed token)."""
    if code == CLOSE_FORBIDDEN:
        raise FeedForbiddenError("the server refused the product feed (4403)")
    if code == CLOSE_UNAUTHORIZED:
        logger.info("access token expired: refreshing")
        try:
            await tokens.renew()
            return True
        except (httpx.TransportError, httpx.HTTPStatusError) as exc:
            logger.info("refresh failed: %s", exc)
    elif code == CLOSE_TOO_SLOW:
        logger.warning("fell behind the feed: reconnecting (reload what you display)")
    return False


async def run(
    base_url: str,
    email: str,
    password: str,
    *,
    on_event: Callable[[dict[str, Any]], Any] = print_event,
    on_resync: Callable[[], Any] | None = None,
    stop: asyncio.Event | None = None,
    delays: Callable[[], Iterator[float]] = backoff_delays,
) -> None:
    """Follow the feed until `stop` is set; raises `FeedForbiddenError` when the server says no for good.

    `on_event(message)` gets each `{"event", "data", "at"}`; `on_resync()` is called after every
    reconnect (events made while disconnected are not replayed: reload what you display).
    """
    stop = stop or asyncio.Event()
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as http:
        tokens = Tokens(http, email, password)
        schedule = delays()
        connections = 0

        async def on_connect() -> None:
            nonlocal schedule, connections
            if connections and on_resync is not None:
                await _called(on_resync())
            connections += 1
            schedule = delays()  # a good connection starts the schedule again

        while not stop.is_set():
            code = await _connect_once(base_url, tokens, on_event, on_connect, stop)
            if stop.is_set():
                break
            if await _reconnect_at_once(code, tokens):
                continue
            delay = next(schedule)
            logger.info("reconnecting in %.1f s (close code %s)", delay, code)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print every product change as it happens.")
    parser.add_argument("--url", default="http://localhost:3000", help="the app's address")
    parser.add_argument("--email", default="admin@oppo.kz")
    parser.add_argument("--password", default="Admin123!")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        asyncio.run(run(args.url, args.email, args.password))
    except KeyboardInterrupt:
        return 0
    except FeedForbiddenError as exc:
        print(exc)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
