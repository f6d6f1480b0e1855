"""Reviewing sales: a supervisor (for the stores they supervise) or head office approves or rejects a
pending sale; a rejection needs a note. In bulk, each sale gets its own result and the others go on."""

from __future__ import annotations

from sqlmodel import Session

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.bonuses.closing import ensure_open
from oppo_kz.core.db import set_actor, utcnow
from oppo_kz.core.errors import ConflictError, DomainError, ValidationFailedError
from oppo_kz.lib.versioned import ExpectedVersion, check_version, load_for_update, not_found
from oppo_kz.sales.models import ReviewAction, ReviewResult, Sale, SaleStatus
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role

_NEW_STATUS = {ReviewAction.approve: SaleStatus.approved, ReviewAction.reject: SaleStatus.rejected}


def _check_note(action: ReviewAction, note: str | None) -> None:
    if action == ReviewAction.reject and not note:
        raise ValidationFailedError([{"field": "note", "message": "Say why the sale is rejected."}])


def _review_one(
    session: Session,
    actor: Principal,
    sale_id: int,
    action: ReviewAction,
    note: str | None,
    expected_version: ExpectedVersion,
) -> Sale:
    sale = load_for_update(session, Sale, sale_id, "Sale")
    if actor.role == Role.supervisor:
        store = session.get(Store, sale.store_id)
        if store is None or store.supervisor_id != actor.id:
            raise not_found("Sale", sale_id)
    check_version(sale, "Sale", expected_version)
    if sale.status != SaleStatus.pending:
        raise ConflictError(
            f"Sale {sale.id} is already {sale.status.value}.",
            details={"field": "status", "status": sale.status.value},
        )
    ensure_open(session, sale.sale_date)  # a closed month's figures never change
    # Every refusal above comes before the first change below.
    sale.status = _NEW_STATUS[action]
    sale.review_note = note or None
    sale.reviewed_by_id = actor.id
    sale.reviewed_at = utcnow()
    session.flush()
    return sale


def review_sale(
    *,
    session: Session,
    actor: Principal,
    sale_id: int,
    action: ReviewAction,
    note: str | None = None,
    expected_version: ExpectedVersion = None,
) -> Sale:
    """Approve or reject one pending sale (409 once reviewed, 404 outside the reviewer's stores)."""
    actor.require(Permission.sales_review)
    set_actor(session, actor)
    _check_note(action, note)
    sale = _review_one(session, actor, sale_id, action, note, expected_version)
    session.commit()
    return sale


def review_many(
    *, session: Session, actor: Principal, ids: list[int], action: ReviewAction, note: str | None = None
) -> list[ReviewResult]:
    """Review several sales in one transaction and one commit; a sale that may not be reviewed is
    refused by checks made before anything about it changes, so it leaves the others as they are
    (no savepoints: rolling one back would also forget the others' pending events)."""
    actor.require(Permission.sales_review)
    set_actor(session, actor)
    _check_note(action, note)
    results = []
    for sale_id in ids:
        try:
            sale = _review_one(session, actor, sale_id, action, note, None)
        except DomainError as exc:
            results.append(ReviewResult(id=sale_id, status="error", error_code=exc.error_code))
        else:
            results.append(ReviewResult(id=sale_id, status=sale.status.value))
    session.commit()
    return results
