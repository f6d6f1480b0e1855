"""One audited, published change of one row, from the event loop on PostgreSQL: the API's hot write.

The ORM path (a write session, the mapper hooks of `lib/changes`, the flush hooks of `audit/log`,
the outbox's before-commit hook) costs eight round trips and ~4.4 ms of Python per PATCH, in a
worker thread. This does the same work in four round trips on the loop's own connection pool
(`core.db.driver_transaction`): BEGIN; SELECT ... FOR UPDATE; one statement that updates the row
and writes its audit entry, its outbox event and the NOTIFY; COMMIT. What the hooks do is kept:
`version` +1 and `updated_at` on a change (an update that changes nothing writes nothing), the
audit entry's `[old, new]` per field (never a secret, never bookkeeping), the `<topic>.updated`
event with the row's data published after the commit in seq order, and the list counts dropped.
Only a row whose model is tracked without a loader or classifier fits (products).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from psycopg import errors as pg_errors
from sqlalchemy import Table

from oppo_kz.audit.log import AUDIT_TABLE, BOOKKEEPING, is_secret, jsonable
from oppo_kz.audit.models import AuditAction
from oppo_kz.core.db import bump_generation, driver_transaction, utcnow
from oppo_kz.core.events import Event
from oppo_kz.core.outbox import outbox_ctes, outbox_enabled, outbox_params, relay
from oppo_kz.lib.listing import count_cache

# The changes to make, from the row as it is now (locked): raise to refuse (404, 409, 422).
Decide = Callable[[dict[str, Any]], dict[str, Any]]


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


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

    def _update_sql(self, names: tuple[str, ...]) -> str:
        sets = ", ".join(f"{name} = %(new_{name})s" for name in (*names, "version", "updated_at"))
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
        as it is now (unchanged when nothing differs: no version bump, nothing written). `not_found()` / `unique_taken(changes)` are raised
        when the row is missing / a unique column's new value is taken."""
        written: list[Event] = []
        try:
            async with driver_transaction() as tx:
                found = await tx.rows(self._lock_sql, {"row_id": row_id})
                if not found:
                    raise not_found()
                old = self._row(found[0])
                changes = {name: value for name, value in decide(old).items() if old[name] != value}
                if not changes:
                    return self.payload(old)
                new, data, params = self._change(row_id, actor, old, changes)  # data: the payload
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

    def _change(
        self, row_id: int, actor: Any, old: dict[str, Any], changes: dict[str, Any]
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """The row after `changes`, its event's data and the parameters of the statement writing it."""
        now = utcnow()
        new = {**old, **changes, "version": old["version"] + 1, "updated_at": now}
        data = self.payload(new)
        audited = {
            name: [jsonable(old[name]), jsonable(value)]
            for name, value in changes.items()
            if name not in BOOKKEEPING and not is_secret(name)
        }
        params: dict[str, Any] = {f"new_{name}": new[name] for name in (*changes, "version", "updated_at")}
        params.update(
            row_id=row_id,
            at=now,
            actor_id=getattr(actor, "id", None),
            actor_email=getattr(actor, "email", None),
            action=AuditAction.update.value,
            entity=self.entity,
            changes=_dumps(audited),
            **outbox_params(f"{self.topic}.updated", data, now),
        )
        return new, data, params

    def _written(self) -> None:
        # What a flush and a commit of the ORM path tell the caches (`core.db`, the list counts).
        bump_generation(*self._tables)
        count_cache.invalidate(self._tables)
