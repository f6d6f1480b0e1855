"""POST /products/import (CONTRACT-SALES "Products import"): CSV or XLSX, upsert by SKU, all or nothing,
dry run, with the events and audit entries of single writes."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook

from oppo_kz.core.events import Event
from tests.helpers import expect_error
from tests.world import World

URL = "/api/v1/products/import"
HEADER = "sku;name;category;series;price;stock;is_active;launch_date"


def _csv(*lines: str) -> bytes:
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _post(client: Any, world: World, content: bytes, name: str = "products.csv", **params: Any) -> Any:
    return client.post(URL, files={"file": (name, content)}, params=params, headers=world.h("office"))


def _product(client: Any, world: World, sku: str) -> dict[str, Any] | None:
    items = client.get("/api/v1/products", params={"sku": sku}, headers=world.h("office")).json()["items"]
    return items[0] if items else None


def test_a_csv_with_a_bom_and_cyrillic_upserts_by_sku(
    client: Any, world: World, published: list[Event]
) -> None:
    content = _csv(
        HEADER,
        "imp-1;Чехол для Reno14 «Қара»;accessory;;5 990;12;да;01.03.2025",
        "RENO14-8-256;OPPO Reno14 5G;smartphone;Reno;189990;;;",  # price changes, the rest is kept
        "CASE-RENO14;Case for Reno14;accessory;;6990;;;",  # as it is: unchanged
    )
    response = _post(client, world, content)
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 1, "updated": 1, "unchanged": 1, "errors": []}
    new = _product(client, world, "IMP-1")
    assert new is not None
    assert (new["name"], new["price"], new["stock"], new["is_active"]) == (
        "Чехол для Reno14 «Қара»",
        5990,
        12,
        True,
    )
    assert new["launch_date"] == "2025-03-01"
    phone = _product(client, world, "RENO14-8-256")
    assert phone is not None
    assert (phone["price"], phone["version"], phone["stock"]) == (189_990, 2, 10)
    assert sorted(e.name for e in published if e.name.startswith("product.")) == [
        "product.created",
        "product.updated",
    ]
    audit = client.get(
        "/api/v1/audit", params={"entity": "product", "action__in": "create,update", "actor_id": world["office"]},
        headers=world.h("office"),
    ).json()["items"]  # fmt: skip
    assert {(e["entity_id"], e["action"]) for e in audit} == {(new["id"], "create"), (phone["id"], "update")}


def test_an_xlsx_workbook_imports_like_a_csv(client: Any, world: World) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["id", "SKU", "name", "category", "price", "ram_gb", "launch_date", "is_active", "version"])
    sheet.append(
        [None, "FIND-X9", "OPPO Find X9 Pro", "smartphone", 599990, 16, date(2025, 10, 1), True, None]
    )
    sheet.append([world["case"], "case-reno14", "Case for Reno14", "accessory", 7990.0, None, None, False, 1])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _post(client, world, buffer.getvalue(), name="products.xlsx")
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["updated"]) == (1, 1)
    find = _product(client, world, "FIND-X9")
    assert find is not None
    assert (find["price"], find["ram_gb"], find["launch_date"]) == (599_990, 16, "2025-10-01")
    case = _product(client, world, "CASE-RENO14")
    assert case is not None
    assert (case["price"], case["is_active"]) == (7990, False)


def test_any_invalid_row_refuses_the_whole_file_naming_each_row(client: Any, world: World) -> None:
    content = _csv(
        "sku,name,category,price",
        "GOOD-1,Fine product,audio,100",
        "BAD-1,,audio,-5",
        ",No sku,audio,1",
        "GOOD-1,Twice,audio,1",
        "RENO14-8-256,,tv,",
    )
    response = _post(client, world, content)
    body = expect_error(response, 422, "validation_error")
    errors = body["details"]["errors"]
    assert all(set(e) == {"row", "field", "message"} for e in errors)
    assert {(e["row"], e["field"]) for e in errors} >= {
        (2, "name"),
        (2, "price"),
        (3, "sku"),
        (4, "sku"),
        (5, "category"),
    }
    assert all(e["row"] != 1 for e in errors)
    assert _product(client, world, "GOOD-1") is None  # nothing written


def test_a_dry_run_counts_and_writes_nothing(client: Any, world: World, published: list[Event]) -> None:
    content = _csv("sku,name,category,price", "DRY-1,Dry,audio,100", "CASE-RENO14,Case,accessory,1")
    for params in ({"dry_run": "true"}, {}):
        if not params:
            response = client.post(
                URL, files={"file": ("p.csv", content)}, data={"dry_run": "true"}, headers=world.h("admin")
            )
        else:
            response = _post(client, world, content, **params)
        assert response.status_code == 200, response.text
        assert response.json() == {"created": 1, "updated": 1, "unchanged": 0, "errors": []}
    assert _product(client, world, "DRY-1") is None
    assert _product(client, world, "CASE-RENO14")["price"] == 6_990  # type: ignore[index]
    assert [e for e in published if e.name.startswith("product.")] == []
    audit = client.get(
        "/api/v1/audit", params={"entity": "product", "action": "update"}, headers=world.h("office")
    )
    assert audit.json()["total"] == 0


def test_bad_files_headers_sizes_and_roles(client: Any, world: World) -> None:
    body = expect_error(_post(client, world, _csv("name,colour", "x,y")), 422, "validation_error")
    assert {(e["row"], e["field"]) for e in body["details"]["errors"]} == {(0, "colour"), (0, "sku")}
    expect_error(_post(client, world, b"\xff\xfe\x00garbage"), 422, "validation_error")
    expect_error(_post(client, world, b""), 422, "validation_error")
    expect_error(_post(client, world, _csv("sku,name")), 422, "validation_error")  # no data rows
    expect_error(
        _post(client, world, b"PK\x03\x04 not really a workbook", name="x.xlsx"), 422, "validation_error"
    )
    expect_error(client.post(URL, headers=world.h("office")), 422, "validation_error")  # no file
    big = _csv("sku,name,category,price") + b"x" * (10 * 1024 * 1024)
    expect_error(_post(client, world, big), 413, "payload_too_large")
    for who in ("sup_a", "p1"):
        expect_error(
            client.post(URL, files={"file": ("p.csv", _csv(HEADER))}, headers=world.h(who)), 403, "forbidden"
        )
    expect_error(client.post(URL, files={"file": ("p.csv", _csv(HEADER))}), 401, "not_authenticated")
