"""What the dashboard shows, read in one session: today's and the period's figures, the month's target
and how much of it is reached, sales by day, the leaderboards, and for a promoter their rank.

Everything is in the actor's scope (the report rules), except the promoter's rank: it is computed over
every promoter's approved-or-pending sales of the month, and only the rank and the count come back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.lib import listing
from oppo_kz.lib.listing import Filter, ListQuery, Scope
from oppo_kz.lib.reporting import month_bounds, percent_of
from oppo_kz.reports.service import ReportQuery, sales_report, sales_totals
from oppo_kz.sales.models import SaleStatus
from oppo_kz.sales.queries import SALES_TABLE
from oppo_kz.targets.service import TARGETS, TARGETS_TABLE, target_scope
from oppo_kz.users.models import Role

PERIODS = ("this_month", "last_month", "7d", "30d", "90d", "custom")
CHART_DAYS = 30
TOP = 5
# A custom period longer than this is cut to it (the chart and lists stay readable and cheap).
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date

    @property
    def month(self) -> str:
        """The month whose target the period is measured against: the month of its last day."""
        return self.date_to.strftime("%Y-%m")


def period_of(
    name: str, today: date, custom_from: date | None = None, custom_to: date | None = None
) -> Period:
    """The days of a named period ending today (or a custom one; unknown names are this month)."""
    if name == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return Period(last.replace(day=1), last)
    if name in ("7d", "30d", "90d"):
        return Period(today - timedelta(days=int(name[:-1]) - 1), today)
    if name == "custom" and custom_from and custom_to:
        low, high = sorted((custom_from, custom_to))
        return Period(max(low, high - timedelta(days=MAX_PERIOD_DAYS - 1)), high)
    return Period(today.replace(day=1), today)


def _target_of_month(session: Session, actor: Principal, month: str) -> tuple[int, int]:
    """Units and tenge the actor's part of the business should reach in `month`: a promoter their own
    target; everyone else the targets of the stores in their scope (or, when no store has one, of the
    promoters in their scope)."""
    t = TARGETS_TABLE.c
    levels = (
        [("own", t.promoter_id == actor.id)]
        if actor.role == Role.promoter
        else [("stores", t.store_id.is_not(None)), ("promoters", t.promoter_id.is_not(None))]
    )
    own = target_scope(actor) if actor.role != Role.promoter else None
    for name, subject in levels:
        scopes = [Scope(f"dashboard_{name}", subject, {}), *([own] if own is not None else [])]
        row = listing.aggregate(
            session, TARGETS, ListQuery(filters=(Filter("month", "eq", month),)), scope=scopes,
            columns=[func.coalesce(func.sum(t.units), 0), func.coalesce(func.sum(t.amount), 0)],
        )[0]  # fmt: skip
        if row[0] or row[1]:
            return int(row[0]), int(row[1])
    return 0, 0


def promoter_rank(*, session: Session, actor: Principal, month: str) -> tuple[int, int]:
    """`actor`'s place among the promoters who sold in `month` by tenge (1 = most) and how many sold;
    (0, n) when the actor sold nothing."""
    first, last = month_bounds(month)
    s = SALES_TABLE.c
    totals = (
        select(s.promoter_id, func.sum(s.amount).label("amount"))
        .where(s.sale_date >= first, s.sale_date <= last, s.status != SaleStatus.rejected.value)
        .group_by(s.promoter_id)
        .subquery()
    )
    mine = select(totals.c.amount).where(totals.c.promoter_id == actor.id).scalar_subquery()
    row = session.execute(
        select(
            func.count(),
            func.count().filter(totals.c.amount > mine),
            func.count().filter(totals.c.promoter_id == actor.id),
        ).select_from(totals)
    ).one()
    sellers, ahead, me = int(row[0]), int(row[1]), int(row[2])
    return (ahead + 1 if me else 0), sellers


def dashboard(*, session: Session, actor: Principal, period: Period, today: date) -> dict[str, Any]:
    """Every figure of the dashboard for `actor` and `period`."""
    actor.require(Permission.reports_read)
    month_first, _ = month_bounds(period.month)
    month_to = ReportQuery(date_from=month_first, date_to=period.date_to)
    within = ReportQuery(date_from=period.date_from, date_to=period.date_to)
    target_units, target_amount = _target_of_month(session, actor, period.month)
    month_totals = sales_totals(session=session, actor=actor, report=month_to)
    chart = sales_report(
        session=session, actor=actor, group_by="day",
        report=ReportQuery(date_from=period.date_to - timedelta(days=CHART_DAYS - 1), date_to=period.date_to),
    )  # fmt: skip

    def top(group_by: str) -> list[dict[str, Any]]:
        return sales_report(session=session, actor=actor, group_by=group_by, report=within)["rows"][:TOP]

    found: dict[str, Any] = {
        "today": sales_totals(
            session=session, actor=actor, report=ReportQuery(date_from=today, date_to=today)
        ),
        "period": sales_totals(session=session, actor=actor, report=within),
        "month": period.month,
        "month_totals": month_totals,
        "target_units": target_units,
        "target_amount": target_amount,
        "amount_pct": percent_of(month_totals["amount"], target_amount),
        "units_pct": percent_of(month_totals["units"], target_units),
        "by_day": chart["rows"],
        "top_stores": top("store"),
        "top_products": top("product"),
        "top_promoters": top("promoter"),
        "rank": None,
    }
    if actor.role == Role.promoter:
        found["rank"] = promoter_rank(session=session, actor=actor, month=period.month)
    return found
