"""/messages: the inbox (newest first, unread marked) and, for those who send, what they sent."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import AuthState, actor_or_login
from oppo_kz.core.events import Event
from oppo_kz.lib.formatting import moment
from oppo_kz.lib.listing import ListQuery
from oppo_kz.messages import service
from oppo_kz.messages.events import CREATED
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.live import LiveFeed, current_seq, resynced
from oppo_kz.ui.run import run_service

PAGE_SIZE = 50
PREVIEW_CHARS = 140


def inbox_row(item: dict[str, Any], lang: str) -> dict[str, Any]:
    """A message as the inbox lists it, formatted once on the server."""
    body = " ".join(str(item["body"]).split())
    return {
        "id": item["id"],
        "title": item["title"],
        "preview": body if len(body) <= PREVIEW_CHARS else body[: PREVIEW_CHARS - 1] + "…",
        "author": item["author_name"],
        "when": moment(item["created_at"], lang),
        "unread": item["read_at"] is None,
    }


def sent_row(item: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "id": item["id"],
        "title": item["title"],
        "author": item["author_name"],
        "when": moment(item["created_at"], lang),
        "read": item["read"],
        "recipients": item["recipients"],
    }


def inbox_changed(batch: list[Event], actor: Principal, sees_all_sent: bool) -> bool:
    """Whether a batch changes this user's inbox or sent list (or is a resync: re-read both)."""
    return resynced(batch) or any(
        e.name == CREATED
        and (
            actor.id in e.scope.get("recipients", ()) or e.scope.get("author_id") == actor.id or sees_all_sent
        )
        for e in batch
    )


class InboxState(rx.State):
    items: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    sent: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    unread: rx.Field[int] = rx.field(0)
    total: rx.Field[int] = rx.field(0)
    can_send: rx.Field[bool] = rx.field(False)
    tab: rx.Field[str] = rx.field("inbox")
    # The outbox seq this tab has caught up to: the live feed resumes from it (ui/live.py).
    _live_seq: int = 0

    async def _read(self, actor: Principal) -> None:
        lang = (await self.get_state(I18nState)).lang
        page = await run_service(service.inbox, actor=actor, query=ListQuery(page_size=PAGE_SIZE))
        self.items = [inbox_row(i, lang) for i in page["items"]]
        self.unread, self.total = page["unread"], page["total"]
        self.can_send = has_permission(actor.role, Permission.messages_send)
        if self.can_send:
            self.sent = [sent_row(i, lang) for i in await run_service(service.sent_messages, actor=actor)]

    @rx.event
    async def load(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self._live_seq = await current_seq()  # the page shows at least everything up to this event
        await self._read(actor)
        return InboxState.follow

    @rx.event
    def show(self, tab: str | list[str]) -> None:
        self.tab = tab if isinstance(tab, str) and tab in ("inbox", "sent") else "inbox"

    @rx.event(background=True)
    async def follow(self):
        """A new message addressed to this user (or sent by them elsewhere) appears at once; after a
        reconnect the feed resumes from the last event this tab saw."""
        async with self:
            since = self._live_seq or None
        feed = LiveFeed("message.", since=since)
        try:
            while True:
                batch = await feed.next_batch()
                if batch is None:
                    continue
                async with self:
                    self._live_seq = feed.last_seq
                    actor = await (await self.get_state(AuthState)).principal_or_none()
                    if actor is None:
                        yield rx.redirect("/login", replace=True)
                        return
                    sees_all = self.can_send and actor.role.value in ("admin", "office")
                    if inbox_changed(batch, actor, sees_all):
                        await self._read(actor)
        finally:
            feed.close()
