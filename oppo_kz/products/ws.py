"""The live product feed over WebSocket: `/api/v1/ws/products?token=<access token>` (docs/websocket.md)."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from oppo_kz.api.ws import serve_feed
from oppo_kz.core.db import session_scope
from oppo_kz.products import feed

router = APIRouter(tags=["live updates"])


@router.websocket("/ws/products")
async def product_changes(websocket: WebSocket, token: str | None = None) -> None:
    """Push every committed product change to the client; `ping` is answered with `pong`."""
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host")

    def authorize() -> feed.ProductReader:
        with session_scope() as session:
            return feed.ProductReader(feed.authorize(session=session, token=token, origin=origin, host=host))

    await serve_feed(websocket, authorize, lambda on_overflow: feed.subscribe(on_overflow=on_overflow))
