"""Products: the list query (filters, sort, paging, search) and every write, each behind its permission.

The list query is parsed and validated here once, for REST query strings and for queries the UI
builds in code alike, and always runs as SQL. Text search uses the indexes of migration 0002: an
FTS5 trigram table on SQLite (terms of three or more characters), pg_trgm GIN indexes on PostgreSQL.
Writes load the row with SELECT ... FOR UPDATE (SQLite write sessions are serialised by BEGIN
IMMEDIATE already), compare `version`, and commit; the mapper hooks of `product_events` bump
`version` and `updated_at` and publish the change after the commit.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from pydantic_core import to_json
from sqlalchemy import (
    ColumnElement,
    Engine,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    column,
    event,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oppo_kz.core.errors import (
    ConflictError,
    InvalidFilterError,
    InvalidSortError,
    NotFoundError,
    ValidationFailedError,
)
from oppo_kz.models.common import is_row_id
from oppo_kz.models.product import (
    Category,
    Product,
    ProductCreate,
    ProductPublic,
    ProductReplace,
    ProductsPage,
    ProductUpdate,
    normalize_sku,
)
from oppo_kz.services.auth import Principal
from oppo_kz.services.permissions import Permission

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
MAX_PAGE = 2**31 - 1
MAX_IN_VALUES = 500
# Integer filter values must fit the databases' 64-bit integers; anything else is a client error.
_INT64 = 2**63 - 1
# FTS5's trigram tokenizer can only match terms of at least three characters.
FTS_MIN_CHARS = 3

# The objects migration 0002 adds for text search; autogenerate and the schema test leave them alone.
SEARCH_TABLE = "products_fts"
SEARCH_INDEXES = frozenset({"ix_products_name_trgm", "ix_products_sku_trgm"})


def is_search_object(name: str | None) -> bool:
    """Whether a table or index belongs to the text-search machinery (not described by the models)."""
    return bool(name) and (
        name == SEARCH_TABLE or name.startswith(SEARCH_TABLE + "_") or name in SEARCH_INDEXES
    )


# --- the query ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filter:
    """One condition: `field` `op` `value`, the value already typed (between: (a, b); in: a tuple)."""

    field: str
    op: str
    value: Any

    @property
    def parameter(self) -> str:
        """The query-string name of this filter, e.g. `price__between`."""
        return self.field if self.op == "eq" else f"{self.field}__{self.op}"


@dataclass(frozen=True)
class SortKey:
    field: str
    descending: bool = False


@dataclass(frozen=True)
class ProductQuery:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: tuple[SortKey, ...] = ()
    filters: tuple[Filter, ...] = ()
    q: str | None = None


INT, TEXT, ENUM, BOOL, DATE, DATETIME = "integer", "text", "category", "boolean", "date", "datetime"
OPERATORS = ("eq", "ne", "contains", "between", "in", "gte", "lte")
_ORDERED = frozenset({"eq", "ne", "in", "between", "gte", "lte"})
_OPS_BY_KIND: dict[str, frozenset[str]] = {
    INT: _ORDERED,
    DATE: _ORDERED,
    DATETIME: _ORDERED,
    # The contract's gte/lte/ne apply to every field: text compares in the database's order.
    TEXT: frozenset({"eq", "ne", "in", "contains", "gte", "lte"}),
    ENUM: frozenset({"eq", "ne", "in", "gte", "lte"}),
    BOOL: frozenset({"eq", "ne", "in"}),
}


@dataclass(frozen=True, slots=True)
class _Field:
    name: str
    kind: str
    nullable: bool

    @property
    def column(self) -> Any:
        # Core columns: list queries skip the ORM's per-statement work
        return Product.__table__.c[self.name]

    @property
    def operators(self) -> frozenset[str]:
        return _OPS_BY_KIND[self.kind]


FIELDS: dict[str, _Field] = {
    f.name: f
    for f in (
        _Field("id", INT, False),
        _Field("sku", TEXT, False),
        _Field("name", TEXT, False),
        _Field("category", ENUM, False),
        _Field("series", TEXT, True),
        _Field("color", TEXT, True),
        _Field("ram_gb", INT, True),
        _Field("storage_gb", INT, True),
        _Field("price", INT, False),
        _Field("stock", INT, False),
        _Field("is_active", BOOL, False),
        _Field("launch_date", DATE, True),
        _Field("created_at", DATETIME, False),
        _Field("updated_at", DATETIME, False),
        _Field("version", INT, False),
    )
}
RESERVED_PARAMETERS = ("page", "page_size", "sort", "q")


def filter_operators() -> dict[str, tuple[str, ...]]:
    """Every filterable field with its operators, in a stable order (for API docs and UIs)."""
    return {name: tuple(op for op in OPERATORS if op in f.operators) for name, f in FIELDS.items()}


def field_kind(name: str) -> str:
    """The value type of a product field: integer, text, category, boolean, date or datetime."""
    return FIELDS[name].kind


def _filter_error(parameter: str, message: str, **details: Any) -> InvalidFilterError:
    return InvalidFilterError(f"Filter {parameter!r}: {message}", details={"parameter": parameter, **details})


def _sort_error(item: str, message: str) -> InvalidSortError:
    return InvalidSortError(
        f"Sort {item!r}: {message}",
        details={"parameter": "sort", "field": item, "allowed": list(FIELDS)},
    )


# --- parsing raw query strings -------------------------------------------------------------------

_INT_RE = re.compile(r"^[+-]?[0-9]+$")


def _parse_scalar(spec: _Field, raw: str, parameter: str) -> Any:
    """Turn one raw string into the field's Python type, or raise `InvalidFilterError`."""
    if raw == "":
        raise _filter_error(parameter, "needs a value.", field=spec.name, value=raw)
    if spec.kind == INT:
        if not _INT_RE.match(raw.strip()):
            raise _filter_error(parameter, f"{raw!r} is not an integer.", field=spec.name, value=raw)
        return int(raw)
    if spec.kind == BOOL:
        lowered = raw.strip().lower()
        if lowered not in ("true", "false"):
            raise _filter_error(parameter, f"{raw!r} is not true or false.", field=spec.name, value=raw)
        return lowered == "true"
    if spec.kind == DATE:
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            raise _filter_error(
                parameter, f"{raw!r} is not an ISO date (YYYY-MM-DD).", field=spec.name, value=raw
            ) from None
    if spec.kind == DATETIME:
        return _parse_datetime(raw, parameter, spec.name)
    if spec.kind == ENUM:
        return raw.strip().lower()  # checked against the enum by the validator
    return raw


def _parse_datetime(raw: str, parameter: str, field: str) -> datetime:
    text = raw.strip()
    candidates = [text]
    # An unencoded "+05:00" arrives as " 05:00": a query string turns "+" into a space.
    if " " in text:
        head, _, tail = text.rpartition(" ")
        candidates.append(f"{head}+{tail}")
    for candidate in candidates:
        try:
            return datetime.fromisoformat(candidate)
        except ValueError:
            continue
    raise _filter_error(
        parameter,
        f"{raw!r} is not an ISO date-time (e.g. 2025-01-31T12:00:00Z).",
        field=field,
        value=raw,
    )


def _parse_filter(key: str, raw: str) -> Filter:
    field, sep, op = key.rpartition("__")
    if not sep:
        field, op = key, "eq"
    if op not in OPERATORS:
        raise _filter_error(key, f"unknown operator {op!r}.", operator=op, allowed_operators=list(OPERATORS))
    spec = FIELDS.get(field)
    if spec is None:
        raise _filter_error(key, f"unknown field {field!r}.", field=field, allowed_fields=list(FIELDS))
    if op not in spec.operators:
        return Filter(field, op, raw)  # the validator names the allowed operators
    value: Any
    if op == "between":
        parts = raw.split(",")
        if len(parts) != 2:
            raise _filter_error(key, "needs two values: low,high.", field=field, value=raw)
        value = (_parse_scalar(spec, parts[0], key), _parse_scalar(spec, parts[1], key))
    elif op == "in":
        value = tuple(_parse_scalar(spec, part, key) for part in raw.split(","))
    else:
        value = _parse_scalar(spec, raw, key)
    return Filter(field, op, value)


def _parse_int_parameter(name: str, raw: str) -> int:
    if not _INT_RE.match(raw.strip()):
        raise ValidationFailedError(
            [{"field": name, "message": f"{name} must be a whole number, not {raw!r}."}],
            f"The {name} parameter is not valid.",
        )
    return int(raw)


def _parse_sort(raw: str) -> tuple[SortKey, ...]:
    if raw.strip() == "":
        return ()
    keys = []
    for item in raw.split(","):
        name = item.strip()
        descending = name.startswith("-")
        name = name.lstrip("+-").strip()
        keys.append(SortKey(name if name else item, descending))
    return tuple(keys)


def parse_query(params: Sequence[tuple[str, str]] | Iterable[tuple[str, str]]) -> ProductQuery:
    """Build a validated `ProductQuery` from raw query-string pairs (repeated filters are ANDed)."""
    seen: dict[str, str] = {}
    filters: list[Filter] = []
    for key, raw in params:
        if key in RESERVED_PARAMETERS:
            if key in seen:
                message = f"The {key} parameter is given more than once."
                if key == "sort":
                    raise InvalidSortError(message, details={"parameter": "sort"})
                if key == "q":
                    raise InvalidFilterError(message, details={"parameter": "q"})
                raise ValidationFailedError([{"field": key, "message": message}], message)
            seen[key] = raw
        else:
            filters.append(_parse_filter(key, raw))
    query = ProductQuery(
        page=_parse_int_parameter("page", seen["page"]) if "page" in seen else 1,
        page_size=(
            _parse_int_parameter("page_size", seen["page_size"]) if "page_size" in seen else DEFAULT_PAGE_SIZE
        ),
        sort=_parse_sort(seen.get("sort", "")),
        filters=tuple(filters),
        q=seen.get("q"),
    )
    return validate_query(query)


# --- validating (for queries built in code as well) -----------------------------------------------


def _check_scalar(spec: _Field, value: Any, parameter: str) -> Any:
    """Check a typed value against the field's type and return it normalised."""

    def wrong(expected: str) -> InvalidFilterError:
        return _filter_error(
            parameter, f"{value!r} is not {expected}.", field=spec.name, value=_jsonable(value)
        )

    if spec.kind == INT:
        if isinstance(value, bool) or not isinstance(value, int):
            raise wrong("an integer")
        if not -_INT64 <= value <= _INT64:
            raise _filter_error(parameter, f"{value} is out of range.", field=spec.name, value=str(value))
        return value
    if spec.kind == BOOL:
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if spec.kind == DATE:
        if isinstance(value, datetime) or not isinstance(value, date):
            raise wrong("a date")
        return value
    if spec.kind == DATETIME:
        if not isinstance(value, datetime):
            raise wrong("a date-time")
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if spec.kind == ENUM:
        try:
            return Category(value)
        except ValueError:
            raise _filter_error(
                parameter,
                f"{value!r} is not a category; use one of {', '.join(c.value for c in Category)}.",
                field=spec.name,
                value=_jsonable(value),
                allowed_values=[c.value for c in Category],
            ) from None
    if not isinstance(value, str):
        raise wrong("text")
    if value == "":
        raise _filter_error(parameter, "needs a value.", field=spec.name, value=value)
    if "\x00" in value:
        raise _filter_error(parameter, "must not contain NUL characters.", field=spec.name)
    # SKUs are stored upper-cased; compare them the same way.
    return normalize_sku(value) if spec.name == "sku" else value


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _validate_filter(f: Filter) -> Filter:
    parameter = f.parameter
    if f.op not in OPERATORS:
        raise _filter_error(
            parameter, f"unknown operator {f.op!r}.", operator=f.op, allowed_operators=list(OPERATORS)
        )
    spec = FIELDS.get(f.field)
    if spec is None:
        raise _filter_error(
            parameter, f"unknown field {f.field!r}.", field=f.field, allowed_fields=list(FIELDS)
        )
    if f.op not in spec.operators:
        allowed = [op for op in OPERATORS if op in spec.operators]
        raise _filter_error(
            parameter,
            f"the operator {f.op!r} does not apply to {f.field} ({spec.kind}); use {', '.join(allowed)}.",
            field=f.field,
            operator=f.op,
            allowed_operators=allowed,
        )
    if f.op == "between":
        if not isinstance(f.value, tuple | list) or len(f.value) != 2:
            raise _filter_error(parameter, "needs two values: (low, high).", field=f.field)
        value: Any = tuple(_check_scalar(spec, v, parameter) for v in f.value)
    elif f.op == "in":
        if not isinstance(f.value, tuple | list | set | frozenset) or not f.value:
            raise _filter_error(parameter, "needs one or more values.", field=f.field)
        if len(f.value) > MAX_IN_VALUES:
            raise _filter_error(parameter, f"takes at most {MAX_IN_VALUES} values.", field=f.field)
        value = tuple(_check_scalar(spec, v, parameter) for v in f.value)
    else:
        if f.op == "contains" and isinstance(f.value, str) and f.field == "sku":
            # contains is case-insensitive already; keep the user's text as it is
            value = _check_scalar(FIELDS["name"], f.value, parameter)
        else:
            value = _check_scalar(spec, f.value, parameter)
    return f if value == f.value and type(value) is type(f.value) else replace(f, value=value)


def validate_query(query: ProductQuery) -> ProductQuery:
    """Check a query built in code or parsed from a URL; return it with values normalised."""
    errors = []
    if isinstance(query.page, bool) or not isinstance(query.page, int) or not 1 <= query.page <= MAX_PAGE:
        errors.append({"field": "page", "message": f"page must be a whole number from 1 to {MAX_PAGE}."})
    size = query.page_size
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        errors.append(
            {"field": "page_size", "message": f"page_size must be a whole number from 1 to {MAX_PAGE_SIZE}."}
        )
    if errors:
        raise ValidationFailedError(errors, "The paging parameters are not valid.")

    seen: set[str] = set()
    for key in query.sort:
        if key.field not in FIELDS:
            raise _sort_error(key.field, "unknown field; sort by " + ", ".join(FIELDS) + ".")
        if key.field in seen:
            raise _sort_error(key.field, "the field is given more than once.")
        seen.add(key.field)

    q = query.q
    if q is not None:
        if not isinstance(q, str):
            raise InvalidFilterError("The search text q must be text.", details={"parameter": "q"})
        if "\x00" in q:
            raise InvalidFilterError(
                "The search text q must not contain NUL characters.", details={"parameter": "q"}
            )
        q = q.strip() or None

    filters = tuple(_validate_filter(f) for f in query.filters)
    if filters == query.filters and q == query.q:
        return query
    return replace(query, filters=filters, q=q)


# --- SQL ---------------------------------------------------------------------------------------------


_PRODUCTS = Product.__table__
_PUBLIC_FIELDS = tuple(ProductPublic.model_fields)
_LIST_COLUMNS = tuple(_PRODUCTS.c[name] for name in _PUBLIC_FIELDS)
_FTS = table(SEARCH_TABLE, column("rowid"))
_SEARCH_COLUMNS = ("sku", "name")  # what `q` searches


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _search_mode(columns: tuple[str, ...], term: str, dialect: str) -> str:
    """`fts` when SQLite's trigram index can answer, `like` otherwise (pg_trgm serves ILIKE itself).

    SQLite's LIKE folds ASCII letters only, so a term with other letters (Қара, Чехол) that the
    index cannot answer is compared case-folded (`fold`), through a function of our own.
    """
    if dialect == "sqlite" and len(term) >= FTS_MIN_CHARS and set(columns) <= {"name", "sku"}:
        return "fts"
    if dialect == "sqlite" and not term.isascii():
        return "fold"
    return "like"


def _search_value(columns: tuple[str, ...], term: str, mode: str) -> str:
    if mode == "like":
        return _like_pattern(term)
    if mode == "fold":
        return _like_pattern(term.casefold())
    phrase = '"' + term.replace('"', '""') + '"'
    return phrase if columns == _SEARCH_COLUMNS else "{" + " ".join(columns) + "} : " + phrase


def _search_condition(columns: tuple[str, ...], mode: str, dialect: str, param: Any) -> ColumnElement[bool]:
    """Case-insensitive substring match on any of `columns`, using the search indexes."""
    if mode == "fts":
        hits = select(_FTS.c.rowid).where(literal_column(SEARCH_TABLE).op("MATCH")(param))
        return _PRODUCTS.c.id.in_(hits)
    cols = [_PRODUCTS.c[name] for name in columns]
    if mode == "fold":
        parts = [func.oppo_casefold(c).like(param, escape="\\") for c in cols]
    elif dialect == "postgresql":
        parts = [c.ilike(param, escape="\\") for c in cols]
    else:  # SQLite's LIKE ignores (ASCII) case already
        parts = [c.like(param, escape="\\") for c in cols]
    return parts[0] if len(parts) == 1 else or_(*parts)


def _condition(i: int, shape: tuple[str, ...], dialect: str) -> ColumnElement[bool]:
    field, op = shape[0], shape[1]
    spec = FIELDS[field]
    column = spec.column

    def value(suffix: str = "", expanding: bool = False) -> Any:
        return bindparam(f"f{i}{suffix}", type_=column.type, expanding=expanding)

    if op == "eq":
        return column == value()
    if op == "ne":
        # "not Reno" includes products without a series
        return or_(column != value(), column.is_(None)) if spec.nullable else column != value()
    if op == "in":
        return column.in_(value(expanding=True))
    if op == "between":
        return and_(column >= value("_low"), column <= value("_high"))
    if op == "gte":
        return column >= value()
    if op == "lte":
        return column <= value()
    return _search_condition((field,), shape[2], dialect, bindparam(f"f{i}", type_=String()))


def _order_by(sort: tuple[SortKey, ...]) -> list[Any]:
    order: list[Any] = []
    last_descending = False
    for key in sort:
        spec = FIELDS[key.field]
        expr = spec.column.desc() if key.descending else spec.column.asc()
        # The same place for "no value" on both databases: last, whichever the direction.
        order.append(expr.nulls_last() if spec.nullable else expr)
        last_descending = key.descending
        if key.field == "id":
            return order
    # id breaks ties, in the direction of the last key so one index can serve the whole ORDER BY
    order.append(_PRODUCTS.c.id.desc() if last_descending else _PRODUCTS.c.id.asc())
    return order


@dataclass(frozen=True, slots=True)
class _Shape:
    """What a query's SQL depends on, apart from its values: equal shapes share their statements."""

    dialect: str
    filters: tuple[tuple[str, ...], ...]
    q_mode: str | None
    sort: tuple[SortKey, ...]


def _shape_and_params(query: ProductQuery, dialect: str) -> tuple[_Shape, dict[str, Any]]:
    shapes: list[tuple[str, ...]] = []
    params: dict[str, Any] = {}
    for i, f in enumerate(query.filters):
        if f.op == "contains":
            mode = _search_mode((f.field,), f.value, dialect)
            shapes.append((f.field, f.op, mode))
            params[f"f{i}"] = _search_value((f.field,), f.value, mode)
            continue
        shapes.append((f.field, f.op))
        if f.op == "between":
            params[f"f{i}_low"], params[f"f{i}_high"] = f.value
        elif f.op == "in":
            params[f"f{i}"] = list(f.value)
        else:
            params[f"f{i}"] = f.value
    q_mode = None
    if query.q:
        q_mode = _search_mode(_SEARCH_COLUMNS, query.q, dialect)
        params["q"] = _search_value(_SEARCH_COLUMNS, query.q, q_mode)
    return _Shape(dialect, tuple(shapes), q_mode, query.sort), params


@lru_cache(maxsize=1024)
def _statements(shape: _Shape) -> tuple[Select[Any], Select[Any]]:
    """The page and count statements of a query shape, built once (building costs more than running)."""
    conditions = [_condition(i, f, shape.dialect) for i, f in enumerate(shape.filters)]
    if shape.q_mode is not None:
        conditions.append(
            _search_condition(_SEARCH_COLUMNS, shape.q_mode, shape.dialect, bindparam("q", type_=String()))
        )
    order = _order_by(shape.sort)
    # Find the page's ids first (an index-only walk for the usual filters), then fetch those rows:
    # a deep page then skips index entries rather than whole rows.
    page_ids = (
        select(_PRODUCTS.c.id)
        .where(*conditions)
        .order_by(*order)
        .limit(bindparam("page_limit", type_=Integer()))
        .offset(bindparam("page_offset", type_=Integer()))
    )
    page = select(*_LIST_COLUMNS).where(_PRODUCTS.c.id.in_(page_ids)).order_by(*order)
    count = select(func.count()).select_from(_PRODUCTS).where(*conditions)
    return page, count


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# --- total counts, cached per write generation --------------------------------------------------
#
# Counting every match is the dearest part of a list request on a big table, and the same filter is
# counted again and again while nobody writes. Every statement that writes to `products` through
# this process's engines marks its connection; the commit of such a connection bumps a generation
# counter, which invalidates every cached count. Writers in other processes (the app runs as one
# server process; scripts such as the seed) are covered by a time-to-live of ten seconds.


class _CountCache:
    def __init__(self, size: int = 512, ttl_seconds: float = 10.0) -> None:
        self.size = size
        self.ttl = ttl_seconds
        self.generation = 0
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], tuple[int, float, int]] = OrderedDict()

    def bump(self) -> None:
        with self._lock:
            self.generation += 1
            self._items.clear()

    def get(self, key: tuple[Any, ...], now: float) -> int | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            total, stored_at, generation = hit
            if generation != self.generation or now - stored_at > self.ttl:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return total

    def put(self, key: tuple[Any, ...], total: int, now: float, generation: int) -> None:
        with self._lock:
            if generation != self.generation:
                return  # a write committed while we counted
            self._items[key] = (total, now, generation)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


count_cache = _CountCache()
_WRITE_MARK = "oppo_products_written"
_WRITE_RE = re.compile(
    r"^\s*(insert|update|delete|truncate|replace|drop|alter)\b[^;]*\bproducts\b", re.I | re.S
)


@event.listens_for(Engine, "before_cursor_execute")
def _mark_product_writes(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
    if statement[:6].upper() != "SELECT" and _WRITE_RE.match(statement):
        conn.info[_WRITE_MARK] = True
        count_cache.bump()  # also now: a count taken before our commit must not be kept after it


@event.listens_for(Engine, "commit")
def _bump_on_commit(conn: Any) -> None:
    if conn.info.pop(_WRITE_MARK, False):
        count_cache.bump()


@event.listens_for(Engine, "rollback")
def _forget_on_rollback(conn: Any) -> None:
    conn.info.pop(_WRITE_MARK, None)


def _total(
    conn: Any, query: ProductQuery, count: Select[Any], params: dict[str, Any], generation: int
) -> int:
    key = (str(conn.engine.url), query.filters, query.q)
    now = time.monotonic()
    cached = count_cache.get(key, now)
    if cached is not None:
        return cached
    total = conn.execute(count, params).scalar_one()
    count_cache.put(key, total, now, generation)
    return total


# --- reads ---------------------------------------------------------------------------------------


def _page(session: Session, actor: Principal, query: ProductQuery) -> tuple[ProductQuery, list[Any], int]:
    actor.require(Permission.products_read)
    query = validate_query(query)
    # Taken before the first read, so a count from a snapshot older than a commit is never cached.
    generation = count_cache.generation
    shape, params = _shape_and_params(query, _dialect(session))
    page, count = _statements(shape)
    offset = (query.page - 1) * query.page_size
    conn = session.connection()
    rows = list(conn.execute(page, {**params, "page_limit": query.page_size, "page_offset": offset}))
    if rows and len(rows) < query.page_size:
        total = offset + len(rows)  # the last page: no need to count
    elif not rows and query.page == 1:
        total = 0
    else:
        total = _total(conn, query, count, params, generation)
    return query, rows, total


def list_products(*, session: Session, actor: Principal, query: ProductQuery) -> ProductsPage:
    """One page of products matching the query's filters and search, in its order, with the total."""
    query, rows, total = _page(session, actor, query)
    items = [
        ProductPublic.model_construct(None, **dict(zip(_PUBLIC_FIELDS, row, strict=True))) for row in rows
    ]
    return ProductsPage.model_construct(
        items=items,
        total=total,
        page=query.page,
        page_size=query.page_size,
        pages=math.ceil(total / query.page_size),
    )


def list_products_json(*, session: Session, actor: Principal, query: ProductQuery) -> bytes:
    """`list_products` as the JSON the REST API sends, built without model instances (the hot path)."""
    query, rows, total = _page(session, actor, query)
    return to_json(
        {
            "items": [dict(zip(_PUBLIC_FIELDS, row, strict=True)) for row in rows],
            "total": total,
            "page": query.page,
            "page_size": query.page_size,
            "pages": math.ceil(total / query.page_size),
        }
    )


def get_product(*, session: Session, actor: Principal, product_id: int) -> Product:
    """One product, or `NotFoundError`."""
    actor.require(Permission.products_read)
    product = session.get(Product, product_id) if is_row_id(product_id) else None
    if product is None:
        raise _not_found(product_id)
    return product


# --- writes --------------------------------------------------------------------------------------


def _not_found(product_id: Any) -> NotFoundError:
    return NotFoundError(f"Product {product_id} does not exist.", details={"id": product_id})


def _load_for_update(session: Session, product_id: int) -> Product:
    if not is_row_id(product_id):
        raise _not_found(product_id)
    product = session.scalars(
        select(Product)
        .where(Product.id == product_id)  # type: ignore[arg-type]
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if product is None:
        raise _not_found(product_id)
    return product


def _check_echoed_id(sent: int | None, product_id: int) -> None:
    if sent is not None and sent != product_id:
        raise ValidationFailedError(
            [
                {
                    "field": "id",
                    "message": f"The body is product {sent} but the URL names product {product_id}.",
                }
            ]
        )


def _check_echoed_created_at(sent: datetime | None, product: Product) -> None:
    # GET's body may come back as it was; trying to change when a product was created is an error.
    # (`updated_at` is the server's to set and is ignored; `version` guards against stale edits.)
    if sent is not None and sent.astimezone(UTC) != product.created_at:
        raise ValidationFailedError(
            [{"field": "created_at", "message": "created_at is set by the server and cannot be changed."}]
        )


def _check_version(product: Product, *expected: int | tuple[int, ...] | None) -> None:
    """Each expectation (the body's `version`, If-Match's tags) must name the current version."""
    for version in expected:
        allowed = version if isinstance(version, tuple) else (version,)
        if version is not None and product.version not in allowed:
            raise ConflictError(
                f"Product {product.id} was changed by someone else: you have version {version}, "
                f"the current one is {product.version}. Reload it and try again.",
                details={"field": "version", "current_version": product.version, "expected_version": version},
            )


def _sku_taken(sku: str) -> ConflictError:
    return ConflictError(
        f"A product with the SKU {sku} already exists.", details={"field": "sku", "sku": sku}
    )


def _ensure_sku_free(session: Session, sku: str, product_id: int | None = None) -> None:
    stmt = select(Product.id).where(Product.sku == sku)  # type: ignore[call-overload]
    if product_id is not None:
        stmt = stmt.where(Product.id != product_id)
    if session.execute(stmt.limit(1)).first() is not None:
        raise _sku_taken(sku)


def _commit(session: Session, sku: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        # Another writer took the SKU between our check and our commit.
        session.rollback()
        raise _sku_taken(sku) from None


def create_product(*, session: Session, actor: Principal, product_in: ProductCreate) -> Product:
    """Add a product; `ConflictError` when its SKU exists."""
    actor.require(Permission.products_create)
    data = product_in.model_dump(include=set(ProductCreate.model_fields))
    _ensure_sku_free(session, data["sku"])
    product = Product(**data)
    session.add(product)
    _commit(session, data["sku"])
    return product


def _apply(session: Session, product: Product, data: dict[str, Any]) -> None:
    if "sku" in data and data["sku"] != product.sku:
        _ensure_sku_free(session, data["sku"], product.id)
    for name, value in data.items():
        if getattr(product, name) != value:
            setattr(product, name, value)


def update_product(
    *,
    session: Session,
    actor: Principal,
    product_id: int,
    changes: ProductUpdate,
    expected_version: int | tuple[int, ...] | None = None,
) -> Product:
    """Change the fields sent; a stale `version` (in `changes` or `expected_version`) is a conflict."""
    actor.require(Permission.products_update)
    _check_echoed_id(changes.id, product_id)
    product = _load_for_update(session, product_id)
    _check_echoed_created_at(changes.created_at, product)
    _check_version(product, changes.version, expected_version)
    data = changes.model_dump(exclude_unset=True, exclude={"version"})
    _apply(session, product, data)
    _commit(session, product.sku)
    return product


def replace_product(
    *,
    session: Session,
    actor: Principal,
    product_id: int,
    product_in: ProductReplace,
    expected_version: int | tuple[int, ...] | None = None,
) -> Product:
    """Replace every editable field; the same version rule as `update_product`."""
    actor.require(Permission.products_update)
    _check_echoed_id(product_in.id, product_id)
    product = _load_for_update(session, product_id)
    _check_echoed_created_at(product_in.created_at, product)
    _check_version(product, product_in.version, expected_version)
    _apply(session, product, product_in.model_dump(include=set(ProductCreate.model_fields)))
    _commit(session, product.sku)
    return product


def delete_product(
    *,
    session: Session,
    actor: Principal,
    product_id: int,
    expected_version: int | tuple[int, ...] | None = None,
) -> None:
    """Delete a product; with `expected_version`, only if nobody changed it since."""
    actor.require(Permission.products_delete)
    product = _load_for_update(session, product_id)
    _check_version(product, expected_version)
    session.delete(product)
    session.commit()


__all__ = [
    "FIELDS",
    "OPERATORS",
    "Filter",
    "ProductQuery",
    "SortKey",
    "create_product",
    "delete_product",
    "filter_operators",
    "get_product",
    "is_search_object",
    "list_products",
    "list_products_json",
    "parse_query",
    "replace_product",
    "update_product",
    "validate_query",
]
