"""One audited, published change of one row without the ORM: the API's hot write.

The ORM path (a write session, the mapper hooks of `lib/changes`, the flush hooks of `audit/log`,
the outbox's before-commit hook) costs eight round trips and ~4.4 ms of Python per PATCH, in a
worker thread. This does the same work:
- on PostgreSQL in four round trips on the loop's own connection pool (`core.db.driver_transaction`):
  BEGIN; SELECT ... FOR UPDATE; one statement that updates the row and writes its audit entry, its
  outbox event and the NOTIFY; COMMIT;
- on SQLite with SQLAlchemy Core's statements on one write connection, inline on the event loop when
  the write lock is free (about a millisecond, less than two thread hops and the GIL hand-offs of a
  worker thread holding the lock), else queued for it in a worker thread.
What the hooks do is kept: `version` +1 and `updated_at` on a change (an update that changes nothing
writes nothing), the audit entry's `[old, new]` per field (never a secret, never bookkeeping), the
`<topic>.updated` event with the row's data published after the commit in seq order, and the list
counts dropped. Only a row whose model is tracked without a loader or classifier fits (products).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Any

import anyio
from psycopg import errors as pg_errors
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import IntegrityError

from oppo_kz.audit.log import AUDIT_TABLE, BOOKKEEPING, is_secret, jsonable
from oppo_kz.audit.models import AuditAction
from oppo_kz.core.config import get_settings
from oppo_kz.core.connections import WRITE_NOW_OPTION, WRITE_OPTION, WriterBusyError, sqlite_write_turn
from oppo_kz.core.db import bump_generation, driver_transaction, get_engine, ordered_commits, utcnow
from oppo_kz.core.events import Event
from oppo_kz.core.outbox import outbox_ctes, outbox_enabled, outbox_params, relay, write_events
from oppo_kz.lib.listing import count_cache

# The changes to make, from the row as it is now (locked): raise to refuse (404, 409, 422).
Decide = Callable[[dict[str, Any]], dict[str, Any]]


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


async def _on_sqlite(write: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """`write(wait=...)` inline once this process's write lock is ours (~1 ms of work: less than two
    thread hops, and no GIL hand-offs while a thread holds the lock); in a worker thread when the
    turn gives no go (timed out, no pooled connection spare) or another process holds SQLite's lock
    (nothing was done inline then)."""
    async with sqlite_write_turn(get_engine()) as ours:
        if ours:
            try:
                return write(wait=False)
            except WriterBusyError:
                pass
    return await anyio.to_thread.run_sync(partial(write, wait=True))


def _set_columns(changed: Iterable[str]) -> tuple[str, ...]:
    """The columns an UPDATE sets: the changed ones, `version` and `updated_at`."""
    return (*changed, "version", "updated_at")


def _sets(new: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The UPDATE's values (`new_<column>`)."""
    return {f"new_{name}": new[name] for name in _set_columns(changes)}


class RowUpdate:
    """How one table's rows are updated on the loop: `table` and the audit entity / event topic."""

    def __init__(
        self, table: Table, *, topic: str, entity: str, payload: Callable[[dict[str, Any]], dict[str, Any]]
    ) -> None:
        self.table = table
        self.topic = topic
        self.entity = entity
        self.payload = payload
        self.columns = tuple(column.name for column in table.columns)
        names = ", ".join(self.columns)
        # The statements' text holds only names from the table's metadata; values are parameters.
        self._lock_sql = f"SELECT {names} FROM {table.name} WHERE id = %(row_id)s FOR UPDATE"
        self._tables = (table.name, AUDIT_TABLE.name)
        self._sql = lru_cache(maxsize=64)(self._update_sql)
        # SQLite: SQLAlchemy Core statements (its column types store dates and JSON as SQLite wants).
        self._select = select(*table.columns).where(table.c.id == bindparam("row_id"))
        self._core_update = lru_cache(maxsize=64)(self._core_update_statement)

    def _core_update_statement(self, names: tuple[str, ...]) -> Any:
        sets: dict[str, Any] = {name: bindparam(f"new_{name}") for name in _set_columns(names)}
        return self.table.update().where(self.table.c.id == bindparam("row_id")).values(sets)

    def _update_sql(self, names: tuple[str, ...]) -> str:
        sets = ", ".join(f"{name} = %(new_{name})s" for name in _set_columns(names))
        audit = (
            f"audit_row AS (INSERT INTO {AUDIT_TABLE.name} "
            "(at, actor_id, actor_email, action, entity, entity_id, changes) "
            "SELECT %(at)s::timestamptz, %(actor_id)s::integer, %(actor_email)s::text, "
            "%(action)s::text, %(entity)s::text, id, %(changes)s::json FROM row_update)"
        )
        table = self.table.name
        update = f"WITH row_update AS (UPDATE {table} SET {sets} WHERE id = %(row_id)s RETURNING id)"
        if not outbox_enabled():
            return f"{update}, {audit} SELECT NULL FROM row_update"
        return f"{update}, {audit}, {outbox_ctes('row_update')} SELECT seq FROM outbox_notify"

    def _decided(
        self, found: tuple[Any, ...] | None, decide: Decide, not_found: Callable[[], Exception]
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The locked row's columns and the changes `decide` names that differ from them."""
        if found is None:
            raise not_found()
        old = self._row(found)
        return old, {name: value for name, value in decide(old).items() if old[name] != value}

    def _row(self, values: tuple[Any, ...]) -> dict[str, Any]:
        return {
            name: value.astimezone(UTC) if isinstance(value, datetime) else value
            for name, value in zip(self.columns, values, strict=True)
        }

    async def update(
        self,
        row_id: int,
        *,
        actor: Any,
        decide: Decide,
        not_found: Callable[[], Exception],
        unique_taken: Callable[[dict[str, Any]], Exception],
    ) -> dict[str, Any]:
        """Lock the row, let `decide` check it and name the changes, write them; the row's payload
        as it is now (unchanged when nothing differs: no version bump, nothing written).
        `not_found()` / `unique_taken(changes)` are raised when the row is missing / a unique
        column's new value is taken. On SQLite: `update_sqlite`, inline or in a worker thread."""
        if get_settings().is_sqlite:
            write = partial(
                self.update_sqlite,
                row_id,
                actor=actor,
                decide=decide,
                not_found=not_found,
                unique_taken=unique_taken,
            )
            return await _on_sqlite(write)
        written: list[Event] = []
        try:
            async with driver_transaction() as tx:
                found = await tx.rows(self._lock_sql, {"row_id": row_id})
                old, changes = self._decided(found[0] if found else None, decide, not_found)
                if not changes:
                    return self.payload(old)
                new, data, audited = self._change(old, changes)  # data: the payload
                params = self._params(row_id, actor, new, data, audited, changes)
                self._written()
                try:
                    seq = (await tx.rows(self._sql(tuple(changes)), params))[0][0]
                except pg_errors.UniqueViolation:
                    raise unique_taken(changes) from None
                if seq is not None:
                    relay.reserve(seq)
                    at = new["updated_at"].isoformat()
                    written.append(Event(name=f"{self.topic}.updated", data=data, at=at, seq=seq))
        except BaseException:
            for event in written:  # the COMMIT failed
                relay.unreserve(event.seq)
            raise
        self._written()
        if written:
            relay.committed_from_loop(written)
        return data

    def update_sqlite(
        self,
        row_id: int,
        *,
        actor: Any,
        decide: Decide,
        not_found: Callable[[], Exception],
        unique_taken: Callable[[dict[str, Any]], Exception],
        wait: bool = True,
    ) -> dict[str, Any]:
        """`update` on SQLite, in the calling thread: one write connection (the writer queue, then
        BEGIN IMMEDIATE: the row cannot change under it), SQLAlchemy Core's statements (SELECT,
        UPDATE, the audit and outbox INSERTs), COMMIT and the events' publication in commit order.
        Without `wait` the caller holds `sqlite_write_turn`: `WriterBusyError` (before anything is
        done) when another process's writer holds SQLite's lock."""
        with get_engine().connect() as conn:
            conn.execution_options(**{WRITE_OPTION if wait else WRITE_NOW_OPTION: True})
            transaction = conn.begin()
            found = conn.execute(self._select, {"row_id": row_id}).first()
            old, changes = self._decided(None if found is None else tuple(found), decide, not_found)
            if not changes:
                return self.payload(old)  # the block's end rolls back: nothing was written
            new, data, audited = self._change(old, changes)
            self._written()
            try:
                conn.execute(self._core_update(tuple(changes)), {"row_id": row_id, **_sets(new, changes)})
            except IntegrityError:
                raise unique_taken(changes) from None
            entry = self._audit_entry(actor, new, audited)
            conn.execute(insert(AUDIT_TABLE), {**entry, "entity_id": row_id})
            now = new["updated_at"]
            events = (
                write_events(conn, [(f"{self.topic}.updated", data, {})], now) if outbox_enabled() else []
            )
            with ordered_commits():  # held until published, as for the ORM path's commits
                transaction.commit()
                conn.close()  # back to the pool: the next writer goes in
                self._written()
                relay.committed(events)
        return data

    def _change(
        self, old: dict[str, Any], changes: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, list[Any]]]:
        """The row after `changes`, its event's data (the payload) and its audit entry's changes."""
        new = {**old, **changes, "version": old["version"] + 1, "updated_at": utcnow()}
        audited = {
            name: [jsonable(old[name]), jsonable(value)]
            for name, value in changes.items()
            if name not in BOOKKEEPING and not is_secret(name)
        }
        return new, self.payload(new), audited

    def _params(
        self,
        row_id: int,
        actor: Any,
        new: dict[str, Any],
        data: dict[str, Any],
        audited: dict[str, list[Any]],
        changes: dict[str, Any],
    ) -> dict[str, Any]:
        """The parameters of the PostgreSQL statement writing the change."""
        entry = self._audit_entry(actor, new, audited)
        return {
            **_sets(new, changes),
            **entry,
            "row_id": row_id,
            "action": entry["action"].value,
            "changes": _dumps(audited),
            **outbox_params(f"{self.topic}.updated", data, new["updated_at"]),
        }

    def _audit_entry(self, actor: Any, new: dict[str, Any], audited: dict[str, list[Any]]) -> dict[str, Any]:
        """The audit entry's columns but its row id."""
        return {
            "at": new["updated_at"],
            "actor_id": getattr(actor, "id", None),
            "actor_email": getattr(actor, "email", None),
            "action": AuditAction.update,
            "entity": self.entity,
            "changes": audited,
        }

    def _written(self) -> None:
        # What a flush and a commit of the ORM path tell the caches (`core.db`, the list counts).
        bump_generation(*self._tables)
        count_cache.invalidate(self._tables)
