"""Reporting sales and changing pending ones: every rule of the contract, each behind its permission.

- The IMEI is 15 digits with a Luhn check digit (schema), required for smartphones and tablets, and
  reported once among sales that are not rejected (409, `details.field = "imei"`); with an IMEI the
  quantity is 1.
- `sold_at` is not in the future (5 minutes of clock skew allowed) and, for a promoter, not older
  than SALE_MAX_AGE_DAYS; `sale_date` is its day in TIMEZONE.
- The product and the store are active; a promoter reports for themselves, in a store they are
  assigned to on the sale date (403 otherwise); head office reports for any active promoter.
- Only a pending sale changes or goes (409 once reviewed); a promoter changes only their own.
- A sale dated in a month whose bonuses are closed is not created, changed or deleted (409).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.bonuses.closing import ensure_open
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import set_actor, utcnow
from oppo_kz.core.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from oppo_kz.lib.formatting import local_date
from oppo_kz.lib.versioned import (
    ExpectedVersion,
    apply_changes,
    check_echo,
    check_version,
    load_for_update,
    not_found,
)
from oppo_kz.products.models import Category, Product
from oppo_kz.sales.models import Sale, SaleCreate, SaleStatus, SaleUpdate
from oppo_kz.sales.queries import get_sale, visible_to
from oppo_kz.stores.models import Store
from oppo_kz.stores.service import assigned_on
from oppo_kz.users.models import Role, User

CLOCK_SKEW = timedelta(minutes=5)
IMEI_CATEGORIES = frozenset({Category.smartphone, Category.tablet})


@dataclass
class _Draft:
    """The values a sale will have, checked together so every problem is reported at once."""

    store_id: int
    product_id: int
    promoter_id: int
    imei: str | None
    quantity: int
    unit_price: int | None
    sold_at: datetime
    payment_type: Any


def _resolve_promoter(actor: Principal, requested: int | None, current: int | None = None) -> int:
    if actor.role == Role.promoter:
        if requested is not None and requested != actor.id:
            raise PermissionDeniedError("A promoter reports sales for themselves only.")
        return actor.id
    promoter_id = requested if requested is not None else current
    if promoter_id is None:
        raise ValidationFailedError([{"field": "promoter_id", "message": "Say which promoter sold it."}])
    return promoter_id


def _field_problems(
    session: Session, actor: Principal, draft: _Draft
) -> tuple[list[dict[str, str]], Product | None]:
    problems: list[dict[str, str]] = []
    promoter = session.get(User, draft.promoter_id)
    if promoter is None or not promoter.is_active or promoter.role != Role.promoter:
        problems.append(
            {"field": "promoter_id", "message": f"User {draft.promoter_id} is not an active promoter."}
        )
    store = session.get(Store, draft.store_id)
    if store is None or not store.is_active:
        what = "does not exist" if store is None else "is not active"
        problems.append({"field": "store_id", "message": f"Store {draft.store_id} {what}."})
    product = session.get(Product, draft.product_id)
    if product is None or not product.is_active:
        what = "does not exist" if product is None else "is not sold any more (inactive)"
        problems.append({"field": "product_id", "message": f"Product {draft.product_id} {what}."})
    elif product.category in IMEI_CATEGORIES and draft.imei is None:
        problems.append({"field": "imei", "message": f"A {product.category.value} needs its IMEI."})
    if draft.imei is not None and draft.quantity != 1:
        problems.append({"field": "quantity", "message": "A sale with an IMEI is one device: quantity 1."})
    problems.extend(_time_problems(actor, draft.sold_at))
    return problems, product


def _time_problems(actor: Principal, sold_at: datetime) -> list[dict[str, str]]:
    now = utcnow()
    if sold_at > now + CLOCK_SKEW:
        return [{"field": "sold_at", "message": "sold_at is in the future."}]
    max_age = get_settings().SALE_MAX_AGE_DAYS
    if actor.role == Role.promoter and local_date(sold_at) < local_date(now) - timedelta(days=max_age):
        return [{"field": "sold_at", "message": f"Promoters report sales of the last {max_age} days only."}]
    return []


def _check(session: Session, actor: Principal, draft: _Draft, sale_id: int | None = None) -> dict[str, Any]:
    """Every rule; the sale's column values when they all hold."""
    problems, product = _field_problems(session, actor, draft)
    if problems:
        raise ValidationFailedError(problems)
    assert product is not None
    sale_date = local_date(draft.sold_at)
    if (
        actor.role == Role.promoter
        and not session.execute(select(assigned_on(draft.store_id, actor.id, sale_date))).scalar()
    ):
        raise PermissionDeniedError(
            f"You are not assigned to store {draft.store_id} on {sale_date.isoformat()}.",
            details={"field": "store_id", "sale_date": sale_date.isoformat()},
        )
    ensure_open(session, sale_date)  # a closed month's sales stay as they were paid
    if draft.imei is not None:
        _ensure_imei_free(session, draft.imei, sale_id)
    unit_price = product.price if draft.unit_price is None else draft.unit_price
    return {
        "store_id": draft.store_id,
        "product_id": draft.product_id,
        "promoter_id": draft.promoter_id,
        "imei": draft.imei,
        "quantity": draft.quantity,
        "unit_price": unit_price,
        "amount": draft.quantity * unit_price,
        "sold_at": draft.sold_at,
        "sale_date": sale_date,
        "payment_type": draft.payment_type,
    }


def _imei_taken(imei: str) -> ConflictError:
    return ConflictError(
        f"The IMEI {imei} is already reported in another sale.", details={"field": "imei", "imei": imei}
    )


def _ensure_imei_free(session: Session, imei: str, sale_id: int | None) -> None:
    stmt = select(col(Sale.id)).where(col(Sale.imei) == imei, col(Sale.status) != SaleStatus.rejected)
    if sale_id is not None:
        stmt = stmt.where(col(Sale.id) != sale_id)
    if session.execute(stmt.limit(1)).first() is not None:
        raise _imei_taken(imei)


def _commit(session: Session, imei: str | None) -> None:
    try:
        session.commit()
    except IntegrityError:
        # Another writer reported the same IMEI between our check and our commit.
        session.rollback()
        if imei is None:
            raise
        raise _imei_taken(imei) from None


def create_sale(*, session: Session, actor: Principal, sale_in: SaleCreate) -> Sale:
    """Report a sale; it starts `pending`."""
    actor.require(Permission.sales_create)
    set_actor(session, actor)
    draft = _Draft(
        store_id=sale_in.store_id,
        product_id=sale_in.product_id,
        promoter_id=_resolve_promoter(actor, sale_in.promoter_id),
        imei=sale_in.imei,
        quantity=sale_in.quantity,
        unit_price=sale_in.unit_price,
        sold_at=sale_in.sold_at or utcnow(),
        payment_type=sale_in.payment_type,
    )
    sale = Sale(**_check(session, actor, draft), created_by_id=actor.id)
    session.add(sale)
    _commit(session, draft.imei)
    return sale


def _pending_own(session: Session, actor: Principal, sale_id: int) -> Sale:
    """The sale, locked; 404 outside `actor`'s scope, 409 once it is reviewed."""
    sale = load_for_update(session, Sale, sale_id, "Sale")
    if actor.role == Role.promoter and sale.promoter_id != actor.id:
        raise not_found("Sale", sale_id)
    if sale.status != SaleStatus.pending:
        raise ConflictError(
            f"Sale {sale.id} is {sale.status.value}: only a pending sale can change.",
            details={"field": "status", "status": sale.status.value},
        )
    ensure_open(session, sale.sale_date)
    return sale


def update_sale(
    *,
    session: Session,
    actor: Principal,
    sale_id: int,
    changes: SaleUpdate,
    expected_version: ExpectedVersion = None,
) -> Sale:
    """Change a pending sale; every rule is checked again on the result."""
    actor.require(Permission.sales_update)
    set_actor(session, actor)
    sale = _pending_own(session, actor, sale_id)
    check_echo(changes, sale, "Sale")
    check_version(sale, "Sale", changes.version, expected_version)
    sent = changes.model_dump(exclude_unset=True, exclude={"version"})
    draft = _Draft(
        store_id=sent.get("store_id", sale.store_id),
        product_id=sent.get("product_id", sale.product_id),
        promoter_id=_resolve_promoter(actor, sent.get("promoter_id"), sale.promoter_id),
        imei=sent.get("imei", sale.imei),
        quantity=sent.get("quantity", sale.quantity),
        # A new product without a price sent takes the new product's price.
        unit_price=sent.get("unit_price", None if "product_id" in sent else sale.unit_price),
        sold_at=sent.get("sold_at", sale.sold_at),
        payment_type=sent.get("payment_type", sale.payment_type),
    )
    apply_changes(sale, _check(session, actor, draft, sale.id))
    _commit(session, draft.imei)
    return sale


def delete_sale(
    *, session: Session, actor: Principal, sale_id: int, expected_version: ExpectedVersion = None
) -> None:
    """Withdraw a pending sale (a reviewed one stays: 409)."""
    actor.require(Permission.sales_delete)
    set_actor(session, actor)
    sale = _pending_own(session, actor, sale_id)
    check_version(sale, "Sale", expected_version)
    session.delete(sale)
    session.commit()


__all__ = ["create_sale", "delete_sale", "get_sale", "update_sale", "visible_to"]
