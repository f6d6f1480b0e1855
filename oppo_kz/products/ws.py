"""The live product feed over WebSocket: `/api/v1/ws/products?token=<access token>`.

Close codes (docs/websocket.md): 4401 no, bad or expired token (also when it expires while the
socket is open, or its login ends: logout, a disabled user, a reused refresh token); 4403 a foreign `Origin` or a role without products:read; 4408 the client fell
behind (its queue filled up or one send blocked for SEND_TIMEOUT) and must reconnect and reload.
A refused socket is accepted and then closed at once, because a handshake refused before `accept`
reaches the browser as a bare HTTP 403 with no code. No event is queued before the checks pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import anyio
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from starlette.concurrency import run_in_threadpool

from oppo_kz.core.db import session_scope
from oppo_kz.core.errors import AuthError, PermissionDeniedError
from oppo_kz.core.events import Subscription
from oppo_kz.products import feed as product_feed
from oppo_kz.products.feed import FeedGrant

router = APIRouter(tags=["live updates"])
logger = logging.getLogger(__name__)

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_SLOW = 4408
# One send (or pong) that cannot be written for this long marks a dead or stalled client.
SEND_TIMEOUT = 5.0
# How long a close frame may wait for room in a stalled connection before we give up on it.
CLOSE_TIMEOUT = 1.0
TOO_SLOW = "Too slow: reconnect and reload the products."


def _authorize(token: str | None, origin: str | None, host: str | None) -> FeedGrant:
    with session_scope() as session:
        return product_feed.authorize_subscriber(session=session, token=token, origin=origin, host=host)


@router.websocket("/ws/products")
async def product_changes(websocket: WebSocket, token: str | None = None) -> None:
    """Push every committed product change to the client; `ping` is answered with `pong`."""
    try:
        grant = await run_in_threadpool(
            _authorize, token, websocket.headers.get("origin"), websocket.headers.get("host")
        )
    except PermissionDeniedError as exc:
        await _refuse(websocket, CLOSE_FORBIDDEN, exc.message)
        return
    except AuthError as exc:
        await _refuse(websocket, CLOSE_UNAUTHORIZED, exc.message)
        return

    dropped = asyncio.Event()
    subscription = product_feed.subscribe(on_overflow=dropped.set)
    login_ends = product_feed.subscribe_login_ends()
    try:
        await websocket.accept()
        code, reason = await _serve(websocket, subscription, login_ends, grant, dropped)
        if code is not None:
            await _close(websocket, code, reason)
    finally:
        subscription.close()
        login_ends.close()


async def _serve(
    websocket: WebSocket,
    subscription: Subscription,
    login_ends: Subscription,
    grant: FeedGrant,
    dropped: asyncio.Event,
) -> tuple[int | None, str]:
    """Run until the client leaves, the token expires, its login ends or it falls behind."""
    outcome: list[tuple[int | None, str]] = []

    async with anyio.create_task_group() as tasks:

        def finish(code: int | None, reason: str = "") -> None:
            if not outcome:
                outcome.append((code, reason))
            tasks.cancel_scope.cancel()

        async def send_events() -> None:
            try:
                while True:
                    event = await subscription.get()
                    with anyio.fail_after(SEND_TIMEOUT):
                        await websocket.send_text(product_feed.event_text(event))
            except TimeoutError:
                finish(CLOSE_TOO_SLOW, TOO_SLOW)
            except (WebSocketDisconnect, OSError):
                finish(None)

        async def answer_pings() -> None:
            try:
                while (message := await websocket.receive())["type"] != "websocket.disconnect":
                    if message.get("text") == "ping":
                        with anyio.fail_after(SEND_TIMEOUT):
                            await websocket.send_text("pong")
            except TimeoutError:
                finish(CLOSE_TOO_SLOW, TOO_SLOW)
            except (WebSocketDisconnect, OSError):
                pass
            finish(None)

        async def expire() -> None:
            await anyio.sleep(grant.seconds_left())
            finish(CLOSE_UNAUTHORIZED, "The access token has expired.")

        async def watch_overflow() -> None:
            await dropped.wait()
            finish(CLOSE_TOO_SLOW, TOO_SLOW)

        async def watch_login() -> None:
            while not product_feed.ends_grant(await login_ends.get(), grant):
                pass
            finish(CLOSE_UNAUTHORIZED, "The login has ended (signed out or disabled).")

        for task in (send_events, answer_pings, expire, watch_overflow, watch_login):
            tasks.start_soon(task)

    code, reason = outcome[0] if outcome else (None, "")
    if code == CLOSE_TOO_SLOW:
        logger.info("product feed: user %s fell behind and was dropped", grant.principal.id)
    return code, reason


async def _refuse(websocket: WebSocket, code: int, reason: str) -> None:
    await websocket.accept()
    await _close(websocket, code, reason)


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    # The client may be gone already, or so stalled that even the close frame cannot be written.
    with contextlib.suppress(Exception), anyio.move_on_after(CLOSE_TIMEOUT):
        await websocket.close(code=code, reason=reason.encode()[:123].decode(errors="ignore"))
