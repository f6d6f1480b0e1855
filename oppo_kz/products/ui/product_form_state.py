"""/products/new and /products/{id}: the product form, validated by the API's own schemas."""

from __future__ import annotations

from datetime import date
from typing import Any

import reflex as rx
from pydantic import ValidationError

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.core.db import utcnow
from oppo_kz.core.errors import ConflictError, DomainError, NotFoundError, ValidationFailedError
from oppo_kz.lib import formatting
from oppo_kz.products import service as products
from oppo_kz.products.models import EDITABLE_FIELDS, Product, ProductCreate, ProductUpdate
from oppo_kz.products.ui.product_detail_state import ProductDetailState
from oppo_kz.products.ui.products_state import ProductsState
from oppo_kz.ui.format import parse_whole_number
from oppo_kz.ui.forms import focus_first
from oppo_kz.ui.i18n import I18nState, Texts, no_texts, texts, tr
from oppo_kz.ui.run import run_service
from oppo_kz.ui.validation import error_texts, errors_of, people_errors

FIELDS = EDITABLE_FIELDS
# The order of the fields on screen: the focus goes to the first invalid one.
FORM_ORDER = (
    "sku", "name", "category", "series", "color", "launch_date", "ram_gb", "storage_gb", "price", "stock",
    "is_active",
)  # fmt: skip
NUMBER_FIELDS = ("ram_gb", "storage_gb", "price", "stock")
OPTIONAL_NUMBERS = ("ram_gb", "storage_gb")
# Better words than the generic ones for some field and kind of error (ui/validation.py).
ERROR_TEXTS = {
    "sku:required": "products.error.sku_required",
    "sku:format": "products.error.sku_format",
    "sku:taken": "products.error.sku_taken",
    "name:required": "products.error.name_required",
    "price:required": "products.error.price_required",
    "stock:required": "products.error.stock_required",
}


def form_values(product: Product | None) -> dict[str, str]:
    """A product as the strings its form inputs show."""
    if product is None:
        return dict.fromkeys(FIELDS, "") | {"category": "smartphone", "is_active": "true", "stock": "0"}
    data = product.model_dump()
    values = {name: "" if data.get(name) is None else str(data[name]) for name in FIELDS}
    values["category"] = str(getattr(product.category, "value", product.category))
    values["is_active"] = "true" if product.is_active else "false"
    values["launch_date"] = product.launch_date.isoformat() if product.launch_date else ""
    return values


def _typed(name: str, text: str) -> Any:
    """One form string as its field's type; ValueError when it is not even that type."""
    if name == "is_active":
        return text in {"on", "true", "1", "yes"}
    if name in NUMBER_FIELDS:
        return parse_whole_number(text) if text else None
    if name == "launch_date":
        return date.fromisoformat(text) if text else None
    return text or (None if name in {"series", "color"} else "")


_PARSE_ERRORS = {"launch_date": "date_parsing"}


def parse_form(form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Form strings -> typed values, and an error (pydantic's shape) for each field of the wrong type."""
    data: dict[str, Any] = {}
    errors: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        raw = form.get(name)
        text = "" if raw is None else str(raw).strip()
        try:
            data[name] = _typed(name, text)
        except ValueError:
            errors[name] = {"field": name, "type": _PARSE_ERRORS.get(name, "int_parsing")}
            continue
        if name in NUMBER_FIELDS and data[name] is None and name not in OPTIONAL_NUMBERS:
            errors[name] = {"field": name, "type": "missing"}
    return data, errors


def validation_errors(form: dict[str, Any]) -> tuple[ProductCreate | None, list[dict[str, Any]]]:
    """The product the form describes, or every error at once: wrong types and broken rules alike."""
    data, parse_errors = parse_form(form)
    try:
        return ProductCreate.model_validate({k: v for k, v in data.items() if k not in parse_errors}), []
    except ValidationError as exc:
        rule_errors = [e for e in errors_of(exc) if (e["loc"] or ("",))[0] not in parse_errors]
        return None, [*parse_errors.values(), *rule_errors]


class ProductFormState(rx.State):
    product_id: rx.Field[int] = rx.field(0)
    is_new: rx.Field[bool] = rx.field(True)
    found: rx.Field[bool] = rx.field(True)
    version: rx.Field[int] = rx.field(0)
    # Whether this role may use the page at all (new needs create), and may change what it shows.
    allowed: rx.Field[bool] = rx.field(True)
    can_edit: rx.Field[bool] = rx.field(False)
    values: rx.Field[dict[str, str]] = rx.field(default_factory=lambda: form_values(None))
    # field -> its message in every language; every invalid field at once
    errors: rx.Field[dict[str, Texts]] = rx.field(default_factory=dict)
    message: rx.Field[Texts] = rx.field(default_factory=dict)
    message_is_error: rx.Field[bool] = rx.field(False)
    saving: rx.Field[bool] = rx.field(False)
    form_key: rx.Field[int] = rx.field(0)
    updated_label: rx.Field[str] = rx.field("")
    # Someone else saved while this user was editing: their values, to compare and reapply.
    conflict: rx.Field[bool] = rx.field(False)
    current: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    current_version: rx.Field[int] = rx.field(0)
    deleted_elsewhere: rx.Field[bool] = rx.field(False)
    list_url: rx.Field[str] = rx.field("/products")

    _typed: dict[str, str] = {}
    # Unsaved edits per product ("new" for the create form), kept when the user navigates away.
    _drafts: dict[str, dict[str, str]] = {}
    draft_pending: rx.Field[bool] = rx.field(False)
    draft_saved_at: rx.Field[str] = rx.field("")
    dirty: rx.Field[bool] = rx.field(False)

    @rx.var
    def conflict_rows(self) -> list[dict[str, str]]:
        """Fields where what this user typed differs from the version saved meanwhile."""
        if not self.conflict:
            return []
        return [
            {"field": name, "mine": self._typed.get(name, ""), "theirs": self.current.get(name, "")}
            for name in FIELDS
            if self._typed.get(name, "") != self.current.get(name, "")
        ]

    def _say(self, key: str, *, error: bool = False, **params: Any) -> None:
        self.message, self.message_is_error = texts(key, **params), error

    def _reset_form(self, values: dict[str, str]) -> None:
        self.values = values
        self.errors = {}
        self.conflict = False
        self.current = {}
        self._typed = {}
        self.dirty = False
        self.form_key += 1  # re-mount the inputs with these values

    @property
    def _draft_key(self) -> str:
        return "new" if self.is_new else str(self.product_id)

    def _check_draft(self) -> None:
        draft = self._drafts.get(self._draft_key)
        fields = {k: v for k, v in (draft or {}).items() if k in FIELDS}
        self.draft_pending = bool(fields) and any(self.values.get(k) != v for k, v in fields.items())
        self.draft_saved_at = (draft or {}).get("_at", "")

    @rx.event
    def remember(self, field: str, value: Any):
        """Keep an edit as a draft, so leaving the page never loses it silently."""
        if field not in FIELDS or self.draft_pending:
            return
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        if field == "is_active":
            text = "true" if text.lower() in {"true", "on", "1"} else "false"
        if text == self.values.get(field, "") and field not in self._drafts.get(self._draft_key, {}):
            return
        draft = self._drafts.setdefault(self._draft_key, {})
        draft[field] = text
        draft["_at"] = formatting.moment(utcnow())[-5:]
        self._drafts = dict(self._drafts)
        self.dirty = any(self.values.get(k) != v for k, v in draft.items() if k in FIELDS)

    @rx.event
    def restore_draft(self):
        draft = self._drafts.get(self._draft_key, {})
        values = dict(self.values) | {k: v for k, v in draft.items() if k in FIELDS}
        self._reset_form(values)
        self.draft_pending = False
        self.dirty = True
        self._say("products.draft.restored")

    @rx.event
    def discard_draft(self):
        self._forget_draft()
        self._reset_form(dict(self.values))

    def _forget_draft(self) -> None:
        self._drafts.pop(self._draft_key, None)
        self._drafts = dict(self._drafts)
        self.draft_pending = False
        self.dirty = False

    @rx.event
    async def load(self):
        """on_load for both routes."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.list_url = (await self.get_state(ProductsState)).list_url
        self.message, self.saving, self.deleted_elsewhere, self.found = no_texts(), False, False, True
        raw_id = self.router.page.params.get("product_id", "new")
        if raw_id == "new":
            self.is_new, self.product_id, self.version, self.updated_label = True, 0, 0, ""
            self.allowed = self.can_edit = has_permission(actor.role, Permission.products_create)
            self._reset_form(form_values(None))
            self._check_draft()
            return None
        self.is_new, self.allowed = False, True
        self.can_edit = has_permission(actor.role, Permission.products_update)
        try:
            self.product_id = int(raw_id)
            product = await run_service(products.get_product, actor=actor, product_id=self.product_id)
        except (ValueError, NotFoundError):
            self.found = False
            return None
        self._adopt(product)
        self._reset_form(form_values(product))
        self._check_draft()
        # Roles that may not edit get the read-only view, which follows changes made anywhere.
        return None if self.can_edit else ProductDetailState.show(self.product_id)

    def _adopt(self, product: Product) -> None:
        self.product_id = product.id or 0
        self.version = product.version
        self.updated_label = formatting.moment(product.updated_at)

    def _checked(self, form: dict[str, Any]) -> ProductCreate | None:
        """Keep what was typed and validate it with the API's schema; None (errors shown) if invalid."""
        typed = {name: str(form.get(name, "") or "") for name in FIELDS}
        typed["is_active"] = (
            "true" if str(form.get("is_active", "")).lower() in {"on", "true", "1"} else "false"
        )
        self.values = typed  # keep what was typed, whatever happens next
        self.message = no_texts()
        checked, errors = validation_errors(form)
        if checked is None:
            self._show_errors(errors)
        return checked

    def _show_errors(self, errors: list[dict[str, Any]]) -> None:
        self.errors = people_errors(errors, ERROR_TEXTS)
        self._say("error.validation_error", error=True)

    async def _write(self, actor: Principal, checked: ProductCreate) -> Product:
        if self.is_new:
            return await run_service(products.create_product, write=True, actor=actor, product_in=checked)
        return await run_service(
            products.update_product,
            write=True,
            actor=actor,
            product_id=self.product_id,
            changes=ProductUpdate.model_validate(checked.model_dump()),
            expected_version=self.version,
        )

    async def _write_failed(self, actor: Principal, exc: DomainError) -> None:
        """Show why a save was refused; nothing the user typed is lost."""
        self.saving = False
        if isinstance(exc, ConflictError) and exc.details.get("field") == "sku":
            self._show_errors([{"field": "sku", "type": "conflict"}])
        elif isinstance(exc, ConflictError):
            await self._show_conflict(actor, dict(self.values))
        elif isinstance(exc, ValidationFailedError):
            self._show_errors(errors_of(exc))
        elif isinstance(exc, NotFoundError):
            self.deleted_elsewhere = True
            self._say("products.deleted_elsewhere", error=True)
        else:
            self.message, self.message_is_error = error_texts(exc), True

    @rx.event
    async def save(self, form: dict[str, Any]):
        """Validate with the API's schema, then create or update with the version the user saw."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            yield actor
            return
        checked = self._checked(form)
        if checked is None:
            yield focus_first(FORM_ORDER, self.errors)
            return
        self.errors = {}
        self.saving = True
        yield
        created = self.is_new
        try:
            product = await self._write(actor, checked)
        except DomainError as exc:
            await self._write_failed(actor, exc)
            yield focus_first(FORM_ORDER, self.errors)
            return
        self.saving = False
        self._forget_draft()
        self._adopt(product)
        self._reset_form(form_values(product))
        lang = (await self.get_state(I18nState)).lang
        yield rx.toast.success(tr(lang, "products.saved", sku=product.sku), duration=3000)
        # A new product: go to it (its page, its URL); an edit: back to the list the user came from.
        yield rx.redirect(f"/products/{product.id}" if created else self.list_url)

    async def _show_conflict(self, actor: Principal, typed: dict[str, str]) -> None:
        try:
            product = await run_service(products.get_product, actor=actor, product_id=self.product_id)
        except NotFoundError:
            self.deleted_elsewhere = True
            self._say("products.deleted_elsewhere", error=True)
            return
        self._typed = typed
        self.current = form_values(product)
        self.current_version = product.version
        self.conflict = True
        self._say("products.conflict.message", version=product.version)

    @rx.event
    def reapply_mine(self):
        """Keep the typed values on top of the newest version; the next save goes through."""
        self.version = self.current_version
        self.values = dict(self._typed)
        self.conflict = False
        self._say("products.conflict.reapplied")

    @rx.event
    def take_theirs(self):
        self.version = self.current_version
        self._forget_draft()
        self._reset_form(dict(self.current))
        self._say("products.conflict.took_theirs")

    @rx.event
    async def delete(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        try:
            await run_service(
                products.delete_product,
                write=True,
                actor=actor,
                product_id=self.product_id,
                expected_version=self.version,
            )
        except ConflictError:
            await self._show_conflict(actor, dict(self.values))
            return None
        except NotFoundError:
            pass  # gone already: the outcome the user wanted
        except DomainError as exc:
            self.message, self.message_is_error = error_texts(exc), True
            return None
        sku = self.values.get("sku", "")
        self._forget_draft()
        lang = (await self.get_state(I18nState)).lang
        return [
            rx.toast.success(tr(lang, "products.deleted", sku=sku), duration=3000),
            rx.redirect(self.list_url),
        ]
