"""A validated list query as SQL: conditions, text search, order, the page and its total.

Text search uses the indexes the migrations add: an FTS5 trigram table on SQLite (terms of three or
more characters) and pg_trgm GIN indexes on PostgreSQL, which serve ILIKE. Statements depend only
on a query's shape (fields, operators, search mode, sort), so each shape is built once.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from pydantic_core import to_json
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Row,
    Select,
    String,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter

from oppo_kz.core.db import driver_rows, driver_statement, read_engine, run_read
from oppo_kz.lib.listing.counts import count_cache
from oppo_kz.lib.listing.query import ListQuery, SortKey, validate_query
from oppo_kz.lib.listing.spec import ListSpec

# FTS5's trigram tokenizer can only match terms of at least three characters.
FTS_MIN_CHARS = 3


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_mode(spec: ListSpec, columns: tuple[str, ...], term: str, dialect: str) -> str:
    """`fts` when SQLite's trigram index can answer, `like` otherwise (pg_trgm serves ILIKE itself).

    SQLite's LIKE folds ASCII letters only, so a term with other letters (Қара, Чехол) that the
    index cannot answer is compared case-folded (`fold`), through a function of our own.
    """
    search = spec.search
    if (
        dialect == "sqlite"
        and search is not None
        and search.fts_table
        and len(term) >= FTS_MIN_CHARS
        and set(columns) <= set(search.fts_fields)
    ):
        return "fts"
    if dialect == "sqlite" and not term.isascii():
        return "fold"
    return "like"


def _search_value(spec: ListSpec, columns: tuple[str, ...], term: str, mode: str) -> str:
    if mode == "like":
        return _like_pattern(term)
    if mode == "fold":
        return _like_pattern(term.casefold())
    phrase = '"' + term.replace('"', '""') + '"'
    assert spec.search is not None
    return (
        phrase if set(columns) == set(spec.search.fts_fields) else "{" + " ".join(columns) + "} : " + phrase
    )


def _search_condition(
    spec: ListSpec, columns: tuple[str, ...], mode: str, dialect: str, param: Any
) -> ColumnElement[bool]:
    """Case-insensitive substring match on any of `columns`, using the search indexes."""
    if mode == "fts":
        fts_table = spec.search.fts_table if spec.search is not None else None
        assert fts_table, "fts mode needs an FTS table"
        fts = table(fts_table, column("rowid"))
        hits = select(fts.c.rowid).where(literal_column(fts_table).op("MATCH")(param))
        return spec.id_column.in_(hits)
    cols = [spec.fields[name].column for name in columns]
    if mode == "fold":
        parts = [func.oppo_casefold(c).like(param, escape="\\") for c in cols]
    elif dialect == "postgresql":
        parts = [c.ilike(param, escape="\\") for c in cols]
    else:  # SQLite's LIKE ignores (ASCII) case already
        parts = [c.like(param, escape="\\") for c in cols]
    return parts[0] if len(parts) == 1 else or_(*parts)


def _condition(spec: ListSpec, i: int, shape: tuple[str, ...], dialect: str) -> ColumnElement[bool]:
    name, op = shape[0], shape[1]
    field = spec.fields[name]
    col = field.column

    def value(suffix: str = "", expanding: bool = False) -> BindParameter[Any]:
        return bindparam(f"f{i}{suffix}", type_=col.type, expanding=expanding)

    if op == "eq":
        return col == value()
    if op == "ne":
        # "not Reno" includes rows without a series
        return or_(col != value(), col.is_(None)) if field.nullable else col != value()
    if op == "in":
        return col.in_(value(expanding=True))
    if op == "between":
        return and_(col >= value("_low"), col <= value("_high"))
    if op == "gte":
        return col >= value()
    if op == "lte":
        return col <= value()
    return _search_condition(spec, (name,), shape[2], dialect, bindparam(f"f{i}", type_=String()))


def _order_by(spec: ListSpec, sort: tuple[SortKey, ...]) -> list[Any]:
    order: list[Any] = []
    last_descending = False
    for key in sort:
        field = spec.fields[key.field]
        expr = field.column.desc() if key.descending else field.column.asc()
        # The same place for "no value" on both databases: last, whichever the direction.
        order.append(expr.nulls_last() if field.nullable else expr)
        last_descending = key.descending
        if field.column is spec.id_column:
            return order
    # id breaks ties, in the direction of the last key so one index can serve the whole ORDER BY
    order.append(spec.id_column.desc() if last_descending else spec.id_column.asc())
    return order


P = TypeVar("P")


@dataclass(frozen=True)
class Scope:
    """Which rows an actor may see, as a condition with bind parameters (built once per `kind`).

    A domain keeps one condition object per kind (e.g. "supervisor": stores.supervisor_id ==
    :scope_user) and hands its values in `params`; statements are cached per query shape and kind.
    """

    kind: str
    condition: ColumnElement[bool]
    params: dict[str, Any]

    @property
    def key(self) -> Hashable:
        return (self.kind, tuple(sorted(self.params.items())))


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a query's SQL depends on, apart from its values: equal shapes share their statements."""

    dialect: str
    filters: tuple[tuple[str, ...], ...]
    q_mode: str | None
    sort: tuple[SortKey, ...]
    joined: bool
    scope: tuple[str, ...]


def _shape_and_params(spec: ListSpec, query: ListQuery, dialect: str) -> tuple[_Shape, dict[str, Any]]:
    shapes: list[tuple[str, ...]] = []
    params: dict[str, Any] = {}
    for i, f in enumerate(query.filters):
        if f.op == "contains":
            mode = _search_mode(spec, (f.field,), f.value, dialect)
            shapes.append((f.field, f.op, mode))
            params[f"f{i}"] = _search_value(spec, (f.field,), f.value, mode)
            continue
        shapes.append((f.field, f.op))
        if f.op == "between":
            params[f"f{i}_low"], params[f"f{i}_high"] = f.value
        elif f.op == "in":
            params[f"f{i}"] = list(f.value)
        else:
            params[f"f{i}"] = f.value
    q_mode = None
    if query.q and spec.search is not None:
        q_mode = _search_mode(spec, spec.search.fields, query.q, dialect)
        params["q"] = _search_value(spec, spec.search.fields, query.q, q_mode)
    sort = query.sort or tuple(SortKey(name, descending) for name, descending in spec.default_sort)
    return _Shape(dialect, tuple(shapes), q_mode, sort, _needs_join(spec, query, sort), ()), params


def _needs_join(spec: ListSpec, query: ListQuery, sort: tuple[SortKey, ...]) -> bool:
    if spec.base is None:
        return False
    names = {f.field for f in query.filters} | {key.field for key in sort}
    if query.q and spec.search is not None:
        names |= set(spec.search.fields)
    return any(spec.fields[name].joined for name in names)


def _conditions(
    spec: ListSpec, shape: _Shape, where: Sequence[ColumnElement[bool]]
) -> tuple[list[ColumnElement[bool]], Any]:
    """The WHERE conditions of a query shape and the FROM clause they need."""
    conditions = [_condition(spec, i, f, shape.dialect) for i, f in enumerate(shape.filters)]
    if shape.q_mode is not None and spec.search is not None:
        param = bindparam("q", type_=String())
        conditions.append(_search_condition(spec, spec.search.fields, shape.q_mode, shape.dialect, param))
    conditions.extend(where)
    # Which rows: on the base table alone unless a filter, the sort or the search reads a label.
    matching = spec.source if shape.joined or spec.base is None else spec.base
    return conditions, matching


def _build(
    spec: ListSpec, shape: _Shape, where: Sequence[ColumnElement[bool]] = ()
) -> tuple[Select[Any], Select[Any]]:
    conditions, matching = _conditions(spec, shape, where)
    order = _order_by(spec, shape.sort)
    # Find the page's ids first (an index-only walk for the usual filters), then fetch those rows:
    # a deep page then skips index entries rather than whole rows.
    page_ids = (
        select(spec.id_column)
        .select_from(matching)
        .where(*conditions)
        .order_by(*order)
        .limit(bindparam("page_limit", type_=BigInteger()))
        .offset(bindparam("page_offset", type_=BigInteger()))
    )
    columns = [spec.fields[name].column.label(name) for name in spec.output]
    page = select(*columns).select_from(spec.source).where(spec.id_column.in_(page_ids)).order_by(*order)
    count = select(func.count()).select_from(matching).where(*conditions)
    return page, count


_STATEMENTS: dict[tuple[int, _Shape], tuple[Select[Any], Select[Any]]] = {}
_STATEMENTS_LOCK = threading.Lock()
_MAX_STATEMENTS = 2048


def _statements(spec: ListSpec, shape: _Shape, scopes: Sequence[Scope]) -> tuple[Select[Any], Select[Any]]:
    """The page and count statements of a query shape (and scope kind), built once: building costs
    more than running. Keyed by the spec's identity, as a spec and its scope conditions live forever."""
    key = (id(spec), shape)
    found = _STATEMENTS.get(key)
    if found is None:
        found = _build(spec, shape, [scope.condition for scope in scopes])
        with _STATEMENTS_LOCK:
            if len(_STATEMENTS) >= _MAX_STATEMENTS:
                _STATEMENTS.clear()
            _STATEMENTS[key] = found
    return found


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a list: its rows (in `spec.output` order) and the total of all matches."""

    spec: ListSpec
    query: ListQuery
    rows: Sequence[Row[Any] | tuple[Any, ...]]
    total: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.query.page_size)

    def items(self) -> list[dict[str, Any]]:
        """The rows as dicts of the spec's output fields."""
        names = self.spec.output
        return [dict(zip(names, row, strict=True)) for row in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """The contract's page: items, total, page, page_size, pages."""
        return {
            "items": self.items(),
            "total": self.total,
            "page": self.query.page,
            "page_size": self.query.page_size,
            "pages": self.pages,
        }

    def typed(self, page_model: Callable[..., P], item: Callable[[dict[str, Any]], Any]) -> P:
        """The page as the typed model a REST API documents, each row made by `item`."""
        return page_model(**{**self.to_dict(), "items": [item(row) for row in self.items()]})

    def to_json(self) -> bytes:
        """The page as the JSON a REST list answers with, built without model instances."""
        return to_json(self.to_dict())


def _total(
    conn: Connection,
    key: Hashable,
    spec: ListSpec,
    count: Select[Any],
    params: dict[str, Any],
    generation: tuple[int, ...],
) -> int:
    now = time.monotonic()
    cached = count_cache.get(key, spec.tables, now)
    if cached is not None:
        return cached
    total: int = conn.execute(count, params).scalar_one()
    count_cache.put(key, total, now, generation, spec.tables)
    return total


def _scopes(scope: Scope | Sequence[Scope] | None) -> tuple[Scope, ...]:
    return () if scope is None else (scope,) if isinstance(scope, Scope) else tuple(scope)


def aggregate_statement(
    session: Session,
    spec: ListSpec,
    query: ListQuery,
    *,
    columns: Sequence[Any],
    scope: Scope | Sequence[Scope] | None = None,
    group_by: Sequence[Any] = (),
    order_by: Sequence[Any] = (),
    join: bool = False,
    having: Sequence[Any] = (),
) -> tuple[Select[Any], dict[str, Any]]:
    """The statement `aggregate` runs and its parameters (to use it as a subquery)."""
    query = validate_query(spec, query)
    scopes = _scopes(scope)
    shape, params = _shape_and_params(spec, query, session.get_bind().dialect.name)
    shape = replace(shape, joined=shape.joined or (join and spec.base is not None))
    for extra in scopes:
        params |= extra.params
    conditions, matching = _conditions(spec, shape, [s.condition for s in scopes])
    stmt = select(*columns).select_from(matching).where(*conditions).group_by(*group_by)
    return stmt.having(*having).order_by(*order_by), params


def aggregate(session: Session, spec: ListSpec, query: ListQuery, **parts: Any) -> list[tuple[Any, ...]]:
    """`columns` (aggregates, group keys) over the rows a list query matches, in SQL (GROUP BY
    `group_by`, HAVING `having`); paging and sort are ignored. `join` when a column reads a joined
    table. The keywords are `aggregate_statement`'s."""
    stmt, params = aggregate_statement(session, spec, query, **parts)
    return [tuple(row) for row in session.connection().execute(stmt, params)]


def iterate(
    session: Session,
    spec: ListSpec,
    query: ListQuery,
    *,
    scope: Scope | Sequence[Scope] | None = None,
    batch: int = 2000,
) -> Iterator[tuple[Any, ...]]:
    """Every row the query matches (no paging), in its order, as tuples of `spec.output`; read from a
    server-side cursor `batch` rows at a time, so memory stays flat however many there are."""
    query = validate_query(spec, query)
    scopes = _scopes(scope)
    shape, params = _shape_and_params(spec, query, session.get_bind().dialect.name)
    for extra in scopes:
        params |= extra.params
    conditions, _matching = _conditions(spec, shape, [s.condition for s in scopes])
    columns = [spec.fields[name].column.label(name) for name in spec.output]
    stmt = select(*columns).select_from(spec.source).where(*conditions).order_by(*_order_by(spec, shape.sort))
    result = session.connection().execution_options(yield_per=batch).execute(stmt, params)
    for partition in result.partitions():
        for row in partition:
            yield tuple(row)


@dataclass(frozen=True, slots=True)
class _PagePlan:
    """What a page read runs: the page statement and its values, and how to count when it must."""

    query: ListQuery
    page: Select[Any]
    page_params: dict[str, Any]
    count: Select[Any]
    params: dict[str, Any]
    offset: int
    key: Hashable
    generation: tuple[int, ...]

    def total_without_count(self, rows: list[Any]) -> int | None:
        """The total when the page itself tells it (the last page, or nothing at all), else None."""
        if rows and len(rows) < self.query.page_size:
            return self.offset + len(rows)  # the last page: no need to count
        if not rows and self.query.page == 1:
            return 0
        return None


def _plan(
    spec: ListSpec, query: ListQuery, dialect: str, url: str, scope: Scope | Sequence[Scope] | None
) -> _PagePlan:
    scopes = _scopes(scope)
    query = validate_query(spec, query)
    # Taken before the first read, so a count from a snapshot older than a commit is never cached.
    generation = count_cache.generation(spec.tables)
    shape, params = _shape_and_params(spec, query, dialect)
    if scopes:
        shape = replace(shape, scope=tuple(s.kind for s in scopes))
        for extra in scopes:
            params |= extra.params
    page_stmt, count_stmt = _statements(spec, shape, scopes)
    offset = (query.page - 1) * query.page_size
    page_params = {**params, "page_limit": query.page_size, "page_offset": offset}
    key = (spec.name, url, query.filters, query.q, tuple(s.key for s in scopes))
    return _PagePlan(query, page_stmt, page_params, count_stmt, params, offset, key, generation)


def fetch_page(
    session: Session, spec: ListSpec, query: ListQuery, *, scope: Scope | Sequence[Scope] | None = None
) -> Page:
    """Run a list query, limited to `scope` (the actor's rows, and any condition of the domain's own,
    such as an assignment being active on a day) when given: the page's rows and the total."""
    conn = session.connection()
    plan = _plan(spec, query, session.get_bind().dialect.name, str(conn.engine.url), scope)
    rows = list(conn.execute(plan.page, plan.page_params))
    total = plan.total_without_count(rows)
    if total is None:
        total = _total(conn, plan.key, spec, plan.count, plan.params, plan.generation)
    return Page(spec=spec, query=plan.query, rows=rows, total=total)


async def fetch_page_async(
    spec: ListSpec, query: ListQuery, *, scope: Scope | Sequence[Scope] | None = None
) -> Page:
    """`fetch_page` from the event loop on PostgreSQL, on psycopg directly (`core.db.driver_rows`);
    a statement that needs SQLAlchemy's execution (an expanded IN list) runs through `run_read`."""
    plan = _plan(spec, query, "postgresql", str(read_engine().url), scope)
    page = driver_statement(plan.page)
    if page is None:
        return await run_read(lambda session: fetch_page(session, spec, query, scope=scope))
    rows = await driver_rows(page, plan.page_params)
    total = plan.total_without_count(rows)
    if total is None:
        now = time.monotonic()
        total = count_cache.get(plan.key, spec.tables, now)
        if total is None:
            count = driver_statement(plan.count)
            assert count is not None  # the page's own conditions, without IN lists
            total = int((await driver_rows(count, plan.params))[0][0])
            count_cache.put(plan.key, total, now, plan.generation, spec.tables)
    return Page(spec=spec, query=plan.query, rows=rows, total=total)


_ROW_STATEMENTS: dict[int, Select[Any]] = {}


def _row_statement(spec: ListSpec) -> Select[Any]:
    stmt = _ROW_STATEMENTS.get(id(spec))
    if stmt is None:
        columns = [spec.fields[name].column.label(name) for name in spec.output]
        stmt = select(*columns).select_from(spec.source).where(spec.id_column == bindparam("row_id"))
        _ROW_STATEMENTS[id(spec)] = stmt
    return stmt


def fetch_row(session: Session, spec: ListSpec, row_id: int) -> dict[str, Any] | None:
    """One row by id as a dict of the spec's output fields (what a list item is), or None."""
    row = session.connection().execute(_row_statement(spec), {"row_id": row_id}).first()
    return None if row is None else dict(zip(spec.output, row, strict=True))


async def fetch_row_async(spec: ListSpec, row_id: int) -> dict[str, Any] | None:
    """`fetch_row` from the event loop on PostgreSQL, on psycopg directly (`core.db.driver_rows`)."""
    stmt = driver_statement(_row_statement(spec))
    assert stmt is not None  # one id, no IN list
    rows = await driver_rows(stmt, {"row_id": row_id})
    return dict(zip(spec.output, rows[0], strict=True)) if rows else None
