"""The events feed: every topic a reader may read (products, sales, ...), each event only to those in
its scope, numbered by `seq` in commit order; `since` replays what the reader missed.

Each domain declares its topic as `FEED` in its `events.py` (a `core.events.FeedTopic`). Committed
events are kept in the transactional outbox (core/outbox.py, at least EVENTS_RETENTION_HOURS) and
numbered there in commit order across every instance; `since` older than what is kept (or a `seq`
never given, e.g. from another database) answers `{"event": "resync"}` first: reload.
Transport-free: the WebSocket adapter is `live/api.py`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlmodel import Session

from oppo_kz.auth.live import FeedGrant, authorize_subscriber
from oppo_kz.auth.permissions import has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.core import outbox
from oppo_kz.core.errors import PermissionDeniedError
from oppo_kz.core.events import Event, FeedTopic, Subscription, bus
from oppo_kz.domains import domain_modules

PATH = "/api/v1/ws/events"
QUEUE_SIZE = 2000
RESYNC = json.dumps({"event": "resync"})


def feed_topics() -> dict[str, FeedTopic]:
    """Every domain's topic, by name."""
    return {m.FEED.name: m.FEED for m in domain_modules("events") if hasattr(m, "FEED")}


def parse_topics(raw: str | None, principal: Principal) -> tuple[FeedTopic, ...]:
    """The topics asked for (comma-separated; all the reader may read when omitted)."""
    known = feed_topics()
    readable = {name: t for name, t in known.items() if has_permission(principal.role, t.permission)}
    if raw is None or not raw.strip():
        return tuple(readable.values())
    names = [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise PermissionDeniedError(
            f"Unknown topic(s) {', '.join(unknown)}; the topics are {', '.join(known)}."
        )
    refused = [n for n in names if n not in readable]
    if refused:
        raise PermissionDeniedError(f"Your role may not read {', '.join(refused)}.")
    return tuple(readable[n] for n in dict.fromkeys(names))


def parse_since(raw: str | None) -> int | None:
    """The `since` parameter: a seq (a whole number >= 0), or None."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise PermissionDeniedError("since must be a seq: a whole number.")
    return int(raw)


def message_text(event: Event) -> str:
    """The contract's message `{"event", "data", "at", "seq"}` as JSON text."""
    message = {**event.to_message(), "seq": event.seq}
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


@dataclass
class Reader:
    """One connected reader: what it may see, and what it has been sent (so a replay never repeats)."""

    grant: FeedGrant
    topics: tuple[FeedTopic, ...]
    since: int | None = None
    last_sent: int = 0
    _texts: dict[int, str] = field(default_factory=dict)

    def sees(self, event: Event) -> bool:
        for topic in self.topics:
            if event.name.startswith(topic.prefix):
                return topic.visible is None or topic.visible(self.grant.principal, event)
        return False

    def text(self, event: Event) -> str | None:
        """The message for a live event, or None when this reader must not (or need not) get it."""
        if event.seq <= self.last_sent or not self.sees(event):
            return None
        self.last_sent = event.seq
        return message_text(event)

    def opening(self) -> list[str]:
        """What to send first: the replay of what was missed since `since`, or `resync`.

        Called once the reader's queue is subscribed (it reads the outbox: call it off the event
        loop): everything queued after the replay's last event is sent live, what the replay already
        carried is skipped.
        """
        if self.since is None:
            return []
        missed = outbox.read_after(self.since)
        if missed is None:
            return [RESYNC]
        texts = [message_text(e) for e in missed if self.sees(e)]
        self.last_sent = missed[-1].seq if missed else self.since
        return texts


def authorize(
    *,
    session: Session,
    token: str | None,
    topics: str | None,
    since: str | None,
    origin: str | None = None,
    host: str | None = None,
    allowed_origins: Iterable[str] | None = None,
) -> Reader:
    """Check the origin, the token and the topics; the reader to serve."""
    grant = authorize_subscriber(
        session=session,
        token=token,
        permission=None,
        path=PATH,
        origin=origin,
        host=host,
        allowed_origins=allowed_origins,
    )
    return Reader(grant=grant, topics=parse_topics(topics, grant.principal), since=parse_since(since))


def subscribe(on_overflow: Callable[[], None]) -> Subscription:
    """A bounded queue of every event on the running loop (the reader filters)."""
    return bus.subscribe(maxsize=QUEUE_SIZE, on_overflow=on_overflow)
