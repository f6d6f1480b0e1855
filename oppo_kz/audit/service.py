"""Reading the audit log (admin and office): the list with the filter grammar, newest first."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, cast, func
from sqlmodel import Session, col, select

from oppo_kz.audit.log import AUDIT_TABLE
from oppo_kz.audit.models import ENTITIES, AuditAction, AuditEntry, AuditEntryPublic, AuditPage
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.listing import FieldSpec, Kind, ListQuery
from oppo_kz.lib.versioned import not_found

AUDIT = listing.spec_for_table(
    AUDIT_TABLE,
    exclude=("changes",),
    # A text column (a new domain needs no migration), but filtered as the contract's list of entities.
    overrides={"entity": {"kind": Kind.enum, "choices": ENTITIES}},
    # `changes` is listed (and filtered, e.g. changes__contains=price) as its JSON text.
    extra=(
        FieldSpec(name="changes", kind=Kind.text, column=cast(AUDIT_TABLE.c.changes, String), sortable=False),
    ),
    output=tuple(AuditEntryPublic.model_fields),
    default_sort=(("at", True),),  # newest first
)


def parse_query(params: Iterable[tuple[str, str]]) -> ListQuery:
    """A validated audit query from raw query-string pairs."""
    return listing.parse_query(AUDIT, params)


def _public(item: dict[str, Any]) -> AuditEntryPublic:
    changes = item["changes"]
    return AuditEntryPublic.model_validate({**item, "changes": json.loads(changes) if changes else {}})


def list_audit(*, session: Session, actor: Principal, query: ListQuery) -> AuditPage:
    """One page of audit entries matching the query, newest first unless sorted otherwise."""
    actor.require(Permission.audit_read)
    page = listing.fetch_page(session, AUDIT, query)
    return page.typed(AuditPage, _public)


def get_entry(*, session: Session, actor: Principal, audit_id: int) -> AuditEntry:
    """One audit entry, or 404."""
    actor.require(Permission.audit_read)
    entry = session.get(AuditEntry, audit_id) if is_row_id(audit_id) else None
    if entry is None:
        raise not_found("Audit entry", audit_id)
    return entry


def lifetime_start(*, session: Session, entity: str, entity_id: int | None) -> int:
    """The id of the row's latest `create` entry (0 without one): the entries before it belong to a
    deleted row whose id SQLite gave to this one (it reuses the newest rowid after a delete)."""
    stmt = select(func.max(AuditEntry.id)).where(
        col(AuditEntry.entity) == entity,
        col(AuditEntry.entity_id) == entity_id,
        col(AuditEntry.action) == AuditAction.create,
    )
    return session.exec(stmt).one() or 0


def history_of(
    *, session: Session, actor: Principal, entity: str, entity_id: int, limit: int = 50
) -> list[AuditEntry]:
    """The newest entries of one row (a product's history) since it was created, newest first."""
    actor.require(Permission.audit_read)
    since = lifetime_start(session=session, entity=entity, entity_id=entity_id)
    stmt = (
        select(AuditEntry)
        .where(
            col(AuditEntry.entity) == entity,
            col(AuditEntry.entity_id) == entity_id,
            col(AuditEntry.id) >= since,
        )
        .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
        .limit(limit)
    )
    return list(session.exec(stmt).all())
