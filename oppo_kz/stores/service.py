"""Stores: who may see which (row-level scope), the list, and every write behind its permission.

Scope: admin and office see every store; a supervisor the stores they supervise; a promoter the stores
they are assigned to today (in TIMEZONE). A store outside the caller's scope answers as one that does
not exist (404), so ids cannot be probed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import bindparam, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from oppo_kz.assignments.models import Assignment
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import set_actor, table_of, utcnow
from oppo_kz.core.errors import ConflictError, ValidationFailedError
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.formatting import local_date
from oppo_kz.lib.listing import ListQuery, Scope, TextSearch
from oppo_kz.lib.versioned import (
    ExpectedVersion,
    Versioned,
    apply_changes,
    not_found,
)
from oppo_kz.sales.models import Sale
from oppo_kz.stores.models import Store, StoreCreate, StorePublic, StoreReplace, StoresPage, StoreUpdate
from oppo_kz.users.models import Role, User

STORES_TABLE = table_of(Store)
ASSIGNMENTS_TABLE = table_of(Assignment)
STORES = listing.spec_for_table(
    STORES_TABLE,
    output=tuple(StorePublic.model_fields),
    search=TextSearch(fields=("code", "name", "city", "address")),
    overrides={"code": {"normalize": str.upper}},
)

# The scope conditions, one object per kind (their statements are cached per kind).
_SUPERVISED = STORES_TABLE.c.supervisor_id == bindparam("scope_user")

_STORE = Versioned(Store, "Store")


def assigned_on(store_id: Any, user: Any, day: Any) -> Any:
    """Whether `user` is assigned to `store_id` on `day` (SQL; any of them may be bind parameters)."""
    a = ASSIGNMENTS_TABLE.c
    return exists().where(
        a.store_id == store_id,
        a.user_id == user,
        a.starts_on <= day,
        or_(a.ends_on.is_(None), a.ends_on >= day),
    )


_ASSIGNED_TODAY = assigned_on(STORES_TABLE.c.id, bindparam("scope_user"), bindparam("scope_day"))


def today() -> date:
    """Today in TIMEZONE."""
    return local_date(utcnow())


def store_scope(actor: Principal, day: date | None = None) -> Scope | None:
    """The stores `actor` may read, as SQL: None for all (admin, office)."""
    if actor.role in (Role.admin, Role.office):
        return None
    if actor.role == Role.supervisor:
        return Scope("supervisor", _SUPERVISED, {"scope_user": actor.id})
    return Scope("promoter", _ASSIGNED_TODAY, {"scope_user": actor.id, "scope_day": day or today()})


def parse_query(params: Iterable[tuple[str, str]]) -> ListQuery:
    """A validated stores query from raw query-string pairs."""
    return listing.parse_query(STORES, params)


def list_stores(*, session: Session, actor: Principal, query: ListQuery) -> listing.Page:
    """One page of the stores `actor` may see."""
    actor.require(Permission.stores_read)
    return listing.fetch_page(session, STORES, query, scope=store_scope(actor))


def list_stores_page(*, session: Session, actor: Principal, query: ListQuery) -> StoresPage:
    """`list_stores` as the typed page the REST API documents."""
    page = list_stores(session=session, actor=actor, query=query)
    return page.typed(StoresPage, StorePublic.model_validate)


def get_store(*, session: Session, actor: Principal, store_id: int) -> Store:
    """One store in `actor`'s scope, or 404."""
    actor.require(Permission.stores_read)
    store = session.get(Store, store_id) if is_row_id(store_id) else None
    if store is None or not in_scope(session, actor, store):
        raise not_found("Store", store_id)
    return store


def in_scope(session: Session, actor: Principal, store: Store) -> bool:
    """Whether `store` is one `actor` may read."""
    scope = store_scope(actor)
    if scope is None:
        return True
    if scope.kind == "supervisor":
        return store.supervisor_id == actor.id
    return bool(session.execute(select(assigned_on(store.id, actor.id, today()))).scalar())


# --- writes --------------------------------------------------------------------------------------


def _check_supervisor(session: Session, supervisor_id: int | None) -> None:
    if supervisor_id is None:
        return
    user = session.get(User, supervisor_id)
    if user is None or not user.is_active or user.role != Role.supervisor:
        raise ValidationFailedError(
            [{"field": "supervisor_id", "message": f"User {supervisor_id} is not an active supervisor."}]
        )


def _code_taken(code: str) -> ConflictError:
    return ConflictError(
        f"A store with the code {code} already exists.", details={"field": "code", "code": code}
    )


def _ensure_code_free(session: Session, code: str, store_id: int | None = None) -> None:
    stmt = select(col(Store.id)).where(col(Store.code) == code)
    if store_id is not None:
        stmt = stmt.where(col(Store.id) != store_id)
    if session.execute(stmt.limit(1)).first() is not None:
        raise _code_taken(code)


def _commit(session: Session, code: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()  # another writer took the code between our check and our commit
        raise _code_taken(code) from None


def create_store(*, session: Session, actor: Principal, store_in: StoreCreate) -> Store:
    """Add a store; 409 when its code exists, 422 when the supervisor is not an active supervisor."""
    actor.require(Permission.stores_create)
    set_actor(session, actor)
    data = store_in.model_dump()
    _check_supervisor(session, data["supervisor_id"])
    _ensure_code_free(session, data["code"])
    store = Store(**data)
    session.add(store)
    _commit(session, data["code"])
    return store


def _change(
    session: Session,
    actor: Principal,
    store_id: int,
    body: StoreUpdate | StoreReplace,
    data: dict[str, Any],
    expected_version: ExpectedVersion,
) -> Store:
    store = _STORE.open(
        session, actor, Permission.stores_update, store_id, body.version, expected_version, echo=body
    )
    if "supervisor_id" in data and data["supervisor_id"] != store.supervisor_id:
        _check_supervisor(session, data["supervisor_id"])
    if "code" in data and data["code"] != store.code:
        _ensure_code_free(session, data["code"], store.id)
    apply_changes(store, data)
    _commit(session, store.code)
    return store


def update_store(
    *,
    session: Session,
    actor: Principal,
    store_id: int,
    changes: StoreUpdate,
    expected_version: ExpectedVersion = None,
) -> Store:
    """Change the fields sent; a stale `version` is a conflict."""
    data = changes.model_dump(exclude_unset=True, exclude={"version"})
    return _change(session, actor, store_id, changes, data, expected_version)


def replace_store(
    *,
    session: Session,
    actor: Principal,
    store_id: int,
    store_in: StoreReplace,
    expected_version: ExpectedVersion = None,
) -> Store:
    """Replace every editable field; the same version rule as `update_store`."""
    data = store_in.model_dump(include=set(StoreCreate.model_fields))
    return _change(session, actor, store_id, store_in, data, expected_version)


def delete_store(
    *, session: Session, actor: Principal, store_id: int, expected_version: ExpectedVersion = None
) -> None:
    """Delete a store without sales (its assignments go with it); one with sales is a conflict."""
    store = _STORE.open(session, actor, Permission.stores_delete, store_id, expected_version)
    if (
        session.execute(select(col(Sale.id)).where(col(Sale.store_id) == store.id).limit(1)).first()
        is not None
    ):
        raise ConflictError(
            f"Store {store.code} has sales, so it cannot be deleted; deactivate it instead (is_active: false).",
            details={"field": "id", "reason": "has_sales"},
        )
    session.delete(store)
    session.commit()


def supervisor_choices(*, session: Session, actor: Principal) -> list[dict[str, Any]]:
    """The active supervisors, by name (for a store's form and its list)."""
    actor.require(Permission.stores_read)
    rows = session.execute(
        select(col(User.id), col(User.full_name), col(User.email))
        .where(col(User.role) == Role.supervisor, col(User.is_active).is_(True))
        .order_by(col(User.full_name))
    )
    return [{"id": uid, "label": name or email} for uid, name, email in rows]


def store_cities(*, session: Session, actor: Principal) -> list[str]:
    """The cities of the stores `actor` may see, for a filter."""
    query = ListQuery(page_size=200, sort=())
    found = listing.aggregate(
        session, STORES, query, scope=store_scope(actor), columns=[STORES_TABLE.c.city],
        group_by=[STORES_TABLE.c.city], order_by=[STORES_TABLE.c.city],
    )  # fmt: skip
    return [str(row[0]) for row in found]
