"""GET /products/export (CONTRACT-SALES "Export"): every product the list's filters match, in its
order, as UTF-8 CSV with a BOM or XLSX, as an attachment."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl

from oppo_kz.core.db import session_scope
from oppo_kz.products.models import Category, ProductPublic
from oppo_kz.users.models import Role
from tests.factories import make_product
from tests.helpers import expect_error

URL = "/api/v1/products/export"


def _catalogue(count: int) -> None:
    with session_scope(write=True) as s:
        for n in range(count):
            category = Category.audio if n % 2 else Category.smartphone
            make_product(s, commit=False, name=f"Телефон {n}", category=category, price=1000 + n)
        s.commit()


def test_csv_has_a_bom_the_field_names_and_every_matching_row_in_order(client: Any, headers_for: Any) -> None:
    _catalogue(450)
    response = client.get(f"{URL}?format=csv&category=audio&sort=-price", headers=headers_for(Role.promoter))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="products-')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(ProductPublic.model_fields)
    assert len(rows) == 1 + 225
    prices = [int(r[rows[0].index("price")]) for r in rows[1:]]
    assert prices == sorted(prices, reverse=True)
    assert rows[1][rows[0].index("name")].startswith("Телефон")


def test_xlsx_reads_back_row_for_row(client: Any, headers_for: Any) -> None:
    _catalogue(30)
    h = headers_for(Role.office)
    response = client.get(f"{URL}?format=xlsx&sort=name&q=Телефон", headers=h)
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(ProductPublic.model_fields)
    listed = client.get("/api/v1/products?sort=name&q=Телефон&page_size=200", headers=h).json()["items"]
    assert [r[0] for r in rows[1:]] == [item["id"] for item in listed]


def test_bad_exports_get_the_error_body(client: Any, headers_for: Any) -> None:
    h = headers_for(Role.office)
    expect_error(client.get(f"{URL}?format=pdf", headers=h), 422, "validation_error")
    expect_error(client.get(f"{URL}?colour=red", headers=h), 400, "invalid_filter")
    expect_error(client.get(f"{URL}?sort=colour", headers=h), 400, "invalid_sort")
    expect_error(client.get(URL), 401, "not_authenticated")
