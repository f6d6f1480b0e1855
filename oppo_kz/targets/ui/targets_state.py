"""/targets: one month's targets of every store and promoter the user may see, with what they sold;
head office edits units and tenge in place and copies last month's targets in one action."""

from __future__ import annotations

import logging
import re
from typing import Any

import reflex as rx

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.core.db import utcnow
from oppo_kz.core.errors import DomainError
from oppo_kz.lib.formatting import local_date, money, number, percent
from oppo_kz.reports import service as reports
from oppo_kz.targets import service as targets
from oppo_kz.targets.models import MAX_AMOUNT, MAX_UNITS, MONTH_PATTERN
from oppo_kz.ui.format import parse_whole_number
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.run import run_in_session, run_service

logger = logging.getLogger(__name__)
FIELDS = ("units", "amount")


def this_month() -> str:
    """The current month in TIMEZONE, as YYYY-MM."""
    return targets.month_of(local_date(utcnow()))


def valid_month(text: str) -> str | None:
    """`text` when it is a month (YYYY-MM), else None."""
    return text if isinstance(text, str) and re.fullmatch(MONTH_PATTERN, text) else None


def grid_rows(grid: list[dict[str, Any]], sold: dict[int, dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The grid's rows as the page shows them: the targets as plain numbers (for the inputs), what
    was sold and the share of the target reached, formatted."""
    rows = []
    for item in grid:
        report = sold.get(item["subject_id"], {})
        pct = report.get("amount_pct") if item["amount"] else report.get("units_pct")
        rows.append(
            {
                "kind": item["kind"],
                "subject_id": item["subject_id"],
                "label": item["label"],
                "units": str(item["units"] or ""),
                "amount": str(item["amount"] or ""),
                "units_text": number(item["units"], lang) if item["units"] else "—",
                "amount_text": money(item["amount"], lang) if item["amount"] else "—",
                "sold": money(report.get("amount", 0), lang),
                "pct": percent(pct, lang),
            }
        )
    return rows


def read_month(actor: Principal, month: str) -> Any:
    """The grid and the month's figures, read in one session."""

    def read(session: Any) -> tuple[dict[str, list[dict[str, Any]]], dict[str, dict[int, dict[str, Any]]]]:
        grid = targets.month_grid(session=session, actor=actor, month=month)
        sold = {
            level: {row["id"]: row for row in reports.targets_report(
                session=session, actor=actor, month=month, level=level
            )["rows"]}
            for level in ("store", "promoter")
        }  # fmt: skip
        return grid, sold

    return run_in_session(read)


class TargetsState(rx.State):
    month: rx.Field[str] = rx.field("")
    # The month's grid and figures as last read; `stores` and `promoters` format them in the tab's
    # language (again at once when it switches).
    _grid: dict[str, list[dict[str, Any]]] = {}
    _sold: dict[str, dict[int, dict[str, Any]]] = {}
    can_manage: rx.Field[bool] = rx.field(False)
    loaded: rx.Field[bool] = rx.field(False)
    problem: rx.Field[str] = rx.field("")
    saved: rx.Field[str] = rx.field("")
    copied: rx.Field[int] = rx.field(-1)
    # Goes up with every read, so the inputs take the stored values again (their React key).
    generation: rx.Field[int] = rx.field(0)

    @rx.var
    async def stores(self) -> list[dict[str, Any]]:
        lang = (await self.get_state(I18nState)).lang
        return grid_rows(self._grid.get("stores", []), self._sold.get("store", {}), lang)

    @rx.var
    async def promoters(self) -> list[dict[str, Any]]:
        lang = (await self.get_state(I18nState)).lang
        return grid_rows(self._grid.get("promoters", []), self._sold.get("promoter", {}), lang)

    async def _show(self, actor: Principal, month: str) -> None:
        grid, sold = await read_month(actor, month)
        self.month = month
        self._grid, self._sold = grid, sold
        self.loaded = True
        self.generation += 1

    @rx.event
    async def load(self):
        """on_load: the month in the URL (?month=YYYY-MM), else this month."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.can_manage = has_permission(actor.role, Permission.targets_manage)
        self.problem, self.saved, self.copied = "", "", -1
        month = valid_month(self.router.url.query_parameters.get("month", "")) or this_month()
        try:
            await self._show(actor, month)
        except DomainError as exc:
            self.problem = exc.error_code
        return None

    @rx.event
    async def set_month(self, value: str):
        """The month picker."""
        month = valid_month(value)
        if month is None or month == self.month:
            return None
        return rx.redirect(f"/targets?month={month}")

    @rx.event
    async def save(self, kind: str, subject_id: int, field: str, value: str):
        """An in-place edit of one figure: the row's target is set (or removed when both are 0)."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        rows = self._grid.get("stores" if kind == "store" else "promoters", [])
        row = next((r for r in rows if r["subject_id"] == subject_id), None)
        if row is None or field not in FIELDS or kind not in ("store", "promoter"):
            return None
        try:
            figure = parse_whole_number(value) if value.strip() else 0
        except ValueError:
            self.problem = "number"
            return None
        if not 0 <= figure <= (MAX_UNITS if field == "units" else MAX_AMOUNT):
            self.problem = "number"
            return None
        current = {name: int(row[name] or 0) for name in FIELDS}
        if current[field] == figure:
            return None
        current[field] = figure
        subject = {"store_id": subject_id} if kind == "store" else {"promoter_id": subject_id}
        try:
            await run_service(
                targets.set_target, write=True, actor=actor, month=self.month, **subject, **current
            )
            await self._show(actor, self.month)
        except DomainError as exc:
            self.problem = exc.error_code
            return None
        self.problem, self.saved = "", row["label"]
        return None

    @rx.event
    async def copy_last_month(self):
        """Copy last month's targets to this month for those without one."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        try:
            self.copied = await run_service(
                targets.copy_month, write=True, actor=actor,
                source=targets.previous_month(self.month), month=self.month,
            )  # fmt: skip
            await self._show(actor, self.month)
        except DomainError as exc:
            self.problem = exc.error_code
            return None
        self.problem, self.saved = "", ""
        return None
