"""The transactional outbox: every event is a row written in the same transaction as the change.

Writers call `emit(session, ...)` (lib/changes does it for every tracked model, auth for ended logins).
Just before the transaction commits, the events are inserted into `event_outbox`; their `seq` follows
commit order across every instance: on PostgreSQL the insert first takes a transaction-scoped advisory
lock (`pg_advisory_xact_lock`), so writers with events commit one after the other from the insert on
and no reader ever sees seq N+1 before N; on SQLite the one writer holds the write lock anyway. The
transaction also sends `NOTIFY oppo_outbox` (delivered at commit).

The `Relay` hands committed events to the in-process bus (`core.events.bus`) in `seq` order, so the
WebSocket routes and the UI feeds keep following the bus:
  - a commit in this process publishes its own events at once (no query) when they follow the last
    event published; otherwise it first reads the gap (`seq > last`) from the table;
  - a thread (started with the first bus subscriber) LISTENs on PostgreSQL and reads `seq > last`
    when woken, and polls every POLL_SECONDS anyway (SQLite: other processes on the same file); after
    a dropped connection it reconnects and catches up from `last`;
  - rows older than EVENTS_RETENTION_HOURS are pruned (the newest is always kept).
`read_after(seq)` serves `since=<seq>` replays: the kept events after `seq`, or None when they are
not all kept any more (resync).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Index, Integer, Text, event, func, insert, select
from sqlalchemy import delete as sa_delete
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, SQLModel

from oppo_kz.core.config import get_settings
from oppo_kz.core.connections import READ_OPTION
from oppo_kz.core.db import (
    UTCDateTime,
    after_commit,
    get_engine,
    ordered_commits,
    table_of,
    transaction_info,
    utcnow,
)
from oppo_kz.core.events import Event, EventBus, bus

logger = logging.getLogger(__name__)

CHANNEL = "oppo_outbox"
# pg_advisory_xact_lock key of the outbox writers ("oppoevnt" in ASCII, as a signed 64-bit number).
ADVISORY_KEY = 0x6F70706F65766E74
POLL_SECONDS = 1.0
PRUNE_EVERY_SECONDS = 600.0
READ_BATCH = 1000

_TXN_KEY = "oppo_outbox"
# Bench only (bench/cluster.py measures the outbox's cost with it): write no events at all.
_DISABLED = os.environ.get("OUTBOX_DISABLED") == "1"

# A producer is called just before the commit (after the last flush) and returns the events to write.
Producer = Callable[[], Iterable[tuple[str, dict[str, Any], dict[str, Any]]]]


class OutboxEvent(SQLModel, table=True):
    """One committed event: `seq` (commit order), `name`, JSON `data` and `scope`, `at`."""

    __tablename__ = "event_outbox"
    __table_args__ = (Index("ix_event_outbox_at", "at"), {"sqlite_autoincrement": True})

    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    name: str = Field(max_length=100)
    data: str = Field(sa_column=Column(Text(), nullable=False))
    scope: str = Field(sa_column=Column(Text(), nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


_table = table_of(OutboxEvent)


@dataclass
class _Pending:
    producers: list[Producer]
    written: list[Event]


def _pending(session: OrmSession) -> _Pending:
    txn = transaction_info(session)
    pending: _Pending | None = txn.get(_TXN_KEY)
    if pending is None:
        pending = txn[_TXN_KEY] = _Pending([], [])
        written = pending.written
        after_commit(session, lambda: relay.committed(written))
    return pending


def emit_later(session: OrmSession, producer: Producer) -> None:
    """Write the events `producer()` returns (called just before this transaction commits)."""
    _pending(session).producers.append(producer)


def emit(session: OrmSession, name: str, data: dict[str, Any], scope: dict[str, Any] | None = None) -> None:
    """Write one event in this session's transaction; it is published once the transaction commits."""
    emit_later(session, lambda: [(name, data, scope or {})])


def _json_default(value: object) -> object:
    # Scopes may hold sets (recipients, say): they must stay lists, not become their repr.
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    return str(value)


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _write(session: OrmSession) -> None:
    """Before the commit: insert this transaction's events (under the advisory lock on PostgreSQL)."""
    if _DISABLED or session.in_nested_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()  # the last changes (and their events' data) before the events are written
    pending: _Pending | None = transaction_info(session).get(_TXN_KEY)
    if pending is None:
        return
    events = [e for producer in pending.producers for e in producer()]
    pending.producers.clear()
    if not events:
        return
    pending.written.extend(write_events(session.connection(), events, utcnow()))


def write_events(
    conn: Connection, events: list[tuple[str, dict[str, Any], dict[str, Any]]], at: datetime
) -> list[Event]:
    """Insert `events` (name, data, scope) in `conn`'s transaction, under the advisory lock on
    PostgreSQL (and NOTIFY): what to publish once it commits, in seq order."""
    rows = [{"name": n, "data": _dumps(d), "scope": _dumps(s), "at": at} for n, d, s in events]
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        conn.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _signed(ADVISORY_KEY)})
    seqs = _insert(conn, rows)
    if postgres:
        conn.execute(sql_text("SELECT pg_notify(:channel, :seq)"), {"channel": CHANNEL, "seq": str(seqs[-1])})
    iso = at.isoformat()
    return [
        Event(name=n, data=d, at=iso, seq=seq, scope=s) for (n, d, s), seq in zip(events, seqs, strict=True)
    ]


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> list[int]:
    if len(rows) == 1:
        return [int(conn.execute(insert(_table).values(rows[0]).returning(_table.c.seq)).scalar_one())]
    result = conn.execute(insert(_table).returning(_table.c.seq, sort_by_parameter_order=True), rows)
    return [int(seq) for seq in result.scalars()]


def _signed(key: int) -> int:
    return key - (1 << 64) if key >= 1 << 63 else key


# --- one statement's outbox write (core/db.driver_transaction) ----------------------------------


def outbox_enabled() -> bool:
    """Whether events are written at all (OUTBOX_DISABLED=1 is for the bench only)."""
    return not _DISABLED


def outbox_ctes(after: str) -> str:
    """`_write`'s three statements as CTEs for a PostgreSQL statement whose CTE `after` yields a row
    once the change is made: the advisory lock (taken only then, so seq still follows commit order),
    one event row (`%(event_name)s`, `%(event_data)s`, `%(event_at)s`) and the NOTIFY. The statement
    ends `SELECT seq FROM outbox_notify`."""
    # Only names from this module and the caller's CTE name go into the text; values are parameters.
    return (
        f"outbox_lock AS (SELECT pg_advisory_xact_lock({_signed(ADVISORY_KEY)}) FROM {after}), "
        f"outbox_row AS (INSERT INTO {_table.name} (name, data, scope, at) "
        "SELECT %(event_name)s::text, %(event_data)s::text, '{}', %(event_at)s::timestamptz "
        "FROM outbox_lock RETURNING seq), "
        f"outbox_notify AS (SELECT seq, pg_notify('{CHANNEL}', seq::text) FROM outbox_row)"
    )


def outbox_params(name: str, data: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The parameters of `outbox_ctes`' event."""
    return {"event_name": name, "event_data": _dumps(data), "event_at": at}


event.listen(OrmSession, "before_commit", _write)


# --- reading ----------------------------------------------------------------------------------


def _event(row: Any) -> Event:
    return Event(
        name=row.name,
        data=json.loads(row.data),
        at=row.at.isoformat(),
        seq=int(row.seq),
        scope=json.loads(row.scope),
    )


def _read(conn: Connection, after: int, limit: int = READ_BATCH) -> list[Event]:
    found = conn.execute(select(_table).where(_table.c.seq > after).order_by(_table.c.seq).limit(limit))
    return [_event(row) for row in found]


def _reading() -> Connection:
    """A connection for plain reads: no BEGIN/ROLLBACK around them (each commit's own catch-up runs
    one of these, so it must not cost the writer two more round trips)."""
    return get_engine().execution_options(**{READ_OPTION: True}).connect()


def last_seq(conn: Connection | None = None) -> int:
    """The newest seq written (0 when none is kept)."""
    if conn is None:
        with _reading() as own:
            return last_seq(own)
    return int(conn.execute(select(func.coalesce(func.max(_table.c.seq), 0))).scalar_one())


def read_after(seq: int, *, limit: int | None = None) -> list[Event] | None:
    """The kept events after `seq` in order, or None when some of them are no longer kept (or `seq`
    is newer than any event written: a seq from another database)."""
    with get_engine().connect() as conn:
        oldest, newest = conn.execute(select(func.min(_table.c.seq), func.max(_table.c.seq))).one()
        newest = int(newest or 0)
        if seq > newest:
            return None
        if seq == newest:
            return []
        if seq < int(oldest) - 1:
            return None
        events: list[Event] = []
        while limit is None or len(events) < limit:
            batch = _read(conn, events[-1].seq if events else seq)
            events.extend(batch)
            if len(batch) < READ_BATCH:
                break
        return events if limit is None else events[:limit]


def prune(*, now: datetime | None = None, hours: int | None = None) -> int:
    """Delete events older than the retention (EVENTS_RETENTION_HOURS); the newest always stays."""
    hours = hours if hours is not None else get_settings().EVENTS_RETENTION_HOURS
    cutoff = (now or utcnow()) - timedelta(hours=hours)
    with get_engine().begin() as conn:
        newest = last_seq(conn)
        result = conn.execute(sa_delete(_table).where(_table.c.at < cutoff, _table.c.seq < newest))
        return int(getattr(result, "rowcount", 0) or 0)


# --- the relay --------------------------------------------------------------------------------


# One thread publishes, in order, what commits on the event loop could not publish at once.
_LATE = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outbox-late")

# The name of the thread that follows other writers (tests tell its statements from a request's).
RELAY_THREAD = "outbox-relay"


class Relay:
    """Hands committed outbox events to the bus, in `seq` order, exactly once per process."""

    def __init__(self, target: EventBus) -> None:
        self.bus = target
        self._lock = threading.Lock()
        self.last: int | None = None
        self._url: str | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.connected = threading.Event()
        self._last_prune = time.monotonic()
        # Seqs written by transactions on the event loop that are not published yet (`reserve`).
        self._reserved: set[int] = set()

    # -- publishing (callers hold no lock) --

    def _same_database(self) -> None:
        url = get_settings().DATABASE_URL
        if url != self._url:  # another database (tests switch): start over from what it has
            self._url, self.last = url, None

    def _publish(self, events: Iterable[Event]) -> None:
        for e in events:
            self.bus.publish(e.name, e.data, e.at, e.scope, seq=e.seq)
            self.last = e.seq

    def committed(self, events: list[Event]) -> None:
        """This process committed `events` (in seq order): publish them, after any gap before them."""
        if not events:
            return
        with self._lock:
            self._same_database()
            first = events[0].seq
            if self.last is not None and first > self.last + 1:
                self._catch_up_locked(until=events[-1].seq)  # another writer's events came first
            elif self.last is not None and first <= self.last and last_seq() < self.last:
                self.last = 0  # seq went back: the outbox was emptied (a reset database): read it all
                self._catch_up_locked(until=events[-1].seq)
            self._publish(e for e in events if self.last is None or e.seq > self.last)

    def reserve(self, seq: int) -> None:
        """A transaction on the event loop wrote `seq` and will commit it without holding
        `ordered_commits` (it cannot across an await): a relay (re)starting meanwhile must not count
        it as published. `committed_from_loop` (or `unreserve` on rollback) ends the reservation."""
        with self._lock:
            self._reserved.add(seq)

    def unreserve(self, seq: int) -> None:
        with self._lock:
            self._reserved.discard(seq)

    def committed_from_loop(self, events: list[Event]) -> None:
        """`committed` from the event loop: at once when the relay is free and no gap is to be read
        from the table; otherwise in a worker thread, so the loop never waits on a lock or a query."""
        if self._lock.acquire(blocking=False):
            try:
                self._same_database()
                first = events[0].seq
                if self.last is None or first == self.last + 1:
                    self._reserved.difference_update(e.seq for e in events)
                    self._publish(events)
                    return
            finally:
                self._lock.release()
        _LATE.submit(self._committed_reserved, events)

    def _committed_reserved(self, events: list[Event]) -> None:
        self.committed(events)
        for e in events:
            self.unreserve(e.seq)

    def _catch_up_locked(self, until: int | None = None) -> int:
        if self.last is None:
            newest = last_seq()
            self.last = min([newest, *(seq - 1 for seq in self._reserved)])
            return 0
        published = 0
        with _reading() as conn:
            while True:
                batch = _read(conn, self.last)
                if not batch:
                    if self.last > last_seq(conn):
                        self.last = 0  # the outbox was emptied and restarted: publish what it has now
                        continue
                    break
                self._publish(batch)
                published += len(batch)
                if len(batch) < READ_BATCH or (until is not None and self.last >= until):
                    break
        return published

    def catch_up(self) -> int:
        """Publish every committed event after the last one published; how many there were."""
        # Commits of this process wait meanwhile (in the same lock order as a commit's own
        # publication): a relay that starts — or restarts on another database — at the newest seq
        # must not count as published an event whose commit is done but whose publication is not.
        with ordered_commits(), self._lock:
            self._same_database()
            return self._catch_up_locked()

    # -- following other writers --

    def ensure_started(self) -> None:
        """Start following other instances' (and processes') commits, once per process."""
        if self._thread is not None and self._thread.is_alive():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=RELAY_THREAD, daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            url = get_settings().DATABASE_URL
            try:
                if url.startswith("postgresql"):
                    self._listen(url)
                else:
                    self._poll(url)
                failures = 0
            except Exception:  # a dropped connection: reconnect, then catch up from `last`
                self.connected.clear()
                failures += 1
                logger.warning(
                    "outbox relay lost its database connection; reconnecting", exc_info=failures == 1
                )
                self._stop.wait(min(5.0, 0.2 * 2**failures))

    def _tick(self) -> None:
        self.catch_up()
        if time.monotonic() - self._last_prune > PRUNE_EVERY_SECONDS:
            self._last_prune = time.monotonic()
            if pruned := prune():
                logger.info("outbox: pruned %d events older than the retention", pruned)

    def _poll(self, url: str) -> None:
        self.connected.set()
        while not self._stop.is_set() and url == get_settings().DATABASE_URL:
            self._tick()
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    def _listen(self, url: str) -> None:
        import psycopg

        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"LISTEN {CHANNEL}")
            self.connected.set()
            while not self._stop.is_set() and url == get_settings().DATABASE_URL:
                self._tick()
                for _ in conn.notifies(timeout=POLL_SECONDS, stop_after=1):
                    pass


relay = Relay(bus)
bus.on_subscribe(relay.ensure_started)
