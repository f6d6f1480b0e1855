"""How connections behave: SQLite's pragmas, its queue of writers (threads and coroutines) and its
background checkpoints, PostgreSQL's autocommit reads and the check that replaces a connection the
server closed (no pre-ping). `core/db.py` builds the engines."""

from __future__ import annotations

import asyncio
import logging
import os
import select
import sqlite3
import threading
import weakref
from collections import deque
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, closing
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, DisconnectionError, OperationalError
from sqlalchemy.pool import QueuePool

logger = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 15_000
# A bench-only switch (bench/peers): writers wait in SQLite's busy handler, as before the queue.
_WRITER_QUEUE = os.environ.get("SQLITE_WRITER_QUEUE_DISABLED") != "1"


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


# Connection execution options: a read-only session runs without a transaction; a write session
# takes SQLite's write lock when it begins.
READ_OPTION = "oppo_read"
WRITE_OPTION = "oppo_write"
# A write from the event loop (SQLite) that holds `sqlite_write_turn` and must not wait:
# `WriterBusyError` when another process's writer holds SQLite's lock, instead of waiting.
WRITE_NOW_OPTION = "oppo_write_now"
_HOLDS_WRITER = "oppo_holds_writer"


class _LoopTurn:
    """A `FairLock` waiter on an event loop: handing it the lock resolves its future on that loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.future: asyncio.Future[None] = loop.create_future()
        self._set = False

    def set(self) -> None:
        self.loop.call_soon_threadsafe(self._wake)  # RuntimeError when the loop is closed
        self._set = True

    def _wake(self) -> None:
        if not self.future.done():
            self.future.set_result(None)

    def is_set(self) -> bool:
        return self._set


class FairLock:
    """A lock handed to its waiters in arrival order (threading.Lock wakes an arbitrary one, and a
    writer unlucky several times in a row made the p99). Threads wait on it (`acquire`) and so do
    coroutines (`acquire_async`, without blocking their loop). Any thread may release it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._waiters: deque[threading.Event | _LoopTurn] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the lock; True when this caller holds it."""
        with self._guard:
            if not self._held:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        return self._gave_up(turn)

    async def acquire_async(self, within: float) -> bool:
        """`acquire` from a coroutine, waiting up to `within` seconds: its loop runs on meanwhile."""
        with self._guard:
            if not self._held:
                self._held = True
                return True
            turn = _LoopTurn(asyncio.get_running_loop())
            self._waiters.append(turn)
        try:
            await asyncio.wait_for(turn.future, within)
            return True
        except TimeoutError:
            return self._gave_up(turn)
        except BaseException:  # cancelled: a lock handed over meanwhile goes on to the next waiter
            if self._gave_up(turn):
                self.release()
            raise

    def _gave_up(self, turn: threading.Event | _LoopTurn) -> bool:
        """A waiter stops waiting: True when the lock was handed to it just then (it holds it)."""
        with self._guard:
            if turn.is_set():
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        """Hand the lock to the longest waiter, or free it."""
        with self._guard:
            while self._waiters:
                turn = self._waiters.popleft()
                try:
                    turn.set()  # still held: ownership passes directly
                    return
                except RuntimeError:  # a coroutine whose loop has closed
                    continue
            self._held = False


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event below issue BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A backstop only: `_Checkpoints` copies the WAL back in a thread long before this many pages.
    cursor.execute(f"PRAGMA wal_autocheckpoint={_AUTOCHECKPOINT_PAGES}")
    # Per connection: a 16 MiB page cache and a 128 MiB memory map (the mapped pages are the
    # OS page cache, shared by every connection to the file).
    cursor.execute("PRAGMA cache_size=-16384")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.execute("PRAGMA mmap_size=134217728")
    cursor.close()
    # SQLite's lower()/LIKE fold ASCII only; searches for Kazakh or Russian text need this.
    dbapi_connection.create_function("oppo_casefold", 1, _casefold, deterministic=True)


class _SqliteWriters:
    """This process's SQLite writers, queued first come first served before `BEGIN IMMEDIATE`.

    SQLite has one writer at a time; waiting here instead of in SQLite's busy handler (which polls
    with growing sleeps) hands the lock over the moment it is free. A transaction may end on another
    thread than it began, so the lock is not tied to a thread.
    """

    def __init__(self) -> None:
        self.lock = FairLock()

    def release(self, info: dict[str, Any]) -> None:
        if info.pop(_HOLDS_WRITER, False):
            self.lock.release()

    def begin(self, conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(WRITE_NOW_OPTION):
            self._begin_now(conn)
        elif options.get(WRITE_OPTION):
            self._begin_write(conn)
        elif not options.get(READ_OPTION):  # a read-only session: each SELECT is its own transaction
            conn.exec_driver_sql("BEGIN DEFERRED")

    def _begin_write(self, conn: Any) -> None:
        # Bounded like the busy timeout: a writer that never released (a leaked connection) makes the
        # others fall back to SQLite's own queueing instead of waiting forever.
        if _WRITER_QUEUE and self.lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            conn.info[_HOLDS_WRITER] = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            self.release(conn.info)
            raise

    def _begin_now(self, conn: Any) -> None:
        # The caller holds the lock (`sqlite_write_turn`); another process's writer fails it at once.
        raw = conn.connection.driver_connection
        raw.execute("PRAGMA busy_timeout=0")
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except OperationalError as exc:
            if _busy(exc):
                raise WriterBusyError("another process holds the write lock") from exc
            raise
        finally:
            raw.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")

    # A session hands its connection back to the pool right after COMMIT or ROLLBACK (and a Core
    # `engine.begin()` block at its end): the next writer goes in then.
    def on_reset(self, _dbapi_connection: Any, record: Any, _reset_state: Any) -> None:
        self.release(record.info)

    def on_checkin(self, _dbapi_connection: Any, record: Any) -> None:
        self.release(record.info)

    def on_invalidate(self, _dbapi_connection: Any, record: Any, _exception: Any) -> None:
        self.release(record.info)


class WriterBusyError(Exception):
    """A `WRITE_NOW_OPTION` transaction could not begin at once: nothing was done; queue instead."""


_WRITERS: weakref.WeakKeyDictionary[Engine, _SqliteWriters] = weakref.WeakKeyDictionary()


@asynccontextmanager
async def sqlite_write_turn(engine: Engine) -> AsyncIterator[bool]:
    """This process's SQLite write lock for a coroutine, in arrival order with the writer threads:
    True while the block holds it and may run its `WRITE_NOW_OPTION` transaction inline on the loop.
    False when it was not had within the busy timeout, or when every pooled connection is out: the
    loop must not wait for one while it holds the lock (threads holding them may be queued for it)."""
    lock = _WRITERS[engine].lock
    held = await lock.acquire_async(within=SQLITE_BUSY_TIMEOUT_MS / 1000)
    try:
        yield held and _spare_connection(engine)
    finally:
        if held:
            lock.release()


def _spare_connection(engine: Engine) -> bool:
    pool = engine.pool
    if isinstance(pool, QueuePool):
        return pool.checkedout() < pool.size()
    return True


def _busy(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code == sqlite3.SQLITE_BUSY or "database is locked" in str(exc.orig)


# SQLite's own checkpoint runs in the commit that finds the WAL past `wal_autocheckpoint` (1 000
# pages by default): it copies the WAL back into the database file and syncs it, ~8-11 ms here
# once every ~80 product writes, on the event loop for the loop's writes: every request waits. One
# thread checkpoints instead, after every CHECKPOINT_EVERY commits, in PASSIVE mode (it waits for no
# reader or writer; writers go on appending meanwhile).
CHECKPOINT_EVERY = 100
_AUTOCHECKPOINT_PAGES = 10_000
_CHECKPOINTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-checkpoint")


class _Checkpoints:
    """Counts one database file's commits and has the checkpoint thread copy its WAL back."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.done = 0
        self._guard = threading.Lock()
        self._commits = 0
        self._running = False

    def on_commit(self, _conn: Any) -> None:
        with self._guard:
            self._commits += 1
            if self._commits < CHECKPOINT_EVERY or self._running:
                return
            self._commits, self._running = 0, True
        _CHECKPOINTER.submit(self._run)

    def _run(self) -> None:
        try:
            # mode=rw: a file deleted meanwhile (tests) is not created again, empty.
            with closing(sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=1)) as conn:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.done += 1
        except sqlite3.Error as exc:  # the next one tries again; the autocheckpoint is the backstop
            logger.debug("background checkpoint of %s failed: %s", self.path, exc)
        finally:
            with self._guard:
                self._running = False


_CHECKPOINTS: weakref.WeakKeyDictionary[Engine, _Checkpoints] = weakref.WeakKeyDictionary()


def background_checkpoints(engine: Engine) -> int:
    """How many checkpoints the checkpoint thread has run for `engine`'s file (0 in memory)."""
    found = _CHECKPOINTS.get(engine)
    return found.done if found is not None else 0


def configure_sqlite(engine: Engine) -> None:
    """WAL, pragmas, casefold, the fair writer queue and the background checkpoints of `engine`."""
    writers = _WRITERS[engine] = _SqliteWriters()
    path = engine.url.database
    if path and path != ":memory:":
        checkpoints = _CHECKPOINTS[engine] = _Checkpoints(path)
        event.listen(engine, "commit", checkpoints.on_commit)
    event.listen(engine, "connect", _on_sqlite_connect)
    event.listen(engine, "begin", writers.begin)
    event.listen(engine.pool, "reset", writers.on_reset)
    event.listen(engine.pool, "checkin", writers.on_checkin)
    event.listen(engine.pool, "invalidate", writers.on_invalidate)


def configure_postgresql(engine: Engine) -> None:
    """Autocommit driver connections (BEGIN only for writes) and the dead-connection check."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The "begin" event below issues BEGIN itself, except for read-only sessions.
        dbapi_connection.autocommit = True

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not conn.get_execution_options().get(READ_OPTION):
            conn.exec_driver_sql("BEGIN")

    event.listen(engine, "commit", _note_commit)

    @event.listens_for(engine.pool, "checkout")
    def _on_checkout(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        if _closed_by_server(dbapi_connection):
            # The pool discards this connection and checks out (or opens) another.
            raise DisconnectionError("the server closed this pooled connection")


def _closed_by_server(dbapi_connection: Any) -> bool:
    """Whether an idle psycopg connection has something to read: an EOF or the server's last words.

    An idle backend sends nothing unasked (we LISTEN on no pooled connection), so a readable socket
    means the server closed it (restart, pg_terminate_backend, idle timeout). A poll costs no round trip.
    """
    # The asyncio engine's connections wrap psycopg's AsyncConnection.
    dbapi_connection = getattr(dbapi_connection, "_connection", dbapi_connection)
    if dbapi_connection.closed or dbapi_connection.info.status != psycopg.pq.ConnStatus.OK:
        return True
    try:
        readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


# --- a request that met a dead connection -------------------------------------------------------
# The checkout poll above catches a connection the server closed while it sat in the pool; one that
# dies between that poll and its query (a restart, pg_terminate_backend at that moment) fails the
# query. SQLAlchemy then invalidates it and the pool's older connections, so a second try of the
# whole request runs on a fresh one. The API retries a read once; a write only while this request
# has not asked for a COMMIT (a transaction cut off before COMMIT is rolled back by the server).


@dataclass
class Attempt:
    """What one try of a request did to the database that a retry could repeat."""

    commit_sent: bool = False


_attempt: ContextVar[Attempt | None] = ContextVar("oppo_db_attempt", default=None)


def begin_attempt() -> Attempt:
    """Start tracking this context's database work (worker threads see the same object)."""
    attempt = Attempt()
    _attempt.set(attempt)
    return attempt


def note_commit_sent() -> None:
    """This try of the request is about to send a COMMIT: it must not be repeated after that."""
    attempt = _attempt.get()
    if attempt is not None:
        attempt.commit_sent = True


def _note_commit(_conn: Any) -> None:
    note_commit_sent()


class DeadConnectionError(Exception):
    """A query run on psycopg directly (`core.db.driver_rows`) met a connection that had died."""


def is_dead_connection(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) is a query that failed because its connection died."""
    seen: BaseException | None = exc
    for _ in range(8):  # a chain of causes, bounded
        if seen is None:
            return False
        if isinstance(seen, DeadConnectionError):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
