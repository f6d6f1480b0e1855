"""The one database engine: SQLite (embedded default) or PostgreSQL through psycopg 3.

SQLite is tuned for a web server: WAL (readers never block the writer), a busy timeout, foreign keys,
and write transactions that start with BEGIN IMMEDIATE. pysqlite's default deferred transactions take
the write lock only at the first write, and a reader that upgrades after another writer committed gets
"database is locked" at once; starting writes immediately makes writers queue on the busy timeout instead.
Inside one process the writers queue on a lock first (`_SQLITE_WRITER`): SQLite's busy handler polls
with growing sleeps, so sixteen writers waiting on it saw second-long tails; a lock hands over at once.

Both drivers run in autocommit mode at the DBAPI level, and the engine's "begin" event starts each
transaction itself. That lets a read-only session (`new_session(read_only=True)`, the API's read
dependency) skip the transaction altogether: no BEGIN, no ROLLBACK, one round trip per query. Every
other session is transactional as before (BEGIN ... COMMIT/ROLLBACK).

The PostgreSQL pool is sized for the server's concurrency and never opens overflow connections (those
were closed again at once: a new backend per burst). There is no pre-ping round trip per checkout:
a pooled connection whose socket is readable while idle (the server closed it, or sent an error before
closing) is recycled on checkout at the cost of one poll(), and a connection that fails mid-query
invalidates the pool's older connections (SQLAlchemy's disconnect handling) while `pool_recycle`
retires old ones. The API then tries such a request once more on a fresh connection: a read always,
a write only if it sent no COMMIT (`core/connections.is_dead_connection`, `api/app.ApiGate`).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

import psycopg
from sqlalchemy import (
    DateTime,
    Engine,
    MetaData,
    Table,
    create_engine,
    event,
    inspect,
    literal_column,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.sql import Select
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel

from oppo_kz.core.config import get_settings
from oppo_kz.core.connections import (
    READ_OPTION,
    SQLITE_BUSY_TIMEOUT_MS,
    WRITE_OPTION,
    DeadConnectionError,
    configure_postgresql,
    configure_sqlite,
    note_commit_sent,
)

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


def ordered_commits() -> threading.Lock:
    """The lock a commit with after-commit work holds from its COMMIT until that work has run."""
    return _ordered_commit_lock


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


def pool_size() -> int:
    """Connections each process keeps: one per thread that can query at once, plus a few spare."""
    return get_settings().DB_POOL_SIZE


def build_engine(url: str) -> Engine:
    """Create an engine for `url` with the settings this project relies on."""
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            # Connections are kept (no overflow: each new one runs the PRAGMAs above again).
            pool_size=pool_size() if not memory else 1,
            max_overflow=0,
            pool_timeout=30,
            pool_pre_ping=False,
        )
        configure_sqlite(engine)
        return engine
    engine = create_engine(
        url,
        pool_size=pool_size(),
        max_overflow=0,  # an overflow connection is closed on return: a new backend per burst
        pool_pre_ping=False,  # see _closed_by_server: a poll instead of a round trip
        pool_recycle=1800,
        pool_timeout=30,
        connect_args={"connect_timeout": 5, "application_name": "oppo_kz"},
    )
    configure_postgresql(engine)
    return engine


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    """Return the process-wide engine for `DATABASE_URL`."""
    return build_engine(get_settings().DATABASE_URL)


def reset_engine() -> None:
    """Dispose of the cached engines (tests switch databases with this)."""
    if get_engine.cache_info().currsize:
        get_engine().dispose()
    get_engine.cache_clear()
    for engine in list(_read_engines.values()):
        _abandon(engine)
    _read_engines.clear()


# --- reads on the event loop ------------------------------------------------------------------
# The API's hot reads run on the event loop instead of hopping to the thread pool and back: on
# PostgreSQL through SQLAlchemy's asyncio engine (psycopg's AsyncConnection; the same dialect,
# statements and result types as the threaded engine, the sync service code running unchanged in
# a greenlet), on SQLite inline (a WAL read never waits for the writer, and the thread hop costs
# more than the read). asyncio connections and queues belong to the loop they were used on, so
# each running loop gets its own engine: one in a server, one per client in the tests.

T = TypeVar("T")
_read_engines: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, AsyncEngine] = weakref.WeakKeyDictionary()


def build_read_engine(url: str) -> AsyncEngine:
    """An asyncio engine for PostgreSQL reads, pooled like `build_engine`'s (no overflow, no pre-ping)."""
    engine = create_async_engine(
        url,
        pool_size=pool_size(),
        max_overflow=0,
        pool_pre_ping=False,
        pool_recycle=1800,
        pool_timeout=30,
        connect_args={"connect_timeout": 5, "application_name": "oppo_kz"},
    )
    configure_postgresql(engine.sync_engine)
    return engine.execution_options(**{READ_OPTION: True})


def read_engine() -> AsyncEngine:
    """The running loop's asyncio engine for `DATABASE_URL` (PostgreSQL only)."""
    loop = asyncio.get_running_loop()
    engine = _read_engines.get(loop)
    if engine is None:
        engine = _read_engines[loop] = build_read_engine(get_settings().DATABASE_URL)
    return engine


async def close_read_engine() -> None:
    """Close the running loop's read connections (an app's shutdown; tests end a loop with it)."""
    engine = _read_engines.pop(asyncio.get_running_loop(), None)
    if engine is not None:
        await engine.dispose()


def _abandon(engine: AsyncEngine) -> None:
    """Close an engine's idle connections without its loop (that loop may have ended): libpq's
    close is synchronous. Connections checked out at this moment are left to their requests."""
    queue = engine.sync_engine.pool.__dict__.get("_pool")
    pending = getattr(queue, "__dict__", {}).get("_queue")  # created on first use only
    while pending is not None and not pending.empty():
        record = pending.get_nowait()
        raw = getattr(record.dbapi_connection, "_connection", None)
        if raw is not None and not raw.closed:
            raw.pgconn.finish()


async def run_read(fn: Callable[[AppSession], T]) -> T:
    """`fn(session)` with a read-only session (no transaction), without a thread hop.

    On PostgreSQL `fn` runs in a greenlet whose queries await on the loop; on SQLite it runs inline,
    so callers keep it to reads that cannot scan a large table.
    """
    if get_settings().is_sqlite:
        with session_scope(read_only=True) as session:
            return fn(session)
    reader = AsyncSession(
        read_engine(), sync_session_class=AppSession, expire_on_commit=False, autoflush=False
    )
    reader.sync_session.info[READ_OPTION] = True
    try:
        result: T = await reader.run_sync(fn)  # type: ignore[arg-type]  # the session is an AppSession
        return result
    finally:
        await reader.close()


def new_session(*, write: bool = False, read_only: bool = False, engine: Engine | None = None) -> AppSession:
    """Open a session.

    `write=True` makes SQLite take the write lock when the transaction starts. `read_only=True` runs
    each query on its own, outside a transaction (no BEGIN, no ROLLBACK: one round trip per query);
    such a session refuses to write.
    """
    bind = engine or get_engine()
    if write:
        bind = bind.execution_options(**{WRITE_OPTION: True})
    elif read_only:
        bind = bind.execution_options(**{READ_OPTION: True})
    session = AppSession(bind, expire_on_commit=False, autoflush=not read_only)
    if read_only:
        session.info[READ_OPTION] = True
    return session


@contextmanager
def session_scope(
    *, write: bool = False, read_only: bool = False, engine: Engine | None = None
) -> Iterator[AppSession]:
    """A session that rolls back on error and always closes; services commit what they write."""
    session = new_session(write=write, read_only=read_only, engine=engine)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class ReadOnlySessionError(RuntimeError):
    """A read-only session was asked to write (it has no transaction to make the write atomic)."""


@event.listens_for(AppSession, "before_flush")
def _refuse_read_only_flush(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(READ_OPTION) and (session.new or session.deleted or session.dirty):
        raise ReadOnlySessionError("a read-only session cannot write; open it with write=True")


@event.listens_for(AppSession, "do_orm_execute")
def _refuse_read_only_dml(state: Any) -> None:
    if state.session.info.get(READ_OPTION) and (state.is_insert or state.is_update or state.is_delete):
        raise ReadOnlySessionError("a read-only session cannot write; open it with write=True")


# --- write generations ------------------------------------------------------------------------
# A counter per table, bumped whenever a session of this process writes to the table (at the write,
# and again after the commit). A cache of rows from a table reads the counter before it queries and
# keeps the answer only while the counter is unchanged, so nothing committed is ever served stale.

_generations: dict[str, int] = {}
_generations_lock = threading.Lock()
_WRITTEN = "oppo_generation_tables"


def write_generation(*tables: str) -> tuple[int, ...]:
    """The current write generation of each of `tables` (take it before reading them)."""
    with _generations_lock:
        return tuple(_generations.get(t, 0) for t in tables)


def bump_generation(*tables: str) -> None:
    """Note a write to `tables` made outside this process's sessions (raw SQL, another instance)."""
    with _generations_lock:
        for table in tables:
            _generations[table] = _generations.get(table, 0) + 1


def _note_written(session: Session, tables: set[str]) -> None:
    if tables:
        session.info.setdefault(_WRITTEN, set()).update(tables)
        bump_generation(*tables)


@event.listens_for(Session, "after_flush")
def _generation_after_flush(session: Session, _flush_context: Any) -> None:
    tables = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(obj, "__table__", None)
        if isinstance(table, Table):
            tables.add(table.name)
    _note_written(session, tables)


@event.listens_for(Session, "do_orm_execute")
def _generation_on_execute(state: Any) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if isinstance(table, Table):
            _note_written(state.session, {table.name})


@event.listens_for(Session, "after_commit")
def _generation_after_commit(session: Session) -> None:
    written = session.info.pop(_WRITTEN, None)
    if written:
        bump_generation(*written)


@event.listens_for(Session, "after_soft_rollback")
def _generation_after_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_WRITTEN, None)


class DriverStatement:
    """A SELECT compiled once for PostgreSQL, run on psycopg's connection without SQLAlchemy's
    execution layer (~150 µs of Python a statement, most of a page request's own work).

    The SQL, the bind processors (TypeDecorators, enums) and the result processors are SQLAlchemy's
    own, so parameters and rows are exactly what `Connection.execute` would send and return.
    """

    def __init__(self, stmt: Any, compiled: Any, dialect: Any) -> None:
        self.compiled = compiled
        self.sql: str = compiled.string
        self._binds = [
            (name, proc)
            for name, bind in compiled.binds.items()
            if (proc := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]
        processors = [
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in stmt.selected_columns
        ]
        self._results = [(i, proc) for i, proc in enumerate(processors) if proc is not None]

    @classmethod
    def of(cls, stmt: Any, dialect: Any) -> DriverStatement | None:
        """`stmt` compiled once; None when it needs SQLAlchemy's execution: names to escape, or IN
        lists expanded at run time."""
        compiled = stmt.compile(dialect=dialect)
        if compiled.escaped_bind_names or "POSTCOMPILE" in compiled.string:
            return None
        return cls(stmt, compiled, dialect)

    def params(self, values: dict[str, Any]) -> dict[str, Any]:
        params: dict[str, Any] = self.compiled.construct_params(values)
        for name, proc in self._binds:
            params[name] = proc(params[name])
        return params

    def rows(self, raw: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        if not self._results:
            return raw
        rows = []
        for row in raw:
            values = list(row)
            for i, proc in self._results:
                values[i] = proc(values[i])
            rows.append(tuple(values))
        return rows


_DRIVER_STATEMENTS: dict[int, tuple[Any, DriverStatement | None]] = {}


def driver_statement(stmt: Any) -> DriverStatement | None:
    """`stmt` compiled for `driver_rows`, once per statement object; None when it needs SQLAlchemy."""
    found = _DRIVER_STATEMENTS.get(id(stmt))
    if found is not None and found[0] is stmt:
        return found[1]
    compiled = DriverStatement.of(stmt, read_engine().sync_engine.dialect)
    if len(_DRIVER_STATEMENTS) >= 4096:
        _DRIVER_STATEMENTS.clear()
    _DRIVER_STATEMENTS[id(stmt)] = (stmt, compiled)  # holds `stmt`, so its id is not reused
    return compiled


async def driver_rows(statement: DriverStatement, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Run a `DriverStatement` on a connection of the loop's read pool (PostgreSQL; no transaction).

    A connection that died under the query is dropped from the pool and the request may be tried
    again (`core.connections.is_dead_connection`), as when SQLAlchemy's execution layer meets one.
    """
    async with read_engine().connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        params = statement.params(values)
        # SQLAlchemy's statement event still fires (echo, statement counters, tests' round trips).
        sync = conn.sync_connection
        assert sync is not None
        sync.dispatch.before_cursor_execute(sync, None, statement.sql, params, None, False)
        async with _dropped_if_dead(conn, raw, "a read"):
            cursor = await raw.execute(statement.sql, params)
            return statement.rows(await cursor.fetchall())


@asynccontextmanager
async def _dropped_if_dead(conn: Any, raw: psycopg.AsyncConnection[Any], what: str) -> AsyncIterator[None]:
    """A connection that died under the block is dropped from the pool: `DeadConnectionError`."""
    try:
        yield
    except psycopg.OperationalError as exc:
        if raw.broken or raw.closed:
            await conn.invalidate()
            raise DeadConnectionError(f"the connection died under {what}") from exc
        raise


class DriverTransaction:
    """Statements run on psycopg's connection inside one transaction (`driver_transaction`)."""

    def __init__(self, sync: Any, raw: psycopg.AsyncConnection[Any]) -> None:
        self._sync = sync
        self._raw = raw

    async def rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """Run `sql` (psycopg's `%(name)s` placeholders) and return its rows (none for DML)."""
        # SQLAlchemy's statement event still fires (echo, statement counters, tests' round trips).
        self._sync.dispatch.before_cursor_execute(self._sync, None, sql, params, None, False)
        cursor = await self._raw.execute(sql, params)
        return await cursor.fetchall() if cursor.description is not None else []


@asynccontextmanager
async def driver_transaction() -> AsyncIterator[DriverTransaction]:
    """A transaction on a connection of the loop's pool (PostgreSQL), for the API's hot one-row
    writes: BEGIN, the block's statements, COMMIT (ROLLBACK when the block raises), without
    SQLAlchemy's execution layer or a thread hop.

    As for `driver_rows`, a connection that died under it is dropped from the pool; the request may
    be tried again only while no COMMIT was sent (`core.connections.note_commit_sent`).
    """
    async with read_engine().connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
        assert raw is not None
        sync = conn.sync_connection
        assert sync is not None
        tx = DriverTransaction(sync, raw)
        async with _dropped_if_dead(conn, raw, "a write"):
            await tx.rows("BEGIN", {})
            try:
                yield tx
            except BaseException:
                if not (raw.broken or raw.closed):
                    await tx.rows("ROLLBACK", {})
                raise
            note_commit_sent()
            await tx.rows("COMMIT", {})


_PING: Select[tuple[Any]] = select(literal_column("1"))


async def ping_database_async() -> None:
    """`ping_database` from the event loop, without a thread hop."""
    if get_settings().is_sqlite:
        ping_database()
        return
    ping = driver_statement(_PING)
    assert ping is not None  # no parameters at all
    await driver_rows(ping, {})


def ping_database(engine: Engine | None = None) -> None:
    """Run a trivial query (outside a transaction); raises if the database cannot be reached."""
    with (engine or get_engine()).execution_options(**{READ_OPTION: True}).connect() as conn:
        conn.execute(text("SELECT 1"))
