"""The /products table: one page from the server, its filters and sort in the URL, live updates."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from oppo_kz.auth.service import SESSION_ENDED, Principal
from oppo_kz.auth.ui.state import AuthState
from oppo_kz.core.errors import DomainError
from oppo_kz.core.events import bus
from oppo_kz.lib.listing import Filter, ListQuery, SortKey
from oppo_kz.products import service as products
from oppo_kz.products.models import Category, ProductsPage
from oppo_kz.ui.format import format_datetime, format_memory, format_tenge, parse_whole_number
from oppo_kz.ui.run import run_service

logger = logging.getLogger(__name__)

PAGE_SIZES = (20, 50, 100)
CATEGORIES = tuple(c.value for c in Category)
SORTABLE = ("sku", "name", "category", "series", "storage_gb", "price", "stock", "is_active", "updated_at")
# Changes arriving within this window are applied with one query per open table.
COALESCE_SECONDS = 0.15
# ...and one table refreshes at most this often, however busy the catalogue is.
MIN_REFRESH_INTERVAL = 0.5
HIGHLIGHT_SECONDS = 2.5


@dataclass(frozen=True)
class ListView:
    """What the URL says the table shows. Invalid parameters fall back to defaults."""

    q: str = ""
    categories: tuple[str, ...] = ()
    price_min: int | None = None
    price_max: int | None = None
    active_only: bool = False
    sort: str = ""
    page: int = 1
    page_size: int = PAGE_SIZES[0]

    @classmethod
    def from_params(cls, params: dict[str, str]) -> ListView:
        def number(name: str) -> int | None:
            try:
                value = parse_whole_number(params.get(name, ""))
            except ValueError:
                return None
            return value if value >= 0 else None

        def positive(name: str, default: int) -> int:
            value = number(name)
            return value if value and value >= 1 else default

        sort = params.get("sort", "")
        if sort.lstrip("-") not in SORTABLE:
            sort = ""
        page_size = positive("page_size", PAGE_SIZES[0])
        return cls(
            # Kept as typed (a trailing space too, so typing "reno 14" is not cut); trimmed for the query.
            q=params.get("q", "")[:100],
            categories=tuple(c for c in CATEGORIES if c in params.get("category", "").split(",")),
            price_min=number("price_min"),
            price_max=number("price_max"),
            active_only=params.get("active") in {"1", "true"},
            sort=sort,
            page=min(positive("page", 1), 1_000_000),
            page_size=page_size if page_size in PAGE_SIZES else PAGE_SIZES[0],
        )

    def to_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        if self.q:
            params["q"] = self.q
        if self.categories:
            params["category"] = ",".join(self.categories)
        if self.price_min is not None:
            params["price_min"] = str(self.price_min)
        if self.price_max is not None:
            params["price_max"] = str(self.price_max)
        if self.active_only:
            params["active"] = "1"
        if self.sort:
            params["sort"] = self.sort
        if self.page != 1:
            params["page"] = str(self.page)
        if self.page_size != PAGE_SIZES[0]:
            params["page_size"] = str(self.page_size)
        return params

    def url(self) -> str:
        params = self.to_params()
        return "/products" + (f"?{urlencode(params)}" if params else "")

    @property
    def has_filters(self) -> bool:
        return bool(
            self.q
            or self.categories
            or self.price_min is not None
            or self.price_max is not None
            or self.active_only
        )

    def query(self) -> ListQuery:
        filters: list[Filter] = []
        if self.categories:
            filters.append(Filter("category", "in", self.categories))
        if self.price_min is not None:
            filters.append(Filter("price", "gte", self.price_min))
        if self.price_max is not None:
            filters.append(Filter("price", "lte", self.price_max))
        if self.active_only:
            filters.append(Filter("is_active", "eq", True))
        sort = (SortKey(self.sort.lstrip("-"), self.sort.startswith("-")),) if self.sort else ()
        return ListQuery(
            page=self.page,
            page_size=self.page_size,
            sort=sort,
            filters=tuple(filters),
            q=self.q.strip() or None,
        )


def table_row(item: Any) -> dict[str, Any]:
    """A product as the table shows it: formatted strings, computed once on the server."""
    return {
        "id": item.id,
        "sku": item.sku,
        "name": item.name,
        "category": str(item.category.value if hasattr(item.category, "value") else item.category),
        "series": item.series or "—",
        "memory": format_memory(item.ram_gb, item.storage_gb),
        "price": format_tenge(item.price),
        "stock": item.stock,
        "is_active": bool(item.is_active),
        "updated": format_datetime(item.updated_at),
    }


async def fetch_page(who: Principal, view: ListView) -> ProductsPage:
    return await run_service(products.list_products, actor=who, query=view.query())


class ProductsState(rx.State):
    rows: list[dict[str, Any]] = []
    total: int = 0
    pages: int = 0
    page: int = 1
    page_size: int = PAGE_SIZES[0]
    sort: str = ""
    q: str = ""
    categories: list[str] = []
    price_min: str = ""
    price_max: str = ""
    active_only: bool = False
    has_filters: bool = False
    loaded: bool = False
    error: str = ""
    highlight: list[int] = []
    list_url: str = "/products"

    _view: ListView = ListView()
    _highlight_until: float = 0.0

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
        if self.pages <= 7:
            return list(range(1, self.pages + 1))
        start = max(2, min(self.page - 2, self.pages - 5))
        middle = list(range(start, min(start + 5, self.pages)))
        numbers = [1]
        if middle[0] > 2:
            numbers.append(0)
        numbers.extend(middle)
        if middle[-1] < self.pages - 1:
            numbers.append(0)
        numbers.append(self.pages)
        return numbers

    @rx.var
    def range_label(self) -> str:
        if not self.total:
            return ""
        first = (self.page - 1) * self.page_size + 1
        last = min(self.total, self.page * self.page_size)
        return f"{first}–{last} of" if first <= last else "none of"

    # --- loading ----------------------------------------------------------------------------

    def _show(self, view: ListView, page: ProductsPage) -> None:
        self._view = view
        self.rows = [table_row(item) for item in page.items]
        self.total, self.pages = page.total, page.pages
        self.page, self.page_size, self.sort = view.page, view.page_size, view.sort
        self.q, self.categories, self.active_only = view.q, list(view.categories), view.active_only
        self.price_min = "" if view.price_min is None else str(view.price_min)
        self.price_max = "" if view.price_max is None else str(view.price_max)
        self.has_filters = view.has_filters
        self.list_url = view.url()
        self.loaded = True
        self.error = ""

    async def _principal(self) -> Principal | None:
        return await (await self.get_state(AuthState)).principal_or_none()

    @rx.event
    async def load(self):  # type: ignore[no-untyped-def]
        """on_load: show what the URL asks for (a link, a reload and Back all land here)."""
        who = await self._principal()
        if who is None:
            return (await self.get_state(AuthState)).login_redirect()
        view = ListView.from_params(dict(self.router.url.query_parameters))
        try:
            page = await fetch_page(who, view)
        except DomainError as exc:
            self.error = exc.message
            return None
        self._show(view, page)
        self.highlight = []
        return ProductsState.follow_changes

    def _go(self, **changes: Any):  # type: ignore[no-untyped-def]
        """Navigate to the view with `changes`; on_load then shows it, so the URL stays the truth."""
        current = self._view
        view = ListView(**{**current.__dict__, **changes})
        if view == current:
            return None
        return rx.redirect(view.url())

    @rx.event
    def set_q(self, value: str):  # type: ignore[no-untyped-def]
        return self._go(q=value[:100], page=1)

    @rx.event
    def set_categories(self, values: list[str]):  # type: ignore[no-untyped-def]
        return self._go(categories=tuple(c for c in CATEGORIES if c in values), page=1)

    @rx.event
    def set_price_min(self, value: str):  # type: ignore[no-untyped-def]
        return self._price("price_min", value)

    @rx.event
    def set_price_max(self, value: str):  # type: ignore[no-untyped-def]
        return self._price("price_max", value)

    def _price(self, name: str, value: str):  # type: ignore[no-untyped-def]
        if not value.strip():
            return self._go(**{name: None, "page": 1})
        try:
            number = parse_whole_number(value)
        except ValueError:
            self.error = "Prices are whole numbers of tenge, e.g. 150000."
            return None
        return self._go(**{name: max(number, 0), "page": 1})

    @rx.event
    def set_active_only(self, value: bool):  # type: ignore[no-untyped-def]
        return self._go(active_only=bool(value), page=1)

    @rx.event
    def set_page_size(self, value: str):  # type: ignore[no-untyped-def]
        size = int(value) if value.isdigit() and int(value) in PAGE_SIZES else PAGE_SIZES[0]
        return self._go(page_size=size, page=1)

    @rx.event
    def go_to_page(self, number: int):  # type: ignore[no-untyped-def]
        return self._go(page=max(1, min(int(number), max(self.pages, 1))))

    @rx.event
    def sort_by(self, field: str):  # type: ignore[no-untyped-def]
        """Click a header to sort by it; click again to reverse."""
        if field not in SORTABLE:
            return None
        sort = f"-{field}" if self._view.sort == field else field
        return self._go(sort=sort, page=1)

    @rx.event
    def clear_filters(self):  # type: ignore[no-untyped-def]
        return self._go(q="", categories=(), price_min=None, price_max=None, active_only=False, page=1)

    # --- live updates -----------------------------------------------------------------------

    @rx.event(background=True)
    async def follow_changes(self):  # type: ignore[no-untyped-def]
        """Re-read this tab's page when products change anywhere; runs while the page is open.

        Reflex cancels it when the tab navigates (every filter change does) or disconnects.
        Changes are coalesced: one query per burst, at most one per MIN_REFRESH_INTERVAL.
        """
        loop = asyncio.get_running_loop()
        sub = bus.subscribe(maxsize=2000)
        last_refresh = 0.0
        try:
            while True:
                timeout = None
                async with self:
                    if self.highlight:
                        timeout = max(0.0, self._highlight_until - time.monotonic())
                try:
                    first = await asyncio.wait_for(sub.get(), timeout)
                except TimeoutError:
                    async with self:
                        self.highlight = []
                    continue
                if first.name == SESSION_ENDED:
                    async with self:
                        auth_state = await self.get_state(AuthState)
                        if auth_state.login_ended(first.data):  # signed out elsewhere, or disabled
                            auth_state.clear()
                            yield rx.redirect("/login", replace=True)
                            return
                    continue
                if not first.name.startswith("product."):
                    continue
                changed = {first.data.get("id")}
                deadline = loop.time() + max(
                    COALESCE_SECONDS, last_refresh + MIN_REFRESH_INTERVAL - loop.time()
                )
                while (left := deadline - loop.time()) > 0:
                    try:
                        event = await asyncio.wait_for(sub.get(), left)
                    except TimeoutError:
                        break
                    if event.name.startswith("product."):
                        changed.add(event.data.get("id"))
                if sub.overflowed:  # fell far behind: start again from a fresh subscription
                    sub = bus.subscribe(maxsize=2000)
                last_refresh = loop.time()
                if not await self._refresh_after(changed):
                    yield rx.redirect("/login", replace=True)  # the login ended meanwhile
                    return
        finally:
            sub.close()

    async def _refresh_after(self, changed: set[Any]) -> bool:
        """Re-read the page after `changed` products changed; False when the login has ended."""
        async with self:
            view = self._view
            who = await (await self.get_state(AuthState)).principal_or_none()
            if who is None:
                return False
        try:
            page = await fetch_page(who, view)
        except DomainError as exc:  # e.g. the role lost read access meanwhile
            logger.info("live refresh skipped: %s", exc.message)
            return True
        async with self:
            if self._view != view:
                return True  # the user moved on; their own load shows fresh rows
            self._show(view, page)
            on_page = [row["id"] for row in self.rows if row["id"] in changed]
            self.highlight = on_page
            self._highlight_until = time.monotonic() + HIGHLIGHT_SECONDS
        return True
