"""Reports over REST (CONTRACT-SALES "Reports"): every group_by, the zero-filled days, ordering, scope,
the sales filter grammar, rejected sales left out, and targets against sales with their percentages."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from oppo_kz.core.db import session_scope
from oppo_kz.products.models import Product
from oppo_kz.sales.models import SaleStatus
from oppo_kz.stores.models import Store
from oppo_kz.users.models import User
from tests.factories import make_sale
from tests.helpers import expect_error
from tests.world import World

URL = "/api/v1/reports"


def _at(day: date, hour: int = 12) -> datetime:
    # 12:00 in Almaty (UTC+5) is 07:00 UTC: the same sale_date in both.
    return datetime(day.year, day.month, day.day, hour - 5, tzinfo=UTC)


def _sell(world: World, rows: list[tuple[str, str, str, date, int, int, SaleStatus]]) -> None:
    """(store, promoter, product, day, quantity, unit_price, status) sales, written directly."""
    with session_scope(write=True) as s:
        for store, promoter, product, day, quantity, price, status in rows:
            make_sale(
                s, store=s.get_one(Store, world[store]), promoter=s.get_one(User, world[promoter]),
                product=s.get_one(Product, world[product]), imei=None, quantity=quantity,
                unit_price=price, sold_at=_at(day), status=status,
            )  # fmt: skip


D1, D2, D4 = date(2026, 11, 1), date(2026, 11, 2), date(2026, 11, 4)
OK, NEW, NO = SaleStatus.approved, SaleStatus.pending, SaleStatus.rejected


@pytest.fixture
def sold(world: World) -> World:
    _sell(
        world,
        [
            ("a1", "p1", "phone", D1, 1, 200_000, OK),
            ("a1", "p1", "case", D1, 3, 5_000, NEW),
            ("a2", "p2", "tablet", D2, 1, 250_000, OK),
            ("b1", "p2", "case", D4, 2, 5_000, OK),
            ("a1", "p1", "phone", D4, 1, 190_000, NO),  # rejected: not counted unless asked
            ("a1", "p1", "phone", date(2026, 10, 30), 1, 180_000, OK),
        ],
    )
    return world


def _report(client: Any, world: World, query: str, who: str = "office") -> dict[str, Any]:
    response = client.get(f"{URL}/sales?{query}", headers=world.h(who))
    assert response.status_code == 200, response.text
    return response.json()


def test_by_day_every_day_of_the_period_is_a_row_zeros_included(client: Any, sold: World) -> None:
    body = _report(client, sold, "group_by=day&date_from=2026-10-31&date_to=2026-11-05")
    assert body["group_by"] == "day"
    assert [(r["key"], r["units"], r["amount"], r["count"]) for r in body["rows"]] == [
        ("2026-10-31", 0, 0, 0),
        ("2026-11-01", 4, 215_000, 2),
        ("2026-11-02", 1, 250_000, 1),
        ("2026-11-03", 0, 0, 0),
        ("2026-11-04", 2, 10_000, 1),
        ("2026-11-05", 0, 0, 0),
    ]
    assert body["totals"] == {"units": 7, "amount": 475_000, "count": 4}


def test_by_month_in_key_order(client: Any, sold: World) -> None:
    body = _report(client, sold, "group_by=month&date_from=2026-09-15&date_to=2026-11-30")
    assert [(r["key"], r["amount"]) for r in body["rows"]] == [
        ("2026-09", 0),
        ("2026-10", 180_000),
        ("2026-11", 475_000),
    ]


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        (
            "store",
            [
                ("a2", "Sulpak Mega", 250_000),
                ("a1", "Technodom Dostyk", 215_000),
                ("b1", "OPPO Store Shymkent", 10_000),
            ],
        ),
        ("promoter", [("p2", "Promoter Two", 260_000), ("p1", "Promoter One", 215_000)]),
        (
            "product",
            [
                ("tablet", "OPPO Pad 3", 250_000),
                ("phone", "OPPO Reno14 5G", 200_000),
                ("case", "Case for Reno14", 25_000),
            ],
        ),
        (
            "city",
            [("Astana", "Astana", 250_000), ("Almaty", "Almaty", 215_000), ("Shymkent", "Shymkent", 10_000)],
        ),
        (
            "chain",
            [
                ("Sulpak", "Sulpak", 250_000),
                ("Technodom", "Technodom", 215_000),
                ("OPPO Store", "OPPO Store", 10_000),
            ],
        ),
        (
            "category",
            [
                ("tablet", "tablet", 250_000),
                ("smartphone", "smartphone", 200_000),
                ("accessory", "accessory", 25_000),
            ],
        ),
    ],
)
def test_by_a_dimension_rows_go_by_amount_highest_first(
    client: Any, sold: World, group_by: str, expected: list[tuple[str, str, int]]
) -> None:
    body = _report(client, sold, f"group_by={group_by}&date_from=2026-11-01&date_to=2026-11-30")
    keyed = {"store", "promoter", "product"}
    assert [(r["key"], r["label"], r["amount"]) for r in body["rows"]] == [
        (sold[key] if group_by in keyed else key, label, amount) for key, label, amount in expected
    ]
    assert body["totals"]["amount"] == 475_000


def test_by_series_groups_the_product_series(client: Any, sold: World) -> None:
    body = _report(client, sold, "group_by=series&date_from=2026-11-01")
    assert [(r["key"], r["amount"]) for r in body["rows"]] == [("Reno", 475_000)]


def test_a_status_filter_decides_which_sales_count(client: Any, sold: World) -> None:
    rejected = _report(client, sold, "group_by=store&status=rejected")
    assert [(r["key"], r["amount"]) for r in rejected["rows"]] == [(sold["a1"], 190_000)]
    approved = _report(
        client, sold, "group_by=day&status__in=approved&date_from=2026-11-01&date_to=2026-11-01"
    )
    assert approved["rows"] == [
        {"key": "2026-11-01", "label": "2026-11-01", "units": 1, "amount": 200_000, "count": 1}
    ]


def test_the_sales_filter_grammar_narrows_a_report(client: Any, sold: World) -> None:
    assert _report(client, sold, "group_by=store&city=Almaty")["totals"]["amount"] == 395_000
    both = f"group_by=store&store_id__in={sold['a1']},{sold['b1']}&date_from=2026-11-01"
    assert [r["key"] for r in _report(client, sold, both)["rows"]] == [sold["a1"], sold["b1"]]
    assert (
        _report(client, sold, "group_by=chain&amount__gte=100000&date_from=2026-11-01")["totals"]["count"]
        == 2
    )


def test_each_role_counts_its_own_scope(client: Any, sold: World) -> None:
    def total(who: str) -> int:
        return int(_report(client, sold, "group_by=store&date_from=2026-11-01", who)["totals"]["amount"])

    assert total("office") == total("admin") == 475_000
    assert total("sup_a") == 465_000  # a1 and a2
    assert total("sup_b") == 10_000  # b1
    assert total("p1") == 215_000  # their own sales only
    assert total("p2") == 260_000
    promoter = _report(client, sold, "group_by=promoter&date_from=2026-11-01", "p1")
    assert [r["key"] for r in promoter["rows"]] == [sold["p1"]]
    # a filter cannot widen a scope
    assert _report(client, sold, f"group_by=store&promoter_id={sold['p2']}", "p1")["rows"] == []


def test_bad_parameters_get_the_error_body(client: Any, sold: World) -> None:
    h = sold.h("office")
    expect_error(client.get(f"{URL}/sales?group_by=week", headers=h), 422, "validation_error")
    expect_error(client.get(f"{URL}/sales", headers=h), 422, "validation_error")
    expect_error(
        client.get(f"{URL}/sales?group_by=day&date_from=2026-02-30", headers=h), 400, "invalid_filter"
    )
    expect_error(
        client.get(f"{URL}/sales?group_by=day&date_from=yesterday", headers=h), 400, "invalid_filter"
    )
    expect_error(client.get(f"{URL}/sales?group_by=day&colour=red", headers=h), 400, "invalid_filter")
    expect_error(client.get(f"{URL}/sales?group_by=day&amount=lots", headers=h), 400, "invalid_filter")
    expect_error(
        client.get(f"{URL}/sales?group_by=day&date_from=2026-11-05&date_to=2026-11-01", headers=h),
        422,
        "validation_error",
    )
    expect_error(
        client.get(f"{URL}/sales?group_by=day&date_from=1900-01-01&date_to=2099-01-01", headers=h),
        422,
        "validation_error",
    )
    expect_error(client.get(f"{URL}/targets?month=2026-13", headers=h), 422, "validation_error")
    expect_error(client.get(f"{URL}/targets?month=2026-11&level=city", headers=h), 422, "validation_error")
    expect_error(client.get(f"{URL}/targets", headers=h), 422, "validation_error")
    expect_error(client.get(f"{URL}/sales?group_by=day"), 401, "not_authenticated")


def test_targets_against_sales_with_one_decimal_percentages(client: Any, sold: World) -> None:
    office = sold.h("office")
    for body in (
        {"month": "2026-11", "store_id": sold["a1"], "units": 3, "amount": 600_000},
        {"month": "2026-11", "store_id": sold["a2"], "units": 0, "amount": 200_000},
        {"month": "2026-11", "promoter_id": sold["p1"], "units": 6},
        {"month": "2026-10", "store_id": sold["b1"], "units": 9},
    ):
        assert client.post("/api/v1/targets", json=body, headers=office).status_code == 201
    response = client.get(f"{URL}/targets?month=2026-11&level=store", headers=office)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["month"], body["level"]) == ("2026-11", "store")
    rows = {row["id"]: row for row in body["rows"]}
    assert rows[sold["a1"]] == {
        "id": sold["a1"], "label": "Technodom Dostyk", "target_units": 3, "target_amount": 600_000,
        "units": 4, "amount": 215_000, "units_pct": 133.3, "amount_pct": 35.8,
    }  # fmt: skip
    assert (rows[sold["a2"]]["units_pct"], rows[sold["a2"]]["amount_pct"]) == (None, 125.0)
    # a store that sold without a target is a row too, its percentages null
    assert rows[sold["b1"]]["target_units"] == 0
    assert rows[sold["b1"]]["units_pct"] is None
    assert [row["label"] for row in body["rows"]] == sorted(row["label"] for row in body["rows"])
    promoters = client.get(f"{URL}/targets?month=2026-11&level=promoter", headers=office).json()["rows"]
    assert [(r["id"], r["units"], r["units_pct"], r["amount_pct"]) for r in promoters] == [
        (sold["p1"], 4, 66.7, None),
        (sold["p2"], 3, None, None),
    ]
    # a promoter: their own target and their sales only
    own = client.get(f"{URL}/targets?month=2026-11&level=promoter", headers=sold.h("p1")).json()["rows"]
    assert [(r["id"], r["units"]) for r in own] == [(sold["p1"], 4)]
    store_rows = client.get(f"{URL}/targets?month=2026-11", headers=sold.h("p1")).json()["rows"]
    assert [(r["id"], r["target_units"], r["units"]) for r in store_rows] == [(sold["a1"], 3, 4)]
    # supervisor B sees b1 only: no target in November, 2 units sold
    theirs = client.get(f"{URL}/targets?month=2026-11", headers=sold.h("sup_b")).json()["rows"]
    assert [(r["id"], r["target_units"], r["units"]) for r in theirs] == [(sold["b1"], 0, 2)]


def test_a_days_series_without_bounds_runs_from_the_first_to_the_last_sale(client: Any, world: World) -> None:
    assert _report(client, world, "group_by=day")["rows"] == []
    today = datetime.now(UTC).date()
    _sell(world, [("a1", "p1", "case", today - timedelta(days=2), 1, 5_000, OK)])
    rows = _report(client, world, "group_by=day")["rows"]
    assert [r["units"] for r in rows] == [1]
