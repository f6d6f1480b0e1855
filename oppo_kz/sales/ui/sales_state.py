"""/sales: the sales a user may see, newest first; filters and page in the URL; totals; live updates;
row selection and bulk review for those who review. A supervisor's review queue is /sales?status=pending."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from oppo_kz.auth.downloads import mint_download_token
from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import SESSION_ENDED, Principal
from oppo_kz.auth.ui.state import AuthState, actor_or_login
from oppo_kz.core.errors import DomainError
from oppo_kz.lib.formatting import moment, money, number
from oppo_kz.lib.listing import Filter, ListQuery, SortKey
from oppo_kz.sales import queries, review
from oppo_kz.sales.models import ReviewAction, SaleStatus
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.live import LiveFeed, current_seq
from oppo_kz.ui.paging import page_numbers
from oppo_kz.ui.run import run_in_session, run_service

logger = logging.getLogger(__name__)
PAGE_SIZE = 20
STATUSES = tuple(s.value for s in SaleStatus)
SORTABLE = ("sold_at", "amount", "store_name", "product_name", "promoter_name", "status")


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _row_id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 and int(text) > 0 else None


@dataclass(frozen=True)
class SalesView:
    """What the URL says the list shows; invalid parameters fall back to defaults."""

    q: str = ""
    status: str = ""
    date_from: date | None = None
    date_to: date | None = None
    store_id: int | None = None
    promoter_id: int | None = None
    sort: str = ""
    page: int = 1

    @classmethod
    def from_params(cls, params: dict[str, str]) -> SalesView:
        sort = params.get("sort", "")
        page = params.get("page", "1")
        return cls(
            q=params.get("q", "")[:100],
            status=params.get("status", "") if params.get("status") in STATUSES else "",
            date_from=_day(params.get("date_from", "")),
            date_to=_day(params.get("date_to", "")),
            store_id=_row_id(params.get("store_id", "")),
            promoter_id=_row_id(params.get("promoter_id", "")),
            sort=sort if sort.lstrip("-") in SORTABLE else "",
            page=min(int(page), 100_000) if page.isdigit() and int(page) >= 1 else 1,
        )

    def to_params(self) -> dict[str, str]:
        params = {
            "q": self.q,
            "status": self.status,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "store_id": str(self.store_id) if self.store_id else "",
            "promoter_id": str(self.promoter_id) if self.promoter_id else "",
            "sort": self.sort,
            "page": str(self.page) if self.page != 1 else "",
        }
        return {k: v for k, v in params.items() if v}

    def url(self) -> str:
        params = self.to_params()
        return "/sales" + (f"?{urlencode(params)}" if params else "")

    def query(self, page_size: int = PAGE_SIZE) -> ListQuery:
        filters: list[Filter] = []
        if self.status:
            filters.append(Filter("status", "eq", self.status))
        if self.date_from:
            filters.append(Filter("sale_date", "gte", self.date_from))
        if self.date_to:
            filters.append(Filter("sale_date", "lte", self.date_to))
        if self.store_id:
            filters.append(Filter("store_id", "eq", self.store_id))
        if self.promoter_id:
            filters.append(Filter("promoter_id", "eq", self.promoter_id))
        sort = (SortKey(self.sort.lstrip("-"), self.sort.startswith("-")),) if self.sort else ()
        return ListQuery(
            page=self.page, page_size=page_size, sort=sort, filters=tuple(filters), q=self.q.strip() or None
        )

    @property
    def filter_count(self) -> int:
        chosen = (self.q, self.status, self.date_from, self.date_to, self.store_id, self.promoter_id)
        return sum(bool(v) for v in chosen)


def export_params(query: ListQuery) -> dict[str, str]:
    """The list's filters and sort as the query string of the export route."""
    params: dict[str, str] = {}
    for f in query.filters:
        value = f.value.isoformat() if isinstance(f.value, date) else str(f.value)
        params[f.parameter] = value
    if query.q:
        params["q"] = query.q
    if query.sort:
        params["sort"] = ",".join(("-" if k.descending else "") + k.field for k in query.sort)
    return params


def sale_row(item: dict[str, Any], lang: str) -> dict[str, Any]:
    """A sale as the list shows it: formatted on the server, once."""
    return {
        "id": item["id"],
        "sold_at": moment(item["sold_at"], lang),
        "store": item["store_name"],
        "product": item["product_name"],
        "imei": item["imei"] or "",
        "quantity": item["quantity"],
        "amount": money(item["amount"], lang),
        "promoter": item["promoter_name"],
        "status": str(getattr(item["status"], "value", item["status"])),
    }


async def fetch(actor: Principal, view: SalesView) -> tuple[Any, dict[str, int]]:
    """The page and the totals of a view, read in one session off the event loop."""

    def read(session: Any) -> tuple[Any, dict[str, int]]:
        page = queries.list_sales(session=session, actor=actor, query=view.query())
        return page, queries.sale_totals(session=session, actor=actor, query=view.query())

    return await run_in_session(read)


class SalesState(rx.State):
    rows: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    pages: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    units: rx.Field[str] = rx.field("")
    amount: rx.Field[str] = rx.field("")
    q: rx.Field[str] = rx.field("")
    status: rx.Field[str] = rx.field("")
    date_from: rx.Field[str] = rx.field("")
    date_to: rx.Field[str] = rx.field("")
    store_id: rx.Field[str] = rx.field("")
    promoter_id: rx.Field[str] = rx.field("")
    store_choices: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    promoter_choices: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    filter_count: rx.Field[int] = rx.field(0)
    loaded: rx.Field[bool] = rx.field(False)
    can_review: rx.Field[bool] = rx.field(False)
    can_report: rx.Field[bool] = rx.field(False)
    selected: rx.Field[list[int]] = rx.field(default_factory=list)
    note: rx.Field[str] = rx.field("")
    reviewed_done: rx.Field[int] = rx.field(-1)
    reviewed_failed: rx.Field[int] = rx.field(0)
    problem: rx.Field[str] = rx.field("")
    list_url: rx.Field[str] = rx.field("/sales")

    _view: SalesView = SalesView()
    # The outbox seq this tab has caught up to: after a reconnect the feed resumes from it.
    _live_seq: int = 0

    @rx.var
    def page_numbers(self) -> list[int]:
        return page_numbers(self.page, self.pages)

    async def _show(self, actor: Principal, view: SalesView) -> None:
        lang = (await self.get_state(I18nState)).lang
        self._apply(view, await fetch(actor, view), lang)

    def _apply(self, view: SalesView, found: tuple[Any, dict[str, int]], lang: str) -> None:
        page, totals = found
        self._view = view
        self.rows = [sale_row(item, lang) for item in page.items()]
        self.total, self.pages, self.page = page.total, page.pages, view.page
        self.units, self.amount = number(totals["units"], lang), money(totals["amount"], lang)
        self.q, self.status = view.q, view.status
        self.date_from = view.date_from.isoformat() if view.date_from else ""
        self.date_to = view.date_to.isoformat() if view.date_to else ""
        self.store_id = str(view.store_id or "")
        self.promoter_id = str(view.promoter_id or "")
        self.filter_count, self.list_url, self.loaded = view.filter_count, view.url(), True
        visible = {row["id"] for row in self.rows}
        self.selected = [i for i in self.selected if i in visible]

    @rx.event
    async def load(self):
        """on_load: show what the URL asks for, then follow new and reviewed sales live."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.can_review = has_permission(actor.role, Permission.sales_review)
        self.can_report = has_permission(actor.role, Permission.sales_create)
        self.problem, self.reviewed_done = "", -1
        self._live_seq = await current_seq()  # the page shows at least everything up to this event
        try:
            choices = await run_service(queries.filter_choices, actor=actor)
            self.store_choices, self.promoter_choices = choices["stores"], choices["promoters"]
            await self._show(actor, SalesView.from_params(dict(self.router.url.query_parameters)))
        except DomainError as exc:
            self.problem = exc.error_code
            return None
        return SalesState.follow_sales

    def _go(self, **changes: Any) -> Any:
        view = replace(self._view, **changes)
        return None if view == self._view else rx.redirect(view.url())

    @rx.event
    def set_q(self, value: str) -> Any:
        return self._go(q=value[:100], page=1)

    @rx.event
    def set_status(self, value: str) -> Any:
        return self._go(status=value if value in STATUSES else "", page=1)

    @rx.event
    def set_date_from(self, value: str) -> Any:
        return self._go(date_from=_day(value), page=1)

    @rx.event
    def set_date_to(self, value: str) -> Any:
        return self._go(date_to=_day(value), page=1)

    @rx.event
    def set_store(self, value: str) -> Any:
        return self._go(store_id=_row_id(value), page=1)

    @rx.event
    def set_promoter(self, value: str) -> Any:
        return self._go(promoter_id=_row_id(value), page=1)

    @rx.event
    def clear_filters(self) -> Any:
        return self._go(
            q="", status="", date_from=None, date_to=None, store_id=None, promoter_id=None, page=1
        )

    @rx.event
    def go_to_page(self, number: int) -> Any:
        return self._go(page=max(1, min(int(number), max(self.pages, 1))))

    @rx.event
    def toggle(self, sale_id: int) -> None:
        self.selected = (
            [i for i in self.selected if i != sale_id]
            if sale_id in self.selected
            else [*self.selected, sale_id]
        )

    @rx.event
    def select_all(self) -> None:
        pending = [row["id"] for row in self.rows if row["status"] == SaleStatus.pending.value]
        self.selected = [] if set(pending) <= set(self.selected) and pending else pending

    @rx.event
    def set_note(self, value: str) -> None:
        self.note = value[:1000]

    @rx.event
    async def review_selected(self, action: str):
        """Approve or reject the selected sales; each gets its own outcome."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        if action == ReviewAction.reject.value and not self.note.strip():
            self.problem = "note_required"
            return None
        try:
            results = await run_service(
                review.review_many, write=True, actor=actor, ids=list(self.selected),
                action=ReviewAction(action), note=self.note.strip() or None,
            )  # fmt: skip
        except DomainError as exc:
            self.problem = exc.error_code
            return None
        self.reviewed_failed = sum(r.status == "error" for r in results)
        self.reviewed_done = len(results) - self.reviewed_failed
        self.problem, self.selected, self.note = "", [], ""
        await self._show(actor, self._view)
        return None

    @rx.event
    async def export(self, fmt: str):
        """Download every sale the list's filters match (not only this page), via a one-time link."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        path = "/api/v1/sales/export"
        query = self._view.query()
        params = export_params(query) | {"format": fmt if fmt in ("csv", "xlsx") else "csv"}
        params["download_token"] = mint_download_token(actor, path)
        url = f"{rx.config.get_config().api_url.rstrip('/')}{path}?{urlencode(params)}"
        return rx.download(url=url, filename=f"sales.{params['format']}")

    @rx.event(background=True)
    async def follow_sales(self):
        """Re-read the page when sales change (new, changed, reviewed); runs while the page is open.

        After a reconnect it resumes from the last event this tab saw, so the open review queue
        misses nothing (or reloads, when those events are no longer kept)."""
        async with self:
            since = self._live_seq or None
        feed = LiveFeed("sale.", since=since)
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
                    view, lang = self._view, (await self.get_state(I18nState)).lang
                if actor is None:
                    yield rx.redirect("/login", replace=True)
                    return
                try:
                    found = await fetch(actor, view)
                except DomainError as exc:
                    logger.info("live refresh of /sales skipped: %s", exc.message)
                    continue
                async with self:
                    if self._view == view:  # the user did not move on meanwhile
                        self._apply(view, found, lang)
        finally:
            feed.close()
