"""Bonuses over REST (CONTRACT-SALES "Bonuses"): rules, the one-rule choice, statements and their scope,
closing a month (final, and it freezes the month's sales), exports — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from oppo_kz.core.db import session_scope
from oppo_kz.lib.formatting import local_date
from oppo_kz.products.models import Category, Product
from oppo_kz.sales.models import SaleStatus
from oppo_kz.stores.models import Store
from oppo_kz.users.models import User
from tests.factories import id_of, make_product, make_sale, valid_imei
from tests.helpers import expect_error
from tests.world import World

RULES = "/api/v1/bonus-rules"
BONUSES = "/api/v1/bonuses"
DAY = date(2025, 3, 14)
MONTH = "2025-03"


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 7, 0, tzinfo=UTC)  # 12:00 in Almaty


def _sale(
    world: World, promoter: str = "p1", *, day: date = DAY, status: str = "approved", **extra: Any
) -> int:
    with session_scope(write=True) as s:
        store = s.get(Store, world["a1" if promoter == "p1" else "a2"])
        person = s.get(User, world[promoter])
        item = s.get(Product, extra.pop("product_id", world["phone"]))
        assert store is not None
        assert person is not None
        assert item is not None
        sale = make_sale(
            s,
            store=store,
            promoter=person,
            product=item,
            sold_at=_noon(day),
            status=SaleStatus(status),
            **extra,
        )
        return id_of(sale)


def _rule(client: Any, world: World, **body: Any) -> dict[str, Any]:
    base = {"name": "Rule", "amount_per_unit": 1000, "starts_on": "2025-03-01", "ends_on": "2025-03-31"}
    response = client.post(RULES, json=base | body, headers=world.h("office"))
    assert response.status_code == 201, response.text
    return dict(response.json())


def _statement(client: Any, world: World, who: str = "p1", viewer: str = "office", month: str = MONTH) -> Any:
    return client.get(f"{BONUSES}/{world[who]}", params={"month": month}, headers=world.h(viewer))


# --- rules ---------------------------------------------------------------------------------------


def test_a_rule_is_created_changed_and_deleted(client: Any, world: World) -> None:
    rule = _rule(client, world, series="Reno", name="Reno push")
    assert set(rule) == {
        "id", "name", "product_id", "series", "category", "amount_per_unit", "starts_on", "ends_on",
        "is_active", "version", "created_at", "updated_at",
    }  # fmt: skip
    assert (rule["series"], rule["product_id"], rule["category"], rule["version"]) == ("Reno", None, None, 1)
    url = f"{RULES}/{rule['id']}"
    changed = client.patch(url, json={"amount_per_unit": 1500, "version": 1}, headers=world.h("office"))
    assert changed.status_code == 200, changed.text
    assert (changed.json()["amount_per_unit"], changed.json()["version"]) == (1500, 2)
    expect_error(
        client.patch(url, json={"is_active": False, "version": 1}, headers=world.h("office")), 409, "conflict"
    )
    # switching the target: the old one must be cleared in the same change
    expect_error(
        client.patch(url, json={"category": "tablet"}, headers=world.h("office")), 422, "validation_error"
    )
    swapped = client.patch(url, json={"category": "tablet", "series": None}, headers=world.h("office"))
    assert swapped.status_code == 200, swapped.text
    assert (swapped.json()["category"], swapped.json()["series"]) == ("tablet", None)
    whole = swapped.json() | {"name": "Tablets", "amount_per_unit": 900}
    replaced = client.put(url, json=whole, headers=world.h("office"))
    assert replaced.status_code == 200, replaced.text
    assert (replaced.json()["name"], replaced.json()["version"]) == ("Tablets", swapped.json()["version"] + 1)
    expect_error(client.put(url, json=whole, headers=world.h("office")), 409, "conflict")  # stale version
    listed = client.get(RULES, params={"category": "tablet"}, headers=world.h("p1")).json()
    assert [r["id"] for r in listed["items"]] == [rule["id"]]
    expect_error(client.patch(url, json={"name": "x"}, headers=world.h("sup_a")), 403, "forbidden")
    assert client.delete(url, headers=world.h("office")).status_code == 204
    expect_error(client.get(url, headers=world.h("office")), 404, "not_found")


def test_invalid_rules_are_422(client: Any, world: World) -> None:
    base = {"name": "R", "amount_per_unit": 1000, "starts_on": "2025-03-01", "ends_on": "2025-03-31"}
    for body in (
        base,  # no target
        base | {"series": "Reno", "category": "smartphone"},
        base | {"product_id": world["phone"], "series": "Reno"},
        base | {"series": "Reno", "amount_per_unit": 0},
        base | {"series": "Reno", "amount_per_unit": -5},
        base | {"series": "Reno", "ends_on": "2025-02-28"},
        base | {"category": "toaster"},
        base | {"product_id": 999_999},
        base | {"series": "Reno", "starts_on": "03/01/2025"},
    ):
        expect_error(client.post(RULES, json=body, headers=world.h("office")), 422, "validation_error")
    # The errors name the field, on POST as on PATCH (not "body").
    for body, field in (
        (base, "product_id"),
        (base | {"series": "Reno", "category": "smartphone"}, "product_id"),
        (base | {"series": "Reno", "ends_on": "2025-02-28"}, "ends_on"),
    ):
        answer = expect_error(
            client.post(RULES, json=body, headers=world.h("office")), 422, "validation_error"
        )
        assert [e["field"] for e in answer["details"]["errors"]] == [field]
    for who in ("sup_a", "p1"):
        expect_error(client.post(RULES, json=base | {"series": "A"}, headers=world.h(who)), 403, "forbidden")


# --- the one rule that applies -------------------------------------------------------------------

# (rules as (target, amount, starts_on, ends_on, is_active), the sale's day, the rule expected by index)
CHOICES: list[tuple[list[tuple[str, int, str, str, bool]], date, int | None]] = [
    ([("category", 300, "03-01", "03-31", True)], DAY, 0),
    ([("category", 5000, "03-01", "03-31", True), ("series", 1000, "03-01", "03-31", True)], DAY, 1),
    ([("series", 5000, "03-01", "03-31", True), ("product", 1000, "03-01", "03-31", True)], DAY, 1),
    ([("product", 1000, "03-01", "03-31", True), ("product", 2000, "03-10", "03-20", True)], DAY, 1),
    (
        [("series", 700, "03-01", "03-31", True), ("series", 700, "03-01", "03-31", True)],
        DAY,
        0,
    ),  # tie: oldest
    ([("product", 9000, "03-01", "03-13", True), ("series", 100, "03-01", "03-31", True)], DAY, 1),
    (
        [("product", 9000, "03-14", "03-14", True), ("series", 100, "03-01", "03-31", True)],
        DAY,
        0,
    ),  # inclusive
    ([("product", 9000, "03-15", "03-31", True), ("category", 100, "03-01", "03-31", True)], DAY, 1),
    ([("product", 9000, "03-01", "03-31", False), ("category", 100, "03-01", "03-31", True)], DAY, 1),
    ([("product", 9000, "03-01", "03-13", True)], DAY, None),  # no rule, no bonus
    ([("category", 100, "03-01", "03-31", True)], date(2025, 3, 31), 0),  # the last day counts
]


def test_the_most_specific_then_highest_rule_applies(client: Any, world: World) -> None:
    with session_scope(write=True) as s:
        # one product per case, so that the cases do not see each other's rules
        products = [
            id_of(make_product(s, series=f"S{n}", category=Category.wearable, price=10_000))
            for n in range(len(CHOICES))
        ]
    expected_lines = []
    for n, (rules, day, chosen) in enumerate(CHOICES):
        made = []
        for target, amount, starts, ends, active in rules:
            # the series is written in another case than the product's: it matches case-insensitively
            targets: dict[str, dict[str, Any]] = {
                "product": {"product_id": products[n]},
                "series": {"series": f"s{n}"},
                "category": {"category": "wearable"},
            }
            value = targets[target]
            made.append(
                _rule(
                    client,
                    world,
                    **value,
                    amount_per_unit=amount,
                    is_active=active,
                    starts_on=f"2025-{starts}",
                    ends_on=f"2025-{ends}",
                )
            )
        sale_id = _sale(world, day=day, product_id=products[n], quantity=2, imei=None)
        statement = _statement(client, world).json()
        line = {ln["sale_id"]: ln for ln in statement["lines"]}.get(sale_id)
        if chosen is None:
            assert line is None, n
        else:
            assert line is not None, n
            assert (line["rule_id"], line["amount"], line["quantity"]) == (
                made[chosen]["id"],
                2 * made[chosen]["amount_per_unit"],
                2,
            ), n
            expected_lines.append(line)
        # category rules are shared by every case's (wearable) product: retire them after each case
        for rule in made:
            client.patch(f"{RULES}/{rule['id']}", json={"is_active": False}, headers=world.h("office"))
    assert len(expected_lines) == len([c for c in CHOICES if c[2] is not None])


def test_only_approved_sales_earn(client: Any, world: World) -> None:
    rule = _rule(client, world, product_id=world["phone"], amount_per_unit=2500)
    approved = _sale(world)
    _sale(world, status="pending")
    _sale(world, status="rejected")
    _sale(world, day=date(2025, 4, 1))  # another month
    body = _statement(client, world).json()
    assert body["lines"] == [
        {"sale_id": approved, "sale_date": "2025-03-14", "product_sku": "RENO14-8-256", "quantity": 1,
         "rule_id": rule["id"], "amount": 2500}
    ]  # fmt: skip
    assert (body["units"], body["amount"], body["closed"], body["month"]) == (1, 2500, False, MONTH)
    month = client.get(BONUSES, params={"month": MONTH}, headers=world.h("office")).json()
    assert month == {
        "month": MONTH, "closed": False, "total": 2500,
        "rows": [{"promoter_id": world["p1"], "promoter_name": "Promoter One", "units": 1, "amount": 2500}],
    }  # fmt: skip


# --- scope ---------------------------------------------------------------------------------------


def test_who_reads_which_statements(client: Any, world: World) -> None:
    _rule(client, world, category="smartphone", amount_per_unit=1000)
    _sale(world, "p1")
    _sale(world, "p2")
    _sale(world, "p2")
    seen = {
        who: {r["promoter_id"]: r["amount"] for r in client.get(BONUSES, params={"month": MONTH}, headers=world.h(who)).json()["rows"]}
        for who in ("office", "admin", "sup_a", "sup_b", "p1", "p2")
    }  # fmt: skip
    both = {world["p1"]: 1000, world["p2"]: 2000}
    assert seen == {
        "office": both, "admin": both, "sup_a": both, "sup_b": {},  # p2's time in b1 ended in 2021
        "p1": {world["p1"]: 1000}, "p2": {world["p2"]: 2000},
    }  # fmt: skip
    assert _statement(client, world, "p1", viewer="p1").status_code == 200
    expect_error(_statement(client, world, "p2", viewer="p1"), 404, "not_found")
    expect_error(_statement(client, world, "p2", viewer="sup_b"), 404, "not_found")
    assert _statement(client, world, "p2", viewer="sup_a").json()["amount"] == 2000
    expect_error(_statement(client, world, "sup_a", viewer="office"), 404, "not_found")  # not a promoter
    expect_error(
        client.get(BONUSES, params={"month": "2025-13"}, headers=world.h("office")), 422, "validation_error"
    )


# --- closing -------------------------------------------------------------------------------------


def _last_month() -> tuple[str, datetime]:
    today = local_date(datetime.now(UTC))
    last_day = today.replace(day=1) - timedelta(days=1)
    return f"{last_day.year:04d}-{last_day.month:02d}", _noon(last_day.replace(day=10))


def test_closing_freezes_the_month_and_its_sales(client: Any, world: World) -> None:
    month, moment = _last_month()
    day = local_date(moment)
    rule = _rule(
        client, world, series="Reno", starts_on="2020-01-01", ends_on="2030-12-31", amount_per_unit=800
    )
    approved = _sale(world, day=day)
    pending = _sale(world, day=day, status="pending")
    expect_error(client.post(f"{BONUSES}/months/{month}/close", headers=world.h("sup_a")), 403, "forbidden")
    closed = client.post(f"{BONUSES}/months/{month}/close", headers=world.h("office"))
    assert closed.status_code == 200, closed.text
    assert closed.json()["month"] == month
    assert closed.json()["closed"] is True
    assert closed.json()["closed_by_id"] == world["office"]
    assert closed.json()["closed_at"]
    expect_error(client.post(f"{BONUSES}/months/{month}/close", headers=world.h("admin")), 409, "conflict")

    # a changed rule no longer changes the closed month
    client.patch(f"{RULES}/{rule['id']}", json={"amount_per_unit": 5000}, headers=world.h("office"))
    frozen = _statement(client, world, month=month).json()
    assert (frozen["closed"], frozen["amount"], [ln["sale_id"] for ln in frozen["lines"]]) == (
        True,
        800,
        [approved],
    )
    # ...and its sales cannot be created, changed, deleted or reviewed
    office = world.h("office")
    new = {"store_id": world["a1"], "product_id": world["phone"], "imei": valid_imei(),
           "promoter_id": world["p1"], "sold_at": moment.isoformat()}  # fmt: skip
    expect_error(client.post("/api/v1/sales", json=new, headers=office), 409, "conflict")
    expect_error(
        client.patch(f"/api/v1/sales/{pending}", json={"quantity": 1}, headers=office), 409, "conflict"
    )
    expect_error(client.post(f"/api/v1/sales/{pending}/approve", headers=world.h("sup_a")), 409, "conflict")
    expect_error(
        client.post(f"/api/v1/sales/{pending}/reject", json={"note": "x"}, headers=office), 409, "conflict"
    )
    bulk = client.post("/api/v1/sales/review", json={"ids": [pending], "action": "approve"}, headers=office)
    assert bulk.json()["results"] == [{"id": pending, "status": "error", "error_code": "conflict"}]
    expect_error(client.delete(f"/api/v1/sales/{pending}", headers=office), 409, "conflict")
    # a pending sale of this month may not move into the closed one either
    current = _sale(world, day=local_date(datetime.now(UTC)), status="pending")
    moved = client.patch(f"/api/v1/sales/{current}", json={"sold_at": moment.isoformat()}, headers=office)
    expect_error(moved, 409, "conflict")
    # the open month goes on as before
    assert client.post(f"/api/v1/sales/{current}/approve", headers=world.h("sup_a")).status_code == 200

    months = client.get(f"{BONUSES}/months", headers=world.h("p1")).json()["items"]
    by_month = {m["month"]: m for m in months}
    assert by_month[month]["closed"] is True
    assert by_month[month]["closed_by_id"] == world["office"]
    this_month = local_date(datetime.now(UTC)).strftime("%Y-%m")
    assert by_month[this_month] == {
        "month": this_month,
        "closed": False,
        "closed_at": None,
        "closed_by_id": None,
    }
    assert [m["month"] for m in months] == sorted(by_month, reverse=True)

    # The list takes the filter grammar and paging of every list (CONTRACT-SALES "Shared rules").
    def listed(**params: Any) -> dict[str, Any]:
        response = client.get(f"{BONUSES}/months", params=params, headers=office)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    only_closed = listed(closed="true")
    assert [m["month"] for m in only_closed["items"]] == [month]
    assert only_closed["total"] == 1
    assert [m["month"] for m in listed(month__gte=this_month)["items"]] == [this_month]
    assert [m["month"] for m in listed(sort="month")["items"]] == sorted(by_month)
    first = listed(page_size=1, page=2)
    assert (first["page"], first["page_size"], first["total"]) == (2, 1, len(by_month))
    assert [m["month"] for m in first["items"]] == sorted(by_month, reverse=True)[1:2]
    assert listed(closed_by_id=world["office"])["total"] == 1
    for bad in ({"bogus": "1"}, {"closed": "maybe"}, {"closed_at__contains": "x"}):
        expect_error(client.get(f"{BONUSES}/months", params=bad, headers=office), 400, "invalid_filter")
    expect_error(client.get(f"{BONUSES}/months", params={"sort": "x"}, headers=office), 400, "invalid_sort")


def test_a_month_not_yet_begun_cannot_be_closed(client: Any, world: World) -> None:
    office = world.h("office")
    expect_error(client.post(f"{BONUSES}/months/2099-01/close", headers=office), 422, "validation_error")
    expect_error(client.post(f"{BONUSES}/months/2025-1/close", headers=office), 422, "validation_error")


def test_statements_export_as_csv_and_xlsx(client: Any, world: World) -> None:
    _rule(client, world, category="smartphone", amount_per_unit=1000)
    first, second = _sale(world, "p1"), _sale(world, "p2")
    response = client.get(f"{BONUSES}/export", params={"month": MONTH}, headers=world.h("office"))
    assert response.status_code == 200, response.text
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0] == ["month", "promoter_id", "promoter_name", "sale_id", "sale_date", "product_sku", "quantity",
                       "rule_id", "amount"]  # fmt: skip
    assert sorted(int(r[3]) for r in rows[1:]) == sorted([first, second])
    own = client.get(f"{BONUSES}/export", params={"month": MONTH}, headers=world.h("p1")).content.decode()
    assert [int(r[3]) for r in list(csv.reader(io.StringIO(own.removeprefix("\ufeff"))))[1:]] == [first]
    xlsx = client.get(
        f"{BONUSES}/export", params={"month": MONTH, "format": "xlsx"}, headers=world.h("office")
    )
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


@pytest.mark.parametrize("path", ["/api/v1/bonuses/months/2025-03/close"])
def test_closing_needs_a_sign_in(client: Any, path: str) -> None:
    expect_error(client.post(path), 401, "not_authenticated")
