"""The product page's history: its audit entries (who, when, what changed) and revert per change."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.audit.models import AuditAction, AuditEntry
from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.core.errors import DomainError
from oppo_kz.lib import formatting
from oppo_kz.products import history
from oppo_kz.products.models import EDITABLE_FIELDS
from oppo_kz.products.ui.product_form_state import ProductFormState
from oppo_kz.ui.i18n import I18nState, Texts, no_texts, texts, tr
from oppo_kz.ui.run import run_service
from oppo_kz.ui.validation import error_texts

ARROW = " → "


def shown_value(field: str, value: Any, lang: str) -> str:
    """One stored value of a product field as people read it in `lang`."""
    if value is None or value == "":
        return formatting.DASH
    if field == "price" and isinstance(value, int):
        return formatting.money(value, lang)
    if field in ("stock", "ram_gb", "storage_gb") and isinstance(value, int):
        return formatting.number(value, lang)
    if field == "is_active":
        return tr(lang, "common.yes" if value else "common.no")
    if field == "category":
        return tr(lang, f"category.{value}")
    if field == "launch_date":
        return formatting.day(str(value), lang)
    return str(value)


def entry_row(entry: dict[str, Any], lang: str, *, may_revert: bool) -> dict[str, str]:
    """An audit entry as one history row: its heading, when, and one line per changed field."""
    action = str(entry["action"])
    who = entry.get("actor_email") or tr(lang, "audit.history.unknown_actor")
    changes: dict[str, list[Any]] = entry.get("changes") or {}
    lines = []
    if action in (AuditAction.update, AuditAction.revert):
        for field, pair in changes.items():
            if field not in EDITABLE_FIELDS:
                continue
            old, new = [*pair, None, None][:2]
            label = tr(lang, f"products.field.{field}")
            lines.append(f"{label}: {shown_value(field, old, lang)}{ARROW}{shown_value(field, new, lang)}")
    return {
        "id": str(entry["id"]),
        "action": action,
        "heading": tr(lang, "audit.history.entry", action=tr(lang, f"audit.action.{action}"), who=who),
        "at": formatting.moment(entry["at"], lang),
        "lines": "\n".join(lines),
        "revertible": "true" if may_revert and action in history.REVERTIBLE and lines else "false",
    }


def _as_dict(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "action": entry.action.value,
        "actor_email": entry.actor_email,
        "at": entry.at,
        "changes": entry.changes,
    }


class ProductHistoryState(rx.State):
    """Shown to roles that may read the audit log; revert for those who may change products."""

    visible: rx.Field[bool] = rx.field(False)
    can_revert: rx.Field[bool] = rx.field(False)
    reverting: rx.Field[int] = rx.field(0)
    message: rx.Field[Texts] = rx.field(default_factory=dict)
    message_is_error: rx.Field[bool] = rx.field(False)
    _product_id: int = 0
    _entries: list[dict[str, Any]] = []

    @rx.var
    async def rows(self) -> list[dict[str, str]]:
        """The entries in the tab's language (again when it switches), newest first."""
        lang = (await self.get_state(I18nState)).lang
        return [entry_row(e, lang, may_revert=self.can_revert) for e in self._entries]

    @rx.event
    async def load(self):
        """on_load of /products/{id}: the product's newest entries, for admin and office."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return None  # the form's own on_load sends the visitor to sign in
        self.message = no_texts()
        raw_id = self.router.page.params.get("product_id", "new")
        self.visible = raw_id.isdigit() and has_permission(actor.role, Permission.audit_read)
        self.can_revert = has_permission(actor.role, Permission.products_update)
        self._entries = []
        if not self.visible:
            return None
        self._product_id = int(raw_id)
        await self._refresh(actor)
        return None

    async def _refresh(self, actor: Principal) -> None:
        try:
            found = await run_service(history.product_history, actor=actor, product_id=self._product_id)
        except DomainError:
            self.visible, self._entries = False, []
            return
        self._entries = [_as_dict(e) for e in found]

    @rx.event
    async def revert(self, audit_id: str):
        """Put back the values from before one change, then show the product and its history anew."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.reverting = int(audit_id) if audit_id.isdigit() else 0
        version = (await self.get_state(ProductFormState)).version
        try:
            before = version
            product = await run_service(
                history.revert_product,
                write=True,
                actor=actor,
                product_id=self._product_id,
                audit_id=self.reverting,
                expected_version=version or None,
            )
        except DomainError as exc:
            self.reverting, self.message, self.message_is_error = 0, error_texts(exc), True
            return None
        self.reverting, self.message_is_error = 0, False
        self.message = texts("audit.reverted" if product.version != before else "audit.revert.nothing")
        await self._refresh(actor)
        return ProductFormState.load
