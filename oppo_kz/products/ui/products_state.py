"""The /products table: one page from the server, its filters and sort in the URL, live updates."""

from __future__ import annotations

import logging
import time
from typing import Any

import reflex as rx

from oppo_kz.auth.service import SESSION_ENDED, Principal
from oppo_kz.auth.ui.state import AuthState, actor_or_login
from oppo_kz.core.errors import DomainError
from oppo_kz.core.events import Event
from oppo_kz.products import service as products
from oppo_kz.products.models import ProductPublic, ProductsPage
from oppo_kz.products.ui.products_view import (
    CATEGORIES,
    HIGHLIGHT_SECONDS,
    PAGE_SIZES,
    SORTABLE,
    ListView,
    table_row,
)
from oppo_kz.ui.export import export_download
from oppo_kz.ui.format import parse_whole_number
from oppo_kz.ui.i18n import I18nState, Texts, no_texts, texts
from oppo_kz.ui.live import RESYNC, LiveFeed, current_seq
from oppo_kz.ui.paging import last_page, noun_texts, page_numbers, range_texts
from oppo_kz.ui.run import run_service
from oppo_kz.ui.validation import error_texts

logger = logging.getLogger(__name__)


async def fetch_page(actor: Principal, view: ListView) -> ProductsPage:
    return await run_service(products.list_products, actor=actor, query=view.query())


class ProductsState(rx.State):
    total: rx.Field[int] = rx.field(0)
    pages: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    page_size: rx.Field[int] = rx.field(PAGE_SIZES[0])
    sort: rx.Field[str] = rx.field("")
    q: rx.Field[str] = rx.field("")
    categories: rx.Field[list[str]] = rx.field(default_factory=list)
    price_min: rx.Field[str] = rx.field("")
    price_max: rx.Field[str] = rx.field("")
    active_only: rx.Field[bool] = rx.field(False)
    has_filters: rx.Field[bool] = rx.field(False)
    active_filters: rx.Field[int] = rx.field(0)
    loaded: rx.Field[bool] = rx.field(False)
    error: rx.Field[Texts] = rx.field(default_factory=dict)
    highlight: rx.Field[list[int]] = rx.field(default_factory=list)
    list_url: rx.Field[str] = rx.field("/products")
    # "1–20 of" and "products" around the total, in every language.
    range_words: rx.Field[Texts] = rx.field(default_factory=dict)
    noun: rx.Field[Texts] = rx.field(default_factory=dict)

    _view: ListView = ListView()
    _items: list[ProductPublic] = []
    _highlight_until: float = 0.0
    # The outbox seq of the last change this tab has applied (LiveFeed resumes from it).
    _live_seq: int = 0

    # --- derived ----------------------------------------------------------------------------

    @rx.var
    def sort_field(self) -> str:
        return self.sort.lstrip("-")

    @rx.var
    def sort_desc(self) -> bool:
        return self.sort.startswith("-")

    @rx.var
    def page_numbers(self) -> list[int]:
        """Up to seven page numbers around the current one (0 marks a gap)."""
        return page_numbers(self.page, self.pages)

    @rx.var
    async def rows(self) -> list[dict[str, Any]]:
        """The page's products, formatted in the tab's language (again when it switches)."""
        lang = (await self.get_state(I18nState)).lang
        return [table_row(item, lang) for item in self._items]

    # --- loading ----------------------------------------------------------------------------

    def _show(self, view: ListView, page: ProductsPage) -> None:
        self._view = view
        self._items = list(page.items)
        self.total, self.pages = page.total, page.pages
        self.page, self.page_size, self.sort = view.page, view.page_size, view.sort
        self.q, self.categories, self.active_only = view.q, list(view.categories), view.active_only
        self.price_min = "" if view.price_min is None else str(view.price_min)
        self.price_max = "" if view.price_max is None else str(view.price_max)
        self.has_filters = view.has_filters
        self.active_filters = view.active_filters
        self.list_url = view.url()
        self.range_words = range_texts(view.page, view.page_size, page.total)
        self.noun = noun_texts("products.noun", page.total)
        self.loaded = True
        self.error = no_texts()

    @rx.event
    async def load(self):
        """on_load: show what the URL asks for (a link, a reload and Back all land here)."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        view = ListView.from_params(dict(self.router.url.query_parameters))
        self._live_seq = await current_seq()  # the page shows at least everything up to this event
        try:
            page = await fetch_page(actor, view)
        except DomainError as exc:
            self.error = error_texts(exc)
            return None
        if (last := last_page(view.page, page.pages)) is not None:  # past the end: the last page
            return rx.redirect(ListView(**{**view.__dict__, "page": last}).url(), replace=True)
        self._show(view, page)
        self.highlight = []
        return ProductsState.follow_changes

    def _go(self, **changes: Any):
        """Navigate to the view with `changes`; on_load then shows it, so the URL stays the truth."""
        current = self._view
        view = ListView(**{**current.__dict__, **changes})
        if view == current:
            return None
        return rx.redirect(view.url())

    @rx.event
    async def export(self, fmt: str):
        """Download every product the table's filters, search and sort match (not only this page)."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        return export_download(actor, "/api/v1/products/export", self._view.query(), fmt, "products")

    @rx.event
    def set_q(self, value: str):
        return self._go(q=value[:100], page=1)

    @rx.event
    def set_categories(self, values: list[str]):
        return self._go(categories=tuple(c for c in CATEGORIES if c in values), page=1)

    @rx.event
    def toggle_category(self, category: str, checked: bool):
        """A category chip was tapped."""
        chosen = set(self._view.categories)
        chosen = chosen | {category} if checked else chosen - {category}
        return self._go(categories=tuple(c for c in CATEGORIES if c in chosen), page=1)

    @rx.event
    def set_sort(self, sort: str):
        """The phone layout's sort menu."""
        if sort and sort.lstrip("-") not in SORTABLE:
            return None
        return self._go(sort=sort, page=1)

    @rx.event
    def set_price_min(self, value: str):
        return self._price("price_min", value)

    @rx.event
    def set_price_max(self, value: str):
        return self._price("price_max", value)

    def _price(self, name: str, value: str):
        if not value.strip():
            return self._go(**{name: None, "page": 1})
        try:
            number = parse_whole_number(value)
        except ValueError:
            self.error = texts("products.error.price_filter")
            return None
        return self._go(**{name: max(number, 0), "page": 1})

    @rx.event
    def set_active_only(self, value: bool):
        return self._go(active_only=bool(value), page=1)

    @rx.event
    def set_page_size(self, value: str):
        size = int(value) if value.isdigit() and int(value) in PAGE_SIZES else PAGE_SIZES[0]
        return self._go(page_size=size, page=1)

    @rx.event
    def go_to_page(self, number: int):
        return self._go(page=max(1, min(int(number), max(self.pages, 1))))

    @rx.event
    def sort_by(self, field: str):
        """Click a header to sort by it; click again to reverse."""
        if field not in SORTABLE:
            return None
        sort = f"-{field}" if self._view.sort == field else field
        return self._go(sort=sort, page=1)

    @rx.event
    def clear_filters(self):
        return self._go(q="", categories=(), price_min=None, price_max=None, active_only=False, page=1)

    # --- live updates -----------------------------------------------------------------------

    @rx.event(background=True)
    async def follow_changes(self):
        """Re-read this tab's page when products change anywhere; runs while the page is open.

        Reflex cancels it when the tab navigates (every filter change does) or disconnects.
        Changes are coalesced: one query per burst, at most one per MIN_REFRESH_INTERVAL.
        """
        async with self:
            since = self._live_seq or None
        feed = LiveFeed("product.", since=since)  # resumes after a reconnect: nothing is missed
        try:
            while True:
                async with self:
                    timeout = max(0.0, self._highlight_until - time.monotonic()) if self.highlight else None
                batch = await feed.next_batch(timeout)
                if batch is None:  # the flash of changed rows is over
                    async with self:
                        self.highlight = []
                    continue
                async with self:
                    self._live_seq = feed.last_seq
                if await self._login_ended(batch):
                    yield rx.redirect("/login", replace=True)
                    return
                changed = {e.data.get("id") for e in batch if e.name.startswith("product.")}
                resync = any(e.name == RESYNC for e in batch)
                if (changed or resync) and not await self._refresh_after(changed):
                    yield rx.redirect("/login", replace=True)  # the login ended meanwhile
                    return
        finally:
            feed.close()

    async def _login_ended(self, batch: list[Event]) -> bool:
        """Whether the batch signs this tab out (signed out elsewhere, or disabled); clears it if so."""
        ended = [e for e in batch if e.name == SESSION_ENDED]
        if not ended:
            return False
        async with self:
            auth_state = await self.get_state(AuthState)
            if any(auth_state.login_ended(e.data) for e in ended):
                auth_state.clear()
                return True
        return False

    async def _refresh_after(self, changed: set[Any]) -> bool:
        """Re-read the page after `changed` products changed; False when the login has ended."""
        async with self:
            view = self._view
            actor = await (await self.get_state(AuthState)).principal_or_none()
            if actor is None:
                return False
        try:
            page = await fetch_page(actor, view)
        except DomainError as exc:  # e.g. the role lost read access meanwhile
            logger.info("live refresh skipped: %s", exc.message)
            return True
        async with self:
            if self._view != view:
                return True  # the user moved on; their own load shows fresh rows
            self._show(view, page)
            on_page = [item.id for item in self._items if item.id in changed]
            self.highlight = on_page
            self._highlight_until = time.monotonic() + HIGHLIGHT_SECONDS
        return True
