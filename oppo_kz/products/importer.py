"""Importing products from a CSV or XLSX file: rows upsert by SKU, all or nothing.

The header row names product fields (read-only ones such as `id` or `version`, which an export
carries, are ignored). Each row is checked by the same schemas as a single write (`ProductCreate`
for a new SKU, `ProductUpdate` for an existing one), written through the same service helpers and
so audited and announced like them. Any invalid row refuses the whole file with every row's errors.
An empty cell means "not given": a new product takes the default, an existing one keeps its value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session, col, select

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import set_actor
from oppo_kz.core.errors import ConflictError, PayloadTooLargeError, ValidationFailedError
from oppo_kz.lib.listing import Kind
from oppo_kz.lib.validation import field_errors
from oppo_kz.products.models import (
    EDITABLE_FIELDS,
    ImportResult,
    Product,
    ProductCreate,
    ProductUpdate,
    normalize_sku,
)
from oppo_kz.products.service import PRODUCTS, add_product, apply_product_changes, commit_products

MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
# What an export carries that the server sets itself.
READ_ONLY = frozenset({"id", "created_at", "updated_at", "version"})
HEADER_ROW = 0  # errors about the header row; data rows count from 1
_TRUE = frozenset({"true", "1", "yes", "y", "да", "иә", "ия"})
_FALSE = frozenset({"false", "0", "no", "n", "нет", "жоқ"})
_DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_LOOKUP_CHUNK = 500


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    errors: list[dict[str, Any]] = field(default_factory=list)


def _file_error(message: str) -> ValidationFailedError:
    return ValidationFailedError([{"row": HEADER_ROW, "field": "file", "message": message}])


def _too_many() -> ValidationFailedError:
    return _file_error(f"The file has more than {MAX_ROWS} data rows; split it.")


# --- reading -------------------------------------------------------------------------------------


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _file_error("The file is neither an XLSX workbook nor UTF-8 CSV text.") from None
    if "\x00" in text:
        raise _file_error("The file is neither an XLSX workbook nor UTF-8 CSV text.")
    first_line = text.split("\n", 1)[0]
    # Excel saves CSV with ";" where the decimal separator is a comma (Russian, Kazakh locales).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    except csv.Error as exc:
        raise _file_error(f"The CSV cannot be read: {exc}.") from None


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # only an XLSX import pays for it

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook raises anything from zipfile, XML or openpyxl
        raise _file_error(f"The XLSX workbook cannot be read ({type(exc).__name__}).") from None
    try:
        if not workbook.worksheets:
            return
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    except ValidationFailedError:
        raise
    except Exception as exc:  # damaged sheet XML shows only while reading
        raise _file_error(f"The XLSX workbook cannot be read ({type(exc).__name__}).") from None
    finally:
        workbook.close()


def _table(content: bytes) -> Iterator[list[Any]]:
    return _xlsx_rows(content) if content[:4] == b"PK\x03\x04" else _csv_rows(content)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(cells: list[Any]) -> list[str | None]:
    names: list[str | None] = []
    errors = []
    for cell in cells:
        name = "" if cell is None else str(cell).strip().lower()
        if name in READ_ONLY or not name:
            names.append(None)
        elif name in EDITABLE_FIELDS:
            if name in names:
                errors.append(
                    {"row": HEADER_ROW, "field": name, "message": f"The column {name} appears twice."}
                )
            names.append(name)
        else:
            known = ", ".join(EDITABLE_FIELDS)
            errors.append(
                {"row": HEADER_ROW, "field": name, "message": f"Unknown column {name}; use: {known}."}
            )
            names.append(None)
    if "sku" not in names and not any(e["field"] == "sku" for e in errors):
        errors.append(
            {"row": HEADER_ROW, "field": "sku", "message": "The header row must have a sku column."}
        )
    if errors:
        raise ValidationFailedError(errors, "The header row is not valid.")
    return names


def _integer(value: Any) -> Any:
    if isinstance(value, str):
        digits = _SPACES.sub("", value)  # "5 990" as a person (or Excel) writes it
        return int(digits) if re.fullmatch(r"[+-]?\d{1,12}", digits) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _boolean(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return value
    word = str(value).lower()
    return True if word in _TRUE else False if word in _FALSE else value


def _date(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and (found := _DOTTED_DATE.match(value)):
        day, month, year = found.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return value


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return value
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


_BY_KIND = {
    Kind.integer: _integer,
    Kind.boolean: _boolean,
    Kind.date: _date,
    Kind.text: _text,
    Kind.enum: _text,
}


def _typed(name: str, value: Any) -> Any:
    """A cell as the JSON value a REST body would carry (the schemas then check it as for REST)."""
    if isinstance(value, str):
        value = value.strip()
    convert = _BY_KIND.get(PRODUCTS.fields[name].kind)
    return convert(value) if convert is not None else value


def read_rows(content: bytes) -> list[_Row]:
    """The file's data rows as field values (blank rows skipped); a bad file or header is a 422."""
    table = _table(content)
    header: list[str | None] | None = None
    rows: list[_Row] = []
    number = 0
    for cells in table:
        if header is None:
            if all(_blank(c) for c in cells):
                continue
            header = _header(list(cells))
            continue
        number += 1
        if all(_blank(c) for c in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many()
        row = _Row(number, {})
        for name, cell in zip(header, cells, strict=False):
            if name is not None and not _blank(cell):
                row.values[name] = _typed(name, cell)
        if len(cells) > len(header) and any(not _blank(c) for c in cells[len(header) :]):
            row.errors.append(
                {"row": number, "field": "", "message": "The row has more cells than the header."}
            )
        rows.append(row)
    if header is None:
        raise _file_error("The file is empty: it needs a header row and at least one data row.")
    return rows


# --- checking and writing ------------------------------------------------------------------------


def _row_errors(number: int, exc: ValidationError | ValidationFailedError) -> list[dict[str, Any]]:
    listed = exc.errors if isinstance(exc, ValidationFailedError) else field_errors(exc.errors())
    return [{"row": number, "field": e["field"], "message": e["message"]} for e in listed]


def _existing(session: Session, skus: list[str]) -> dict[str, Product]:
    found: dict[str, Product] = {}
    for start in range(0, len(skus), _LOOKUP_CHUNK):
        chunk = skus[start : start + _LOOKUP_CHUNK]
        stmt = select(Product).where(col(Product.sku).in_(chunk)).with_for_update()
        found.update({p.sku: p for p in session.exec(stmt.execution_options(populate_existing=True))})
    return found


def _sku_of(row: _Row) -> str | None:
    sku = row.values.get("sku")  # a row without one is reported by the schema
    return normalize_sku(sku) if isinstance(sku, str) else None


_Plan = tuple[_Row, ProductCreate | dict[str, Any], Product | None]


def _plans(session: Session, rows: list[_Row]) -> list[_Plan]:
    """Each row checked as the single write it stands for; every row's errors, or what to write."""
    existing = _existing(session, sorted({sku for row in rows if (sku := _sku_of(row)) is not None}))
    seen: dict[str, int] = {}
    plans: list[_Plan] = []
    for row in rows:
        sku = _sku_of(row)
        if sku is not None and sku in seen:
            message = f"The SKU {sku} is also in row {seen[sku]}."
            row.errors.append({"row": row.number, "field": "sku", "message": message})
        elif sku is not None:
            seen[sku] = row.number
        product = existing.get(sku) if sku is not None else None
        try:
            if product is None:
                plans.append((row, ProductCreate.model_validate(row.values), None))
            else:
                changes = ProductUpdate.model_validate(row.values)
                plans.append((row, changes.model_dump(exclude_unset=True, exclude={"version"}), product))
        except ValidationError as exc:
            row.errors.extend(_row_errors(row.number, exc))
    errors = [error for row in rows for error in row.errors]
    if errors:
        bad = len({e["row"] for e in errors})
        raise ValidationFailedError(errors, f"{bad} row(s) of the file are not valid; nothing was imported.")
    return plans


def _write(session: Session, plans: list[_Plan], result: ImportResult) -> None:
    # Every SKU was looked up (and the existing rows locked) by `_plans`: no query per row, and one
    # flush at the end writes every row, its audit entry and its event data in batches.
    with session.no_autoflush:
        _write_rows(session, plans, result)


def _write_rows(session: Session, plans: list[_Plan], result: ImportResult) -> None:
    for row, plan, product in plans:
        try:
            if product is None:
                assert isinstance(plan, ProductCreate)
                add_product(session, plan, sku_checked=True)
                result.created += 1
                continue
            assert isinstance(plan, dict)
            apply_product_changes(session, product, plan)
        except ConflictError as exc:  # another writer took this SKU meanwhile
            session.rollback()
            error = {"row": row.number, "field": "sku", "message": exc.message}
            raise ValidationFailedError(
                [error], "A row of the file is not valid; nothing was imported."
            ) from None
        if session.is_modified(product, include_collections=False):
            result.updated += 1
        else:
            result.unchanged += 1


def import_products(
    *, session: Session, actor: Principal, content: bytes, dry_run: bool = False
) -> ImportResult:
    """Upsert every row of a CSV/XLSX file by SKU in one transaction, or refuse it all (422).

    With `dry_run` nothing is kept: the counts are what the import would do.
    """
    actor.require(Permission.products_create)
    actor.require(Permission.products_update)
    set_actor(session, actor)
    if len(content) > MAX_IMPORT_BYTES:
        raise PayloadTooLargeError(MAX_IMPORT_BYTES, f"The file is larger than {MAX_IMPORT_BYTES >> 20} MiB.")
    rows = read_rows(content)
    if not rows:
        raise _file_error("The file has a header row but no data rows.")
    result = ImportResult(created=0, updated=0, unchanged=0)
    _write(session, _plans(session, rows), result)
    if dry_run:
        session.flush()  # what the database would refuse is refused now too
        session.rollback()
        return result
    commit_products(session, "")
    return result
