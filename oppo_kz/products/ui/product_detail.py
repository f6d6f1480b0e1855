"""The read-only view of a product: formatted values, no inputs; it follows changes made anywhere."""

from __future__ import annotations

import reflex as rx

from oppo_kz.products.ui.product_detail_state import ProductDetailState
from oppo_kz.products.ui.products import category_label
from oppo_kz.ui.components import data_attrs, link_button
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import detail_list

D = ProductDetailState.detail


def _stock() -> rx.Component:
    return rx.hstack(
        rx.text(D["stock"], size="3", weight="medium"),
        rx.match(
            D["stock_level"],
            ("zero", rx.badge(t("products.stock.zero"), color_scheme="red", variant="soft")),
            ("low", rx.badge(t("products.stock.low"), color_scheme="amber", variant="soft")),
            rx.fragment(),
        ),
        spacing="2",
        align="center",
    )


def _value(key: str, *, data: bool = False) -> rx.Component:
    return rx.text(D[key], size="3", weight="medium", custom_attrs=data_attrs() if data else {})


def product_detail(back: rx.Var[str]) -> rx.Component:
    """The product as people read it; `back` is the list the user came from."""
    active = rx.cond(
        D["is_active"] == "true",
        rx.badge(t("products.active"), color_scheme="green", variant="soft"),
        rx.badge(t("products.inactive"), color_scheme="gray", variant="soft"),
    )
    items = [
        (t("products.field.price"), rx.text(D["price"], size="5", weight="bold"), "detail-price"),
        (t("products.field.stock"), _stock(), "detail-stock"),
        (t("products.field.sku"), rx.code(D["sku"], size="3", custom_attrs=data_attrs()), "detail-sku"),
        (t("products.field.category"), rx.text(category_label(D["category"]), size="3"), "detail-category"),
        (t("products.field.series"), _value("series", data=True), "detail-series"),
        (t("products.field.color"), _value("color", data=True), "detail-color"),
        (t("products.col.memory"), _value("memory"), "detail-memory"),
        (t("products.field.launch_date"), _value("launch_date"), "detail-launch_date"),
        (t("products.field.is_active"), active, "detail-is_active"),
    ]
    return rx.vstack(
        rx.cond(
            ProductDetailState.gone,
            rx.callout(t("products.deleted_elsewhere"), icon="trash-2", color_scheme="red", role="alert",
                       data_testid="product-gone", width="100%"),
        ),
        rx.card(detail_list(items), width="100%", size="3", data_testid="product-detail"),
        rx.text(
            t("products.version_line", version=D["version"], updated=D["updated"]),
            size="1", color_scheme="gray", data_testid="product-version",
        ),
        link_button(t("products.back_to_list"), href=back, kind="secondary", icon="arrow-left"),
        spacing="4",
        width="100%",
    )  # fmt: skip
