"""/sales/new: a promoter reports a sale from their phone.

Built for a shop floor: the store is preselected when the promoter has one, the product is found by
typing a name or SKU, the IMEI is checked as it is typed (or scanned with the camera), and the form
survives a flaky connection — what was typed lives in the tab's server-side state, so a reconnect or
a reload keeps it. Each form carries a key: a second tap on Save for the same form is ignored, so a
double tap never makes two sales.
"""

from __future__ import annotations

import uuid
from typing import Any

import reflex as rx

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.core.errors import ConflictError, DomainError, PermissionDeniedError, ValidationFailedError
from oppo_kz.lib.formatting import money
from oppo_kz.lib.listing import Filter, ListQuery
from oppo_kz.products import service as products
from oppo_kz.products.models import Category
from oppo_kz.sales import queries
from oppo_kz.sales.imei import IMEI_LENGTH, imei_problem
from oppo_kz.sales.models import PaymentType, SaleCreate
from oppo_kz.sales.service import create_sale
from oppo_kz.ui.format import parse_whole_number
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.run import run_service

PAYMENT_TYPES = tuple(p.value for p in PaymentType)
IMEI_CATEGORIES = (Category.smartphone.value, Category.tablet.value)
OPTIONS = 8


def imei_code(text: str) -> str:
    """The catalog code of what is wrong with a typed IMEI ("" when it is fine or still empty)."""
    if not text:
        return ""
    problem = imei_problem(text)
    if problem is None:
        return ""
    if not (text.isascii() and text.isdigit()):
        return "imei_digits"
    return "imei_length" if len(text) != IMEI_LENGTH else "imei_checksum"


def product_option(item: Any, lang: str) -> dict[str, Any]:
    category = str(getattr(item.category, "value", item.category))
    return {
        "id": item.id,
        "label": item.name,
        "sku": item.sku,
        "price": item.price,
        "price_label": money(item.price, lang),
        "needs_imei": category in IMEI_CATEGORIES,
    }


class NewSaleState(rx.State):
    stores: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    promoters: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    head_office: rx.Field[bool] = rx.field(False)
    allowed: rx.Field[bool] = rx.field(True)
    store_id: rx.Field[str] = rx.field("")
    promoter_id: rx.Field[str] = rx.field("")
    product_query: rx.Field[str] = rx.field("")
    options: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    searched: rx.Field[bool] = rx.field(False)
    product: rx.Field[dict[str, Any]] = rx.field(default_factory=dict)
    imei: rx.Field[str] = rx.field("")
    quantity: rx.Field[str] = rx.field("1")
    unit_price: rx.Field[str] = rx.field("")
    payment_type: rx.Field[str] = rx.field(PaymentType.cash.value)
    # field -> catalog code of its problem (texts come from the catalog in the tab's language)
    errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    saving: rx.Field[bool] = rx.field(False)
    saved_id: rx.Field[int] = rx.field(0)
    saved_label: rx.Field[str] = rx.field("")
    scanning: rx.Field[bool] = rx.field(False)
    scan_problem: rx.Field[str] = rx.field("")
    form_key: rx.Field[str] = rx.field(default_factory=lambda: uuid.uuid4().hex)

    _saved_keys: list[str] = []

    @rx.var
    def imei_ok(self) -> bool:
        return len(self.imei) == IMEI_LENGTH and imei_code(self.imei) == ""

    @rx.var
    def needs_imei(self) -> bool:
        return bool(self.product.get("needs_imei"))

    # --- loading --------------------------------------------------------------------------------

    @rx.event
    async def load(self):
        """on_load: the stores (and for head office the promoters) this user reports for; keeps a draft."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.allowed = has_permission(actor.role, Permission.sales_create)
        if not self.allowed:
            return None
        choices = await run_service(queries.reporting_choices, actor=actor)
        self.stores, self.promoters = choices["stores"], choices["promoters"]
        self.head_office = bool(self.promoters) or actor.role.value in ("admin", "office")
        ids = {str(s["id"]) for s in self.stores}
        if self.store_id not in ids:
            self.store_id = str(self.stores[0]["id"]) if len(self.stores) == 1 else ""
        return None

    # --- typing -----------------------------------------------------------------------------------

    @rx.event
    def set_store(self, value: str) -> None:
        self.store_id = value
        self.errors = {k: v for k, v in self.errors.items() if k != "store_id"}

    @rx.event
    def set_promoter(self, value: str) -> None:
        self.promoter_id = value
        self.errors = {k: v for k, v in self.errors.items() if k != "promoter_id"}

    @rx.event(supersedes=True)
    async def search_products(self, text: str):
        """Typeahead: the active products whose name or SKU contains what was typed."""
        self.product_query = text[:100]
        if self.product and text != self.product.get("label"):
            self.product = {}
        if len(text.strip()) < 2:
            self.options, self.searched = [], False
            return
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            yield actor
            return
        query = ListQuery(page_size=OPTIONS, q=text.strip(), filters=(Filter("is_active", "eq", True),))
        page = await run_service(products.list_products, actor=actor, query=query)
        lang = (await self.get_state(I18nState)).lang
        self.options = [product_option(item, lang) for item in page.items]
        self.searched = True

    @rx.event
    def choose_product(self, option: dict[str, Any]) -> None:
        self.product = dict(option)
        self.product_query = str(option.get("label", ""))
        self.options, self.searched = [], False
        self.unit_price = str(option.get("price", ""))
        if not option.get("needs_imei"):
            self.imei = ""
        self.errors = {k: v for k, v in self.errors.items() if k not in ("product_id", "unit_price")}

    @rx.event
    def set_imei(self, text: str) -> None:
        """Checked as it is typed: digits only, 15 of them, a valid Luhn check digit."""
        self.imei = "".join(ch for ch in text if not ch.isspace())[:20]
        code = imei_code(self.imei) if len(self.imei) >= IMEI_LENGTH or not self.imei.isdigit() else ""
        others = {k: v for k, v in self.errors.items() if k != "imei"}
        self.errors = others | ({"imei": code} if code else {})

    @rx.event
    def set_quantity(self, text: str) -> None:
        self.quantity = text[:4]

    @rx.event
    def set_unit_price(self, text: str) -> None:
        self.unit_price = text[:12]

    @rx.event
    def set_payment_type(self, value: str) -> None:
        if value in PAYMENT_TYPES:
            self.payment_type = value

    # --- the camera ---------------------------------------------------------------------------------

    @rx.event
    def open_scanner(self) -> None:
        self.scan_problem, self.scanning = "", True

    @rx.event
    def close_scanner(self) -> None:
        self.scanning = False

    @rx.event
    def scanned(self, text: str) -> None:
        """A decoded barcode; checked on the server like a typed IMEI (a client can send anything)."""
        self.scanning = False
        digits = text.strip()
        if len(digits) == IMEI_LENGTH + 1 and digits.startswith("0"):
            digits = digits[1:]  # ITF labels carry a leading 0
        self.set_imei(digits)

    @rx.event
    def scan_failed(self, name: str, _message: str) -> None:
        self.scanning = False
        self.scan_problem = {"NotAllowedError": "denied", "NotFoundError": "nocamera"}.get(name, "failed")

    # --- saving -----------------------------------------------------------------------------------

    def _numbers(self, errors: dict[str, str]) -> dict[str, Any]:
        values: dict[str, Any] = {"payment_type": self.payment_type}
        try:
            values["quantity"] = parse_whole_number(self.quantity)
        except ValueError:
            values["quantity"] = 0
        if not 1 <= values["quantity"] <= 100:
            errors["quantity"] = "quantity"
        try:
            values["unit_price"] = parse_whole_number(self.unit_price) if self.unit_price.strip() else None
        except ValueError:
            errors["unit_price"] = "unit_price"
        return values

    def _problems(self) -> tuple[dict[str, str], dict[str, Any]]:
        """Every problem the form can see by itself (the server checks them all again)."""
        errors: dict[str, str] = {}
        if not self.store_id.isdigit():
            errors["store_id"] = "store"
        if self.head_office and not self.promoter_id.isdigit():
            errors["promoter_id"] = "promoter"
        if not self.product:
            errors["product_id"] = "product"
        values = self._numbers(errors)
        if self.imei:
            if code := imei_code(self.imei):
                errors["imei"] = code
            elif values["quantity"] != 1:
                errors["quantity"] = "quantity_imei"
        elif self.needs_imei:
            errors["imei"] = "imei_required"
        return errors, values

    def _refused(self, exc: Exception) -> dict[str, str]:
        if isinstance(exc, ValidationFailedError):
            return {e["field"]: exc.codes.get(e["field"], "generic") for e in exc.errors}
        if isinstance(exc, ConflictError) and exc.details.get("field") == "imei":
            return {"imei": "imei_taken"}
        if isinstance(exc, PermissionDeniedError):
            return {"store_id": "not_assigned"}
        return {"form": "generic"}

    def _next_form(self, sale: Any) -> None:
        """After a save: say so, and be ready for the next sale in the same store."""
        self._saved_keys = [*self._saved_keys[-20:], self.form_key]
        self.saved_id, self.saved_label = sale.id or 0, str(self.product.get("label", ""))
        self.product, self.product_query, self.options = {}, "", []
        self.imei, self.quantity, self.unit_price = "", "1", ""
        self.errors = {}
        self.form_key = uuid.uuid4().hex

    @rx.event
    async def save(self, form_key: str):
        """Report the sale; a second tap with the same form key does nothing."""
        if self.saving or form_key in self._saved_keys or form_key != self.form_key:
            return
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            yield actor
            return
        errors, values = self._problems()
        self.errors, self.saved_id = errors, 0
        if errors:
            return
        self.saving = True
        yield
        try:
            sale_in = SaleCreate(
                store_id=int(self.store_id),
                product_id=int(self.product["id"]),
                imei=self.imei or None,
                promoter_id=int(self.promoter_id) if self.head_office and self.promoter_id else None,
                **values,
            )
            sale = await run_service(create_sale, write=True, actor=actor, sale_in=sale_in)
        except (DomainError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            self.errors = self._refused(exc) if isinstance(exc, DomainError) else {"form": "generic"}
            return
        finally:
            self.saving = False
        self._next_form(sale)
