"""/sales/new — report a sale, built for a phone in a store (one column, large touch targets)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.sales.ui.new_sale_state import PAYMENT_TYPES, NewSaleState
from oppo_kz.sales.ui.scanner import IMEI_PATTERN, bd_scanner
from oppo_kz.sales.ui.texts import keyed_text
from oppo_kz.ui.components import data_attrs, native_select
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import page_header
from oppo_kz.ui.pages import not_allowed

ERRORS: Any = NewSaleState.errors  # a dict var (mypy reads rx.Field[dict] as an array)


def _error(name: str) -> rx.Component:
    return rx.cond(
        ERRORS.contains(name),
        rx.text(
            keyed_text(ERRORS[name], "sales.error."),
            id=f"field-{name}-error",
            color_scheme="red",
            size="2",
            role="alert",
            data_testid=f"field-error-{name}",
        ),
    )


def _invalid(name: str) -> dict[str, Any]:
    invalid = ERRORS.contains(name)
    return {
        "aria_invalid": invalid.to_string(),
        "aria_describedby": rx.cond(invalid, f"field-{name}-error", ""),
    }


def _field(label_key: str, name: str, *controls: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(t(label_key), size="2", weight="medium"), html_for=f"field-{name}"),
        *controls,
        _error(name),
        spacing="1",
        width="100%",
    )


def _store() -> rx.Component:
    options = rx.foreach(
        NewSaleState.stores,
        lambda s: rx.el.option(s["label"], value=s["id"].to_string(), custom_attrs=data_attrs()),
    )
    return _field(
        "sales.store",
        "store_id",
        rx.cond(
            NewSaleState.stores.length() > 0,
            rx.el.select(
                rx.el.option(t("sales.store.pick"), value=""),
                options,
                id="field-store_id",
                value=NewSaleState.store_id,
                on_change=NewSaleState.set_store,
                class_name="rt-reset rt-SelectTrigger rt-r-size-3 rt-variant-surface",
                style={"width": "100%"},
                data_testid="field-store_id",
                **_invalid("store_id"),
            ),
            rx.callout(t("sales.store.none"), color_scheme="amber", data_testid="sale-no-store"),
        ),
    )


def _promoter() -> rx.Component:
    return rx.cond(
        NewSaleState.head_office,
        _field(
            "sales.promoter",
            "promoter_id",
            rx.el.select(
                rx.el.option(t("sales.promoter.pick"), value=""),
                rx.foreach(
                    NewSaleState.promoters,
                    lambda p: rx.el.option(p["label"], value=p["id"].to_string(), custom_attrs=data_attrs()),
                ),
                id="field-promoter_id",
                value=NewSaleState.promoter_id,
                on_change=NewSaleState.set_promoter,
                class_name="rt-reset rt-SelectTrigger rt-r-size-3 rt-variant-surface",
                style={"width": "100%"},
                data_testid="field-promoter_id",
                **_invalid("promoter_id"),
            ),
        ),
    )


def _option(option: Any) -> rx.Component:
    return rx.el.button(
        rx.hstack(
            rx.vstack(
                rx.text(option["label"], size="2", weight="medium", custom_attrs=data_attrs()),
                rx.text(option["sku"], size="1", color_scheme="gray", custom_attrs=data_attrs()),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.text(option["price_label"], size="2", white_space="nowrap"),
            width="100%",
            align="center",
        ),
        type="button",
        role="option",
        on_click=NewSaleState.choose_product(option),
        data_testid="product-option",
        data_product_id=option["id"],
        style={
            "all": "unset",
            "display": "block",
            "width": "100%",
            "boxSizing": "border-box",
            "cursor": "pointer",
            "padding": "10px 12px",
            "minHeight": "44px",
            "borderBottom": "1px solid var(--gray-4)",
        },
    )


def _product() -> rx.Component:
    return _field(
        "sales.product",
        "product_id",
        rx.debounce_input(
            rx.input(
                id="field-product_id",
                value=NewSaleState.product_query,
                on_change=NewSaleState.search_products,
                placeholder=t("sales.product.search"),
                auto_complete="off",
                size="3",
                width="100%",
                role="combobox",
                aria_expanded=(NewSaleState.options.length() > 0).to_string(),
                aria_controls="product-options",
                data_testid="field-product_id",
                **_invalid("product_id"),
            ),
            debounce_timeout=250,
        ),
        rx.cond(
            NewSaleState.options.length() > 0,
            rx.box(
                rx.foreach(NewSaleState.options, _option),
                id="product-options",
                role="listbox",
                width="100%",
                border="1px solid var(--gray-6)",
                border_radius="8px",
                background="var(--color-panel-solid)",
                overflow="hidden",
            ),
            rx.cond(
                NewSaleState.searched,
                rx.text(t("sales.product.none"), size="2", color_scheme="gray", data_testid="product-none"),
            ),
        ),
        rx.cond(
            NewSaleState.product.contains("id"),
            rx.text(
                NewSaleState.product["price_label"],
                size="2",
                color_scheme="gray",
                data_testid="sale-product-price",
            ),
        ),
    )


def _scanner() -> rx.Component:
    return rx.cond(
        NewSaleState.scanning,
        rx.vstack(
            rx.text(t("sales.scan.hint"), size="2"),
            bd_scanner(
                formats=["code_128", "itf", "ean_13"],
                accept_pattern=IMEI_PATTERN,
                on_decode=NewSaleState.scanned,
                on_error=NewSaleState.scan_failed,
                data_testid="sale-scanner",
                aria_label=t("sales.scan.hint"),
                style={"width": "100%", "maxWidth": "480px", "background": "#000", "borderRadius": "8px"},
            ),
            rx.button(
                t("sales.scan.close"),
                variant="soft",
                color_scheme="gray",
                size="3",
                on_click=NewSaleState.close_scanner,
            ),
            width="100%",
            spacing="2",
        ),
    )


def _scan_problem() -> rx.Component:
    return rx.cond(
        NewSaleState.scan_problem != "",
        rx.callout(
            keyed_text(NewSaleState.scan_problem, "sales.scan."),
            color_scheme="amber",
            data_testid="sale-scan-problem",
        ),
    )


def _imei() -> rx.Component:
    return rx.cond(
        NewSaleState.needs_imei | (NewSaleState.imei != "") | ~NewSaleState.product.contains("id"),
        _field(
            "sales.imei",
            "imei",
            rx.hstack(
                rx.input(
                    id="field-imei",
                    value=NewSaleState.imei,
                    on_change=NewSaleState.set_imei,
                    input_mode="numeric",
                    auto_complete="off",
                    placeholder="356938035643809",
                    size="3",
                    flex="1",
                    min_width="0",
                    data_testid="field-imei",
                    **_invalid("imei"),
                ),
                rx.button(
                    rx.icon("scan-barcode", size=18),
                    t("sales.scan"),
                    type="button",
                    size="3",
                    variant="soft",
                    on_click=NewSaleState.open_scanner,
                    data_testid="sale-scan",
                ),
                width="100%",
                spacing="2",
            ),
            rx.cond(
                NewSaleState.imei_ok,
                rx.text(t("sales.imei.ok"), size="2", color_scheme="green", data_testid="sale-imei-ok"),
                rx.text(t("sales.imei.hint"), size="1", color_scheme="gray"),
            ),
            _scanner(),
            _scan_problem(),
        ),
    )


def _amounts() -> rx.Component:
    payment = native_select(
        [(t(f"sales.payment.{p}"), p) for p in PAYMENT_TYPES],
        id="field-payment_type",
        value=NewSaleState.payment_type,
        on_change=NewSaleState.set_payment_type,
        style={"width": "100%", "minHeight": "44px"},
        data_testid="field-payment_type",
    )
    return rx.grid(
        _field(
            "sales.quantity",
            "quantity",
            rx.input(
                id="field-quantity",
                value=NewSaleState.quantity,
                on_change=NewSaleState.set_quantity,
                input_mode="numeric",
                size="3",
                width="100%",
                data_testid="field-quantity",
                **_invalid("quantity"),
            ),
        ),
        _field(
            "sales.unit_price",
            "unit_price",
            rx.input(
                id="field-unit_price",
                value=NewSaleState.unit_price,
                on_change=NewSaleState.set_unit_price,
                input_mode="numeric",
                size="3",
                width="100%",
                data_testid="field-unit_price",
                **_invalid("unit_price"),
            ),
        ),
        _field("sales.payment_type", "payment_type", payment),
        columns=rx.breakpoints(initial="1", xs="2"),
        spacing="3",
        width="100%",
    )


def _saved() -> rx.Component:
    return rx.cond(
        NewSaleState.saved_id > 0,
        rx.callout(
            rx.hstack(
                rx.text(
                    t("sales.saved"),
                    ": ",
                    rx.el.span(NewSaleState.saved_label, custom_attrs=data_attrs()),
                    ". ",
                    t("sales.saved.next"),
                ),
                rx.link(
                    t("sales.saved.open"),
                    href="/sales/" + NewSaleState.saved_id.to_string(),
                    data_testid="sale-saved-link",
                ),
                wrap="wrap",
                spacing="2",
            ),
            icon="circle-check",
            color_scheme="green",
            role="status",
            data_testid="sale-saved",
        ),
    )


def new_sale_page() -> rx.Component:
    return rx.cond(
        NewSaleState.allowed,
        rx.vstack(
            page_header(t("sales.new.title")),
            _saved(),
            rx.cond(
                ERRORS.contains("form"),
                rx.callout(keyed_text(ERRORS["form"], "sales.error."), color_scheme="red", role="alert"),
            ),
            rx.vstack(
                _store(),
                _promoter(),
                _product(),
                _imei(),
                _amounts(),
                rx.button(
                    rx.cond(NewSaleState.saving, t("sales.saving"), t("sales.save")),
                    type="button",
                    size="4",
                    width="100%",
                    loading=NewSaleState.saving,
                    disabled=NewSaleState.saving,
                    on_click=NewSaleState.save(NewSaleState.form_key),
                    data_testid="sale-save",
                ),
                spacing="4",
                width="100%",
                data_testid="sale-form",
                role="form",
                aria_label=t("sales.new.title"),
            ),
            spacing="4",
            width="100%",
            max_width="560px",
            margin_x="auto",
        ),
        not_allowed("sales.not_allowed", back="/sales"),
    )
