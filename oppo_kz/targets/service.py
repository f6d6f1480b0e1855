"""Targets: who may read which (row-level scope), the list, and the writes head office makes.

Scope: admin and office read every target; a supervisor the targets of the stores they supervise and
of the promoters ever assigned to those stores; a promoter their own and those of the stores they are
(or were) assigned to. A target outside the caller's scope answers as one that does not exist (404).
Only admin and office write (targets:manage). One target per month and store, one per month and
promoter (409).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from oppo_kz.assignments.models import Assignment
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import set_actor, table_of
from oppo_kz.core.errors import ConflictError, ValidationFailedError
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.listing import Filter, ListQuery, Scope, field_for_column
from oppo_kz.lib.versioned import (
    ExpectedVersion,
    Versioned,
    apply_changes,
    not_found,
)
from oppo_kz.stores.models import Store
from oppo_kz.targets.models import Target, TargetCreate, TargetPublic, TargetsPage, TargetUpdate
from oppo_kz.users.models import Role, User

TARGETS_TABLE = table_of(Target)
STORES_TABLE = table_of(Store)
ASSIGNMENTS_TABLE = table_of(Assignment)
PROMOTERS = table_of(User).alias("target_promoter")

SOURCE = TARGETS_TABLE.outerjoin(STORES_TABLE, STORES_TABLE.c.id == TARGETS_TABLE.c.store_id).outerjoin(
    PROMOTERS, PROMOTERS.c.id == TARGETS_TABLE.c.promoter_id
)
TARGETS = listing.spec_for_table(
    TARGETS_TABLE,
    output=tuple(TargetPublic.model_fields),
    extra=(
        field_for_column("store_name", STORES_TABLE.c.name, joined=True, nullable=True),
        field_for_column("promoter_name", PROMOTERS.c.full_name, joined=True, nullable=True),
    ),
    source=SOURCE,
    default_sort=(("month", True),),
)

_ME: Any = bindparam("scope_user")
_SUPERVISED_STORES = select(STORES_TABLE.c.id).where(STORES_TABLE.c.supervisor_id == _ME)
_PROMOTERS_OF_SUPERVISED = select(ASSIGNMENTS_TABLE.c.user_id).where(
    ASSIGNMENTS_TABLE.c.store_id.in_(_SUPERVISED_STORES)
)
_STORES_OF_PROMOTER = select(ASSIGNMENTS_TABLE.c.store_id).where(ASSIGNMENTS_TABLE.c.user_id == _ME)
_T = TARGETS_TABLE.c
_SUPERVISOR = or_(_T.store_id.in_(_SUPERVISED_STORES), _T.promoter_id.in_(_PROMOTERS_OF_SUPERVISED))
_PROMOTER = or_(_T.promoter_id == _ME, _T.store_id.in_(_STORES_OF_PROMOTER))

_TARGET = Versioned(Target, "Target")


def target_scope(actor: Principal) -> Scope | None:
    """The targets `actor` may read, as SQL: None for all (admin, office)."""
    if actor.role in (Role.admin, Role.office):
        return None
    if actor.role == Role.supervisor:
        return Scope("supervisor", _SUPERVISOR, {"scope_user": actor.id})
    return Scope("promoter", _PROMOTER, {"scope_user": actor.id})


def parse_query(params: Iterable[tuple[str, str]]) -> ListQuery:
    """A validated targets query from raw query-string pairs."""
    return listing.parse_query(TARGETS, params)


def list_targets(*, session: Session, actor: Principal, query: ListQuery) -> listing.Page:
    """One page of the targets `actor` may read (newest month first unless sorted otherwise)."""
    actor.require(Permission.targets_read)
    return listing.fetch_page(session, TARGETS, query, scope=target_scope(actor))


def list_targets_page(*, session: Session, actor: Principal, query: ListQuery) -> TargetsPage:
    """`list_targets` as the typed page the REST API documents."""
    page = list_targets(session=session, actor=actor, query=query)
    return page.typed(TargetsPage, TargetPublic.model_validate)


def get_target(*, session: Session, actor: Principal, target_id: int) -> TargetPublic:
    """One target in `actor`'s scope, with its labels, or 404."""
    actor.require(Permission.targets_read)
    if not is_row_id(target_id):
        raise not_found("Target", target_id)
    query = ListQuery(page_size=1, filters=(Filter("id", "eq", target_id),))
    items = listing.fetch_page(session, TARGETS, query, scope=target_scope(actor)).items()
    if not items:
        raise not_found("Target", target_id)
    return TargetPublic.model_validate(items[0])


# --- writes --------------------------------------------------------------------------------------


def _problems(session: Session, values: dict[str, Any]) -> list[dict[str, str]]:
    problems: list[dict[str, str]] = []
    store_id, promoter_id = values.get("store_id"), values.get("promoter_id")
    if (store_id is None) == (promoter_id is None):
        message = "Give exactly one of store_id and promoter_id."
        problems.append({"field": "store_id" if store_id is None else "promoter_id", "message": message})
    elif store_id is not None and session.get(Store, store_id) is None:
        problems.append({"field": "store_id", "message": f"Store {store_id} does not exist."})
    elif promoter_id is not None:
        user = session.get(User, promoter_id)
        if user is None or user.role != Role.promoter:
            problems.append({"field": "promoter_id", "message": f"User {promoter_id} is not a promoter."})
    if not values.get("units") and not values.get("amount"):
        problems.append({"field": "units", "message": "Set units or amount (or both) above 0."})
    return problems


def _taken(values: dict[str, Any]) -> ConflictError:
    field = "store_id" if values.get("store_id") is not None else "promoter_id"
    return ConflictError(
        f"There is a target for this {field.removesuffix('_id')} in {values['month']} already.",
        details={"field": field, "month": values["month"], field: values.get(field)},
    )


def _ensure_free(session: Session, values: dict[str, Any], target_id: int | None = None) -> None:
    field = "store_id" if values.get("store_id") is not None else "promoter_id"
    stmt = select(col(Target.id)).where(
        col(Target.month) == values["month"], getattr(Target, field) == values[field]
    )
    if target_id is not None:
        stmt = stmt.where(col(Target.id) != target_id)
    if session.execute(stmt.limit(1)).first() is not None:
        raise _taken(values)


def _commit(session: Session, values: dict[str, Any]) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # another writer set the same pair between our check and our commit
        raise _taken(values) from None


def create_target(*, session: Session, actor: Principal, target_in: TargetCreate) -> Target:
    """Set a month's target of a store or a promoter; 409 when that pair has one."""
    actor.require(Permission.targets_manage)
    set_actor(session, actor)
    values = target_in.model_dump()
    if problems := _problems(session, values):
        raise ValidationFailedError(problems)
    _ensure_free(session, values)
    target = Target(**values)
    session.add(target)
    _commit(session, values)
    return target


def update_target(
    *,
    session: Session,
    actor: Principal,
    target_id: int,
    changes: TargetUpdate,
    expected_version: ExpectedVersion = None,
) -> Target:
    """Change the fields sent; the result must still be a valid target (422) and unique (409)."""
    target = _TARGET.open(
        session, actor, Permission.targets_manage, target_id, changes.version, expected_version, echo=changes
    )
    sent = changes.model_dump(exclude_unset=True, exclude={"version", "id", "created_at", "updated_at"})
    values = {
        name: sent.get(name, getattr(target, name))
        for name in ("month", "store_id", "promoter_id", "units", "amount")
    }
    if problems := _problems(session, values):
        raise ValidationFailedError(problems)
    _ensure_free(session, values, target.id)
    apply_changes(target, values)
    _commit(session, values)
    return target


def delete_target(
    *, session: Session, actor: Principal, target_id: int, expected_version: ExpectedVersion = None
) -> None:
    """Remove a target."""
    target = _TARGET.open(session, actor, Permission.targets_manage, target_id, expected_version)
    session.delete(target)
    session.commit()


def set_target(
    *,
    session: Session,
    actor: Principal,
    month: str,
    store_id: int | None = None,
    promoter_id: int | None = None,
    units: int,
    amount: int,
) -> Target | None:
    """The grid's in-place edit: create, change or (both figures 0) remove the pair's target."""
    actor.require(Permission.targets_manage)
    set_actor(session, actor)
    target_in = TargetCreate.model_validate(
        {"month": month, "store_id": store_id, "promoter_id": promoter_id, "units": units, "amount": amount}
    )
    subject = (
        col(Target.store_id) == store_id if store_id is not None else col(Target.promoter_id) == promoter_id
    )
    existing = session.scalars(
        select(Target).where(col(Target.month) == target_in.month, subject).with_for_update()
    ).first()
    if existing is None:
        if units == 0 and amount == 0:
            return None
        return create_target(session=session, actor=actor, target_in=target_in)
    if units == 0 and amount == 0:
        session.delete(existing)
        session.commit()
        return None
    values = target_in.model_dump()
    apply_changes(existing, {"units": values["units"], "amount": values["amount"]})
    _commit(session, values)
    return existing


def copy_month(*, session: Session, actor: Principal, source: str, month: str) -> int:
    """Copy every target of `source` into `month` where that store or promoter has none yet; how
    many were added."""
    actor.require(Permission.targets_manage)
    set_actor(session, actor)
    if source == month:
        raise ValidationFailedError([{"field": "source", "message": "Copy from another month."}])
    present = session.execute(
        select(col(Target.store_id), col(Target.promoter_id)).where(col(Target.month) == month)
    ).all()
    taken = {(s, p) for s, p in present}
    added = 0
    for old in session.scalars(select(Target).where(col(Target.month) == source)):
        if (old.store_id, old.promoter_id) in taken:
            continue
        session.add(
            Target(
                month=month,
                store_id=old.store_id,
                promoter_id=old.promoter_id,
                units=old.units,
                amount=old.amount,
            )
        )
        added += 1
    _commit(session, {"month": month, "store_id": None, "promoter_id": None})
    return added


def previous_month(month: str) -> str:
    """The month before `month` (YYYY-MM)."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1}-12" if number == 1 else f"{year}-{number - 1:02d}"


def month_of(day: date) -> str:
    """`day`'s month as YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"


def month_grid(*, session: Session, actor: Principal, month: str) -> dict[str, list[dict[str, Any]]]:
    """The /targets grid: every store and promoter `actor` may see targets of, with that month's
    target (0 and 0 when none is set), by name."""
    actor.require(Permission.targets_read)
    scope = target_scope(actor)
    params = {"scope_user": actor.id, "month": month}
    t = TARGETS_TABLE.c
    stores = select(
        STORES_TABLE.c.id, STORES_TABLE.c.name, STORES_TABLE.c.code, t.id, t.units, t.amount
    ).outerjoin(TARGETS_TABLE, (t.store_id == STORES_TABLE.c.id) & (t.month == bindparam("month")))
    people = (
        select(PROMOTERS.c.id, PROMOTERS.c.full_name, PROMOTERS.c.email, t.id, t.units, t.amount)
        .outerjoin(TARGETS_TABLE, (t.promoter_id == PROMOTERS.c.id) & (t.month == bindparam("month")))
        .where(PROMOTERS.c.role == Role.promoter)
    )
    if scope is None:
        stores = stores.where(STORES_TABLE.c.is_active.is_(True) | t.id.is_not(None))
        people = people.where(PROMOTERS.c.is_active.is_(True) | t.id.is_not(None))
    elif actor.role == Role.supervisor:
        stores = stores.where(STORES_TABLE.c.id.in_(_SUPERVISED_STORES))
        people = people.where(PROMOTERS.c.id.in_(_PROMOTERS_OF_SUPERVISED))
    else:
        stores = stores.where(STORES_TABLE.c.id.in_(_STORES_OF_PROMOTER))
        people = people.where(PROMOTERS.c.id == _ME)

    def rows(stmt: Any, kind: str) -> list[dict[str, Any]]:
        found = session.execute(stmt.order_by(stmt.selected_columns[1], stmt.selected_columns[0]), params)
        return [
            {
                "kind": kind,
                "subject_id": r[0],
                "label": r[1] or r[2],
                "target_id": r[3],
                "units": r[4] or 0,
                "amount": r[5] or 0,
            }
            for r in found
        ]

    return {"stores": rows(stores, "store"), "promoters": rows(people, "promoter")}
