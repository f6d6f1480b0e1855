"""Following committed changes from a page: the bus's events in bursts, for a tab to re-read once.

A page's background task reads `LiveFeed.next_batch()` in a loop: the first event of a burst starts a
short window (COALESCE_SECONDS) and everything arriving in it comes back as one batch, and batches
come at most every MIN_REFRESH_INTERVAL however busy the data is. Sign-out events (`auth.session_ended`)
come back at once, alone, so a page can leave without delay.

Resume: a page keeps `feed.last_seq` (the outbox `seq` of the last event it applied; `current_seq()`
when it loads) and, after a reconnect, opens `LiveFeed(..., since=that)`: the first batch then
replays what was committed meanwhile (on any instance), or is one `RESYNC` event when that is no
longer kept, so an open table never misses a change. Every live page does this: the products and
sales lists, the sale and product pages, the inbox and the header's unread badge (`touches` and
`resynced` say whether a batch concerns what a page shows).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from oppo_kz.auth.service import SESSION_ENDED
from oppo_kz.core import outbox
from oppo_kz.core.db import utcnow
from oppo_kz.core.events import Event, Subscription, bus

# Changes arriving within this window are applied with one query per open page...
COALESCE_SECONDS = 0.15
# ...and one page refreshes at most this often, however busy the data is.
MIN_REFRESH_INTERVAL = 0.5
QUEUE_SIZE = 2000
# The one event of a batch when the events since a page's last seq are no longer kept: reload.
RESYNC = "resync"


async def current_seq() -> int:
    """The newest event's seq: a page that loads now has seen everything up to it."""
    return await asyncio.to_thread(outbox.last_seq)


def resynced(batch: Sequence[Event]) -> bool:
    """Whether the batch is a `RESYNC`: what was missed is no longer kept, so re-read everything."""
    return any(e.name == RESYNC for e in batch)


def touches(batch: Sequence[Event], prefix: str, row_id: object) -> bool:
    """Whether the batch changes the row `row_id` of `prefix` events (or is a resync: re-read it)."""
    return resynced(batch) or any(e.name.startswith(prefix) and e.data.get("id") == row_id for e in batch)


class LiveFeed:
    """A tab's subscription to events whose names start with one of `prefixes` (and sign-outs)."""

    def __init__(
        self,
        *prefixes: str,
        coalesce: float = COALESCE_SECONDS,
        min_interval: float = MIN_REFRESH_INTERVAL,
        since: int | None = None,
    ):
        self.prefixes = prefixes
        self.coalesce = coalesce
        self.min_interval = min_interval
        self._sub: Subscription = bus.subscribe(maxsize=QUEUE_SIZE)
        self._last_batch = 0.0
        self._since = since
        # The seq of the last event handed out (or replayed past); events up to it are not repeated.
        self.last_seq = since or 0

    async def _resume(self) -> list[Event] | None:
        """Once: what was committed after `since` (read once the live queue is subscribed)."""
        if self._since is None:
            return None
        since, self._since = self._since, None
        missed = await asyncio.to_thread(outbox.read_after, since)
        if missed is None:
            return [Event(name=RESYNC, data={}, at=utcnow().isoformat())]
        if missed:
            self.last_seq = max(self.last_seq, missed[-1].seq)
        return [e for e in missed if self._wanted(e) or e.name == SESSION_ENDED] or None

    async def _get(self) -> Event:
        while True:
            event = await self._sub.get()
            if event.seq > self.last_seq or event.seq == 0:
                self.last_seq = max(self.last_seq, event.seq)
                return event

    def _wanted(self, event: Event) -> bool:
        return event.name.startswith(self.prefixes)

    async def next_batch(self, idle: float | None = None) -> list[Event] | None:
        """The next burst of wanted events, or None when `idle` seconds pass without one."""
        loop = asyncio.get_running_loop()
        if (replayed := await self._resume()) is not None:
            self._last_batch = loop.time()
            return replayed
        while True:
            try:
                first = await asyncio.wait_for(self._get(), idle)
            except TimeoutError:
                return None
            if first.name == SESSION_ENDED:
                return [first]
            if self._wanted(first):
                break
        batch = [first]
        deadline = loop.time() + max(self.coalesce, self._last_batch + self.min_interval - loop.time())
        while (left := deadline - loop.time()) > 0:
            try:
                event = await asyncio.wait_for(self._get(), left)
            except TimeoutError:
                break
            if self._wanted(event) or event.name == SESSION_ENDED:
                batch.append(event)
        if self._sub.overflowed:  # fell far behind: start again from a fresh subscription
            self._sub = bus.subscribe(maxsize=QUEUE_SIZE)
        self._last_batch = loop.time()
        return batch

    def close(self) -> None:
        """Stop following (call it in the task's `finally`)."""
        self._sub.close()
