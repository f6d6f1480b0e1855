"""Exports of the sales list (CONTRACT-SALES "Export"): every matching row, in the list's order and
scope, as UTF-8 CSV with a BOM or XLSX, as an attachment; one-time links for the UI."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl

from oppo_kz.auth.downloads import mint_download_token
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.products.models import Product
from oppo_kz.sales.models import SalePublic
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role, User
from tests.factories import make_sale
from tests.helpers import expect_error
from tests.world import World

URL = "/api/v1/sales/export"


def _sales(world: World, count: int) -> None:
    with session_scope(write=True) as s:
        store, promoter = s.get_one(Store, world["a1"]), s.get_one(User, world["p1"])
        case = s.get_one(Product, world["case"])
        for n in range(count):
            make_sale(s, store=store, promoter=promoter, product=case, imei=None, quantity=1 + n % 3)
        make_sale(
            s,
            store=s.get_one(Store, world["b1"]),
            promoter=s.get_one(User, world["p2"]),
            product=case,
            imei=None,
        )


def test_csv_has_a_bom_the_field_names_and_every_row_in_order_and_scope(client: Any, world: World) -> None:
    _sales(world, 450)  # more than any page
    response = client.get(f"{URL}?format=csv&sort=id&store_id={world['a1']}", headers=world.h("sup_a"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="sales-')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == list(SalePublic.model_fields)
    assert len(rows) == 1 + 450
    ids = [int(r[0]) for r in rows[1:]]
    assert ids == sorted(ids)
    assert {r[rows[0].index("store_name")] for r in rows[1:]} == {"Technodom Dostyk"}
    # sup_b sees only the store they supervise, whatever the filters
    theirs = client.get(f"{URL}?format=csv", headers=world.h("sup_b"))
    assert len(list(csv.reader(io.StringIO(theirs.content.decode("utf-8-sig"))))) == 2


def test_xlsx_reads_back_row_for_row(client: Any, world: World) -> None:
    _sales(world, 30)
    response = client.get(f"{URL}?format=xlsx&sort=-id", headers=world.h("office"))
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(SalePublic.model_fields)
    assert len(rows) == 1 + 31
    listed = client.get("/api/v1/sales?sort=-id&page_size=200", headers=world.h("office")).json()["items"]
    assert [r[0] for r in rows[1:]] == [item["id"] for item in listed]
    assert [r[rows[0].index("amount")] for r in rows[1:]] == [item["amount"] for item in listed]


def test_bad_exports_get_the_error_body_before_any_file(client: Any, world: World) -> None:
    expect_error(client.get(f"{URL}?format=pdf", headers=world.h("office")), 422, "validation_error")
    expect_error(client.get(f"{URL}?colour=red", headers=world.h("office")), 400, "invalid_filter")
    expect_error(client.get(URL), 401, "not_authenticated")


def test_a_download_link_works_once_for_its_path_and_login(client: Any, world: World) -> None:
    _sales(world, 3)
    tokens = client.post(
        "/api/v1/auth/login",
        json={
            "email": client.get("/api/v1/auth/me", headers=world.h("p1")).json()["email"],
            "password": "Passw0rd!",
        },
    ).json()
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}).json()
    from oppo_kz.core.security import decode_token

    sid = decode_token(tokens["access_token"], expected_type="access")["sid"]
    actor = Principal(
        id=me["id"], email=me["email"], full_name=me["full_name"], role=Role.promoter, session_id=sid
    )
    link = mint_download_token(actor, URL)
    first = client.get(f"{URL}?format=csv&download_token={link}")
    assert first.status_code == 200, first.text
    assert (
        len(list(csv.reader(io.StringIO(first.content.decode("utf-8-sig"))))) == 1 + 3
    )  # p1's own sales only
    expect_error(client.get(f"{URL}?format=csv&download_token={link}"), 401, "invalid_token")  # used
    elsewhere = mint_download_token(actor, "/api/v1/products/export")
    expect_error(client.get(f"{URL}?download_token={elsewhere}"), 401, "invalid_token")  # another file
    client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    expect_error(client.get(f"{URL}?download_token={mint_download_token(actor, URL)}"), 401, "invalid_token")
