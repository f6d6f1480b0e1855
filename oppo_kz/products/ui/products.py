"""/products — the catalogue table with server-side paging, sorting and filters."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex_base.vars.base import Var

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.products.ui.products_state import CATEGORIES, PAGE_SIZES, ProductsState
from oppo_kz.ui.components import filter_input, labelled_field, native_select
from oppo_kz.ui.shell import signed_in_page
from oppo_kz.ui.theme import APP_TITLE

COLUMNS: tuple[tuple[str, str, str], ...] = (
    # (label, sort field, alignment)
    ("SKU", "sku", "left"),
    ("Name", "name", "left"),
    ("Category", "category", "left"),
    ("Series", "series", "left"),
    ("Memory", "storage_gb", "left"),
    ("Price", "price", "right"),
    ("Stock", "stock", "right"),
    ("Active", "is_active", "center"),
    ("Updated", "updated_at", "left"),
)


# All selected options of a <select multiple>: Reflex passes only `target.value`, the first one.
# `_e` is the DOM event in the handler Reflex compiles (pinned Reflex version).
SELECTED_VALUES = Var("Array.from(_e.target.selectedOptions, (o) => o.value)").to(list)


def _search() -> rx.Component:
    return labelled_field(
        "Search",
        filter_input(
            control_id="products-search",
            value=ProductsState.q,
            on_change=ProductsState.set_q,
            testid="products-search",
            placeholder="Name or SKU",
            width="240px",
            type="search",
        ),
        control_id="products-search",
        label_size="1",
    )


def _category_filter() -> rx.Component:
    return labelled_field(
        "Category",
        native_select(
            [(c.capitalize(), c) for c in CATEGORIES],
            id="products-category",
            multiple=True,
            size=len(CATEGORIES),
            default_value=ProductsState.categories.to(str),  # React takes an array for <select multiple>
            key=ProductsState.categories.join(","),
            on_change=lambda _value: ProductsState.set_categories(SELECTED_VALUES),
            style={"height": "auto", "padding": "2px", "minWidth": "150px"},
            title="Ctrl/Cmd-click to pick several",
            data_testid="products-category",
        ),
        control_id="products-category",
        label_size="1",
    )


def _price_bound(bound: str, value: Any, on_change: Any, placeholder: str, **props: Any) -> rx.Component:
    testid = f"products-price-{bound}"
    return filter_input(
        control_id=testid, value=value, on_change=on_change, testid=testid, numeric=True, width="110px",
        placeholder=placeholder, **props,
    )  # fmt: skip


def _price_filter() -> rx.Component:
    return labelled_field(
        "Price, ₸",
        rx.hstack(
            _price_bound("min", ProductsState.price_min, ProductsState.set_price_min, "from"),
            rx.text("–"),
            _price_bound(
                "max", ProductsState.price_max, ProductsState.set_price_max, "to", aria_label="Price to"
            ),
            align="center",
            spacing="2",
        ),
        control_id="products-price-min",
        label_size="1",
    )


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
            style={"width": "16px", "height": "16px"},
        ),
        rx.text("Active only", size="2"),
        style={"display": "flex", "gap": "6px", "alignItems": "center", "cursor": "pointer"},
    )


def _filters() -> rx.Component:
    return rx.hstack(
        _search(),
        _category_filter(),
        _price_filter(),
        _active_only(),
        rx.cond(
            ProductsState.has_filters,
            rx.button(
                "Clear filters",
                variant="ghost",
                size="2",
                on_click=ProductsState.clear_filters,
                data_testid="products-clear-filters",
            ),
        ),
        spacing="5",
        align="end",
        wrap="wrap",
    )


def _header_cell(label: str, field: str, align: str) -> rx.Component:
    indicator = rx.cond(
        ProductsState.sort_field == field,
        rx.cond(ProductsState.sort_desc, rx.icon("arrow-down", size=14), rx.icon("arrow-up", size=14)),
        rx.icon("arrow-up-down", size=14, opacity="0.3"),
    )
    return rx.table.column_header_cell(
        rx.el.button(
            rx.hstack(rx.text(label), indicator, spacing="1", align="center"),
            on_click=ProductsState.sort_by(field),
            data_testid=f"sort-{field}",
            type="button",
            style={"all": "unset", "cursor": "pointer", "fontWeight": "600"},
        ),
        text_align=align,
        aria_sort=rx.cond(
            ProductsState.sort_field == field,
            rx.cond(ProductsState.sort_desc, "descending", "ascending"),
            "none",
        ),
        white_space="nowrap",
    )


def _row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row["sku"], variant="ghost", size="2"), white_space="nowrap"),
        rx.table.cell(
            rx.link(row["name"], href="/products/" + row["id"].to_string(), data_testid="product-link")
        ),
        rx.table.cell(row["category"]),
        rx.table.cell(row["series"]),
        rx.table.cell(row["memory"], white_space="nowrap"),
        rx.table.cell(row["price"], text_align="right", white_space="nowrap", data_testid="product-price"),
        rx.table.cell(row["stock"], text_align="right"),
        rx.table.cell(
            rx.cond(
                row["is_active"],
                rx.badge("yes", color_scheme="green", variant="soft"),
                rx.badge("no", color_scheme="gray", variant="soft"),
            ),
            text_align="center",
        ),
        rx.table.cell(row["updated"], white_space="nowrap", color="var(--gray-11)"),
        data_testid="product-row",
        data_product_id=row["id"],
        data_highlight=ProductsState.highlight.contains(row["id"]).to_string(),
        class_name=rx.cond(ProductsState.highlight.contains(row["id"]), "row-changed", ""),
        align="center",
    )


def _page_size_picker() -> rx.Component:
    return rx.hstack(
        rx.text("Rows per page", size="1", color_scheme="gray"),
        native_select(
            [(str(n), str(n)) for n in PAGE_SIZES],
            default_value=ProductsState.page_size.to_string(),
            key=ProductsState.page_size.to_string(),
            on_change=ProductsState.set_page_size,
            data_testid="products-page-size",
            aria_label="Rows per page",
        ),
        align="center",
        spacing="2",
    )


def _page_number(n: Var[int]) -> rx.Component:
    return rx.cond(
        n == 0,
        rx.text("…", color_scheme="gray", size="2"),
        rx.button(
            n,
            size="2",
            variant=rx.cond(n == ProductsState.page, "solid", "soft"),
            on_click=ProductsState.go_to_page(n),
            data_testid="products-page-number",
            data_page=n,
            aria_current=rx.cond(n == ProductsState.page, "page", "false"),
        ),
    )


def _page_buttons() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("chevron-left", size=16),
            "Prev",
            variant="soft",
            size="2",
            disabled=ProductsState.page <= 1,
            on_click=ProductsState.go_to_page(ProductsState.page - 1),
            data_testid="products-prev",
        ),
        rx.foreach(ProductsState.page_numbers, _page_number),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=16),
            variant="soft",
            size="2",
            disabled=ProductsState.page >= ProductsState.pages,
            on_click=ProductsState.go_to_page(ProductsState.page + 1),
            data_testid="products-next",
        ),
        spacing="1",
        align="center",
    )


def _pagination() -> rx.Component:
    return rx.hstack(
        rx.hstack(
            rx.text(ProductsState.range_label, size="2", color_scheme="gray"),
            rx.text(ProductsState.total, size="2", weight="bold", data_testid="products-total"),
            rx.text("products", size="2", color_scheme="gray"),
            spacing="1",
            align="center",
        ),
        rx.spacer(),
        _page_size_picker(),
        _page_buttons(),
        width="100%",
        align="center",
        spacing="5",
        wrap="wrap",
    )


def _empty_states() -> rx.Component:
    return rx.cond(
        ProductsState.has_filters,
        rx.callout(
            rx.hstack(
                rx.text("No products match these filters."),
                rx.button("Clear filters", size="1", variant="soft", on_click=ProductsState.clear_filters),
                align="center",
                spacing="3",
            ),
            icon="search-x",
            color_scheme="gray",
            data_testid="products-no-matches",
        ),
        rx.callout(
            rx.hstack(
                rx.text("The catalogue is empty."),
                rx.cond(AuthState.can_create, rx.link("Add the first product", href="/products/new")),
                align="center",
                spacing="3",
            ),
            icon="package-open",
            color_scheme="gray",
            data_testid="products-empty",
        ),
    )


def products_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Products", size="6"),
            rx.spacer(),
            rx.cond(
                AuthState.can_create,
                rx.link(
                    rx.button(rx.icon("plus", size=16), "New product", data_testid="product-new"),
                    href="/products/new",
                ),
            ),
            width="100%",
            align="center",
        ),
        rx.card(_filters(), width="100%"),
        rx.cond(
            ProductsState.error != "",
            rx.callout(ProductsState.error, color_scheme="red", icon="triangle-alert"),
        ),
        _pagination(),
        # The table is always there (with no rows when nothing matches), the reason below it.
        rx.table.root(
            rx.table.header(rx.table.row(*[_header_cell(*col) for col in COLUMNS])),
            rx.table.body(rx.foreach(ProductsState.rows, _row)),
            variant="surface",
            size="1",
            width="100%",
            data_testid="products-table",
        ),
        rx.cond(ProductsState.loaded & (ProductsState.total == 0), _empty_states()),
        rx.el.style(
            "@keyframes oppo-flash { from { background: var(--amber-5); } to { background: transparent; } }"
            " .row-changed { animation: oppo-flash 2.5s ease-out; }"
        ),
        spacing="4",
        width="100%",
        data_testid="products-page",
        # The view the rows belong to: tests (and people with dev tools) can tell a stale table.
        data_view=ProductsState.list_url,
    )


def register(app: rx.App) -> None:
    """Add /products."""
    app.add_page(
        signed_in_page(products_page, redraw_on_navigation=False),
        route="/products",
        title=f"Products · {APP_TITLE}",
        on_load=ProductsState.load,
    )
