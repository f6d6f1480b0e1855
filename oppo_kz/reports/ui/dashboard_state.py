"""/dashboard: today's and the period's figures, the month's target, sales by day and the leaderboards,
in the caller's scope; re-read when sales (or targets) change, one read per burst."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import reflex as rx

from oppo_kz.auth.service import SESSION_ENDED, Principal
from oppo_kz.auth.ui.state import AuthState, actor_or_login
from oppo_kz.core.db import utcnow
from oppo_kz.core.errors import DomainError
from oppo_kz.lib.formatting import day, local_date, money, number, percent
from oppo_kz.reports import dashboard
from oppo_kz.reports.dashboard import PERIODS, Period, period_of
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.live import LiveFeed
from oppo_kz.ui.run import run_service
from oppo_kz.users.models import Role

logger = logging.getLogger(__name__)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _leaders(rows: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "place": n,
            "key": str(row["key"]),
            "label": row["label"],
            "units": number(row["units"], lang),
            "amount": money(row["amount"], lang),
        }
        for n, row in enumerate(rows, start=1)
    ]


def shown(found: dict[str, Any], lang: str) -> dict[str, Any]:
    """The dashboard's figures as the page shows them in `lang` (formatted on the server, once)."""
    pct = found["amount_pct"] if found["target_amount"] else found["units_pct"]
    rank = found["rank"]
    return {
        "today_units": number(found["today"]["units"], lang),
        "today_amount": money(found["today"]["amount"], lang),
        "period_units": number(found["period"]["units"], lang),
        "period_amount": money(found["period"]["amount"], lang),
        "month_amount": money(found["month_totals"]["amount"], lang),
        "target_amount": money(found["target_amount"], lang) if found["target_amount"] else "",
        "target_units": number(found["target_units"], lang) if found["target_units"] else "",
        "target_pct": percent(pct, lang),
        "target_progress": min(100, round(pct or 0)),
        "has_target": bool(found["target_amount"] or found["target_units"]),
        "chart": [
            {"day": day(row["key"], lang)[:5], "units": row["units"], "amount": row["amount"]}
            for row in found["by_day"]
        ],
        "top_stores": _leaders(found["top_stores"], lang),
        "top_products": _leaders(found["top_products"], lang),
        "top_promoters": _leaders(found["top_promoters"], lang),
        "rank": rank[0] if rank else 0,
        "sellers": rank[1] if rank else 0,
    }


class DashboardState(rx.State):
    period: rx.Field[str] = rx.field("this_month")
    custom_from: rx.Field[str] = rx.field("")
    custom_to: rx.Field[str] = rx.field("")
    date_from: rx.Field[str] = rx.field("")
    date_to: rx.Field[str] = rx.field("")
    month: rx.Field[str] = rx.field("")
    today_units: rx.Field[str] = rx.field("")
    today_amount: rx.Field[str] = rx.field("")
    period_units: rx.Field[str] = rx.field("")
    period_amount: rx.Field[str] = rx.field("")
    target_pct: rx.Field[str] = rx.field("")
    target_progress: rx.Field[int] = rx.field(0)
    has_target: rx.Field[bool] = rx.field(False)
    target_amount: rx.Field[str] = rx.field("")
    target_units: rx.Field[str] = rx.field("")
    month_amount: rx.Field[str] = rx.field("")
    chart: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    top_stores: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    top_products: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    top_promoters: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    is_promoter: rx.Field[bool] = rx.field(False)
    rank: rx.Field[int] = rx.field(0)
    sellers: rx.Field[int] = rx.field(0)
    loaded: rx.Field[bool] = rx.field(False)
    problem: rx.Field[str] = rx.field("")
    # Goes up with every refresh, so a test (or a person) can tell fresh figures from old ones.
    generation: rx.Field[int] = rx.field(0)

    def _period(self) -> Period:
        return period_of(self.period, local_date(utcnow()), _day(self.custom_from), _day(self.custom_to))

    async def _read(self, actor: Principal) -> tuple[Period, dict[str, Any]]:
        period = self._period()
        found = await run_service(dashboard.dashboard, actor=actor, period=period, today=local_date(utcnow()))
        return period, found

    def _apply(self, period: Period, found: dict[str, Any], lang: str) -> None:
        figures = shown(found, lang)
        self.today_units, self.today_amount = figures["today_units"], figures["today_amount"]
        self.period_units, self.period_amount = figures["period_units"], figures["period_amount"]
        self.target_pct, self.target_progress = figures["target_pct"], figures["target_progress"]
        self.has_target, self.month_amount = figures["has_target"], figures["month_amount"]
        self.target_amount, self.target_units = figures["target_amount"], figures["target_units"]
        self.chart = figures["chart"]
        self.top_stores, self.top_products = figures["top_stores"], figures["top_products"]
        self.top_promoters = figures["top_promoters"]
        self.rank, self.sellers = figures["rank"], figures["sellers"]
        self.date_from, self.date_to = period.date_from.isoformat(), period.date_to.isoformat()
        self.month = period.month
        self.loaded, self.problem = True, ""
        self.generation += 1

    async def _refresh(self) -> Any:
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.is_promoter = actor.role == Role.promoter
        try:
            period, found = await self._read(actor)
        except DomainError as exc:
            self.problem = exc.error_code
            return None
        self._apply(period, found, (await self.get_state(I18nState)).lang)
        return None

    @rx.event
    async def load(self):
        """on_load: the figures of the chosen period, then follow sales live."""
        redirect = await self._refresh()
        if redirect is not None:
            return redirect
        return DashboardState.follow_sales

    @rx.event
    async def set_period(self, value: str):
        """The period picker (this month, last month, 7/30/90 days, custom)."""
        self.period = value if value in PERIODS else "this_month"
        if self.period == "custom" and not (self.custom_from and self.custom_to):
            self.custom_from, self.custom_to = self.date_from, self.date_to
        return await self._refresh()

    @rx.event
    async def set_custom_from(self, value: str):
        self.custom_from = value if _day(value) else ""
        return await self._refresh()

    @rx.event
    async def set_custom_to(self, value: str):
        self.custom_to = value if _day(value) else ""
        return await self._refresh()

    @rx.event(background=True)
    async def follow_sales(self):
        """Re-read the figures when sales are reported, changed or reviewed (or targets change)."""
        feed = LiveFeed("sale.", "target.")
        try:
            while True:
                batch = await feed.next_batch()
                if batch is None:
                    continue
                async with self:
                    auth_state = await self.get_state(AuthState)
                    if any(e.name == SESSION_ENDED and auth_state.login_ended(e.data) for e in batch):
                        auth_state.clear()
                    actor = await auth_state.principal_or_none()
                    period = self._period()
                    lang = (await self.get_state(I18nState)).lang
                if actor is None:
                    yield rx.redirect("/login", replace=True)
                    return
                try:
                    found = await run_service(
                        dashboard.dashboard, actor=actor, period=period, today=local_date(utcnow())
                    )
                except DomainError as exc:
                    logger.info("live refresh of /dashboard skipped: %s", exc.message)
                    continue
                async with self:
                    if self._period() == period:  # the user did not pick another period meanwhile
                        self._apply(period, found, lang)
        finally:
            feed.close()
