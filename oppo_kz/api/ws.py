"""Serving a live feed over a WebSocket: the checks before `accept`, then events out, pings answered.

Close codes (docs/websocket.md): 1001 the server is shutting down (reconnect, to another instance);
4401 no, bad or expired token (also when it expires while the
socket is open, or its login ends: logout, a disabled user, a reused refresh token); 4403 a foreign
`Origin` or a role without the feed's permission; 4408 the client fell behind (its queue filled up
or one send blocked for SEND_TIMEOUT) and must reconnect and reload. A refused socket is accepted
and then closed at once, because a handshake refused before `accept` reaches the browser as a bare
HTTP 403 with no code. No event is queued before the checks pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

import anyio
from fastapi import WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from oppo_kz.auth.live import FeedGrant, ends_grant, subscribe_login_ends
from oppo_kz.core.errors import AuthError, PermissionDeniedError
from oppo_kz.core.events import Event, Subscription
from oppo_kz.core.lifecycle import drain

logger = logging.getLogger(__name__)

CLOSE_GOING_AWAY = 1001
CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408
# One send (or pong) that cannot be written for this long marks a dead or stalled client.
SEND_TIMEOUT = 5.0
# How long a close frame may wait for room in a stalled connection before we give up on it.
CLOSE_TIMEOUT = 1.0
TOO_SLOW = "Too slow: reconnect and reload."
GOING_AWAY = "The server is shutting down: reconnect."


class FeedReader(Protocol):
    """One authorised follower of a feed: its grant, what to send first, and each event's message."""

    @property
    def grant(self) -> FeedGrant: ...

    def opening(self) -> list[str]: ...

    def text(self, event: Event) -> str | None: ...


class FeedConnection:
    """One accepted socket: runs until the client leaves, the token expires, its login ends or it
    falls behind; `run()` returns the close code and reason (None when the client left)."""

    def __init__(
        self,
        websocket: WebSocket,
        reader: FeedReader,
        events: Subscription,
        dropped: asyncio.Event,
        draining: asyncio.Event,
    ) -> None:
        self.websocket = websocket
        self.reader = reader
        self.grant = reader.grant
        self.draining = draining
        self.events = events
        self.dropped = dropped
        self.login_ends = subscribe_login_ends()
        self._outcome: tuple[int | None, str] | None = None
        self._scope: anyio.CancelScope | None = None

    def _finish(self, code: int | None, reason: str = "") -> None:
        if self._outcome is None:
            self._outcome = (code, reason)
        if self._scope is not None:
            self._scope.cancel()

    async def _send(self, text: str) -> None:
        with anyio.fail_after(SEND_TIMEOUT):
            await self.websocket.send_text(text)

    async def _send_events(self) -> None:
        try:
            # The replay reads the outbox: off the event loop (live events queue up meanwhile).
            for first in await run_in_threadpool(self.reader.opening):
                await self._send(first)
            while True:
                text = self.reader.text(await self.events.get())
                if text is not None:
                    await self._send(text)
        except TimeoutError:
            self._finish(CLOSE_TOO_SLOW, TOO_SLOW)
        except (WebSocketDisconnect, OSError):
            self._finish(None)

    async def _answer_pings(self) -> None:
        try:
            while (message := await self.websocket.receive())["type"] != "websocket.disconnect":
                if message.get("text") == "ping":
                    await self._send("pong")
        except TimeoutError:
            self._finish(CLOSE_TOO_SLOW, TOO_SLOW)
        except (WebSocketDisconnect, OSError):
            pass
        self._finish(None)

    async def _expire(self) -> None:
        await anyio.sleep(self.grant.seconds_left())
        self._finish(CLOSE_UNAUTHORIZED, "The access token has expired.")

    async def _watch_overflow(self) -> None:
        await self.dropped.wait()
        self._finish(CLOSE_TOO_SLOW, TOO_SLOW)

    async def _watch_shutdown(self) -> None:
        await self.draining.wait()
        self._finish(CLOSE_GOING_AWAY, GOING_AWAY)

    async def _watch_login(self) -> None:
        while not ends_grant(await self.login_ends.get(), self.grant):
            pass
        self._finish(CLOSE_UNAUTHORIZED, "The login has ended (signed out or disabled).")

    async def run(self) -> tuple[int | None, str]:
        try:
            async with anyio.create_task_group() as tasks:
                self._scope = tasks.cancel_scope
                for task in (
                    self._send_events,
                    self._answer_pings,
                    self._expire,
                    self._watch_overflow,
                    self._watch_login,
                    self._watch_shutdown,
                ):
                    tasks.start_soon(task)
        finally:
            self.login_ends.close()
        return self._outcome or (None, "")


async def serve_feed(
    websocket: WebSocket,
    authorize: Callable[[], FeedReader],
    subscribe: Callable[[Callable[[], None]], Subscription],
) -> None:
    """Check the caller (`authorize`, run in a thread), then stream its subscription's events."""
    with drain.watching() as draining:  # shutdown waits for the close frame, not only for run()
        if draining.is_set():
            await refuse(websocket, CLOSE_GOING_AWAY, GOING_AWAY)
            return
        try:
            reader = await run_in_threadpool(authorize)
        except PermissionDeniedError as exc:
            await refuse(websocket, CLOSE_FORBIDDEN, exc.message)
            return
        except AuthError as exc:
            await refuse(websocket, CLOSE_UNAUTHORIZED, exc.message)
            return
        await _stream(websocket, reader, subscribe, draining)


async def _stream(
    websocket: WebSocket,
    reader: FeedReader,
    subscribe: Callable[[Callable[[], None]], Subscription],
    draining: asyncio.Event,
) -> None:
    dropped = asyncio.Event()
    events = subscribe(dropped.set)
    try:
        await websocket.accept()
        code, reason = await FeedConnection(websocket, reader, events, dropped, draining).run()
        if code == CLOSE_TOO_SLOW:
            user = reader.grant.principal.id
            logger.info("live feed %s: user %s fell behind and was dropped", websocket.url.path, user)
        if code is not None:
            await close(websocket, code, reason)
    finally:
        events.close()


async def refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept, then close at once with `code` (a browser sees the code only after an accept)."""
    await websocket.accept()
    await close(websocket, code, reason)


async def close(websocket: WebSocket, code: int, reason: str) -> None:
    """Close with a code; the client may be gone already, or too stalled to take the close frame."""
    with contextlib.suppress(Exception), anyio.move_on_after(CLOSE_TIMEOUT):
        await websocket.close(code=code, reason=reason.encode()[:123].decode(errors="ignore"))
