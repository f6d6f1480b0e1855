"""A sent message is one `message.created` event after its commit, delivered only to its recipients
(on the events socket's `messages` topic and to their open pages); the hooks keep `version` right."""

from __future__ import annotations

from typing import Any

from oppo_kz.auth.permissions import Permission
from oppo_kz.core.events import Event, FeedTopic
from oppo_kz.lib.changes import Tracking, track
from oppo_kz.lib.listing.counts import invalidate_on
from oppo_kz.messages.models import Message
from oppo_kz.messages.service import RECEIPTS_TABLE, load_events

TOPIC = "message"
CREATED = "message.created"


def _own_columns(message: Message) -> dict[str, Any]:
    return {"id": message.id}  # only used if the loader cannot read the row back (it always can)


track(Message, Tracking(topic=TOPIC, payload=_own_columns, loader=load_events, audit_entity="message"))
invalidate_on(TOPIC, RECEIPTS_TABLE.name)  # a sent message writes one receipt per recipient


def addressed_to(actor: Any, event: Event) -> bool:
    """Whether `actor` is one of the event's message's recipients."""
    return actor.id in event.scope.get("recipients", ())


FEED = FeedTopic(
    name="messages", prefix="message.", permission=Permission.messages_read, visible=addressed_to
)
