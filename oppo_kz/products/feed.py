"""The live product feed: who may follow it, what each subscriber gets, and the messages it carries.

The WebSocket adapter (`products/ws.py`) calls `authorize` before it accepts a socket, then
`subscribe` to get its own bounded queue on the bus, and sends `event_text(event)` for each event.
Everything here is transport-free: no web framework, no socket.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlmodel import Session

from oppo_kz.auth.live import FeedGrant, authorize_subscriber
from oppo_kz.auth.permissions import Permission
from oppo_kz.core.events import Event, Subscription, bus

PATH = "/api/v1/ws/products"
TOPIC = "product."
# Events a subscriber may fall behind before it is dropped. The Event objects are shared by every
# queue, so a long queue costs only references; it must hold the largest single commit (the seed
# creates 200 products at once) because a commit's events arrive on the loop in one burst.
QUEUE_SIZE = 1000


def authorize(
    *,
    session: Session,
    token: str | None,
    origin: str | None = None,
    host: str | None = None,
    allowed_origins: Iterable[str] | None = None,
) -> FeedGrant:
    """A grant to follow the product feed: a valid origin and token, and products:read."""
    return authorize_subscriber(
        session=session,
        token=token,
        permission=Permission.products_read,
        path=PATH,
        origin=origin,
        host=host,
        allowed_origins=allowed_origins,
    )


@dataclass(frozen=True)
class ProductReader:
    """A follower of the product feed: every product event, no replay."""

    grant: FeedGrant

    def opening(self) -> list[str]:
        return []

    def text(self, event: Event) -> str | None:
        return event_text(event)


def subscribe(*, on_overflow: Callable[[], None], maxsize: int | None = None) -> Subscription:
    """A bounded queue of product events on the running loop; `on_overflow` runs once if it fills up."""
    return bus.subscribe(maxsize=maxsize or QUEUE_SIZE, on_overflow=on_overflow, topic_prefix=TOPIC)


class _TextCache:
    """The JSON text of recent events, so an event is serialised once however many clients get it."""

    def __init__(self, size: int = QUEUE_SIZE) -> None:
        self.size = size
        self._texts: OrderedDict[tuple[int, str, str], str] = OrderedDict()
        self._lock = threading.Lock()

    def text(self, event: Event) -> str:
        key = (event.seq, event.name, event.at)
        with self._lock:
            cached = self._texts.get(key)
            if cached is not None:
                return cached
        text = json.dumps(event.to_message(), separators=(",", ":"), ensure_ascii=False)
        with self._lock:
            self._texts[key] = text
            while len(self._texts) > self.size:
                self._texts.popitem(last=False)
        return text


_texts = _TextCache()


def event_text(event: Event) -> str:
    """The contract's message `{"event", "data", "at"}` as JSON text (cached per event)."""
    return _texts.text(event)
