"""Writes the audit log inside the transaction of the change it describes, whatever code path made it.

At the end of every ORM flush, each new, changed or deleted row of a model whose `Tracking` names an
`audit_entity` (or that `audit_model` registered) becomes one `AuditEntry`, inserted on the flush's
own connection: it commits with the change and is rolled back with it. The actor is the user the
write service named with `core.db.set_actor`. Domains need not import this module: giving a model
`Tracking(..., audit_entity="...")` is enough.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session, UOWTransaction

from oppo_kz.audit.models import AuditAction, AuditEntry
from oppo_kz.core.db import after_commit, current_actor, table_of, transaction_info, utcnow
from oppo_kz.lib.changes import audit_writes_to, tracking_of
from oppo_kz.lib.listing import count_cache

AUDIT_TABLE = table_of(AuditEntry)
audit_writes_to(AUDIT_TABLE.name)  # other instances' audited changes drop its list counts too
# What the server keeps on every row: the entry's own columns say when and which row.
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})
# Never in `changes`, whatever the model: credentials and anything derived from them.
_SECRET_PARTS = ("password", "token", "secret", "hash")
# An update that a model's `Tracking.classify` names (a sale approved) is audited as that action.
_CLASSIFIED = {"approved": AuditAction.approve, "rejected": AuditAction.reject, "closed": AuditAction.close}
_MARKS = "oppo_audit_marks"

_EXTRA: dict[type[Any], str] = {}


def audit_model(model: type[Any], entity: str) -> None:
    """Audit a model that publishes no change events (users) under `entity`."""
    _EXTRA[model] = entity


def entity_of(model: type[Any]) -> str:
    """The audit entity of a model's rows ("" when they are not audited)."""
    tracking = tracking_of(model)
    if tracking is not None and tracking.audit_entity:
        return tracking.audit_entity
    return _EXTRA.get(model, "")


def is_secret(name: str) -> bool:
    """Whether a field holds a credential (never written to the log)."""
    lowered = name.lower()
    return any(part in lowered for part in _SECRET_PARTS)


def mark(session: Session, row: Any, action: AuditAction) -> None:
    """Audit this transaction's next change of `row` as `action` (a revert, say) instead of update."""
    transaction_info(session).setdefault(_MARKS, {})[(type(row), row.id)] = action


def jsonable(value: Any) -> Any:
    """A column value as JSON: enums by value, dates and times in ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _actor_columns(session: Session) -> dict[str, Any]:
    actor = current_actor(session)
    return {"actor_id": getattr(actor, "id", None), "actor_email": getattr(actor, "email", None)}


def _fields(row: Any) -> list[str]:
    return [
        attr.key
        for attr in inspect(type(row)).column_attrs
        if attr.key not in BOOKKEEPING and not is_secret(attr.key)
    ]


def _whole(row: Any, *, created: bool) -> dict[str, list[Any]]:
    values = inspect(row).dict  # only what is loaded: a deleted row must not be read again
    return {
        name: ([None, jsonable(values[name])] if created else [jsonable(values[name]), None])
        for name in _fields(row)
        if name in values
    }


def _diff(row: Any) -> tuple[dict[str, list[Any]], bool]:
    """The changed fields as [old, new], and whether anything at all changed (secrets included)."""
    state = inspect(row)
    changes: dict[str, list[Any]] = {}
    touched = False
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if attr.key in ("version", "updated_at"):
            continue  # bookkeeping the hooks change on every write
        touched = True
        if attr.key in BOOKKEEPING or is_secret(attr.key):
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            changes[attr.key] = [jsonable(old), jsonable(new)]
    return changes, touched or bool(changes)


def _update_action(session: Session, row: Any) -> AuditAction:
    marked = transaction_info(session).get(_MARKS, {}).pop((type(row), row.id), None)
    if marked is not None:
        return AuditAction(marked)
    tracking = tracking_of(type(row))
    kind = tracking.classify(row) if tracking is not None and tracking.classify else None
    return _CLASSIFIED.get(kind or "", AuditAction.update)


def _entries(session: Session) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []

    def add(row: Any, entity: str, action: AuditAction, changes: dict[str, list[Any]]) -> None:
        entries.append({"action": action, "entity": entity, "entity_id": row.id, "changes": changes})

    for row in session.new:
        if entity := entity_of(type(row)):
            add(row, entity, AuditAction.create, _whole(row, created=True))
    for row in session.dirty:
        entity = entity_of(type(row))
        if not entity or not session.is_modified(row, include_collections=False):
            continue
        changes, touched = _diff(row)
        if touched:
            add(row, entity, _update_action(session, row), changes)
    for row in session.deleted:
        if entity := entity_of(type(row)):
            add(row, entity, AuditAction.delete, _whole(row, created=False))
    return entries


def _write(session: Session, entries: list[dict[str, Any]]) -> None:
    at = utcnow()
    common = {"at": at, **_actor_columns(session)}
    session.connection().execute(insert(AUDIT_TABLE), [{**common, **entry} for entry in entries])
    # Core inserts are not seen by the list engine's count cache: tell it, now and at commit.
    count_cache.invalidate((AUDIT_TABLE.name,))
    after_commit(session, lambda: count_cache.invalidate((AUDIT_TABLE.name,)))


@event.listens_for(Session, "after_flush")
def _audit_flush(session: Session, _flush_context: UOWTransaction) -> None:
    # In after_flush new/dirty/deleted and each attribute's history still describe this flush,
    # and new rows have their ids.
    entries = _entries(session)
    if entries:
        _write(session, entries)


def record(
    session: Session,
    *,
    action: AuditAction,
    entity: str,
    entity_id: int | None,
    changes: dict[str, list[Any]] | None = None,
) -> None:
    """Add an entry that no row change describes (a sign-in) to the session's transaction."""
    session.add(
        AuditEntry(
            at=utcnow(),
            action=action,
            entity=entity,
            entity_id=entity_id,
            changes=changes or {},
            **_actor_columns(session),
        )
    )
