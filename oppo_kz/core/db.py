"""The one database engine: SQLite (embedded default) or PostgreSQL through psycopg 3.

SQLite is tuned for a web server: WAL (readers never block the writer), a busy timeout, foreign keys,
and write transactions that start with BEGIN IMMEDIATE. pysqlite's default deferred transactions take
the write lock only at the first write, and a reader that upgrades after another writer committed gets
"database is locked" at once; starting writes immediately makes writers queue on the busy timeout instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event, inspect, text
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from oppo_kz.core.config import get_settings

SQLITE_BUSY_TIMEOUT_MS = 15_000

# A naming convention makes constraint names stable across SQLite and PostgreSQL and lets
# Alembic's batch mode (SQLite) find constraints again when it recreates a table.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

# Tables and indexes that migrations create but no model describes (text-search machinery, say):
# autogenerate and the schema test leave them alone. Names ending in "*" match as prefixes.
_unmodelled: set[str] = set()


def table_of(model: type[SQLModel]) -> Table:
    """The table a SQLModel class is mapped to (typed, unlike `Model.__table__`)."""
    table = inspect(model).local_table
    assert isinstance(table, Table)
    return table


def declare_unmodelled(*names: str) -> None:
    """Tell Alembic and the schema checks that these database objects are not described by a model."""
    _unmodelled.update(names)


def is_unmodelled(name: str | None) -> bool:
    """Whether a table or index was declared with `declare_unmodelled`."""
    if not name:
        return False
    return name in _unmodelled or any(
        entry.endswith("*") and name.startswith(entry[:-1]) for entry in _unmodelled
    )


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use oppo_kz.core.db.utcnow()")
        value = value.astimezone(UTC)
        # SQLite has no time zones: store naive UTC and re-attach UTC on the way out.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# --- transaction-scoped work ------------------------------------------------------------------

_TXN = "oppo_txn"
# Commits that carry after-commit work are serialised so that their hooks run in commit order.
_ordered_commit_lock = threading.Lock()


def transaction_info(session: OrmSession) -> dict[str, Any]:
    """A dict that lives as long as the session's current transaction.

    It is emptied when the transaction ends: after a commit (once the after-commit callbacks ran),
    on rollback and on close. Put state here that must never leak into the next transaction.
    """
    info: dict[str, Any] = session.info.setdefault(_TXN, {})
    return info


def set_actor(session: OrmSession, actor: Any) -> None:
    """Name the user on whose behalf this session writes (read by the audit log's hooks)."""
    session.info["actor"] = actor


def current_actor(session: OrmSession) -> Any:
    """The user `set_actor` named for this session, or None (scripts, seeding)."""
    return session.info.get("actor")


def after_commit(session: OrmSession, callback: Callable[[], object]) -> None:
    """Run `callback` once this session's transaction has committed (never on rollback)."""
    transaction_info(session).setdefault("after_commit", []).append(callback)


def _end_transaction(session: OrmSession) -> dict[str, Any]:
    return session.info.pop(_TXN, None) or {}


class AppSession(Session):
    """A SQLModel session whose after-commit work runs once, in commit order, after the commit."""

    def commit(self) -> None:
        self.flush()
        if not transaction_info(self).get("after_commit"):
            super().commit()
            _end_transaction(self)
            return
        with _ordered_commit_lock:
            super().commit()
            for callback in _end_transaction(self).get("after_commit", []):
                callback()

    def rollback(self) -> None:
        _end_transaction(self)
        super().rollback()

    def close(self) -> None:
        _end_transaction(self)
        super().close()


@event.listens_for(AppSession, "after_rollback")
def _drop_transaction_work(session: Session) -> None:
    # A failed flush or commit rolls back without calling Session.rollback().
    _end_transaction(session)


# --- engine -----------------------------------------------------------------------------------


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below issue BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Per connection: a 16 MiB page cache and a 128 MiB memory map (the mapped pages are the
        # OS page cache, shared by every connection to the file).
        cursor.execute("PRAGMA cache_size=-16384")
        cursor.execute("PRAGMA temp_store=MEMORY")
        cursor.execute("PRAGMA mmap_size=134217728")
        cursor.close()
        # SQLite's lower()/LIKE fold ASCII only; searches for Kazakh or Russian text need this.
        dbapi_connection.create_function("oppo_casefold", 1, _casefold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = "IMMEDIATE" if conn.get_execution_options().get("oppo_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")


def build_engine(url: str) -> Engine:
    """Create an engine for `url` with the settings this project relies on."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            # SQLite has one writer at a time; a dozen connections keep 16+ concurrent readers busy.
            pool_size=12 if not memory else 1,
            max_overflow=8 if not memory else 0,
            pool_pre_ping=False,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        pool_recycle=1800,
        pool_timeout=10,
        connect_args={"connect_timeout": 5, "application_name": "oppo_kz"},
    )


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """Return the process-wide engine for `DATABASE_URL`."""
    return build_engine(get_settings().DATABASE_URL)


def reset_engine() -> None:
    """Dispose of the cached engine (tests switch databases with this)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()


def new_session(*, write: bool = False, engine: Engine | None = None) -> AppSession:
    """Open a session; `write=True` makes SQLite take the write lock when the transaction starts."""
    bind = engine or get_engine()
    if write:
        bind = bind.execution_options(oppo_write=True)
    return AppSession(bind, expire_on_commit=False)


@contextmanager
def session_scope(*, write: bool = False, engine: Engine | None = None) -> Iterator[AppSession]:
    """A session that rolls back on error and always closes; services commit what they write."""
    session = new_session(write=write, engine=engine)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def ping_database(engine: Engine | None = None) -> None:
    """Run a trivial query; raises if the database cannot be reached."""
    with (engine or get_engine()).connect() as conn:
        conn.execute(text("SELECT 1"))
