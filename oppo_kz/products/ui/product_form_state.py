"""/products/new and /products/{id}: the product form, validated by the API's own schemas."""

from __future__ import annotations

from datetime import date
from typing import Any

import reflex as rx
from pydantic import ValidationError

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import AuthState
from oppo_kz.core.db import utcnow
from oppo_kz.core.errors import ConflictError, DomainError, NotFoundError, ValidationFailedError
from oppo_kz.products import service as products
from oppo_kz.products.models import EDITABLE_FIELDS, Product, ProductCreate, ProductUpdate
from oppo_kz.products.ui.products_state import ProductsState
from oppo_kz.ui.format import format_datetime, parse_whole_number
from oppo_kz.ui.run import run_service

FIELDS = EDITABLE_FIELDS
NUMBER_FIELDS = ("ram_gb", "storage_gb", "price", "stock")
OPTIONAL_NUMBERS = ("ram_gb", "storage_gb")
LABELS = {
    "sku": "SKU",
    "name": "Name",
    "category": "Category",
    "series": "Series",
    "color": "Color",
    "ram_gb": "RAM, GB",
    "storage_gb": "Storage, GB",
    "price": "Price, ₸",
    "stock": "Stock",
    "is_active": "Active",
    "launch_date": "Launch date",
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


def parse_form(form: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form strings -> typed values, with a message for each field that is not even the right type."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in FIELDS:
        raw = form.get(name)
        text = "" if raw is None else str(raw).strip()
        if name == "is_active":
            data[name] = text in {"on", "true", "1", "yes"}
        elif name in NUMBER_FIELDS:
            if not text:
                data[name] = None
                if name not in OPTIONAL_NUMBERS:
                    errors[name] = "Enter a number."
                continue
            try:
                data[name] = parse_whole_number(text)
            except ValueError:
                errors[name] = "Enter a whole number, e.g. 199990."
        elif name == "launch_date":
            try:
                data[name] = date.fromisoformat(text) if text else None
            except ValueError:
                errors[name] = "Enter a date as YYYY-MM-DD."
        else:
            data[name] = text or (None if name in {"series", "color"} else "")
    return data, errors


def _schema_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for err in exc.errors():
        field = str(err["loc"][0]) if err["loc"] else "form"
        errors.setdefault(field, err["msg"].removeprefix("Value error, "))
    return errors


class ProductFormState(rx.State):
    product_id: int = 0
    is_new: bool = True
    found: bool = True
    version: int = 0
    values: dict[str, str] = form_values(None)
    errors: dict[str, str] = {}
    message: str = ""
    saving: bool = False
    form_key: int = 0
    updated_label: str = ""
    # Someone else saved while this user was editing: their values, to compare and reapply.
    conflict: bool = False
    current: dict[str, str] = {}
    current_version: int = 0
    deleted_elsewhere: bool = False
    list_url: str = "/products"

    _typed: dict[str, str] = {}
    # Unsaved edits per product ("new" for the create form), kept when the user navigates away.
    _drafts: dict[str, dict[str, str]] = {}
    draft_pending: bool = False
    draft_saved_at: str = ""
    dirty: bool = False

    @rx.var
    def conflict_rows(self) -> list[dict[str, str]]:
        """Fields where what this user typed differs from the version saved meanwhile."""
        if not self.conflict:
            return []
        return [
            {
                "field": name,
                "label": LABELS[name],
                "mine": self._typed.get(name, ""),
                "theirs": self.current.get(name, ""),
            }
            for name in FIELDS
            if self._typed.get(name, "") != self.current.get(name, "")
        ]

    @rx.var
    def title(self) -> str:
        if self.is_new:
            return "New product"
        return self.values.get("name") or f"Product {self.product_id}"

    async def _principal(self) -> Principal | None:
        return await (await self.get_state(AuthState)).principal_or_none()

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
    def remember(self, field: str, value: Any):  # type: ignore[no-untyped-def]
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
        draft["_at"] = format_datetime(utcnow())[-5:]
        self._drafts = dict(self._drafts)
        self.dirty = any(self.values.get(k) != v for k, v in draft.items() if k in FIELDS)

    @rx.event
    def restore_draft(self):  # type: ignore[no-untyped-def]
        draft = self._drafts.get(self._draft_key, {})
        values = dict(self.values) | {k: v for k, v in draft.items() if k in FIELDS}
        self._reset_form(values)
        self.draft_pending = False
        self.dirty = True
        self.message = "Your unsaved changes are back. Save to keep them."

    @rx.event
    def discard_draft(self):  # type: ignore[no-untyped-def]
        self._forget_draft()
        self._reset_form(dict(self.values))

    def _forget_draft(self) -> None:
        self._drafts.pop(self._draft_key, None)
        self._drafts = dict(self._drafts)
        self.draft_pending = False
        self.dirty = False

    @rx.event
    async def load(self):  # type: ignore[no-untyped-def]
        """on_load for both routes."""
        who = await self._principal()
        auth_state = await self.get_state(AuthState)
        if who is None:
            return auth_state.login_redirect()
        self.list_url = (await self.get_state(ProductsState)).list_url
        self.message, self.saving, self.deleted_elsewhere, self.found = "", False, False, True
        raw_id = self.router.page.params.get("product_id", "new")
        if raw_id == "new":
            self.is_new, self.product_id, self.version, self.updated_label = True, 0, 0, ""
            self._reset_form(form_values(None))
            self._check_draft()
            if not has_permission(who.role, Permission.products_create):
                self.message = "Your role cannot create products."
            return None
        self.is_new = False
        try:
            self.product_id = int(raw_id)
            product = await run_service(products.get_product, actor=who, product_id=self.product_id)
        except (ValueError, NotFoundError):
            self.found = False
            return None
        self._adopt(product)
        self._reset_form(form_values(product))
        self._check_draft()
        return None

    def _adopt(self, product: Product) -> None:
        self.product_id = product.id or 0
        self.version = product.version
        self.updated_label = format_datetime(product.updated_at)

    @rx.event
    async def save(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Validate with the API's schema, then create or update with the version the user saw."""
        who = await self._principal()
        if who is None:
            yield (await self.get_state(AuthState)).login_redirect()
            return
        typed = {name: str(form.get(name, "") or "") for name in FIELDS}
        typed["is_active"] = (
            "true" if str(form.get("is_active", "")).lower() in {"on", "true", "1"} else "false"
        )
        self.values = typed  # keep what was typed, whatever happens next
        self.message = ""
        data, errors = parse_form(form)
        if not errors:
            try:
                checked = ProductCreate.model_validate({k: v for k, v in data.items() if k in FIELDS})
            except ValidationError as exc:
                errors = _schema_errors(exc)
        if errors:
            self.errors = errors
            self.message = "Check the highlighted fields."
            return
        self.errors = {}
        self.saving = True
        yield
        try:
            if self.is_new:
                product = await run_service(
                    products.create_product, write=True, actor=who, product_in=checked
                )
            else:
                product = await run_service(
                    products.update_product,
                    write=True,
                    actor=who,
                    product_id=self.product_id,
                    changes=ProductUpdate.model_validate(checked.model_dump()),
                    expected_version=self.version,
                )
        except ConflictError as exc:
            self.saving = False
            if exc.details.get("field") == "sku":
                self.errors = {"sku": exc.message}
                self.message = "Check the highlighted fields."
                return
            await self._show_conflict(who, typed)
            return
        except ValidationFailedError as exc:
            self.saving = False
            self.errors = {e["field"]: e["message"] for e in exc.errors}
            self.message = "Check the highlighted fields."
            return
        except NotFoundError:
            self.saving, self.deleted_elsewhere = False, True
            self.message = "This product was deleted by someone else."
            return
        except DomainError as exc:
            self.saving = False
            self.message = exc.message
            return
        self.saving = False
        self._forget_draft()
        self._adopt(product)
        self._reset_form(form_values(product))
        yield rx.toast.success(f"Saved {product.sku}.", duration=3000)
        yield rx.redirect(self.list_url)

    async def _show_conflict(self, who: Principal, typed: dict[str, str]) -> None:
        try:
            product = await run_service(products.get_product, actor=who, product_id=self.product_id)
        except NotFoundError:
            self.deleted_elsewhere = True
            self.message = "This product was deleted by someone else."
            return
        self._typed = typed
        self.current = form_values(product)
        self.current_version = product.version
        self.conflict = True
        self.message = (
            f"Someone else saved this product (now version {product.version}) while you were editing. "
            "Nothing was overwritten. Compare below, then reapply your changes or take theirs."
        )

    @rx.event
    def reapply_mine(self):  # type: ignore[no-untyped-def]
        """Keep the typed values on top of the newest version; the next save goes through."""
        self.version = self.current_version
        self.values = dict(self._typed)
        self.conflict = False
        self.message = "Your changes are ready to save on top of the latest version."

    @rx.event
    def take_theirs(self):  # type: ignore[no-untyped-def]
        self.version = self.current_version
        self._forget_draft()
        self._reset_form(dict(self.current))
        self.message = "Showing the latest saved version."

    @rx.event
    async def delete(self):  # type: ignore[no-untyped-def]
        who = await self._principal()
        if who is None:
            return (await self.get_state(AuthState)).login_redirect()
        try:
            await run_service(
                products.delete_product,
                write=True,
                actor=who,
                product_id=self.product_id,
                expected_version=self.version,
            )
        except ConflictError:
            await self._show_conflict(who, dict(self.values))
            return None
        except NotFoundError:
            pass  # gone already: the outcome the user wanted
        except DomainError as exc:
            self.message = exc.message
            return None
        sku = self.values.get("sku", "")
        self._forget_draft()
        return [
            rx.toast.success(f"Deleted {sku}.", duration=3000),
            rx.redirect(self.list_url),
        ]
