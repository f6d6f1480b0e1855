"""/stores: the stores a user may see, searched and filtered by city; the filters live in the URL."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import reflex as rx

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.lib.listing import Filter, ListQuery, SortKey
from oppo_kz.stores import service as stores
from oppo_kz.ui.paging import page_numbers
from oppo_kz.ui.run import run_in_session

PAGE_SIZE = 50


class StoresState(rx.State):
    rows: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    cities: rx.Field[list[str]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    pages: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    q: rx.Field[str] = rx.field("")
    city: rx.Field[str] = rx.field("")
    can_create: rx.Field[bool] = rx.field(False)
    loaded: rx.Field[bool] = rx.field(False)
    filter_count: rx.Field[int] = rx.field(0)

    @rx.var
    def page_numbers(self) -> list[int]:
        return page_numbers(self.page, self.pages)

    @rx.event
    async def load(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        params = self.router.url.query_parameters
        self.q, self.city = str(params.get("q", ""))[:100], str(params.get("city", ""))[:60]
        raw_page = str(params.get("page", "1"))
        self.page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 100_000 else 1
        self.filter_count = bool(self.q) + bool(self.city)
        self.can_create = has_permission(actor.role, Permission.stores_create)
        filters = (Filter("city", "eq", self.city),) if self.city else ()
        query = ListQuery(
            page=self.page, page_size=PAGE_SIZE, sort=(SortKey("code"),), filters=filters, q=self.q or None
        )

        def read(session: Any) -> tuple[Any, list[str], dict[int, str]]:
            page = stores.list_stores(session=session, actor=actor, query=query)
            names = {s["id"]: s["label"] for s in stores.supervisor_choices(session=session, actor=actor)}
            return page, stores.store_cities(session=session, actor=actor), names

        page, self.cities, names = await run_in_session(read)
        self.rows = [
            {
                "id": s["id"], "code": s["code"], "name": s["name"], "chain": s["chain"], "city": s["city"],
                "active": s["is_active"], "supervisor": names.get(s["supervisor_id"] or 0, "—"),
            }
            for s in page.items()
        ]  # fmt: skip
        self.total, self.pages, self.loaded = page.total, page.pages, True
        return None

    def _url(self, **changes: str | int) -> str:
        params = {"q": self.q, "city": self.city} | {k: str(v) for k, v in changes.items()}
        kept = {k: v for k, v in params.items() if v and v != "1"}
        return "/stores" + (f"?{urlencode(kept)}" if kept else "")

    @rx.event
    def set_q(self, value: str) -> Any:
        return rx.redirect(self._url(q=value[:100], page=1))

    @rx.event
    def set_city(self, value: str) -> Any:
        return rx.redirect(self._url(city=value[:60], page=1))

    @rx.event
    def go_to_page(self, number: int) -> Any:
        return rx.redirect(self._url(page=max(1, min(int(number), max(self.pages, 1)))))

    @rx.event
    def clear_filters(self) -> Any:
        return rx.redirect("/stores")
