"""Reading sales: the list spec (with the labels tables show), who may see which sale, one sale, totals.

Scope: admin and office see every sale; a supervisor the sales of the stores they supervise; a
promoter their own. The same scope filters lists, single reads, totals, reports, exports and the
delivery of `sale.*` events (`visible_to`), and a sale outside it answers as one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, bindparam, func, select
from sqlmodel import Session

from oppo_kz.assignments.models import Assignment
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import table_of
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.listing import FieldSpec, Filter, ListQuery, Scope, TextSearch, field_for_column
from oppo_kz.lib.versioned import not_found
from oppo_kz.products.models import Product
from oppo_kz.sales.models import Sale, SalePublic
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role, User

SALES_TABLE = table_of(Sale)
STORES_TABLE = table_of(Store)
PRODUCTS_TABLE = table_of(Product)
PROMOTERS = table_of(User).alias("promoter")

SOURCE = (
    SALES_TABLE.join(STORES_TABLE, STORES_TABLE.c.id == SALES_TABLE.c.store_id)
    .join(PRODUCTS_TABLE, PRODUCTS_TABLE.c.id == SALES_TABLE.c.product_id)
    .join(PROMOTERS, PROMOTERS.c.id == SALES_TABLE.c.promoter_id)
)


def _label(name: str, column: Any) -> FieldSpec:
    return field_for_column(name, column, joined=True)


# Labels tables and exports show, and what reports group and filter by (city, chain, category, series).
LABELS = (
    _label("store_code", STORES_TABLE.c.code),
    _label("store_name", STORES_TABLE.c.name),
    _label("product_sku", PRODUCTS_TABLE.c.sku),
    _label("product_name", PRODUCTS_TABLE.c.name),
    _label("promoter_name", PROMOTERS.c.full_name),
    _label("city", STORES_TABLE.c.city),
    _label("chain", STORES_TABLE.c.chain),
    _label("category", PRODUCTS_TABLE.c.category),
    _label("series", PRODUCTS_TABLE.c.series),
)
SALES = listing.spec_for_table(
    SALES_TABLE,
    output=tuple(SalePublic.model_fields),
    extra=LABELS,
    source=SOURCE,
    search=TextSearch(fields=("imei", "product_name", "product_sku", "store_name", "store_code")),
    default_sort=(("sold_at", True),),  # newest first
)

_OF_SUPERVISED_STORES = SALES_TABLE.c.store_id.in_(
    select(STORES_TABLE.c.id).where(STORES_TABLE.c.supervisor_id == bindparam("scope_user"))
)
_OWN = SALES_TABLE.c.promoter_id == bindparam("scope_user")


def sale_scope(actor: Principal) -> Scope | None:
    """The sales `actor` may read, as SQL: None for all (admin, office)."""
    if actor.role in (Role.admin, Role.office):
        return None
    if actor.role == Role.supervisor:
        return Scope("supervisor", _OF_SUPERVISED_STORES, {"scope_user": actor.id})
    return Scope("own", _OWN, {"scope_user": actor.id})


def visible_to(actor: Principal, scope: dict[str, Any]) -> bool:
    """Whether a sale with this routing scope (an event's `scope`) is one `actor` may see."""
    if actor.role in (Role.admin, Role.office):
        return True
    if actor.role == Role.supervisor:
        return scope.get("supervisor_id") == actor.id
    return scope.get("promoter_id") == actor.id


def parse_query(params: Iterable[tuple[str, str]]) -> ListQuery:
    """A validated sales query from raw query-string pairs."""
    return listing.parse_query(SALES, params)


def list_sales(*, session: Session, actor: Principal, query: ListQuery) -> listing.Page:
    """One page of the sales `actor` may see (newest first unless sorted otherwise)."""
    actor.require(Permission.sales_read)
    return listing.fetch_page(session, SALES, query, scope=sale_scope(actor))


def sale_totals(*, session: Session, actor: Principal, query: ListQuery) -> dict[str, int]:
    """Units, tenge and count of every sale the query matches (not only the page), in `actor`'s scope."""
    actor.require(Permission.sales_read)
    s = SALES_TABLE.c
    row = listing.aggregate(
        session,
        SALES,
        query,
        scope=sale_scope(actor),
        columns=[func.coalesce(func.sum(s.quantity), 0), func.coalesce(func.sum(s.amount), 0), func.count()],
    )[0]
    return {"units": int(row[0]), "amount": int(row[1]), "count": int(row[2])}


def get_sale(*, session: Session, actor: Principal, sale_id: int) -> SalePublic:
    """One sale in `actor`'s scope, with its labels, or 404."""
    actor.require(Permission.sales_read)
    if not is_row_id(sale_id):
        raise not_found("Sale", sale_id)
    query = ListQuery(page_size=1, filters=(Filter("id", "eq", sale_id),))
    items = listing.fetch_page(session, SALES, query, scope=sale_scope(actor)).items()
    if not items:
        raise not_found("Sale", sale_id)
    return SalePublic.model_validate(items[0])


def load_events(connection: Connection, ids: list[int]) -> dict[int, tuple[dict[str, Any], dict[str, Any]]]:
    """Event data (the sale as GET shows it) and routing scope of sales, read in one query."""
    columns = [SALES.fields[name].column.label(name) for name in SALES.output]
    rows = connection.execute(
        select(*columns, STORES_TABLE.c.supervisor_id.label("_supervisor_id"))
        .select_from(SOURCE)
        .where(SALES_TABLE.c.id.in_(ids))
    ).mappings()
    found = {}
    for row in rows:
        data = SalePublic.model_validate({name: row[name] for name in SALES.output}).model_dump(mode="json")
        scope = {
            "store_id": row["store_id"],
            "promoter_id": row["promoter_id"],
            "supervisor_id": row["_supervisor_id"],
        }
        found[row["id"]] = (data, scope)
    return found


def reporting_choices(*, session: Session, actor: Principal) -> dict[str, list[dict[str, Any]]]:
    """What the sale form offers `actor`: the active stores they may report in (a promoter: those they
    are assigned to today) and, for head office, the active promoters to report for."""
    actor.require(Permission.sales_create)
    from oppo_kz.stores.service import STORES, store_scope

    query = ListQuery(page_size=200, sort=(), filters=(Filter("is_active", "eq", True),))
    stores = listing.fetch_page(session, STORES, query, scope=store_scope(actor)).items()
    choices: dict[str, list[dict[str, Any]]] = {
        "stores": [{"id": s["id"], "label": f"{s['name']} · {s['city']}", "code": s["code"]} for s in stores],
        "promoters": [],
    }
    if actor.role in (Role.admin, Role.office):
        users = session.execute(
            select(PROMOTERS.c.id, PROMOTERS.c.full_name, PROMOTERS.c.email)
            .where(PROMOTERS.c.role == Role.promoter, PROMOTERS.c.is_active.is_(True))
            .order_by(PROMOTERS.c.full_name)
        )
        choices["promoters"] = [{"id": u.id, "label": u.full_name or u.email} for u in users]
    return choices


def export_rows(*, session: Session, actor: Principal, query: ListQuery) -> Iterator[tuple[Any, ...]]:
    """Every sale the query matches in `actor`'s scope, in its order, as rows of `SALES.output`."""
    actor.require(Permission.sales_read)
    yield from listing.iterate(session, SALES, query, scope=sale_scope(actor))


def filter_choices(*, session: Session, actor: Principal) -> dict[str, list[dict[str, Any]]]:
    """The stores and promoters the sales list can be narrowed to: those in `actor`'s scope (a
    supervisor: their stores and the promoters ever assigned to them). A promoter gets none: the
    list holds their own sales only."""
    actor.require(Permission.sales_read)
    if actor.role == Role.promoter:
        return {"stores": [], "promoters": []}
    stores = select(STORES_TABLE.c.id, STORES_TABLE.c.name, STORES_TABLE.c.city).order_by(
        STORES_TABLE.c.name, STORES_TABLE.c.id
    )
    people = select(PROMOTERS.c.id, PROMOTERS.c.full_name, PROMOTERS.c.email).where(
        PROMOTERS.c.role == Role.promoter
    )
    if actor.role == Role.supervisor:
        stores = stores.where(STORES_TABLE.c.supervisor_id == actor.id)
        assigned = table_of(Assignment)
        people = people.where(
            PROMOTERS.c.id.in_(
                select(assigned.c.user_id)
                .join(STORES_TABLE, STORES_TABLE.c.id == assigned.c.store_id)
                .where(STORES_TABLE.c.supervisor_id == actor.id)
            )
        )
    return {
        "stores": [{"id": r.id, "label": f"{r.name} · {r.city}"} for r in session.execute(stores)],
        "promoters": [
            {"id": r.id, "label": r.full_name or r.email}
            for r in session.execute(people.order_by(PROMOTERS.c.full_name, PROMOTERS.c.id))
        ],
    }
