"""The server's shutdown as seen by long-lived work: a signal to finish early, and a wait until it has.

A request ends by itself; a WebSocket does not. When the server starts shutting down (SIGTERM), each
open socket is told through `drain` and closes itself with 1001 (going away), so its client reconnects
to another instance at once instead of waiting on a dying one. Everything here runs on the server's
event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextlib import contextmanager


class Drain:
    """Who must be told when shutdown starts, and whether they have finished."""

    def __init__(self) -> None:
        self._watchers: set[asyncio.Event] = set()
        self._idle: asyncio.Event | None = None
        self.started = False

    @contextmanager
    def watching(self) -> Iterator[asyncio.Event]:
        """An event set when shutdown starts (already set if it has); the block's end means done."""
        event = asyncio.Event()
        if self.started:
            event.set()
        self._watchers.add(event)
        try:
            yield event
        finally:
            self._watchers.discard(event)
            if not self._watchers and self._idle is not None:
                self._idle.set()

    @property
    def active(self) -> int:
        """How many watchers have not finished yet."""
        return len(self._watchers)

    def begin(self) -> None:
        """Tell every watcher, present and future, that the server is shutting down."""
        self.started = True
        for event in list(self._watchers):
            event.set()

    async def finish(self, seconds: float) -> bool:
        """Begin, then wait up to `seconds` for every watcher to finish; True if they all did."""
        self.begin()
        if self._watchers:
            self._idle = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._idle.wait()
        return not self._watchers


drain = Drain()
