"""Every committed change of a tracked model becomes one event on the bus, whatever code path made it.

Mapper events see each INSERT/UPDATE/DELETE that the ORM flushes. The changes of one transaction are
coalesced per row (created-then-updated is one `<topic>.created` with the final data, created-then-
deleted is nothing), written to the transactional outbox (core/outbox.py) in the same transaction and
published after the commit, in commit order across instances, so a rolled-back change is never
announced. The same hooks keep `version` (+1 per change) and `updated_at` right for any writer.

A row's event data is read at the end of each flush: by default from the row itself, or through a
`loader` that reads every row the flush touched in one query on the flush's own connection — so the
data can carry labels from other tables, and a `scope` (who may see the event) for scoped delivery.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Mapper, Session, UOWTransaction, object_session

from oppo_kz.core.db import table_of, transaction_info, utcnow
from oppo_kz.core.outbox import emit_later
from oppo_kz.lib.listing.counts import invalidate_on

# row ids -> {id: (data, scope)}, read on the flush's connection
Loader = Callable[[Connection, list[int]], dict[int, tuple[dict[str, Any], dict[str, Any]]]]

_PENDING = "oppo_changes"
_DELETE_SCOPES = "oppo_delete_scopes"


@dataclass(frozen=True, eq=False)
class Tracking:
    """How a model's changes read as events: `<topic>.created|updated|deleted` (or a `classify` kind)."""

    topic: str
    payload: Callable[[Any], dict[str, Any]]
    loader: Loader | None = None
    # An update's event kind from the row (e.g. "approved" when a sale's status became approved).
    classify: Callable[[Any], str | None] | None = None
    versioned: bool = True
    # The audit log's `entity` for this model's rows ("product", "sale", ...); "" = not audited.
    audit_entity: str = ""


@dataclass
class _Change:
    tracking: Tracking
    kind: str
    row: Any
    data: dict[str, Any] | None = None
    scope: dict[str, Any] = field(default_factory=dict)
    loaded: bool = False


def _pending(session: Session) -> dict[tuple[str, int], _Change]:
    # Transaction-scoped: a rollback forgets these changes and the next transaction starts afresh.
    txn = transaction_info(session)
    changes: dict[tuple[str, int], _Change] | None = txn.get(_PENDING)
    if changes is None:
        changes = txn[_PENDING] = {}
        emit_later(session, lambda: _events(changes))
    return changes


def _events(changes: dict[tuple[str, int], _Change]) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The transaction's events, for the outbox (written just before the commit, published after)."""
    return [
        (
            f"{change.tracking.topic}.{change.kind}",
            change.data if change.data is not None else {"id": change.row.id},
            change.scope,
        )
        for change in changes.values()
    ]


def _record(tracking: Tracking, target: Any, kind: str) -> None:
    session = object_session(target)
    if session is None or target.id is None:
        return
    changes = _pending(session)
    key = (tracking.topic, target.id)
    previous = changes.pop(key, None)
    if kind == "deleted":
        scope = transaction_info(session).get(_DELETE_SCOPES, {}).pop(key, None)
        if previous is not None and previous.kind == "created":
            return  # never seen by anyone
        if scope is None:
            scope = previous.scope if previous is not None else {}
        changes[key] = _Change(tracking, kind, target, {"id": target.id}, scope, loaded=True)
        return
    if previous is not None and previous.kind == "created":
        kind = "created"
    # Re-inserted so the order of events follows the order of the last change.
    changes[key] = _Change(tracking, kind, target, scope=previous.scope if previous else {})


def _load(session: Session, _flush_context: UOWTransaction) -> None:
    """At the end of a flush: read the data (and scope) of every row it changed."""
    changes: dict[tuple[str, int], _Change] | None = transaction_info(session).get(_PENDING)
    if not changes:
        return
    waiting = [c for c in changes.values() if not c.loaded]
    by_loader: dict[Loader, list[_Change]] = {}
    for change in waiting:
        if change.tracking.loader is None:
            change.data, change.loaded = change.tracking.payload(change.row), True
        else:
            by_loader.setdefault(change.tracking.loader, []).append(change)
    for loader, batch in by_loader.items():
        found = loader(session.connection(), [c.row.id for c in batch])
        for change in batch:
            change.data, change.scope = found.get(change.row.id, (change.tracking.payload(change.row), {}))
            change.loaded = True


def _scope_before_delete(session: Session, tracking: Tracking, target: Any) -> None:
    """Who may see a row's deletion is read while the row is still there."""
    if tracking.loader is None or target.id is None:
        return
    found = tracking.loader(session.connection(), [target.id]).get(target.id)
    if found is not None:
        transaction_info(session).setdefault(_DELETE_SCOPES, {})[(tracking.topic, target.id)] = found[1]


_TRACKED: dict[type[Any], Tracking] = {}
# The audit log's table(s): an audited model's change writes there too (`audit_writes_to`).
_AUDIT_TABLES: list[str] = []


def audit_writes_to(table: str) -> None:
    """Name the audit log's table: every audited change's event (from any instance) drops its list
    counts as well as those of the model's own table."""
    _AUDIT_TABLES.append(table)
    for tracking in _TRACKED.values():
        if tracking.audit_entity:
            invalidate_on(tracking.topic, table)


def tracking_of(model: type[Any]) -> Tracking | None:
    """How `model` is tracked (None: it is not), e.g. for the audit log's own hooks."""
    return _TRACKED.get(model)


def track(model: type[Any], tracking: Tracking) -> None:
    """Register the hooks that version `model`'s rows and publish their committed changes."""
    _TRACKED[model] = tracking
    audit = _AUDIT_TABLES if tracking.audit_entity else []
    invalidate_on(tracking.topic, table_of(model).name, *audit)  # other instances' changes too

    @event.listens_for(model, "before_update")
    def _bump_version(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        session = object_session(target)
        if (
            tracking.versioned
            and session is not None
            and session.is_modified(target, include_collections=False)
        ):
            target.version = (target.version or 0) + 1
            target.updated_at = utcnow()

    @event.listens_for(model, "after_insert")
    def _after_insert(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        _record(tracking, target, "created")

    @event.listens_for(model, "after_update")
    def _after_update(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        session = object_session(target)
        if session is not None and session.is_modified(target, include_collections=False):
            kind = tracking.classify(target) if tracking.classify else None
            _record(tracking, target, kind or "updated")

    @event.listens_for(model, "before_delete")
    def _before_delete(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        session = object_session(target)
        if session is not None:
            _scope_before_delete(session, tracking, target)

    @event.listens_for(model, "after_delete")
    def _after_delete(_mapper: Mapper[Any], _connection: Connection, target: Any) -> None:
        _record(tracking, target, "deleted")


event.listen(Session, "after_flush_postexec", _load)
