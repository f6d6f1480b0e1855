"""Who a message reaches: the audience as SQL (roles, cities, stores, people), its checks, and what
the compose form may offer."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from oppo_kz.assignments.models import Assignment
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import table_of, utcnow
from oppo_kz.core.errors import PermissionDeniedError, ValidationFailedError
from oppo_kz.lib.formatting import local_date
from oppo_kz.messages.models import (
    Audience,
)
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role, User

USERS_TABLE = table_of(User)
STORES_TABLE = table_of(Store)
ASSIGNMENTS_TABLE = table_of(Assignment)
HEAD_OFFICE = (Role.admin, Role.office)


def _stores_of_user(day: date) -> Any:
    """(user_id, store_id) of every assignment running on `day`, and every store's supervisor."""
    a = ASSIGNMENTS_TABLE.c
    assigned = select(a.user_id.label("user_id"), a.store_id.label("store_id")).where(
        a.starts_on <= day, or_(a.ends_on.is_(None), a.ends_on >= day)
    )
    supervised = select(
        STORES_TABLE.c.supervisor_id.label("user_id"), STORES_TABLE.c.id.label("store_id")
    ).where(STORES_TABLE.c.supervisor_id.is_not(None))
    return assigned.union_all(supervised).subquery("user_stores")


def _recipient_condition(audience: Audience, day: date) -> ColumnElement[bool] | None:
    """Who matches `audience`, as a condition on the users table (None: everyone)."""
    if audience.is_everyone():
        return None
    u = USERS_TABLE.c
    parts: list[ColumnElement[bool]] = []
    if audience.roles:
        parts.append(u.role.in_([r.value for r in audience.roles]))
    if audience.user_ids:
        parts.append(u.id.in_(audience.user_ids))
    if audience.store_ids or audience.cities:
        links = _stores_of_user(day)
        where: list[ColumnElement[bool]] = []
        if audience.store_ids:
            where.append(links.c.store_id.in_(audience.store_ids))
        if audience.cities:
            in_cities = select(STORES_TABLE.c.id).where(
                func.lower(STORES_TABLE.c.city).in_([c.lower() for c in audience.cities])
            )
            where.append(links.c.store_id.in_(in_cities))
        parts.append(u.id.in_(select(links.c.user_id).where(or_(*where))))
    return or_(*parts)


def recipient_ids(
    *, session: Session, audience: Audience, day: date | None = None, exclude: int | None = None
) -> list[int]:
    """The active users `audience` reaches on `day` (today in TIMEZONE by default), by id."""
    condition = _recipient_condition(audience, day or local_date(utcnow()))
    stmt = select(USERS_TABLE.c.id).where(USERS_TABLE.c.is_active.is_(True)).order_by(USERS_TABLE.c.id)
    if condition is not None:
        stmt = stmt.where(condition)
    if exclude is not None:
        stmt = stmt.where(USERS_TABLE.c.id != exclude)
    return [int(row[0]) for row in session.execute(stmt)]


def _missing(session: Session, table: Any, ids: Iterable[int]) -> list[int]:
    wanted = set(ids)
    if not wanted:
        return []
    found = {int(r[0]) for r in session.execute(select(table.c.id).where(table.c.id.in_(wanted)))}
    return sorted(wanted - found)


def check_audience(session: Session, actor: Principal, audience: Audience) -> None:
    """Every store and user named exists (422); a supervisor stays within their stores (403)."""
    problems = []
    if missing := _missing(session, STORES_TABLE, audience.store_ids):
        problems.append({"field": "audience.store_ids", "message": f"No store with the id(s) {missing}."})
    if missing := _missing(session, USERS_TABLE, audience.user_ids):
        problems.append({"field": "audience.user_ids", "message": f"No user with the id(s) {missing}."})
    if problems:
        raise ValidationFailedError(problems)
    if actor.role in HEAD_OFFICE:
        return
    refusal = PermissionDeniedError(
        "A supervisor writes only to the stores they supervise and to those stores' promoters.",
        details={"field": "audience"},
    )
    if audience.is_everyone() or audience.roles or audience.cities:
        raise refusal
    own_stores = {
        int(r[0])
        for r in session.execute(select(STORES_TABLE.c.id).where(STORES_TABLE.c.supervisor_id == actor.id))
    }
    if not set(audience.store_ids) <= own_stores:
        raise refusal
    if audience.user_ids:
        theirs = set(recipient_ids(session=session, audience=Audience(store_ids=sorted(own_stores))))
        promoters = {
            int(r[0])
            for r in session.execute(
                select(USERS_TABLE.c.id).where(
                    USERS_TABLE.c.id.in_(audience.user_ids), USERS_TABLE.c.role == Role.promoter.value
                )
            )
        }
        if not set(audience.user_ids) <= (theirs & promoters):
            raise refusal


# --- writes --------------------------------------------------------------------------------------


def audience_choices(*, session: Session, actor: Principal) -> dict[str, list[dict[str, Any]]]:
    """What the compose form offers `actor`: stores, cities and people they may address."""
    actor.require(Permission.messages_send)
    stores = select(STORES_TABLE.c.id, STORES_TABLE.c.name, STORES_TABLE.c.city).order_by(
        STORES_TABLE.c.name, STORES_TABLE.c.id
    )
    people = select(USERS_TABLE.c.id, USERS_TABLE.c.full_name, USERS_TABLE.c.email).where(
        USERS_TABLE.c.is_active.is_(True), USERS_TABLE.c.id != actor.id
    )
    cities: list[str] = []
    if actor.role in HEAD_OFFICE:
        cities = [
            str(c[0])
            for c in session.execute(select(STORES_TABLE.c.city).distinct().order_by(STORES_TABLE.c.city))
        ]
    else:
        stores = stores.where(STORES_TABLE.c.supervisor_id == actor.id)
        own = [
            int(r[0])
            for r in session.execute(
                select(STORES_TABLE.c.id).where(STORES_TABLE.c.supervisor_id == actor.id)
            )
        ]
        reachable = recipient_ids(session=session, audience=Audience(store_ids=own)) if own else []
        people = people.where(USERS_TABLE.c.id.in_(reachable), USERS_TABLE.c.role == Role.promoter.value)
    return {
        "stores": [{"id": r.id, "label": f"{r.name} · {r.city}"} for r in session.execute(stores)],
        "cities": [{"id": c, "label": c} for c in cities],
        "users": [
            {"id": r.id, "label": r.full_name or r.email}
            for r in session.execute(people.order_by(USERS_TABLE.c.full_name, USERS_TABLE.c.id))
        ],
    }
