"""The sign-in limiter's store in the app's own database: shared by every instance without Redis.

Each failure (or attempt in flight) is a row of `login_attempts` (key, at). `reserve` runs in one write
transaction that first serialises every attempt touching the same counters, then prunes the keys'
expired rows, reads what is left, and records the attempt on every key or on none:
  - PostgreSQL: `pg_advisory_xact_lock(namespace, hash(key))` per key, in hash order (no deadlock
    between two attempts locking the same pair of keys), released by the COMMIT; READ COMMITTED then
    shows every row the previous holder committed. Instances on one database share the counters.
  - SQLite: the write transaction is `BEGIN IMMEDIATE` (the engine's write sessions), SQLite's one
    writer at a time, so it is atomic across every process on the file (`--workers N`) as well.
Rows of keys nobody retries are pruned by age at most once a minute per process (`ix_login_attempts_at`).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, and_, delete, insert, or_, select, text

from oppo_kz.auth.models import LoginAttempt
from oppo_kz.core.connections import WRITE_OPTION
from oppo_kz.core.db import get_engine, table_of

if TYPE_CHECKING:
    from oppo_kz.auth.limiter import Limit

_table = table_of(LoginAttempt)
# The first key of the two-key advisory locks ("oppo" in ASCII): a key space apart from the
# single-bigint locks of the outbox and of start-up.
LOCK_NAMESPACE = 0x6F70_706F
PRUNE_EVERY_SECONDS = 60.0
_LOCK = text("SELECT pg_advisory_xact_lock(CAST(:ns AS integer), CAST(:id AS integer))")


def lock_id(key: str) -> int:
    """A counter key's advisory lock (signed 32-bit); two keys sharing one only wait for each other."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big", signed=True)


class DatabaseAttemptStore:
    """Failure times in `login_attempts`, through `engine` (by default the app's, whatever database
    it points at now)."""

    shared = True

    def __init__(self, engine: Engine | None = None) -> None:
        self._engine = engine
        self._pruned_at = float("-inf")
        self._prune_lock = threading.Lock()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        # A write transaction: BEGIN on PostgreSQL, BEGIN IMMEDIATE (the write lock at once) on SQLite.
        engine = self._engine or get_engine()
        with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
            yield conn

    def reserve(self, limits: dict[str, Limit], now: float) -> tuple[str, float] | None:
        keys = sorted(limits)
        with self._transaction() as conn:
            if conn.dialect.name == "postgresql":
                for lock in sorted({lock_id(key) for key in keys}):
                    conn.execute(_LOCK, {"ns": LOCK_NAMESPACE, "id": lock})
            expired = [and_(_table.c.key == k, _table.c.at <= now - limits[k].window) for k in keys]
            conn.execute(delete(_table).where(or_(*expired)))
            recent: dict[str, list[float]] = {key: [] for key in keys}
            for key, at in conn.execute(select(_table.c.key, _table.c.at).where(_table.c.key.in_(keys))):
                recent[key].append(at)
            for key in limits:  # in the caller's order: the pair is named before the address
                if (wait := limits[key].wait(recent[key], now)) > 0:
                    return key, wait
            conn.execute(insert(_table), [{"key": key, "at": now} for key in keys])
            self._prune(conn, now, max(limit.window for limit in limits.values()))
        return None

    def _prune(self, conn: Connection, now: float, window: float) -> None:
        """Every failure older than the window: emails tried once and never again (at most once a
        minute of the limiter's clock per process)."""
        with self._prune_lock:
            if abs(now - self._pruned_at) < PRUNE_EVERY_SECONDS:
                return
            self._pruned_at = now
        conn.execute(delete(_table).where(_table.c.at <= now - window))

    def withdraw(self, key: str, at: float) -> None:
        one = select(_table.c.id).where(_table.c.key == key, _table.c.at == at).limit(1).scalar_subquery()
        with self._transaction() as conn:
            conn.execute(delete(_table).where(_table.c.id == one))

    def clear(self, key: str) -> None:
        with self._transaction() as conn:
            conn.execute(delete(_table).where(_table.c.key == key))

    def reset(self) -> None:
        with self._transaction() as conn:
            conn.execute(delete(_table))
