"""/dashboard: today's and the period's figures, the month's target, sales by day and the leaderboards,
in the caller's scope; re-read when sales (or targets) change, one read per burst."""

from __future__ import annotations

import logging
from collections.abc import Callable
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
from oppo_kz.ui.live import LiveFeed, current_seq
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


def _target_pct(found: dict[str, Any]) -> float | None:
    pct: float | None = found["amount_pct"] if found["target_amount"] else found["units_pct"]
    return pct


# Each figure the page shows in the tab's language, from what the dashboard service read.
_FORMATTED: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "today_units": lambda f, lang: number(f["today"]["units"], lang),
    "today_amount": lambda f, lang: money(f["today"]["amount"], lang),
    "period_units": lambda f, lang: number(f["period"]["units"], lang),
    "period_amount": lambda f, lang: money(f["period"]["amount"], lang),
    "month_amount": lambda f, lang: money(f["month_totals"]["amount"], lang),
    "target_amount": lambda f, lang: money(f["target_amount"], lang) if f["target_amount"] else "",
    "target_units": lambda f, lang: number(f["target_units"], lang) if f["target_units"] else "",
    "target_pct": lambda f, lang: percent(_target_pct(f), lang),
    "chart": lambda f, lang: [
        {"day": day(row["key"], lang)[:5], "units": row["units"], "amount": row["amount"]}
        for row in f["by_day"]
    ],
    "top_stores": lambda f, lang: _leaders(f["top_stores"], lang),
    "top_products": lambda f, lang: _leaders(f["top_products"], lang),
    "top_promoters": lambda f, lang: _leaders(f["top_promoters"], lang),
}


def _unformatted(found: dict[str, Any]) -> dict[str, Any]:
    rank = found["rank"]
    return {
        "target_progress": min(100, round(_target_pct(found) or 0)),
        "has_target": bool(found["target_amount"] or found["target_units"]),
        "rank": rank[0] if rank else 0,
        "sellers": rank[1] if rank else 0,
    }


def shown(found: dict[str, Any], lang: str) -> dict[str, Any]:
    """The dashboard's figures as the page shows them in `lang`."""
    return {name: format_(found, lang) for name, format_ in _FORMATTED.items()} | _unformatted(found)


def _in_lang(name: str, returns: Any, empty: Any) -> Any:
    """A computed var: figure `name` of the last read, formatted in the tab's language — again at
    once when the language switches (as the products table's rows are), not at the next read."""

    async def figure(self: Any) -> Any:
        lang = (await self.get_state(I18nState)).lang
        return _FORMATTED[name](self._found, lang) if self._found else empty

    figure.__name__ = figure.__qualname__ = name
    figure.__annotations__ = {"return": returns}
    return rx.var(figure)


_TEXT = str
_ROWS = list[dict[str, Any]]


class DashboardState(rx.State):
    period: rx.Field[str] = rx.field("this_month")
    custom_from: rx.Field[str] = rx.field("")
    custom_to: rx.Field[str] = rx.field("")
    date_from: rx.Field[str] = rx.field("")
    date_to: rx.Field[str] = rx.field("")
    month: rx.Field[str] = rx.field("")
    # What the dashboard service last read; the vars below format it in the tab's language.
    _found: dict[str, Any] = {}
    today_units = _in_lang("today_units", _TEXT, "")
    today_amount = _in_lang("today_amount", _TEXT, "")
    period_units = _in_lang("period_units", _TEXT, "")
    period_amount = _in_lang("period_amount", _TEXT, "")
    target_pct = _in_lang("target_pct", _TEXT, "")
    target_amount = _in_lang("target_amount", _TEXT, "")
    target_units = _in_lang("target_units", _TEXT, "")
    month_amount = _in_lang("month_amount", _TEXT, "")
    chart = _in_lang("chart", _ROWS, [])
    top_stores = _in_lang("top_stores", _ROWS, [])
    top_products = _in_lang("top_products", _ROWS, [])
    top_promoters = _in_lang("top_promoters", _ROWS, [])
    target_progress: rx.Field[int] = rx.field(0)
    has_target: rx.Field[bool] = rx.field(False)
    is_promoter: rx.Field[bool] = rx.field(False)
    rank: rx.Field[int] = rx.field(0)
    sellers: rx.Field[int] = rx.field(0)
    loaded: rx.Field[bool] = rx.field(False)
    # The outbox seq of the last change this tab has applied (LiveFeed resumes from it).
    _live_seq: int = 0
    problem: rx.Field[str] = rx.field("")
    # Goes up with every refresh, so a test (or a person) can tell fresh figures from old ones.
    generation: rx.Field[int] = rx.field(0)

    def _period(self) -> Period:
        return period_of(self.period, local_date(utcnow()), _day(self.custom_from), _day(self.custom_to))

    async def _read(self, actor: Principal) -> tuple[Period, dict[str, Any]]:
        period = self._period()
        found = await run_service(dashboard.dashboard, actor=actor, period=period, today=local_date(utcnow()))
        return period, found

    def _apply(self, period: Period, found: dict[str, Any]) -> None:
        self._found = found
        plain = _unformatted(found)
        self.target_progress, self.has_target = plain["target_progress"], plain["has_target"]
        self.rank, self.sellers = plain["rank"], plain["sellers"]
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
        self._apply(period, found)
        return None

    @rx.event
    async def load(self):
        """on_load: the figures of the chosen period, then follow sales live."""
        self._live_seq = await current_seq()  # the figures count at least everything up to this event
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
        """Re-read the figures when sales are reported, changed or reviewed (or targets change).

        After a reconnect it resumes from the last event this tab saw, so a change made meanwhile (on
        any instance) still moves the figures (one re-read, also when those events are no longer
        kept)."""
        async with self:
            since = self._live_seq or None
        feed = LiveFeed("sale.", "target.", since=since)
        try:
            while True:
                batch = await feed.next_batch()
                if batch is None:
                    continue
                async with self:
                    self._live_seq = feed.last_seq
                    auth_state = await self.get_state(AuthState)
                    if any(e.name == SESSION_ENDED and auth_state.login_ended(e.data) for e in batch):
                        auth_state.clear()
                    actor = await auth_state.principal_or_none()
                    period = self._period()
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
                        self._apply(period, found)
        finally:
            feed.close()
