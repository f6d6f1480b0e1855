"""Assignments: which promoter works in which store and when; who may see and manage them.

Scope: admin and office see and manage every assignment; a supervisor those of the stores they
supervise; a promoter sees their own. Two assignments of the same promoter to the same store may not
overlap (409); writes to one store's assignments are serialised by locking the store's row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlmodel import Session, col

from oppo_kz.assignments.models import Assignment, AssignmentCreate, AssignmentUpdate
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import set_actor, table_of
from oppo_kz.core.errors import ConflictError, PermissionDeniedError, ValidationFailedError
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.listing import ListQuery, Scope, filter_error
from oppo_kz.lib.versioned import (
    ExpectedVersion,
    apply_changes,
    check_echo,
    check_version,
    load_for_update,
    not_found,
)
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role, User

TABLE = table_of(Assignment)
STORES_TABLE = table_of(Store)
ASSIGNMENTS = listing.spec_for_table(TABLE, default_sort=(("starts_on", True),))

_OF_SUPERVISED_STORES = TABLE.c.store_id.in_(
    select(STORES_TABLE.c.id).where(STORES_TABLE.c.supervisor_id == bindparam("scope_user"))
)
_OWN = TABLE.c.user_id == bindparam("scope_user")
_ACTIVE_ON = and_(
    TABLE.c.starts_on <= bindparam("active_on"),
    or_(TABLE.c.ends_on.is_(None), TABLE.c.ends_on >= bindparam("active_on")),
)


def assignment_scope(actor: Principal) -> Scope | None:
    """The assignments `actor` may read, as SQL: None for all (admin, office)."""
    if actor.role in (Role.admin, Role.office):
        return None
    if actor.role == Role.supervisor:
        return Scope("supervisor", _OF_SUPERVISED_STORES, {"scope_user": actor.id})
    return Scope("own", _OWN, {"scope_user": actor.id})


def parse_query(params: Iterable[tuple[str, str]]) -> tuple[ListQuery, date | None]:
    """A validated assignments query, and its `active_on` day (a filter of its own) if given."""
    active_on: date | None = None
    rest = []
    for key, raw in params:
        if key != "active_on":
            rest.append((key, raw))
            continue
        if active_on is not None:
            raise filter_error("active_on", "is given more than once.")
        try:
            active_on = date.fromisoformat(raw.strip())
        except ValueError:
            raise filter_error("active_on", f"{raw!r} is not an ISO date (YYYY-MM-DD).", value=raw) from None
    return listing.parse_query(ASSIGNMENTS, rest), active_on


def list_assignments(
    *, session: Session, actor: Principal, query: ListQuery, active_on: date | None = None
) -> listing.Page:
    """One page of the assignments `actor` may see; with `active_on`, only those running that day."""
    actor.require(Permission.assignments_read)
    scopes = [s for s in (assignment_scope(actor),) if s is not None]
    if active_on is not None:
        scopes.append(Scope("active_on", _ACTIVE_ON, {"active_on": active_on}))
    return listing.fetch_page(session, ASSIGNMENTS, query, scope=scopes)


def _visible(actor: Principal, assignment: Assignment, store: Store | None) -> bool:
    if actor.role in (Role.admin, Role.office):
        return True
    if actor.role == Role.supervisor:
        return store is not None and store.supervisor_id == actor.id
    return assignment.user_id == actor.id


def get_assignment(*, session: Session, actor: Principal, assignment_id: int) -> Assignment:
    """One assignment in `actor`'s scope, or 404."""
    actor.require(Permission.assignments_read)
    assignment = session.get(Assignment, assignment_id) if is_row_id(assignment_id) else None
    if assignment is None or not _visible(actor, assignment, session.get(Store, assignment.store_id)):
        raise not_found("Assignment", assignment_id)
    return assignment


def store_assignments(*, session: Session, actor: Principal, store_id: int) -> list[dict[str, Any]]:
    """A store's assignments with the promoters' names, newest first (for the store's page)."""
    actor.require(Permission.assignments_read)
    rows = session.execute(
        select(Assignment, col(User.full_name), col(User.email))
        .join(User, col(User.id) == col(Assignment.user_id))
        .where(col(Assignment.store_id) == store_id)
        .order_by(col(Assignment.starts_on).desc(), col(Assignment.id).desc())
    ).all()
    store = session.get(Store, store_id)
    return [
        {**a.model_dump(), "user_name": name or email, "user_email": email}
        for a, name, email in rows
        if _visible(actor, a, store)
    ]


# --- writes --------------------------------------------------------------------------------------


def _locked_store(session: Session, actor: Principal, store_id: int) -> Store:
    """The store, locked so that its assignments change one writer at a time; the actor must manage it."""
    store = (
        session.scalars(select(Store).where(col(Store.id) == store_id).with_for_update()).first()
        if is_row_id(store_id)
        else None
    )
    if store is None:
        raise ValidationFailedError([{"field": "store_id", "message": f"Store {store_id} does not exist."}])
    if actor.role == Role.supervisor and store.supervisor_id != actor.id:
        raise PermissionDeniedError("You may manage assignments only in the stores you supervise.")
    return store


def _check_promoter(session: Session, user_id: int) -> None:
    user = session.get(User, user_id)
    if user is None or not user.is_active or user.role != Role.promoter:
        raise ValidationFailedError(
            [{"field": "user_id", "message": f"User {user_id} is not an active promoter."}]
        )


def _check_no_overlap(
    session: Session, store_id: int, user_id: int, starts: date, ends: date | None, exclude: int | None = None
) -> None:
    stmt = select(col(Assignment.id)).where(
        col(Assignment.store_id) == store_id,
        col(Assignment.user_id) == user_id,
        or_(col(Assignment.ends_on).is_(None), col(Assignment.ends_on) >= starts),
    )
    if ends is not None:
        stmt = stmt.where(col(Assignment.starts_on) <= ends)
    if exclude is not None:
        stmt = stmt.where(col(Assignment.id) != exclude)
    clash = session.execute(stmt.limit(1)).scalar()
    if clash is not None:
        raise ConflictError(
            f"This promoter is already assigned to this store for part of that period (assignment {clash}).",
            details={"field": "starts_on", "conflicting_id": clash},
        )


def create_assignment(*, session: Session, actor: Principal, assignment_in: AssignmentCreate) -> Assignment:
    """Assign a promoter to a store from `starts_on` (until `ends_on`, or open)."""
    actor.require(Permission.assignments_manage)
    set_actor(session, actor)
    data = assignment_in.model_dump()
    _locked_store(session, actor, data["store_id"])
    _check_promoter(session, data["user_id"])
    _check_no_overlap(session, data["store_id"], data["user_id"], data["starts_on"], data["ends_on"])
    assignment = Assignment(**data)
    session.add(assignment)
    session.commit()
    return assignment


def _load(session: Session, actor: Principal, assignment_id: int) -> Assignment:
    assignment = load_for_update(session, Assignment, assignment_id, "Assignment")
    if not _visible(actor, assignment, session.get(Store, assignment.store_id)):
        raise not_found("Assignment", assignment_id)
    return assignment


def update_assignment(
    *,
    session: Session,
    actor: Principal,
    assignment_id: int,
    changes: AssignmentUpdate,
    expected_version: ExpectedVersion = None,
) -> Assignment:
    """Change an assignment's dates (e.g. end it); they may not come to overlap another."""
    actor.require(Permission.assignments_manage)
    set_actor(session, actor)
    assignment = _load(session, actor, assignment_id)
    _locked_store(session, actor, assignment.store_id)
    check_echo(changes, assignment, "Assignment")
    check_version(assignment, "Assignment", changes.version, expected_version)
    data = changes.model_dump(exclude_unset=True, exclude={"version"})
    starts = data.get("starts_on", assignment.starts_on)
    ends = data.get("ends_on", assignment.ends_on)
    if ends is not None and ends < starts:
        raise ValidationFailedError(
            [{"field": "ends_on", "message": "ends_on must not be before starts_on."}]
        )
    _check_no_overlap(session, assignment.store_id, assignment.user_id, starts, ends, exclude=assignment.id)
    apply_changes(assignment, data)
    session.commit()
    return assignment


def delete_assignment(
    *, session: Session, actor: Principal, assignment_id: int, expected_version: ExpectedVersion = None
) -> None:
    """Remove an assignment (end it instead to keep the history)."""
    actor.require(Permission.assignments_manage)
    set_actor(session, actor)
    assignment = _load(session, actor, assignment_id)
    _locked_store(session, actor, assignment.store_id)
    check_version(assignment, "Assignment", expected_version)
    session.delete(assignment)
    session.commit()


def promoter_choices(*, session: Session, actor: Principal) -> list[dict[str, Any]]:
    """The active promoters one may assign, by name."""
    actor.require(Permission.assignments_manage)
    rows = session.execute(
        select(col(User.id), col(User.full_name), col(User.email))
        .where(col(User.role) == Role.promoter, col(User.is_active).is_(True))
        .order_by(col(User.full_name))
    )
    return [{"id": uid, "label": name or email} for uid, name, email in rows]
