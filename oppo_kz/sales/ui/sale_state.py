"""/sales/{id}: one sale, its review state, approve or reject with a note; it follows changes live."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import AuthState, actor_or_login
from oppo_kz.core.errors import ConflictError, DomainError, NotFoundError, ValidationFailedError
from oppo_kz.lib.formatting import day, moment, money
from oppo_kz.sales import review, service
from oppo_kz.sales.models import ReviewAction, SalePublic, SaleStatus
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.live import LiveFeed, current_seq, touches
from oppo_kz.ui.run import run_service


def sale_view(sale: SalePublic, lang: str) -> dict[str, Any]:
    """A sale as its page shows it, formatted once on the server."""
    return {
        "id": sale.id,
        "status": sale.status.value,
        "store": f"{sale.store_name} ({sale.store_code})",
        "product": f"{sale.product_name} ({sale.product_sku})",
        "promoter": sale.promoter_name,
        "imei": sale.imei or "—",
        "quantity": str(sale.quantity),
        "unit_price": money(sale.unit_price, lang),
        "amount": money(sale.amount, lang),
        "payment_type": sale.payment_type.value,
        "sold_at": moment(sale.sold_at, lang),
        "sale_date": day(sale.sale_date, lang),
        "review_note": sale.review_note or "",
        "reviewed_at": moment(sale.reviewed_at, lang) if sale.reviewed_at else "",
        "version": sale.version,
    }


class SaleState(rx.State):
    sale: rx.Field[dict[str, Any]] = rx.field(default_factory=dict)
    found: rx.Field[bool] = rx.field(True)
    can_review: rx.Field[bool] = rx.field(False)
    can_withdraw: rx.Field[bool] = rx.field(False)
    note: rx.Field[str] = rx.field("")
    problem: rx.Field[str] = rx.field("")
    busy: rx.Field[bool] = rx.field(False)

    _sale_id: int = 0
    # The outbox seq this tab has caught up to: the live feed resumes from it (ui/live.py).
    _live_seq: int = 0

    async def _read(self, actor: Principal) -> None:
        lang = (await self.get_state(I18nState)).lang
        try:
            sale = await run_service(service.get_sale, actor=actor, sale_id=self._sale_id)
        except NotFoundError:
            self.found, self.sale = False, {}
            return
        self.found, self.sale = True, sale_view(sale, lang)
        pending = sale.status == SaleStatus.pending
        self.can_review = pending and has_permission(actor.role, Permission.sales_review)
        own = actor.role.value != "promoter" or sale.promoter_id == actor.id
        self.can_withdraw = pending and own and has_permission(actor.role, Permission.sales_delete)

    @rx.event
    async def load(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        raw = self.router.page.params.get("sale_id", "")
        self._sale_id = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 10 else 0
        self.note, self.problem, self.busy = "", "", False
        self._live_seq = await current_seq()  # the page shows at least everything up to this event
        await self._read(actor)
        return SaleState.follow if self.found else None

    @rx.event
    def set_note(self, value: str) -> None:
        self.note = value[:1000]

    @rx.event
    async def decide(self, action: str):
        """Approve or reject with the version on screen; a rejection needs a note."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        if action == ReviewAction.reject.value and not self.note.strip():
            self.problem = "note_required"
            return None
        try:
            await run_service(
                review.review_sale, write=True, actor=actor, sale_id=self._sale_id, action=ReviewAction(action),
                note=self.note.strip() or None, expected_version=self.sale.get("version"),
            )  # fmt: skip
        except ValidationFailedError:
            self.problem = "note_required"
        except ConflictError as exc:
            self.problem = "not_pending" if exc.details.get("field") == "status" else "stale"
        except DomainError:
            self.problem = "generic"
        else:
            self.problem, self.note = "", ""
        await self._read(actor)
        return None

    @rx.event
    async def withdraw(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        try:
            await run_service(service.delete_sale, write=True, actor=actor, sale_id=self._sale_id)
        except DomainError:
            self.problem = "not_pending"
            await self._read(actor)
            return None
        return rx.redirect("/sales")

    @rx.event(background=True)
    async def follow(self):
        """Re-read the sale when it changes anywhere (a review by someone else, say); after a
        reconnect it resumes from the last event this tab saw, so a review meanwhile is not missed."""
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
                    if not touches(batch, "sale.", self._sale_id):
                        continue
                    actor = await (await self.get_state(AuthState)).principal_or_none()
                    if actor is None:
                        yield rx.redirect("/login", replace=True)
                        return
                    await self._read(actor)
        finally:
            feed.close()
