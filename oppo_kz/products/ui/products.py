"""/products — the catalogue: server-side paging, sorting and filters; a table on a desk, cards on a phone."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.products.ui.products_state import ProductsState
from oppo_kz.products.ui.products_view import CATEGORIES, PAGE_SIZES, SORT_CHOICES
from oppo_kz.ui.components import (
    action_button,
    chip_choice,
    data_attrs,
    filter_input,
    link_button,
    native_select,
)
from oppo_kz.ui.forms import labelled_field
from oppo_kz.ui.i18n import has_text, label_of, local, page_title, t
from oppo_kz.ui.layout import (
    cell,
    empty_state,
    list_summary,
    list_toolbar,
    page_header,
    page_size_picker,
    pager,
    responsive_table,
    sort_header,
)
from oppo_kz.ui.shell import signed_in_page

COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (label key, sort field, alignment)
    ("products.col.sku", "sku", "left"),
    ("products.col.name", "name", "left"),
    ("products.col.category", "category", "left"),
    ("products.col.series", "series", "left"),
    ("products.col.memory", "storage_gb", "left"),
    ("products.col.price", "price", "right"),
    ("products.col.stock", "stock", "right"),
    ("products.col.active", "is_active", "center"),
    ("products.col.updated", "updated_at", "left"),
)


def category_label(code: Any) -> rx.Var[str]:
    return label_of("category", CATEGORIES, code)


def _search() -> list[rx.Component]:
    return [
        labelled_field(
            t("common.search"),
            filter_input(
                control_id="products-search", value=ProductsState.q, on_change=ProductsState.set_q,
                testid="products-search", placeholder=t("products.search_placeholder"), type="search",
                width="100%", min_width="0",
            ),
            control_id="products-search", label_size="1", min_width="0", max_width="320px",
        )
    ]  # fmt: skip


def _price_filter() -> rx.Component:
    def bound(name: str, value: Any, on_change: Any, label_key: str) -> rx.Component:
        testid = f"products-price-{name}"
        return filter_input(
            control_id=testid, value=value, on_change=on_change, testid=testid, numeric=True,
            width="120px", placeholder=t(label_key), aria_label=t(label_key),
        )  # fmt: skip

    return rx.el.fieldset(
        rx.el.legend(rx.text(t("products.filter.price"), size="1", weight="medium"), style={"padding": 0}),
        rx.hstack(
            bound("min", ProductsState.price_min, ProductsState.set_price_min, "products.filter.price_from"),
            rx.text("–", aria_hidden="true"),
            bound("max", ProductsState.price_max, ProductsState.set_price_max, "products.filter.price_to"),
            align="center", spacing="2", margin_top="6px",
        ),
        style={"border": 0, "padding": 0, "margin": 0},
    )  # fmt: skip


def _active_only() -> rx.Component:
    return rx.el.label(
        rx.el.input(
            # Uncontrolled, re-mounted when the view changes: the box flips at once on click
            # (no round trip), and Back/links still show the URL's value.
            type="checkbox",
            default_checked=ProductsState.active_only,
            key=ProductsState.active_only.to_string(),
            on_change=ProductsState.set_active_only,
            data_testid="products-active-only",
            style={"width": "18px", "height": "18px", "accentColor": "var(--accent-9)"},
        ),
        rx.text(t("products.filter.active_only"), size="2"),
        class_name="oppo-touch",
        style={"display": "flex", "gap": "8px", "alignItems": "center", "cursor": "pointer"},
    )


def _filters() -> list[rx.Component]:
    return [
        chip_choice(
            legend=t("products.filter.category"),
            options=[(category_label(c), c) for c in CATEGORIES],
            selected=ProductsState.categories,
            on_toggle=ProductsState.toggle_category,
            testid="products-category",
        ),
        _price_filter(),
        _active_only(),
    ]


def _sort_menu() -> list[rx.Component]:
    return [
        labelled_field(
            t("products.sort.label"),
            native_select(
                [(t(key), value) for key, value in SORT_CHOICES],
                id="products-sort", value=ProductsState.sort, on_change=ProductsState.set_sort,
                data_testid="products-sort", style={"width": "100%"},
            ),
            control_id="products-sort", label_size="1",
        )
    ]  # fmt: skip


def _stock(row: Any) -> rx.Component:
    level = row["stock_level"]
    return rx.hstack(
        rx.text(row["stock"], as_="span", data_testid="product-stock"),
        rx.match(
            level,
            ("zero", rx.badge(t("products.stock.zero"), color_scheme="red", variant="soft", size="1")),
            ("low", rx.badge(t("products.stock.low"), color_scheme="amber", variant="soft", size="1")),
            rx.fragment(),
        ),
        spacing="1", align="center", justify="end", display="inline-flex",
    )  # fmt: skip


def _row(row: Any) -> rx.Component:
    active = rx.cond(
        row["is_active"],
        rx.badge(t("common.yes"), color_scheme="green", variant="soft"),
        rx.badge(t("common.no"), color_scheme="gray", variant="soft"),
    )
    return rx.table.row(
        cell(rx.code(row["sku"], variant="ghost", size="2"), white_space="nowrap", custom_attrs=data_attrs()),
        cell(
            rx.link(row["name"], href="/products/" + row["id"].to_string(), data_testid="product-link"),
            slot="title", custom_attrs=data_attrs(),
        ),
        cell(category_label(row["category"])),
        cell(row["series"], custom_attrs=data_attrs()),
        cell(row["memory"], white_space="nowrap"),
        cell(row["price"], slot="value", text_align="right", white_space="nowrap", data_testid="product-price"),
        cell(_stock(row), slot="value2", text_align="right", white_space="nowrap",
             phone_label=t("products.col.stock")),
        cell(active, text_align="center"),
        cell(row["updated"], white_space="nowrap", color="var(--gray-11)"),
        cell(  # the phone card's second line
            rx.text(row["sku"], as_="span", custom_attrs=data_attrs()), " · ", category_label(row["category"]),
            " · ", row["memory"],
            rx.cond(row["is_active"], rx.fragment(), rx.badge(t("products.inactive"), size="1", margin_left="6px")),
            slot="meta",
        ),
        data_testid="product-row",
        data_product_id=row["id"],
        data_highlight=ProductsState.highlight.contains(row["id"]).to_string(),
        class_name=rx.cond(ProductsState.highlight.contains(row["id"]), "row-changed", ""),
        align="center",
    )  # fmt: skip


def _table() -> rx.Component:
    headers = [
        sort_header(
            t(key), field, current=ProductsState.sort_field, desc=ProductsState.sort_desc,
            on_sort=ProductsState.sort_by(field), align=align,
        )
        for key, field, align in COLUMNS
    ]  # fmt: skip
    # The table is always there (with no rows when nothing matches), the reason below it.
    return responsive_table(headers, rx.foreach(ProductsState.rows, _row), data_testid="products-table")


def _empty_states() -> rx.Component:
    return rx.cond(
        ProductsState.has_filters,
        empty_state(
            "search-x", t("products.no_matches"),
            rx.button(t("common.clear_filters"), variant="soft", on_click=ProductsState.clear_filters),
            testid="products-no-matches",
        ),
        empty_state(
            "package-open", t("products.empty"),
            rx.cond(AuthState.can_create, link_button(t("products.add_first"), href="/products/new")),
            testid="products-empty",
        ),
    )  # fmt: skip


def _import_link() -> rx.Component:
    return rx.cond(
        AuthState.can_create,
        link_button(
            t("products.import"),
            href="/products/import",
            testid="products-import",
            kind="secondary",
            icon="file-up",
        ),
    )


def _export_buttons() -> list[rx.Component]:
    return [
        action_button(
            t("products.export"), on_click=ProductsState.export("csv"), testid="products-export",
            kind="secondary", icon="download",
        ),
        action_button(
            t("products.export.xlsx"), on_click=ProductsState.export("xlsx"), testid="products-export-xlsx",
            kind="ghost",
        ),
    ]  # fmt: skip


def products_page() -> rx.Component:
    new = rx.cond(
        AuthState.can_create,
        link_button(t("products.new"), href="/products/new", testid="product-new", icon="plus"),
    )
    summary = list_summary(
        range_words=ProductsState.range_words, total=ProductsState.total, noun=ProductsState.noun,
        testid="products-total",
    )  # fmt: skip
    return rx.vstack(
        page_header(t("products.title"), _import_link(), *_export_buttons(), new),
        list_toolbar(
            search=_search, filters=_filters, active=ProductsState.active_filters,
            clear=ProductsState.clear_filters, phone_extra=_sort_menu, prefix="products",
        ),
        rx.cond(
            has_text(ProductsState.error),
            rx.callout(local(ProductsState.error), color_scheme="red", icon="triangle-alert", role="alert"),
        ),
        rx.flex(
            summary, rx.spacer(),
            page_size_picker(value=ProductsState.page_size, sizes=PAGE_SIZES,
                             on_change=ProductsState.set_page_size, testid="products-page-size"),
            width="100%", align="center", gap="12px", wrap="wrap",
        ),
        _table(),
        rx.cond(ProductsState.loaded & (ProductsState.total == 0), _empty_states()),
        rx.cond(ProductsState.pages > 1, rx.center(pager(
            page=ProductsState.page, pages=ProductsState.pages, numbers=ProductsState.page_numbers,
            go=ProductsState.go_to_page, prefix="products",
        ), width="100%")),
        spacing="4",
        width="100%",
        data_testid="products-page",
        # The view the rows belong to: tests (and people with dev tools) can tell a stale table.
        data_view=ProductsState.list_url,
    )  # fmt: skip


def register(app: rx.App) -> None:
    """Add /products."""
    app.add_page(
        signed_in_page(products_page, redraw_on_navigation=False),
        route="/products",
        title=page_title("nav.products"),
        on_load=ProductsState.load,
    )
