"""The daily sales summaries (oppo_kz/sales/summary.py) against the sales themselves: after random
creates, changes (of day, store, product, promoter, quantity, price), deletes, reviews one by one and in
bulk, direct ORM writes and an ORM bulk insert, every report — each group_by, filtered and scoped
variants, totals and targets — answers the same from the summary as from the sales, and the kept
summary equals one rebuilt from scratch. Then two PostgreSQL writers on the same summary rows."""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.core.errors import DomainError
from oppo_kz.lib.listing import Filter, ListQuery
from oppo_kz.products.models import Product
from oppo_kz.reports import service as reports
from oppo_kz.reports.sources import RAW, source_for
from oppo_kz.sales import review, service
from oppo_kz.sales.models import ReviewAction, Sale, SaleCreate, SaleStatus, SaleUpdate
from oppo_kz.sales.summary import MEASURES, SUMMARIES, key_columns, rebuild
from oppo_kz.stores.models import Store
from oppo_kz.users.models import User
from tests.factories import id_of, make_sale, valid_imei
from tests.helpers import run_together
from tests.world import World

NOW = datetime.now(UTC)
TODAY = (NOW + timedelta(hours=5)).date()


def _who(name: str, world: World) -> Principal:
    with session_scope() as s:
        return Principal.of(s.get_one(User, world[name]))


def _sold_at(rng: random.Random) -> str:
    return (NOW - timedelta(days=rng.randrange(0, 40), hours=rng.randrange(1, 20))).isoformat()


def _body(rng: random.Random, world: World) -> dict[str, Any]:
    store, promoter = rng.choice([("a1", "p1"), ("a2", "p2")])
    if rng.random() < 0.5:
        goods: dict[str, Any] = {"product_id": world["phone"], "imei": valid_imei()}
    else:
        goods = {"product_id": world["case"], "quantity": rng.randint(1, 5)}
    return {"store_id": world[store], "promoter_id": world[promoter], "sold_at": _sold_at(rng), **goods}


def _change(rng: random.Random, world: World) -> dict[str, Any]:
    store, promoter = rng.choice([("a1", "p1"), ("a2", "p2")])
    return rng.choice(
        [
            {"sold_at": _sold_at(rng)},
            {"store_id": world[store], "promoter_id": world[promoter]},
            {"unit_price": rng.randint(1, 9) * 1000},
            {"product_id": world["case"], "imei": None, "quantity": rng.randint(2, 4)},
            {"product_id": world["tablet"], "imei": valid_imei(), "quantity": 1},
        ]
    )


def _step(rng: random.Random, world: World, office: Principal, sup: Principal, ids: list[int]) -> None:
    roll = rng.random()
    with session_scope(write=True) as s:
        if roll < 0.4 or not ids:
            body = SaleCreate.model_validate(_body(rng, world))
            ids.append(id_of(service.create_sale(session=s, actor=office, sale_in=body)))
        elif roll < 0.6:
            change = SaleUpdate.model_validate(_change(rng, world))
            service.update_sale(session=s, actor=office, sale_id=rng.choice(ids), changes=change)
        elif roll < 0.7:
            victim = rng.choice(ids)
            service.delete_sale(session=s, actor=office, sale_id=victim)
            ids.remove(victim)
        elif roll < 0.85:
            action = rng.choice(list(ReviewAction))
            review.review_sale(session=s, actor=sup, sale_id=rng.choice(ids), action=action, note="no")
        else:
            picked = rng.sample(ids, min(len(ids), 4))
            review.review_many(session=s, actor=office, ids=picked, action=ReviewAction.approve)


def _direct_writes(world: World) -> None:
    """Writes outside the services: a sale added through the ORM and an ORM bulk insert."""
    with session_scope(write=True) as s:
        make_sale(
            s, store=s.get_one(Store, world["b1"]), promoter=s.get_one(User, world["p2"]),
            product=s.get_one(Product, world["case"]), imei=None, quantity=7, status=SaleStatus.approved,
        )  # fmt: skip
        day = TODAY - timedelta(days=3)
        at = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
        row = {"store_id": world["a1"], "promoter_id": world["p1"], "product_id": world["case"], "quantity": 2,
               "unit_price": 500, "amount": 1000, "sold_at": at, "sale_date": day, "status": "pending"}  # fmt: skip
        s.execute(insert(Sale), [row, {**row, "status": "approved", "quantity": 3, "amount": 1500}])
        s.commit()


def _variants(world: World) -> list[tuple[date | None, date | None, tuple[Filter, ...]]]:
    week = TODAY - timedelta(days=6)
    return [
        (None, None, ()),
        (week, TODAY, ()),
        (TODAY - timedelta(days=45), TODAY - timedelta(days=10), ()),
        (None, None, (Filter("status", "eq", "pending"),)),
        (None, None, (Filter("status", "in", ("approved", "rejected")),)),
        (week, None, (Filter("store_id", "eq", world["a1"]),)),
        (None, None, (Filter("promoter_id", "ne", world["p1"]),)),
        (None, None, (Filter("city", "eq", "Astana"),)),
        (None, None, (Filter("chain", "in", ("Sulpak", "OPPO Store")),)),
        (None, None, (Filter("category", "eq", "accessory"),)),
        (None, None, (Filter("product_id", "eq", world["phone"]),)),
        (None, None, (Filter("series", "ne", "Reno"),)),
        (week, TODAY, (Filter("product_sku", "contains", "reno"),)),  # always the raw path
    ]


def _reports_agree(world: World) -> int:
    """Compare every report both ways; the number of comparisons that read a summary."""
    used = 0
    actors = [_who(name, world) for name in ("office", "sup_a", "p1")]
    with session_scope(read_only=True) as s:
        for actor in actors:
            for date_from, date_to, filters in _variants(world):
                report = reports.ReportQuery(date_from, date_to, ListQuery(filters=filters))
                for group_by in reports.GROUPS:
                    both = [
                        reports.sales_report(
                            session=s, actor=actor, group_by=group_by, report=report, summary=on
                        )
                        for on in (True, False)
                    ]
                    assert both[0] == both[1], (actor.role, group_by, date_from, date_to, filters)
                    used += source_for(reports._counted(report), group_by, actor) is not RAW
                totals = [
                    reports.sales_totals(session=s, actor=actor, report=report, summary=on)
                    for on in (True, False)
                ]
                assert totals[0] == totals[1]
                if date_to is not None and date_to < TODAY.replace(day=1):
                    continue  # a period before this month: no targets report (422)
                for level in reports.LEVELS:
                    month = f"{TODAY:%Y-%m}"
                    both = [
                        reports.targets_report(
                            session=s, actor=actor, month=month, level=level, report=report, summary=on
                        )
                        for on in (True, False)
                    ]
                    assert both[0] == both[1]
    return used


def _summary_rows() -> dict[str, set[tuple[Any, ...]]]:
    with session_scope(read_only=True) as s:
        return {
            t.name: {tuple(row) for row in s.execute(select(t).where(t.c.sales_count != 0))}
            for t in SUMMARIES
        }


def _kept_equals_rebuilt() -> None:
    kept = _summary_rows()
    with session_scope(write=True) as s:
        rebuild(s.connection())
        s.commit()
    assert kept == _summary_rows()
    assert all(kept.values())


@pytest.mark.parametrize("seed", [1, 2])
def test_reports_from_the_summary_equal_reports_from_the_sales(world: World, seed: int) -> None:
    rng = random.Random(seed)
    office, sup = _who("office", world), _who("sup_a", world)
    ids: list[int] = []
    for _ in range(60):
        # A refused write (a reviewed sale changed, say) changes nothing.
        with contextlib.suppress(DomainError):
            _step(rng, world, office, sup, ids)
    assert _reports_agree(world) > 150  # of 351 comparisons: those a summary can answer
    _kept_equals_rebuilt()
    _direct_writes(world)  # an ORM bulk insert has the summaries rebuilt before its commit
    _reports_agree(world)
    _kept_equals_rebuilt()


def test_a_summary_row_whose_sales_all_went_is_not_a_group(world: World) -> None:
    office = _who("office", world)
    body = {"store_id": world["b1"], "promoter_id": world["p2"], "product_id": world["case"]}
    with session_scope(write=True) as s:
        sale = service.create_sale(session=s, actor=office, sale_in=SaleCreate.model_validate(body))
    report = reports.ReportQuery()
    with session_scope(read_only=True) as s:
        assert [
            r["key"] for r in reports.sales_report(session=s, actor=office, group_by="store")["rows"]
        ] == [world["b1"]]
    with session_scope(write=True) as s:
        service.delete_sale(session=s, actor=office, sale_id=id_of(sale))
    with session_scope(read_only=True) as s:
        for group_by in ("store", "chain", "product", "category", "day"):
            rows = reports.sales_report(session=s, actor=office, group_by=group_by, report=report)["rows"]
            assert rows == [], group_by
        assert reports.sales_totals(session=s, actor=office, report=report) == {
            "units": 0,
            "amount": 0,
            "count": 0,
        }


def test_a_rolled_back_write_leaves_the_summary_alone(world: World) -> None:
    office = _who("office", world)
    body = {"store_id": world["a1"], "promoter_id": world["p1"], "product_id": world["case"], "quantity": 3}
    with session_scope(write=True) as s:
        service.create_sale(session=s, actor=office, sale_in=SaleCreate.model_validate(body))
    before = _summary_rows()
    with session_scope(write=True) as s:
        sale = s.scalars(select(Sale)).one()
        sale.quantity, sale.amount = 9, 9 * sale.unit_price
        s.flush()
        s.rollback()
    assert _summary_rows() == before
    assert MEASURES == ("units", "amount", "sales_count")
    assert key_columns(SUMMARIES[0]) == ("sale_date", "store_id", "promoter_id", "status")


# The row locks under test are PostgreSQL's (SQLite has one writer at a time).
@pytest.mark.parametrize("db", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
def test_two_postgresql_writers_on_the_same_summary_rows_lose_nothing(world: World) -> None:
    office = _who("office", world)
    per_writer = 40
    day = NOW - timedelta(hours=2)

    def writer(n: int) -> None:
        # Both writers add to the same (day, store, promoter, status) and (day, product, status) rows,
        # and bulk-review overlapping rows in opposite orders.
        mine: list[int] = []
        for i in range(per_writer):
            body = {"store_id": world["a1"], "promoter_id": world["p1"], "product_id": world["case"],
                    "quantity": 1 + (i % 3), "sold_at": day.isoformat()}  # fmt: skip
            with session_scope(write=True) as s:
                mine.append(
                    id_of(
                        service.create_sale(session=s, actor=office, sale_in=SaleCreate.model_validate(body))
                    )
                )
            if len(mine) == 4:
                with session_scope(write=True) as s:
                    order = mine if n == 0 else list(reversed(mine))
                    review.review_many(session=s, actor=office, ids=order, action=ReviewAction.approve)
                mine = []

    assert run_together(writer, 2) == []
    with session_scope(read_only=True) as s:
        raw = reports.sales_totals(session=s, actor=office, report=reports.ReportQuery(), summary=False)
        kept = reports.sales_totals(session=s, actor=office, report=reports.ReportQuery())
    assert raw["count"] == 2 * per_writer
    assert kept == raw
    _kept_equals_rebuilt()
