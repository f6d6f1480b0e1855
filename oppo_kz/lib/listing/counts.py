"""Total counts of list queries, cached until a write to one of the list's tables commits.

Counting every match is the dearest part of a list request on a big table, and the same filter is
counted again and again while nobody writes. The write path invalidates: every ORM flush and every
ORM-executed INSERT/UPDATE/DELETE in a session notes the tables it wrote; the counts of those tables
are dropped at once (a count taken before our commit must not be kept after it) and again when the
transaction commits. Other instances' (and worker processes') writes arrive as their outbox
events: each event drops the counts of the tables its topic writes (`invalidate_on`, registered by
`lib/changes.track` for every tracked model), so a list total on instance B follows a write via A as
soon as B's relay hands the event over. Writers that announce nothing (raw SQL, scripts, a read
receipt) are covered by a time-to-live of ten seconds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from typing import Any

from sqlalchemy import Table, event
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from oppo_kz.core.events import Event, bus

_WRITTEN = "oppo_tables_written"


class CountCache:
    """Counts per (list, query) key, each valid while its tables' write generations are unchanged."""

    def __init__(self, size: int = 512, ttl_seconds: float = 10.0) -> None:
        self.size = size
        self.ttl = ttl_seconds
        self._lock = threading.Lock()
        self._generations: dict[str, int] = {}
        self._items: OrderedDict[Hashable, tuple[int, float, tuple[int, ...]]] = OrderedDict()

    def generation(self, tables: Iterable[str]) -> tuple[int, ...]:
        """The current write generation of each table (take it before counting)."""
        with self._lock:
            return tuple(self._generations.get(t, 0) for t in sorted(tables))

    def invalidate(self, tables: Iterable[str]) -> None:
        """Forget every count that depends on one of `tables`."""
        with self._lock:
            for table in tables:
                self._generations[table] = self._generations.get(table, 0) + 1

    def get(self, key: Hashable, tables: Iterable[str], now: float) -> int | None:
        """A cached count that is still valid, or None."""
        current = self.generation(tables)
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            total, stored_at, generation = hit
            if generation != current or now - stored_at > self.ttl:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return total

    def put(
        self, key: Hashable, total: int, now: float, generation: tuple[int, ...], tables: Iterable[str]
    ) -> None:
        """Keep a count taken at `generation`, unless a write committed while it was taken."""
        if generation != self.generation(tables):
            return
        with self._lock:
            self._items[key] = (total, now, generation)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


count_cache = CountCache()

# Event topic ("product") -> the tables a change announced under it writes.
_TOPIC_TABLES: dict[str, set[str]] = {}
_topics_lock = threading.Lock()


def invalidate_on(topic: str, *tables: str) -> None:
    """Drop the counts of `tables` whenever an event `<topic>.*` is published here — this process's
    own, or another instance's read back from the outbox by the relay."""
    with _topics_lock:
        _TOPIC_TABLES.setdefault(topic, set()).update(tables)


def _on_event(event: Event) -> None:
    tables = _TOPIC_TABLES.get(event.name.partition(".")[0])
    if tables:
        count_cache.invalidate(tables)


bus.add_listener(_on_event)


def _note(session: Session, tables: set[str]) -> None:
    if not tables:
        return
    session.info.setdefault(_WRITTEN, set()).update(tables)
    count_cache.invalidate(tables)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    # In after_flush, new/dirty/deleted still list what this flush wrote.
    tables = set()
    for obj in (*session.new, *session.dirty, *session.deleted):  # models are not hashable
        table = getattr(obj, "__table__", None)
        if isinstance(table, Table):
            tables.add(table.name)
    _note(session, tables)


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table: Any = getattr(state.statement, "table", None)
        if isinstance(table, Table):
            _note(state.session, {table.name})


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    written = session.info.pop(_WRITTEN, None)
    if written:
        count_cache.invalidate(written)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_WRITTEN, None)
