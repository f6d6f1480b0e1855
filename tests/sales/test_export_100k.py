"""An export of 100 000 sales over REST (CONTRACT-SALES "Export"), read back row for row: CSV with the
csv module, XLSX with openpyxl in read-only mode, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from sqlalchemy import insert

from oppo_kz.core.db import session_scope, table_of
from oppo_kz.lib.formatting import local_date
from oppo_kz.sales.models import Sale, SalePublic
from oppo_kz.sales.summary import rebuild
from tests.factories import valid_imei
from tests.world import World

URL = "/api/v1/sales/export"
N = 100_000
COLUMNS = list(SalePublic.model_fields)
# What each row must hold, by column: compared for every row.
CHECKED = (
    "id",
    "imei",
    "quantity",
    "unit_price",
    "amount",
    "sale_date",
    "status",
    "store_name",
    "product_name",
)
STATUSES = ("pending", "approved", "rejected")


def _rows(world: World) -> Iterator[dict[str, Any]]:
    start = datetime.now(UTC) - timedelta(days=90)
    places = [(world["a1"], world["p1"]), (world["a2"], world["p2"])]
    goods = [(world["phone"], 199_990), (world["case"], 6_990)]
    for n in range(N):
        store, promoter = places[n % 2]
        product, price = goods[(n // 2) % 2]
        quantity = 1 if product == world["phone"] else 1 + n % 4
        sold_at = start + timedelta(seconds=77 * n)
        yield {
            "store_id": store, "promoter_id": promoter, "product_id": product,
            "imei": valid_imei(n) if product == world["phone"] else None,
            "quantity": quantity, "unit_price": price, "amount": quantity * price, "sold_at": sold_at,
            "sale_date": local_date(sold_at), "status": STATUSES[n % 3], "created_at": sold_at,
            "updated_at": sold_at,
        }  # fmt: skip


@pytest.fixture
def many(world: World) -> list[dict[str, Any]]:
    """100 000 sales, inserted in bulk (a Core executemany in batches of 10 000, then the reports'
    summaries rebuilt); as the rows the export must hold."""
    rows = list(_rows(world))
    with session_scope(write=True) as s:
        connection = s.connection()
        for chunk in range(0, N, 10_000):
            connection.execute(insert(table_of(Sale)), rows[chunk : chunk + 10_000])
        rebuild(connection)
        s.commit()
    names = {world["a1"]: "Technodom Dostyk", world["a2"]: "Sulpak Mega"}
    products = {world["phone"]: "OPPO Reno14 5G", world["case"]: "Case for Reno14"}
    return [
        {**row, "id": n, "sale_date": row["sale_date"].isoformat(), "store_name": names[row["store_id"]],
         "product_name": products[row["product_id"]]}
        for n, row in enumerate(rows, start=1)
    ]  # fmt: skip


def _expected(row: dict[str, Any], text: bool) -> tuple[Any, ...]:
    values = [row[name] for name in CHECKED]
    if text:
        return tuple("" if v is None else str(v) for v in values)
    return tuple(values)


def test_100k_sales_export_as_csv_and_xlsx_and_read_back_row_for_row(
    client: Any, world: World, many: list[dict[str, Any]]
) -> None:
    where = [COLUMNS.index(name) for name in CHECKED]
    response = client.get(f"{URL}?format=csv&sort=id", headers=world.h("office"))
    assert response.status_code == 200, response.text
    assert response.content.startswith("\ufeff".encode())
    reader = csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""))
    assert next(reader) == COLUMNS
    read = 0
    for row, expected in zip(reader, many, strict=True):
        assert tuple(row[i] for i in where) == _expected(expected, text=True)
        read += 1
    assert read == N

    response = client.get(f"{URL}?format=xlsx&sort=id", headers=world.h("office"))
    assert response.status_code == 200, response.text
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = book.active.iter_rows(values_only=True)
    assert list(next(rows)) == COLUMNS
    read = 0
    for cells, expected in zip(rows, many, strict=True):
        assert tuple(cells[i] for i in where) == _expected(expected, text=False)
        read += 1
    book.close()
    assert read == N
