"""The dashboard's figures (reports.dashboard): periods, today and the month in scope, the month's
target reached, the leaderboards and a promoter's rank."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.lib.formatting import local_date
from oppo_kz.products.models import Product
from oppo_kz.reports.dashboard import Period, dashboard, period_of
from oppo_kz.reports.ui.dashboard_state import shown
from oppo_kz.sales.models import SaleStatus
from oppo_kz.stores.models import Store
from oppo_kz.targets.models import Target
from oppo_kz.users.models import User
from tests.factories import make_sale
from tests.world import World

TODAY = date(2026, 11, 18)


@pytest.mark.parametrize(
    ("name", "first", "last"),
    [
        ("this_month", date(2026, 11, 1), TODAY),
        ("last_month", date(2026, 10, 1), date(2026, 10, 31)),
        ("7d", date(2026, 11, 12), TODAY),
        ("30d", date(2026, 10, 20), TODAY),
        ("90d", date(2026, 8, 21), TODAY),
        ("nonsense", date(2026, 11, 1), TODAY),
    ],
)
def test_named_periods_end_today(name: str, first: date, last: date) -> None:
    assert period_of(name, TODAY) == Period(first, last)


def test_a_custom_period_is_put_in_order_and_cut_to_a_year() -> None:
    assert period_of("custom", TODAY, date(2026, 11, 10), date(2026, 11, 2)) == Period(
        date(2026, 11, 2), date(2026, 11, 10)
    )
    assert period_of("custom", TODAY, date(2020, 1, 1), TODAY).date_from == TODAY - timedelta(days=365)
    assert period_of("custom", TODAY, None, TODAY) == period_of("this_month", TODAY)


def _actor(world: World, name: str) -> Principal:
    with session_scope() as s:
        return Principal.of(s.get_one(User, world[name]))


def test_figures_targets_leaders_and_rank_follow_the_scope(world: World) -> None:
    now = datetime.now(UTC)
    today = local_date(now)
    with session_scope(write=True) as s:
        a1, a2 = s.get_one(Store, world["a1"]), s.get_one(Store, world["a2"])
        p1, p2 = s.get_one(User, world["p1"]), s.get_one(User, world["p2"])
        case, phone = s.get_one(Product, world["case"]), s.get_one(Product, world["phone"])
        sale: dict[str, Any] = {"imei": None, "status": SaleStatus.approved}
        make_sale(s, store=a1, promoter=p1, product=case, quantity=2, unit_price=10_000, sold_at=now, **sale)
        make_sale(
            s, store=a2, promoter=p2, product=phone, quantity=1, unit_price=200_000, sold_at=now, **sale
        )
        make_sale(
            s, store=a2, promoter=p2, product=phone, quantity=1, unit_price=1_000_000, sold_at=now,
            imei=None, status=SaleStatus.rejected,
        )  # fmt: skip
        month = today.strftime("%Y-%m")
        s.add(Target(month=month, store_id=world["a1"], units=10, amount=100_000))
        s.add(Target(month=month, store_id=world["a2"], units=10, amount=300_000))
        s.add(Target(month=month, promoter_id=world["p1"], amount=40_000))
        s.commit()
    period = period_of("this_month", today)

    def read(who: str) -> dict[str, Any]:
        with session_scope() as s:
            return dashboard(session=s, actor=_actor(world, who), period=period, today=today)

    office = read("office")
    assert office["today"] == {"units": 3, "amount": 220_000, "count": 2}
    assert (office["target_amount"], office["amount_pct"]) == (400_000, 55.0)
    assert [r["label"] for r in office["top_stores"]] == ["Sulpak Mega", "Technodom Dostyk"]
    assert [r["label"] for r in office["top_promoters"]] == ["Promoter Two", "Promoter One"]
    assert office["rank"] is None
    assert len(office["by_day"]) == 30
    assert office["by_day"][-1]["amount"] == 220_000

    promoter = read("p1")
    assert promoter["today"]["amount"] == 20_000
    assert (promoter["target_amount"], promoter["amount_pct"]) == (40_000, 50.0)
    assert [r["label"] for r in promoter["top_promoters"]] == ["Promoter One"]
    assert promoter["rank"] == (2, 2)
    assert read("p2")["rank"] == (1, 2)

    supervisor_b = read("sup_b")
    assert supervisor_b["today"]["count"] == 0
    assert (supervisor_b["target_amount"], supervisor_b["amount_pct"]) == (0, None)

    figures = shown(promoter, "ru")
    assert figures["today_amount"] == "20\u00a0000\u00a0₸"
    assert (figures["target_pct"], figures["target_progress"], figures["rank"]) == ("50,0\u00a0%", 50, 2)
    assert shown(supervisor_b, "en")["target_pct"] == "—"
