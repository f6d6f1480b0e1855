"""A product's history (its audit entries) and reverting one change: the fields that entry changed go
back to the values they had before it, as a new version audited as `revert`."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlmodel import Session

from oppo_kz.audit import service as audit
from oppo_kz.audit.log import mark
from oppo_kz.audit.models import AuditAction, AuditEntry
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import set_actor
from oppo_kz.core.errors import ConflictError, ValidationFailedError
from oppo_kz.core.types import is_row_id
from oppo_kz.lib.validation import field_errors
from oppo_kz.lib.versioned import ExpectedVersion, check_version, load_for_update, not_found
from oppo_kz.products.models import EDITABLE_FIELDS, Product, ProductUpdate
from oppo_kz.products.service import apply_product_changes, commit_products

ENTITY = "product"
# Entries whose `changes` hold a before and an after of an existing product.
REVERTIBLE = frozenset({AuditAction.update, AuditAction.revert})


def product_history(
    *, session: Session, actor: Principal, product_id: int, limit: int = 50
) -> list[AuditEntry]:
    """The product's audit entries, newest first (admin and office)."""
    return audit.history_of(session=session, actor=actor, entity=ENTITY, entity_id=product_id, limit=limit)


def _entry_of(session: Session, product: Product, audit_id: Any) -> AuditEntry:
    entry = session.get(AuditEntry, audit_id) if is_row_id(audit_id) else None
    if (
        entry is None
        or entry.entity != ENTITY
        or entry.entity_id != product.id
        or (entry.id or 0) < audit.lifetime_start(session=session, entity=ENTITY, entity_id=product.id)
    ):
        # Another product's entry (a deleted one's whose id this product got, too) answers like one
        # that does not exist.
        raise not_found("Audit entry", audit_id)
    if entry.action not in REVERTIBLE:
        raise ConflictError(
            f"Audit entry {entry.id} is a {entry.action.value} of product {product.id}: only a change "
            "(update or revert) can be reverted.",
            details={"field": "audit_id", "action": entry.action.value},
        )
    return entry


def _before(entry: AuditEntry) -> dict[str, Any]:
    """The entry's old values, validated as a product update (a value no longer valid is a 422)."""
    old = {name: pair[0] for name, pair in entry.changes.items() if name in EDITABLE_FIELDS}
    try:
        return ProductUpdate.model_validate(old).model_dump(exclude_unset=True, exclude={"version"})
    except ValidationError as exc:
        raise ValidationFailedError(field_errors(exc.errors())) from None


def revert_product(
    *,
    session: Session,
    actor: Principal,
    product_id: int,
    audit_id: int,
    version: int | None = None,
    expected_version: ExpectedVersion = None,
) -> Product:
    """Put back the fields one update (or revert) of this product changed, as they were before it.

    404 for an unknown entry or one of another row; 409 for an entry that is no update, a stale
    `version`, or an old SKU another product has taken since. Nothing to put back keeps the version.
    """
    actor.require(Permission.products_update)
    set_actor(session, actor)
    product = load_for_update(session, Product, product_id, "Product")
    entry = _entry_of(session, product, audit_id)
    check_version(product, "Product", version, expected_version)
    data = _before(entry)
    mark(session, product, AuditAction.revert)
    apply_product_changes(session, product, data)
    commit_products(session, product.sku)
    return product
