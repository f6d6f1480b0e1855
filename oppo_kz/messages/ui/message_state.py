"""/messages/{id}: one message; opening it marks it read; its author and head office see the receipts."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.core.errors import NotFoundError
from oppo_kz.lib.formatting import moment
from oppo_kz.messages import service
from oppo_kz.messages.ui.unread import UnreadState
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.run import run_service

HEAD_OFFICE = ("admin", "office")


def parse_id(raw: Any) -> int:
    """The message id of the URL, or 0 when it cannot be one."""
    return int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else 0


class MessageState(rx.State):
    message: rx.Field[dict[str, Any]] = rx.field(default_factory=dict)
    found: rx.Field[bool] = rx.field(True)
    receipts: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    read: rx.Field[int] = rx.field(0)
    recipients: rx.Field[int] = rx.field(0)
    sees_receipts: rx.Field[bool] = rx.field(False)

    _message_id: int = 0

    async def _read(self, actor: Principal) -> bool:
        """Load the message and its receipts; True when this visit marked it read."""
        lang = (await self.get_state(I18nState)).lang
        try:
            found = await run_service(service.get_message, actor=actor, message_id=self._message_id)
        except NotFoundError:
            self.found, self.message, self.receipts = False, {}, []
            return False
        marked = False
        if found.read_at is None:
            await run_service(service.mark_read, write=True, actor=actor, message_id=self._message_id)
            marked = True
        self.found = True
        self.message = {
            "id": found.id,
            "title": found.title,
            "body": found.body,
            "author": found.author_name,
            "when": moment(found.created_at, lang),
        }
        self.sees_receipts = actor.role.value in HEAD_OFFICE or found.author_id == actor.id
        if self.sees_receipts:
            got = await run_service(service.receipts, actor=actor, message_id=self._message_id)
            self.read, self.recipients = got.read, got.recipients
            self.receipts = [
                {"user_id": i.user_id, "name": i.full_name, "read_at": moment(i.read_at, lang) if i.read_at else "",
                 "read": i.read_at is not None}
                for i in got.items
            ]  # fmt: skip
        return marked and found.author_id != actor.id

    @rx.event
    async def load(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self._message_id = parse_id(self.router.page.params.get("message_id", ""))
        if await self._read(actor):
            return UnreadState.seen(self._message_id)
        return None

    @rx.event
    async def refresh(self):
        """Read the receipts again (who has read it since)."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        await self._read(actor)
        return None
