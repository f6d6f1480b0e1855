"""Following committed changes from a page: the bus's events in bursts, for a tab to re-read once.

A page's background task reads `LiveFeed.next_batch()` in a loop: the first event of a burst starts a
short window (COALESCE_SECONDS) and everything arriving in it comes back as one batch, and batches
come at most every MIN_REFRESH_INTERVAL however busy the data is. Sign-out events (`auth.session_ended`)
come back at once, alone, so a page can leave without delay.
"""

from __future__ import annotations

import asyncio

from oppo_kz.auth.service import SESSION_ENDED
from oppo_kz.core.events import Event, Subscription, bus

# Changes arriving within this window are applied with one query per open page...
COALESCE_SECONDS = 0.15
# ...and one page refreshes at most this often, however busy the data is.
MIN_REFRESH_INTERVAL = 0.5
QUEUE_SIZE = 2000


class LiveFeed:
    """A tab's subscription to events whose names start with one of `prefixes` (and sign-outs)."""

    def __init__(
        self, *prefixes: str, coalesce: float = COALESCE_SECONDS, min_interval: float = MIN_REFRESH_INTERVAL
    ):
        self.prefixes = prefixes
        self.coalesce = coalesce
        self.min_interval = min_interval
        self._sub: Subscription = bus.subscribe(maxsize=QUEUE_SIZE)
        self._last_batch = 0.0

    def _wanted(self, event: Event) -> bool:
        return event.name.startswith(self.prefixes)

    async def next_batch(self, idle: float | None = None) -> list[Event] | None:
        """The next burst of wanted events, or None when `idle` seconds pass without one."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                first = await asyncio.wait_for(self._sub.get(), idle)
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
                event = await asyncio.wait_for(self._sub.get(), left)
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
