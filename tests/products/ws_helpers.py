"""Shortcuts for the product feed tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from starlette.websockets import WebSocketDisconnect

from oppo_kz.core.events import bus
from oppo_kz.core.security import create_token, decode_token
from oppo_kz.products import feed as product_feed

WS = "/api/v1/ws/products"


def feed_subscribers() -> int:
    """Open product feeds (each socket also watches for its login ending, on another topic)."""
    return bus.count(product_feed.TOPIC)


def feed_url(token: str | None) -> str:
    return WS if token is None else f"{WS}?token={token}"


def closed_with(client, url: str, headers: dict[str, str] | None = None) -> WebSocketDisconnect:
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
