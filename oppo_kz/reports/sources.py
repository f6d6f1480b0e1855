"""Where a report's sums come from: a daily sales summary (oppo_kz/sales/summary.py) when the report's
grouping, filters and scope only touch what that summary holds, else the sales themselves.

A summary answers exactly what the sales would: the same filter fields (each summary column stands in
for the sale column of the same name, the joined store, promoter and product labels are the same
tables joined on the summary's ids), the same scope (a supervisor's stores, a promoter's own sales),
sums of the sums, and groups whose every sale was deleted or moved left out (HAVING). A text search
(`q`) or a `contains` filter always reads the sales: their search indexes decide what matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from oppo_kz.auth.service import Principal
from oppo_kz.lib import listing
from oppo_kz.lib.listing import ListQuery, ListSpec, Scope
from oppo_kz.lib.reporting import month_key
from oppo_kz.sales.queries import PRODUCTS_TABLE, PROMOTERS, SALES, SALES_TABLE, STORES_TABLE, sale_scope
from oppo_kz.sales.summary import MEASURES, PRODUCT, STAFF

_S = SALES_TABLE.c
# The sale field each grouping reads (None: one row, no grouping).
GROUP_FIELD: dict[str | None, str | None] = {
    None: None, "day": "sale_date", "month": "sale_date", "store": "store_id", "city": "city",
    "chain": "chain", "promoter": "promoter_id", "product": "product_id", "series": "series",
    "category": "category",
}  # fmt: skip


@dataclass(frozen=True, eq=False)
class Source:
    """A table to sum over: its list spec (the sales filter fields it can answer), the columns that
    stand for the sale's own columns, its measures (units, ₸, count) and its scope per actor."""

    name: str
    spec: ListSpec
    columns: Any
    measures: tuple[ColumnElement[Any], ColumnElement[Any], ColumnElement[Any]]
    scope: Callable[[Principal], Scope | None]
    having: tuple[ColumnElement[bool], ...] = ()

    def answers(self, query: ListQuery, group_by: str | None, actor: Principal) -> bool:
        """Whether this source holds every field the report groups, filters and is scoped by."""
        if query.q or any(f.op == "contains" for f in query.filters):
            return False
        needed = {f.field for f in query.filters}
        if (field := GROUP_FIELD[group_by]) is not None:
            needed.add(field)
        own = sale_scope(actor)
        if own is not None:
            needed.add("store_id" if own.kind == "supervisor" else "promoter_id")
        return needed <= set(self.spec.fields)


RAW = Source(
    "sales",
    SALES,
    _S,
    (func.coalesce(func.sum(_S.quantity), 0), func.coalesce(func.sum(_S.amount), 0), func.count()),
    sale_scope,
)


def _summary(table: Table, labels: tuple[str, ...], source: Any) -> Source:
    c = table.c
    fields = {
        name: replace(SALES.fields[name], column=c[name]) if name in c else SALES.fields[name]
        for name in (*[col.name for col in table.primary_key.columns], *labels)
    }
    spec = ListSpec(
        name=table.name, source=source, id_column=c.sale_date, fields=fields, output=(),
        tables=frozenset({table.name, STORES_TABLE.name, PRODUCTS_TABLE.name}), base=table,
    )  # fmt: skip
    conditions: dict[str, ColumnElement[bool]] = {}
    if "store_id" in c:
        supervised = select(STORES_TABLE.c.id).where(STORES_TABLE.c.supervisor_id == bindparam("scope_user"))
        conditions["supervisor"] = c.store_id.in_(supervised)
    if "promoter_id" in c:
        conditions["own"] = c.promoter_id == bindparam("scope_user")

    def scope(actor: Principal) -> Scope | None:
        own = sale_scope(actor)
        return None if own is None else Scope(own.kind, conditions[own.kind], own.params)

    return Source(
        table.name, spec, c,
        (func.coalesce(func.sum(c.units), 0), func.coalesce(func.sum(c.amount), 0),
         func.coalesce(func.sum(c.sales_count), 0)),
        scope, having=(func.sum(c.sales_count) > 0,),
    )  # fmt: skip


STAFF_SOURCE = _summary(
    STAFF,
    ("store_code", "store_name", "city", "chain", "promoter_name"),
    STAFF.join(STORES_TABLE, STORES_TABLE.c.id == STAFF.c.store_id).join(
        PROMOTERS, PROMOTERS.c.id == STAFF.c.promoter_id
    ),
)
PRODUCT_SOURCE = _summary(
    PRODUCT,
    ("product_sku", "product_name", "category", "series"),
    PRODUCT.join(PRODUCTS_TABLE, PRODUCTS_TABLE.c.id == PRODUCT.c.product_id),
)
# The smaller summary first where both answer (day and month reports of head office).
SUMMARY_SOURCES = (PRODUCT_SOURCE, STAFF_SOURCE)


def grouping(group_by: str, dialect: str, c: Any) -> tuple[Any, Any, list[Any], bool]:
    """The key, the label, the GROUP BY list and whether it reads a joined table; `c` holds the
    summed table's sale_date, store_id, promoter_id and product_id columns."""
    if group_by == "day":
        return c.sale_date, c.sale_date, [c.sale_date], False
    if group_by == "month":
        key = month_key(c.sale_date, dialect)
        return key, key, [key], False
    if group_by == "store":
        return c.store_id, STORES_TABLE.c.name, [c.store_id, STORES_TABLE.c.name], True
    if group_by == "promoter":
        return c.promoter_id, PROMOTERS.c.full_name, [c.promoter_id, PROMOTERS.c.full_name], True
    if group_by == "product":
        return c.product_id, PRODUCTS_TABLE.c.name, [c.product_id, PRODUCTS_TABLE.c.name], True
    column = {
        "city": STORES_TABLE.c.city,
        "chain": STORES_TABLE.c.chain,
        "series": PRODUCTS_TABLE.c.series,
        "category": PRODUCTS_TABLE.c.category,
    }[group_by]
    return column, column, [column], True


def source_for(query: ListQuery, group_by: str | None, actor: Principal, *, summary: bool = True) -> Source:
    """The first summary that answers the report, else the sales (always, with `summary=False`)."""
    if summary:
        for source in SUMMARY_SOURCES:
            if source.answers(query, group_by, actor):
                return source
    return RAW


# A grouping by a store, promoter or product label: the summary id it first sums by, and the label's table.
_LABELLED: dict[str, tuple[str, Any]] = {
    "store": ("store_id", STORES_TABLE), "city": ("store_id", STORES_TABLE),
    "chain": ("store_id", STORES_TABLE), "promoter": ("promoter_id", PROMOTERS),
    "product": ("product_id", PRODUCTS_TABLE), "series": ("product_id", PRODUCTS_TABLE),
    "category": ("product_id", PRODUCTS_TABLE),
}  # fmt: skip


def _ordered(group_by: str, key: Any, measures: tuple[Any, ...]) -> list[Any]:
    return [key] if group_by in ("day", "month") else [measures[1].desc(), measures[0].desc(), key]


def _by_label(session: Session, source: Source, query: ListQuery, actor: Principal, group_by: str) -> Any:
    """Sum the summary by the label's id first (no join: tens of thousands of rows read alone), then
    join the label onto those sums (dozens of rows) and group them by it."""
    id_name, table = _LABELLED[group_by]
    c = source.columns
    sums, params = listing.aggregate_statement(
        session, source.spec, query, scope=source.scope(actor), group_by=[c[id_name]],
        columns=[c[id_name], *(func.sum(c[name]).label(name) for name in MEASURES)],
    )  # fmt: skip
    g = sums.subquery("sums")
    key, label, group, _join = grouping(group_by, session.get_bind().dialect.name, g.c)
    measures = tuple(func.coalesce(func.sum(g.c[name]), 0) for name in MEASURES)
    stmt = (
        select(key, label, *measures)
        .select_from(g.join(table, table.c.id == g.c[id_name]))
        .group_by(*group)
        .having(func.sum(g.c.sales_count) > 0)
        .order_by(*_ordered(group_by, key, measures))
    )
    return session.connection().execute(stmt, params)


def summed(
    session: Session, query: ListQuery, actor: Principal, group_by: str, *, summary: bool = True
) -> list[tuple[Any, ...]]:
    """(key, label, units, amount, count) per group of the sales `query` counts in `actor`'s scope:
    day and month in key order, the rest by amount, highest first."""
    source = source_for(query, group_by, actor, summary=summary)
    if (
        source is not RAW
        and group_by in _LABELLED
        and not any(source.spec.fields[f.field].joined for f in query.filters)
    ):
        return [tuple(row) for row in _by_label(session, source, query, actor, group_by)]
    key, label, group, join = grouping(group_by, session.get_bind().dialect.name, source.columns)
    return listing.aggregate(
        session, source.spec, query, scope=source.scope(actor), join=join, group_by=group,
        columns=[key, label, *source.measures], order_by=_ordered(group_by, key, source.measures),
        having=source.having,
    )  # fmt: skip
