"""/bonuses: a month's statements (a promoter: their own), a promoter's lines, closing the month."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.bonuses import service
from oppo_kz.bonuses.models import MonthStatements, Statement
from oppo_kz.core.errors import DomainError
from oppo_kz.lib.formatting import day, money, number
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.run import run_service


def statement_rows(found: MonthStatements, lang: str) -> list[dict[str, Any]]:
    """A month's rows as the table shows them (money as `1 234 567 ₸`)."""
    return [
        {"promoter_id": r.promoter_id, "name": r.promoter_name, "units": number(r.units, lang),
         "amount": money(r.amount, lang), "amount_value": r.amount}
        for r in found.rows
    ]  # fmt: skip


def statement_lines(found: Statement, lang: str) -> list[dict[str, Any]]:
    """A statement's lines as the drill-down shows them."""
    return [
        {"sale_id": ln.sale_id, "day": day(ln.sale_date, lang), "sku": ln.product_sku,
         "quantity": number(ln.quantity, lang), "rule_id": ln.rule_id, "amount": money(ln.amount, lang)}
        for ln in found.lines
    ]  # fmt: skip


class BonusesState(rx.State):
    months: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    month: rx.Field[str] = rx.field("")
    closed: rx.Field[bool] = rx.field(False)
    rows: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    total: rx.Field[str] = rx.field("")
    open_promoter: rx.Field[int] = rx.field(0)
    lines: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    may_close: rx.Field[bool] = rx.field(False)
    problem: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")

    _own_only: bool = False

    async def _read(self, actor: Principal) -> None:
        lang = (await self.get_state(I18nState)).lang
        months = await run_service(service.list_months, actor=actor)
        self.months = [{"value": m.month, "closed": m.closed} for m in months]
        if self.month not in {m.month for m in months}:
            self.month = months[0].month if months else service.parse_month(None)
        found = await run_service(service.month_statements, actor=actor, month=self.month)
        self.closed = found.closed
        self.rows = statement_rows(found, lang)
        self.total = money(found.total, lang)
        self.may_close = has_permission(actor.role, Permission.bonus_months_close) and not found.closed
        self._own_only = actor.role.value == "promoter"
        if self._own_only:
            self.open_promoter = actor.id
        if self.open_promoter:
            await self._lines(actor, lang)

    async def _lines(self, actor: Principal, lang: str) -> None:
        try:
            found = await run_service(
                service.statement, actor=actor, promoter_id=self.open_promoter, month=self.month
            )
        except DomainError:
            self.open_promoter, self.lines = 0, []
            return
        self.lines = statement_lines(found, lang)

    @rx.event
    async def load(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        wanted = self.router.page.params.get("month", "")
        self.month = wanted if isinstance(wanted, str) else ""
        self.open_promoter, self.lines, self.problem, self.notice = 0, [], "", ""
        await self._read(actor)
        return None

    @rx.event
    async def choose_month(self, month: str):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.month, self.problem, self.notice, self.lines = month, "", "", []
        if not self._own_only:
            self.open_promoter = 0
        await self._read(actor)
        return None

    @rx.event
    async def toggle(self, promoter_id: int):
        """Show (or hide) a promoter's lines."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        if self.open_promoter == promoter_id and not self._own_only:
            self.open_promoter, self.lines = 0, []
            return None
        self.open_promoter = promoter_id
        await self._lines(actor, (await self.get_state(I18nState)).lang)
        return None

    @rx.event
    async def close_month(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        try:
            await run_service(service.close_month, write=True, actor=actor, month=self.month)
        except DomainError:
            self.problem = "generic"
        else:
            self.problem, self.notice = "", "closed"
        await self._read(actor)
        return None
