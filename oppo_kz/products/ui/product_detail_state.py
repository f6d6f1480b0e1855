"""/products/{id} for roles that may not edit: the product read-only, following changes made anywhere."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.service import SESSION_ENDED, Principal
from oppo_kz.auth.ui.state import AuthState, actor_or_login
from oppo_kz.core.errors import DomainError
from oppo_kz.lib import formatting
from oppo_kz.products import service as products
from oppo_kz.products.events import DELETED
from oppo_kz.products.models import ProductPublic
from oppo_kz.products.ui.products_view import stock_level
from oppo_kz.ui.format import memory
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.live import LiveFeed, current_seq, resynced
from oppo_kz.ui.run import run_service


def detail_values(product: ProductPublic, lang: str) -> dict[str, str]:
    """A product as the read-only view shows it in `lang`: every value formatted, a dash for none."""
    return {
        "sku": product.sku,
        "name": product.name,
        "category": str(getattr(product.category, "value", product.category)),
        "series": product.series or formatting.DASH,
        "color": product.color or formatting.DASH,
        "memory": memory(product.ram_gb, product.storage_gb, lang),
        "price": formatting.money(product.price, lang),
        "stock": formatting.number(product.stock, lang),
        "stock_level": stock_level(product.stock),
        "is_active": "true" if product.is_active else "false",
        "launch_date": formatting.day(product.launch_date, lang),
        "updated": formatting.moment(product.updated_at, lang),
        "version": str(product.version),
    }


class ProductDetailState(rx.State):
    product_id: rx.Field[int] = rx.field(0)
    # Deleted while someone was looking at it.
    gone: rx.Field[bool] = rx.field(False)
    _product: ProductPublic | None = None
    # The outbox seq this tab has caught up to: the live feed resumes from it (ui/live.py).
    _live_seq: int = 0

    @rx.var
    async def detail(self) -> dict[str, str]:
        """The values, in the tab's language (again when it switches)."""
        if self._product is None:
            return {}
        return detail_values(self._product, (await self.get_state(I18nState)).lang)

    @rx.event
    async def show(self, product_id: int):
        """Show one product and follow it (the form's on_load sends read-only viewers here)."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.product_id, self.gone = product_id, False
        self._live_seq = await current_seq()  # the page shows at least everything up to this event
        await self._read(actor)
        return None if self.gone else ProductDetailState.follow

    async def _read(self, actor: Principal) -> None:
        try:
            product = await run_service(products.get_product, actor=actor, product_id=self.product_id)
        except DomainError:
            self._product, self.gone = None, True
            return
        self._product, self.gone = ProductPublic.model_validate(product), False

    @rx.event(background=True)
    async def follow(self):
        """Apply every committed change of this product while the page is open (Reflex cancels the
        task when the tab leaves the page); after a reconnect it resumes from the last event it saw."""
        async with self:
            since = self._live_seq or None
        feed = LiveFeed("product.", since=since)
        try:
            while True:
                batch = await feed.next_batch() or []
                async with self:
                    self._live_seq = feed.last_seq
                    ended = await self._signed_out(batch)
                    if not ended and resynced(batch):  # the events missed are no longer kept: re-read
                        actor = await (await self.get_state(AuthState)).principal_or_none()
                        ended = actor is None
                        if actor is not None:
                            await self._read(actor)
                    elif not ended:
                        self._apply([e.name for e in batch], [e.data for e in batch])
                if ended:
                    yield rx.redirect("/login", replace=True)
                    return
        finally:
            feed.close()

    async def _signed_out(self, batch: list[Any]) -> bool:
        auth_state = await self.get_state(AuthState)
        if any(e.name == SESSION_ENDED and auth_state.login_ended(e.data) for e in batch):
            auth_state.clear()
            return True
        return False

    def _apply(self, names: list[str], data: list[dict[str, Any]]) -> None:
        for name, payload in zip(names, data, strict=True):
            if payload.get("id") != self.product_id or not name.startswith("product."):
                continue
            if name == DELETED:
                self.gone = True
            else:
                self._product = ProductPublic.model_validate(payload)
                self.gone = False
