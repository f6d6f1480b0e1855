"""Daily sales summaries, kept in the transaction of every sale write, that the reports read instead of
the sales when a report's filters and grouping only touch what a summary holds.

Two grains, chosen from what 1M bench sales over 90 days give (62 stores, 120 promoters, 87 phones):
one row per (day, store, promoter, product, status) would be 7 444 rows a day — hardly fewer than the
11 000 sales —, so the summaries leave one of the two dimensions out each:

- `sales_summary_staff`   (sale_date, store_id, promoter_id, status): ~352 rows a day, 32k in all;
  day, month, store, city, chain and promoter reports, the supervisor's and the promoter's scope;
- `sales_summary_product` (sale_date, product_id, status): ~259 rows a day, 23.5k in all; product,
  series and category reports (head office's scope only: it holds no store).

Each row carries `units` (the sum of quantity), `amount` (₸) and `sales_count`. A row can fall to zero
(its last sale deleted or moved): readers group with `HAVING sum(sales_count) > 0`; a rebuild drops such
rows.

How it is kept: an `after_flush` hook turns each flushed Sale (created, changed in any of its key or
measure columns, deleted) into signed deltas per summary row, collected for the transaction; just before
the commit they are applied with one `INSERT ... ON CONFLICT DO UPDATE SET units = units + excluded.units`
per summary, rows in key order — so two PostgreSQL writers that touch the same rows lock them in the
same order (no deadlock) and each adds its own delta under the row lock (no lost count). A rollback
forgets the deltas with the transaction. An ORM bulk statement on sales (`session.execute(insert(Sale),
rows)`, as the demo seed does; update/delete statements alike) marks the transaction's summaries stale
and they are rebuilt from the sales before that commit. Writes that bypass the ORM (a loader on the raw
driver, COPY) must call `rebuild()` afterwards: `python -m oppo_kz.sales.rebuild`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    event,
    func,
    inspect,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from oppo_kz.core.db import table_of, transaction_info
from oppo_kz.sales.models import Sale

MEASURES = ("units", "amount", "sales_count")


def _table(name: str, *keys: Column[Any]) -> Table:
    return Table(
        name,
        SQLModel.metadata,
        *keys,
        Column("units", BigInteger, nullable=False),
        Column("amount", BigInteger, nullable=False),
        Column("sales_count", BigInteger, nullable=False),
        # SQLite keeps the rows in primary-key order: a day range reads them directly (no rowid lookups).
        sqlite_with_rowid=False,
    )


STAFF = _table(
    "sales_summary_staff",
    Column("sale_date", Date, primary_key=True),
    Column("store_id", Integer, primary_key=True),
    Column("promoter_id", Integer, primary_key=True),
    Column("status", String(20), primary_key=True),
)
PRODUCT = _table(
    "sales_summary_product",
    Column("sale_date", Date, primary_key=True),
    Column("product_id", Integer, primary_key=True),
    Column("status", String(20), primary_key=True),
)
# Covering indexes, so a report by store, by promoter (or a promoter's own) and by product reads one
# narrow index in its grouping order (no sort, no row lookups); day reports read the primary key.
INDEXES = {
    "ix_sales_summary_staff_store": (STAFF, ("store_id", "sale_date", "status", "promoter_id", *MEASURES)),
    "ix_sales_summary_staff_promoter": (STAFF, ("promoter_id", "sale_date", "status", "store_id", *MEASURES)),
    "ix_sales_summary_product_product": (PRODUCT, ("product_id", "sale_date", "status", *MEASURES)),
}
for _name, (_table_of_index, _columns) in INDEXES.items():
    Index(_name, *(_table_of_index.c[c] for c in _columns))
SUMMARIES = (STAFF, PRODUCT)
_SALES = table_of(Sale)
# The sale columns a summary row depends on: a change to any other column changes no summary.
_WATCHED = ("sale_date", "store_id", "promoter_id", "product_id", "status", "quantity", "amount")
_DELTAS = "oppo_summary_deltas"
_STALE = "oppo_summary_stale"

Deltas = dict[Table, dict[tuple[Any, ...], list[int]]]


def key_columns(table: Table) -> tuple[str, ...]:
    """The sale columns a summary is keyed by (its primary key, in order)."""
    return tuple(c.name for c in table.primary_key.columns)


class _UnknownValueError(Exception):
    """A sale's previous value is not loaded: the summaries are rebuilt instead of patched."""


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def _current(sale: Sale) -> dict[str, Any]:
    return {name: _plain(getattr(sale, name)) for name in _WATCHED}


def _previous(sale: Sale) -> dict[str, Any]:
    """The values the database holds for `sale` before this flush."""
    state = inspect(sale)
    values = {}
    for name in _WATCHED:
        history = state.attrs[name].history
        if history.deleted:
            values[name] = _plain(history.deleted[0])
        elif history.unchanged:
            values[name] = _plain(history.unchanged[0])
        elif not history.added:
            values[name] = _plain(getattr(sale, name))
        else:
            raise _UnknownValueError(name)
    return values


def _add(deltas: Deltas, values: dict[str, Any], sign: int) -> None:
    for table in SUMMARIES:
        key = tuple(values[name] for name in key_columns(table))
        row = deltas.setdefault(table, {}).setdefault(key, [0, 0, 0])
        row[0] += sign * int(values["quantity"])
        row[1] += sign * int(values["amount"])
        row[2] += sign


def _collect(session: Session, _flush_context: Any) -> None:
    """After a flush: the summary deltas of every sale it wrote, kept for the transaction."""
    txn = transaction_info(session)
    deltas: Deltas = txn.setdefault(_DELTAS, {})
    try:
        for sale in session.new:
            if isinstance(sale, Sale):
                _add(deltas, _current(sale), +1)
        for sale in session.deleted:
            if isinstance(sale, Sale):
                _add(deltas, _previous(sale), -1)
        for sale in session.dirty:
            if isinstance(sale, Sale) and session.is_modified(sale, include_collections=False):
                before, after = _previous(sale), _current(sale)
                if before != after:
                    _add(deltas, before, -1)
                    _add(deltas, after, +1)
    except _UnknownValueError:
        txn[_STALE] = True


def _bulk_statement(state: Any) -> None:
    """An ORM INSERT/UPDATE/DELETE statement on sales: rebuild the summaries before the commit."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) == _SALES.name:
            transaction_info(state.session)[_STALE] = True


def _write(session: Session) -> None:
    """Just before the commit: apply the transaction's deltas (or rebuild, if they are unknown)."""
    if session.in_nested_transaction():
        return
    if session.new or session.dirty or session.deleted:
        session.flush()
    txn = transaction_info(session)
    deltas: Deltas | None = txn.pop(_DELTAS, None)
    if txn.pop(_STALE, False):
        rebuild(session.connection())
    elif deltas:
        apply(session.connection(), deltas)


def _insert(connection: Connection, table: Table) -> Any:
    return (pg_insert if connection.dialect.name == "postgresql" else sqlite_insert)(table)


def apply(connection: Connection, deltas: Deltas) -> None:
    """Add signed deltas to summary rows (created when missing), each summary in key order."""
    for table in SUMMARIES:
        names = key_columns(table)
        rows = [
            dict(zip((*names, *MEASURES), (*key, *measures), strict=True))
            for key, measures in sorted(deltas.get(table, {}).items(), key=lambda item: _order(item[0]))
            if any(measures)
        ]
        if not rows:
            continue
        insert = _insert(connection, table)
        stmt = insert.on_conflict_do_update(
            index_elements=list(names),
            set_={name: table.c[name] + insert.excluded[name] for name in MEASURES},
        )
        connection.execute(stmt, rows)


def _order(key: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(v.isoformat() if isinstance(v, date) else v for v in key)


def rebuild(connection: Connection, summaries: Iterable[Table] = SUMMARIES) -> None:
    """Recompute the summaries from every sale (in the caller's transaction)."""
    s = _SALES.c
    for table in summaries:
        names = key_columns(table)
        keys = [s[name] for name in names]
        connection.execute(table.delete())
        counted = select(*keys, func.sum(s.quantity), func.sum(s.amount), func.count()).group_by(*keys)
        connection.execute(table.insert().from_select([*names, *MEASURES], counted))


def _forget(session: Session) -> None:
    """A rollback: the deltas of the transaction go with it (AppSession forgets them itself; this
    covers plain sessions too)."""
    txn = transaction_info(session)
    txn.pop(_DELTAS, None)
    txn.pop(_STALE, None)


event.listen(Session, "after_rollback", _forget)
event.listen(Session, "after_flush", _collect)
event.listen(Session, "do_orm_execute", _bulk_statement)
event.listen(Session, "before_commit", _write)
