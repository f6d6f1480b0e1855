"""What a list can be filtered, sorted and searched by: one field spec per column, derived from the table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import BigInteger, Boolean, Date, DateTime, Float, Integer, Numeric, String, Table
from sqlalchemy import Enum as SAEnum
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FromClause
from sqlalchemy.sql.util import find_tables
from sqlalchemy.types import TypeDecorator, TypeEngine

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 200
RESERVED_PARAMETERS = ("page", "page_size", "sort", "q")


class Kind(StrEnum):
    """The value type of a field, which decides its operators and how raw text is parsed."""

    integer = "integer"
    number = "number"
    text = "text"
    enum = "enum"
    boolean = "boolean"
    date = "date"
    datetime = "datetime"


OPERATORS = ("eq", "ne", "contains", "between", "in", "gte", "lte")
_ORDERED = frozenset({"eq", "ne", "in", "between", "gte", "lte"})
OPERATORS_BY_KIND: dict[Kind, frozenset[str]] = {
    Kind.integer: _ORDERED,
    Kind.number: _ORDERED,
    Kind.date: _ORDERED,
    Kind.datetime: _ORDERED,
    # The contract's gte/lte/ne apply to every field: text compares in the database's order.
    Kind.text: frozenset({"eq", "ne", "in", "contains", "gte", "lte"}),
    Kind.enum: frozenset({"eq", "ne", "in", "gte", "lte"}),
    Kind.boolean: frozenset({"eq", "ne", "in"}),
}
# The integer columns' range (PostgreSQL INTEGER / BIGINT); a value outside it cannot match.
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One listed field: its type, the SQL expression it reads, and how values are normalised."""

    name: str
    kind: Kind
    column: ColumnElement[Any]
    nullable: bool = False
    choices: tuple[str, ...] = ()
    enum_class: type[Enum] | None = None
    normalize: Callable[[str], str] | None = None
    int_range: tuple[int, int] = INT64
    sortable: bool = True
    # A label read from a joined table (store_name on a sale): filtering, sorting or searching on it
    # makes the list query join; otherwise it runs on the base table alone.
    joined: bool = False

    @property
    def operators(self) -> frozenset[str]:
        """The filter operators this field accepts."""
        return OPERATORS_BY_KIND[self.kind]


@dataclass(frozen=True, slots=True)
class TextSearch:
    """What `q` searches, and the SQLite FTS5 trigram table (rowid = the row's id) that can answer it."""

    fields: tuple[str, ...]
    fts_table: str | None = None
    fts_fields: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class ListSpec:
    """A listable source: its fields, its id column, what `q` searches and what each item carries.

    Compared by identity, so that statements can be cached per spec.
    """

    name: str
    source: FromClause
    id_column: ColumnElement[int]
    fields: Mapping[str, FieldSpec]
    output: tuple[str, ...]
    search: TextSearch | None = None
    tables: frozenset[str] = field(default_factory=frozenset)
    # The base table alone, for queries that touch no joined label (None: `source` is the table).
    base: FromClause | None = None
    # The order when a query names none, as (field, descending) pairs; `id` always breaks ties.
    default_sort: tuple[tuple[str, bool], ...] = ()

    @property
    def sortable(self) -> tuple[str, ...]:
        """The fields a list may be sorted by, in their declared order."""
        return tuple(name for name, spec in self.fields.items() if spec.sortable)

    def operators(self) -> dict[str, tuple[str, ...]]:
        """Every filterable field with its operators, in a stable order (for API docs and UIs)."""
        return {name: tuple(op for op in OPERATORS if op in f.operators) for name, f in self.fields.items()}


def _base_type(sql_type: TypeEngine[Any]) -> TypeEngine[Any]:
    if isinstance(sql_type, TypeDecorator):
        impl: TypeEngine[Any] = sql_type.impl_instance
        return impl
    return sql_type


def field_for_column(name: str, column: ColumnElement[Any], **overrides: Any) -> FieldSpec:
    """A field spec whose kind, range and choices come from the column's SQL type."""
    sql_type = _base_type(column.type)
    values: dict[str, Any] = {"nullable": bool(getattr(column, "nullable", False))}
    if isinstance(sql_type, SAEnum):  # before String: an Enum is a String too
        values |= {"kind": Kind.enum, "choices": tuple(sql_type.enums), "enum_class": sql_type.enum_class}
    elif isinstance(sql_type, Boolean):
        values["kind"] = Kind.boolean
    elif isinstance(sql_type, Integer):
        values |= {"kind": Kind.integer, "int_range": INT64 if isinstance(sql_type, BigInteger) else INT32}
    elif isinstance(sql_type, Float | Numeric):
        values["kind"] = Kind.number
    elif isinstance(sql_type, DateTime):
        values["kind"] = Kind.datetime
    elif isinstance(sql_type, Date):
        values["kind"] = Kind.date
    elif isinstance(sql_type, String):
        values["kind"] = Kind.text
    else:
        raise TypeError(f"no list kind for column {name} of type {column.type!r}")
    return FieldSpec(name=name, column=column, **(values | overrides))


def spec_for_table(
    table: Table,
    *,
    name: str | None = None,
    output: Iterable[str] | None = None,
    search: TextSearch | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    exclude: Iterable[str] = (),
    extra: Iterable[FieldSpec] = (),
    source: FromClause | None = None,
    default_sort: tuple[tuple[str, bool], ...] = (),
) -> ListSpec:
    """A spec with a field for every column of `table` (but `exclude`), plus `extra` fields (labels).

    `overrides` changes a field's spec (e.g. `{"sku": {"normalize": str.upper}}`); `source` is the
    FROM clause when the extra fields come from joined tables (mark those `joined=True`).
    """
    skipped = set(exclude)
    changes = overrides or {}
    fields: dict[str, FieldSpec] = {
        col.name: field_for_column(col.name, col, **changes.get(col.name, {}))
        for col in table.columns
        if col.name not in skipped
    }
    fields.update({f.name: f for f in extra})
    from_clause = source if source is not None else table
    return ListSpec(
        name=name or table.name,
        source=from_clause,
        id_column=table.c.id,
        fields=fields,
        output=tuple(output) if output is not None else tuple(fields),
        search=search,
        tables=frozenset(t.name for t in find_tables(from_clause, include_joins=False)) | {table.name},
        base=table if source is not None else None,
        default_sort=default_sort,
    )
