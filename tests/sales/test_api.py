"""Reporting sales over REST (CONTRACT-SALES "Sales"): every rule, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from oppo_kz.lib.formatting import local_date
from tests.factories import valid_imei
from tests.helpers import expect_error
from tests.world import World

URL = "/api/v1/sales"


def _report(client: Any, world: World, who: str = "p1", **body: Any) -> Any:
    base = {"store_id": world["a1"], "product_id": world["phone"], "imei": valid_imei()}
    return client.post(URL, json=base | body, headers=world.h(who))


def _errors(response: Any) -> set[str]:
    return {e["field"] for e in expect_error(response, 422, "validation_error")["details"]["errors"]}


def test_a_promoter_reports_a_sale_that_starts_pending(client: Any, world: World) -> None:
    imei = valid_imei()
    before = datetime.now(UTC)
    created = _report(client, world, imei=imei, payment_type="kaspi")
    assert created.status_code == 201, created.text
    sale = created.json()
    assert sale["status"] == "pending"
    assert (sale["promoter_id"], sale["created_by_id"], sale["imei"]) == (world["p1"], world["p1"], imei)
    assert (sale["quantity"], sale["unit_price"], sale["amount"]) == (1, 199_990, 199_990)  # the price now
    assert sale["payment_type"] == "kaspi"
    assert (sale["store_code"], sale["store_name"]) == ("ALA-TDM-001", "Technodom Dostyk")
    assert (sale["product_sku"], sale["product_name"], sale["promoter_name"]) == (
        "RENO14-8-256",
        "OPPO Reno14 5G",
        "Promoter One",
    )
    sold_at = datetime.fromisoformat(sale["sold_at"])
    assert before - timedelta(seconds=1) <= sold_at <= datetime.now(UTC)
    assert sale["sale_date"] == local_date(sold_at).isoformat()  # the day in Asia/Almaty
    assert created.headers["Location"] == f"{URL}/{sale['id']}"
    assert client.get(f"{URL}/{sale['id']}", headers=world.h("p1")).json() == sale


def test_the_sale_date_is_the_day_in_almaty(client: Any, world: World) -> None:
    # 20:30 UTC is 01:30 the next day in Almaty (UTC+5)
    late = datetime.now(UTC).replace(hour=20, minute=30, second=0, microsecond=0) - timedelta(days=1)
    sale = _report(client, world, "office", promoter_id=world["p1"], sold_at=late.isoformat()).json()
    assert sale["sale_date"] == (late.date() + timedelta(days=1)).isoformat()
    almaty = _report(
        client,
        world,
        "office",
        promoter_id=world["p1"],
        sold_at=late.replace(tzinfo=None).isoformat() + "+05:00",
    ).json()
    assert almaty["sale_date"] == late.date().isoformat()


@pytest.mark.parametrize(
    "imei",
    [
        "35693803564380",
        "3569380356438091",
        "356938035643808",
        "35693803564380X",
        "３５６９３８０３５６４３８０９",
    ],
)
def test_an_imei_is_15_digits_with_a_valid_luhn_digit(client: Any, world: World, imei: str) -> None:
    assert _errors(_report(client, world, imei=imei)) == {"imei"}


@pytest.mark.parametrize("product", ["phone", "tablet"])
def test_smartphones_and_tablets_need_an_imei(client: Any, world: World, product: str) -> None:
    assert _errors(_report(client, world, product_id=world[product], imei=None)) == {"imei"}


def test_accessories_may_be_sold_in_quantity_without_an_imei(client: Any, world: World) -> None:
    sale = _report(client, world, product_id=world["case"], imei=None, quantity=3, unit_price=5_000)
    assert sale.status_code == 201, sale.text
    assert (sale.json()["quantity"], sale.json()["amount"]) == (3, 15_000)


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"quantity": 2}, {"quantity"}),  # an IMEI is one device
        ({"quantity": 0, "imei": None, "product_id": "case"}, {"quantity"}),
        ({"quantity": 101, "imei": None, "product_id": "case"}, {"quantity"}),
        ({"unit_price": -1}, {"unit_price"}),
        ({"unit_price": "199990"}, {"unit_price"}),
        ({"payment_type": "barter"}, {"payment_type"}),
        ({"sold_at": "2026-01-01T10:00:00"}, {"sold_at"}),  # no time zone
        ({"product_id": "old"}, {"product_id"}),  # inactive
        ({"product_id": 999_999}, {"product_id"}),
        ({"store_id": 999_999}, {"store_id"}),
        ({"colour": "blue"}, {"colour"}),
    ],
)
def test_bad_reports_are_422_naming_the_field(
    client: Any, world: World, body: dict[str, Any], fields: set[str]
) -> None:
    body = {k: world[v] if k.endswith("_id") and isinstance(v, str) else v for k, v in body.items()}
    assert _errors(_report(client, world, **body)) == fields


def test_every_problem_is_reported_at_once(client: Any, world: World) -> None:
    future = (datetime.now(UTC) + timedelta(hours=2)).isoformat()
    assert _errors(_report(client, world, imei=None, sold_at=future)) == {"imei", "sold_at"}


def test_sold_at_may_not_be_in_the_future_beyond_five_minutes_of_skew(client: Any, world: World) -> None:
    soon = (datetime.now(UTC) + timedelta(minutes=4)).isoformat()
    assert _report(client, world, sold_at=soon).status_code == 201
    later = (datetime.now(UTC) + timedelta(minutes=6)).isoformat()
    assert _errors(_report(client, world, sold_at=later)) == {"sold_at"}


def test_promoters_report_the_last_days_only_head_office_any(client: Any, world: World) -> None:
    old = (datetime.now(UTC) - timedelta(days=5)).isoformat()
    assert _errors(_report(client, world, sold_at=old)) == {"sold_at"}
    recent = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    assert _report(client, world, sold_at=recent).status_code == 201
    assert _report(client, world, "office", promoter_id=world["p1"], sold_at=old).status_code == 201


def test_a_promoter_not_assigned_on_the_sale_date_is_forbidden(client: Any, world: World) -> None:
    expect_error(_report(client, world, store_id=world["a2"]), 403, "forbidden")  # p1 works in a1
    expect_error(_report(client, world, "p2", store_id=world["b1"]), 403, "forbidden")  # ended in 2021


def test_a_promoter_reports_for_themselves_head_office_for_any_promoter(client: Any, world: World) -> None:
    expect_error(_report(client, world, promoter_id=world["p2"]), 403, "forbidden")
    assert _report(client, world, promoter_id=world["p1"]).status_code == 201  # naming themselves is fine
    on_behalf = _report(client, world, "office", promoter_id=world["p2"], store_id=world["a2"])
    assert (on_behalf.json()["promoter_id"], on_behalf.json()["created_by_id"]) == (
        world["p2"],
        world["office"],
    )
    assert _errors(_report(client, world, "office")) == {"promoter_id"}  # office must say who sold it
    assert _errors(_report(client, world, "office", promoter_id=world["sup_a"])) == {"promoter_id"}
    expect_error(_report(client, world, "sup_a", promoter_id=world["p1"]), 403, "forbidden")


def test_an_inactive_store_takes_no_sales(client: Any, world: World) -> None:
    client.patch(f"/api/v1/stores/{world['a1']}", json={"is_active": False}, headers=world.h("admin"))
    assert _errors(_report(client, world)) == {"store_id"}


def test_an_imei_is_reported_once_unless_rejected(client: Any, world: World) -> None:
    imei = valid_imei()
    first = _report(client, world, imei=imei).json()
    again = expect_error(_report(client, world, imei=imei), 409, "conflict")
    assert again["details"]["field"] == "imei"
    other_promoter = _report(
        client, world, "office", promoter_id=world["p2"], store_id=world["a2"], imei=imei
    )
    expect_error(other_promoter, 409, "conflict")
    rejected = client.post(
        f"{URL}/{first['id']}/reject", json={"note": "wrong store"}, headers=world.h("sup_a")
    )
    assert rejected.status_code == 200, rejected.text
    assert (
        _report(client, world, imei=imei).status_code == 201
    )  # a rejected sale's IMEI may be reported again


def test_concurrent_reports_of_one_imei_make_one_sale(client: Any, world: World) -> None:
    from tests.helpers import run_together

    imei, statuses = valid_imei(), []

    def report(_n: int) -> None:
        statuses.append(_report(client, world, imei=imei).status_code)

    assert run_together(report, 6) == []
    assert sorted(statuses) == [201] + [409] * 5
