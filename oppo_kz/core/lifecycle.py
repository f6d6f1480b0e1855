"""The server's start-up and shutdown as seen by several instances and by long-lived work.

Start-up: `startup_lock(url)` makes instances started together on one database migrate and seed one
after the other (a PostgreSQL session advisory lock; a lock file beside a SQLite database), so the
first does the work and the others find it done.

Shutdown: a signal to finish early, and a wait until it has.

A request ends by itself; a WebSocket does not. When the server starts shutting down (SIGTERM), each
open socket is told through `drain` and closes itself with 1001 (going away), so its client reconnects
to another instance at once instead of waiting on a dying one. Everything here runs on the server's
event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# pg_advisory_lock key of start-up work ("oppomigr" in ASCII).
STARTUP_LOCK_KEY = 0x6F70706F6D696772


@contextmanager
def startup_lock(database_url: str) -> Iterator[None]:
    """Hold the database's start-up lock for the block (waits while another instance holds it)."""
    if database_url.startswith("postgresql"):
        import psycopg
        from sqlalchemy.engine import make_url

        dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
            conn.execute("SELECT pg_advisory_lock(%s::bigint)", (STARTUP_LOCK_KEY,))
            try:
                yield
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s::bigint)", (STARTUP_LOCK_KEY,))
        return
    path = database_url.split("///", 1)[1] if "///" in database_url else ""
    if not path or path == ":memory:":
        yield
        return
    lock_path = Path(path).with_name(Path(path).name + ".startup-lock")
    with lock_path.open("a") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


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
