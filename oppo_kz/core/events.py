"""A thread-safe, in-process publish/subscribe bus for committed changes.

Publishers may run on any thread (FastAPI runs sync routes in a thread pool, Reflex handlers run on
the event loop, scripts have no loop at all). Each subscriber names the event loop it lives on, and
delivery goes through `loop.call_soon_threadsafe`, which keeps the publishing order per loop. A
subscriber gets a bounded queue: one that falls behind is told once (`on_overflow`) and dropped, so a
slow consumer never delays the others.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

DEFAULT_QUEUE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Event:
    """One committed change: `name` like `product.updated`, `data` JSON-ready, `at` ISO 8601.

    `scope` says who may see it (e.g. a sale's store, promoter and the store's supervisor); it is
    used to filter delivery and never sent to clients.
    """

    name: str
    data: dict[str, Any]
    at: str
    seq: int = 0
    scope: dict[str, Any] = field(default_factory=dict)

    def to_message(self) -> dict[str, Any]:
        """The contract's WebSocket message."""
        return {"event": self.name, "data": self.data, "at": self.at}


@dataclass(frozen=True)
class FeedTopic:
    """A topic of the events socket: which events (by name prefix), the permission to read them, and
    which of them a given reader may see (`visible(actor, event)`, None: all of them)."""

    name: str
    prefix: str
    permission: Any
    visible: Callable[[Any, Event], bool] | None = None


@dataclass(eq=False)
class Subscription:
    """A subscriber's bounded queue on its own event loop."""

    bus: EventBus
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Event]
    on_overflow: Callable[[], None] | None = None
    topic_prefix: str = ""
    overflowed: bool = field(default=False)

    def _deliver(self, event: Event) -> None:
        # Runs on the subscriber's loop.
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            self.bus.unsubscribe(self)
            logger.warning("event subscriber fell %d events behind and was dropped", self.queue.maxsize)
            if self.on_overflow is not None:
                self.on_overflow()

    async def get(self) -> Event:
        """Wait for the next event."""
        return await self.queue.get()

    def close(self) -> None:
        """Stop receiving events."""
        self.bus.unsubscribe(self)


class EventBus:
    """Fan committed events out to every subscriber, in publishing order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[Subscription] = []
        self._listeners: list[Callable[[Event], None]] = []
        self._last_seq = 0
        self._on_subscribe: list[Callable[[], None]] = []

    def on_subscribe(self, hook: Callable[[], None]) -> None:
        """Call `hook()` at every new subscription (the outbox relay starts following then)."""
        with self._lock:
            self._on_subscribe.append(hook)

    def subscribe(
        self,
        *,
        maxsize: int = DEFAULT_QUEUE_SIZE,
        on_overflow: Callable[[], None] | None = None,
        topic_prefix: str = "",
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> Subscription:
        """Subscribe the running event loop (or `loop`) with a queue of at most `maxsize` events."""
        sub = Subscription(
            bus=self,
            loop=loop or asyncio.get_running_loop(),
            queue=asyncio.Queue(maxsize=maxsize),
            on_overflow=on_overflow,
            topic_prefix=topic_prefix,
        )
        with self._lock:
            self._subscribers.append(sub)
            hooks = list(self._on_subscribe)
        for hook in hooks:
            hook()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """Remove a subscription; safe to call twice."""
        with self._lock:
            if sub in self._subscribers:
                self._subscribers.remove(sub)

    def add_listener(self, listener: Callable[[Event], None]) -> Callable[[], None]:
        """Call `listener(event)` synchronously on the publishing thread; returns a remover.

        Listeners must be quick and must not raise; they suit counters and cache invalidation.
        """
        with self._lock:
            self._listeners.append(listener)

        def remove() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return remove

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)

    def count(self, topic_prefix: str) -> int:
        """Subscribers that asked for exactly this topic prefix."""
        with self._lock:
            return sum(1 for sub in self._subscribers if sub.topic_prefix == topic_prefix)

    def publish(
        self,
        name: str,
        data: dict[str, Any],
        at: str,
        scope: dict[str, Any] | None = None,
        *,
        seq: int | None = None,
    ) -> Event:
        """Send an event to every subscriber; callable from any thread.

        `seq` is the event's number in the outbox (commit order across instances); without one the
        bus numbers it after the last it saw (events that never went through the outbox).
        """
        with self._lock:
            if seq is None:
                seq = self._last_seq + 1
            self._last_seq = seq
            event = Event(name=name, data=data, at=at, seq=seq, scope=scope or {})
            subscribers = list(self._subscribers)
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken listener must not stop delivery
                logger.exception("event listener failed")
        for sub in subscribers:
            if sub.topic_prefix and not name.startswith(sub.topic_prefix):
                continue
            try:
                sub.loop.call_soon_threadsafe(sub._deliver, event)
            except RuntimeError:  # the subscriber's loop is closed
                self.unsubscribe(sub)
        return event


bus = EventBus()
