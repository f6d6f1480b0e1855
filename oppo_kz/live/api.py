"""The events feed over WebSocket: `/api/v1/ws/events?token=…&topics=products,sales&since=<seq>`."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from oppo_kz.api.ws import serve_feed
from oppo_kz.core.db import session_scope
from oppo_kz.live import service as live

router = APIRouter(tags=["live updates"])


@router.websocket("/ws/events")
async def events(
    websocket: WebSocket, token: str | None = None, topics: str | None = None, since: str | None = None
) -> None:
    """Every event of the topics you may read, in your scope, with `seq`; `since` replays what you missed."""
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host")

    def authorize() -> live.Reader:
        with session_scope() as session:
            return live.authorize(
                session=session, token=token, topics=topics, since=since, origin=origin, host=host
            )

    await serve_feed(websocket, authorize, live.subscribe)


routers = (router,)
