"""/products/new and /products/{id} — the product form."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.products.ui.product_form_state import LABELS, ProductFormState
from oppo_kz.products.ui.products_state import CATEGORIES
from oppo_kz.ui.components import (
    action_button,
    button_row,
    invalid_props,
    labelled_field,
    native_select,
)
from oppo_kz.ui.shell import signed_in_page
from oppo_kz.ui.theme import APP_TITLE

# The role may change what this form shows: new needs create, an existing product needs update.
CAN_EDIT = rx.cond(ProductFormState.is_new, AuthState.can_create, AuthState.can_update)


def _field(name: str, control: rx.Component) -> rx.Component:
    return labelled_field(
        LABELS[name], control, control_id=f"field-{name}", errors=ProductFormState.errors, name=name
    )


def _text_input(name: str, **props: Any) -> rx.Component:
    return _field(
        name,
        rx.input(
            id=f"field-{name}",
            name=name,
            default_value=ProductFormState.values[name],
            read_only=~CAN_EDIT,
            on_blur=lambda value: ProductFormState.remember(name, value),
            data_testid=f"field-{name}",
            width="100%",
            **invalid_props(f"field-{name}", ProductFormState.errors, name),
            **props,
        ),
    )


def _category() -> rx.Component:
    return _field(
        "category",
        native_select(
            [(c.capitalize(), c) for c in CATEGORIES],
            id="field-category",
            name="category",
            default_value=ProductFormState.values["category"],
            disabled=~CAN_EDIT,
            on_change=lambda value: ProductFormState.remember("category", value),
            style={"width": "100%"},
            data_testid="field-category",
        ),
    )


def _active() -> rx.Component:
    return rx.vstack(
        rx.el.label(
            rx.el.input(
                id="field-is_active",
                type="checkbox",
                name="is_active",
                value="true",
                default_checked=ProductFormState.values["is_active"] == "true",
                disabled=~CAN_EDIT,
                on_change=lambda checked: ProductFormState.remember("is_active", checked),
                data_testid="field-is_active",
                style={"width": "16px", "height": "16px"},
            ),
            rx.text("Active (sold in stores)", size="2"),
            style={"display": "flex", "gap": "8px", "alignItems": "center"},
        ),
        rx.cond(
            ProductFormState.errors.contains("is_active"),
            rx.text(
                ProductFormState.errors["is_active"],
                color_scheme="red",
                size="1",
                role="alert",
                data_testid="field-error-is_active",
            ),
        ),
        spacing="1",
        padding_top="24px",
    )


def _conflict_panel() -> rx.Component:
    return rx.cond(
        ProductFormState.conflict,
        rx.card(
            rx.vstack(
                rx.heading("Changed by someone else", size="3"),
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Field"),
                            rx.table.column_header_cell("Your value"),
                            rx.table.column_header_cell("Saved now"),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            ProductFormState.conflict_rows,
                            lambda row: rx.table.row(
                                rx.table.cell(row["label"]),
                                rx.table.cell(row["mine"]),
                                rx.table.cell(row["theirs"], data_testid="conflict-theirs"),
                                data_testid="conflict-row",
                                data_field=row["field"],
                            ),
                        )
                    ),
                    size="1",
                    width="100%",
                ),
                button_row(
                    action_button(
                        "Reapply my changes",
                        on_click=ProductFormState.reapply_mine,
                        testid="conflict-reapply",
                    ),
                    action_button(
                        "Take their version",
                        on_click=ProductFormState.take_theirs,
                        testid="conflict-take-theirs",
                        kind="secondary",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            data_testid="product-conflict",
        ),
    )


def _draft_banner() -> rx.Component:
    return rx.cond(
        ProductFormState.draft_pending,
        rx.callout(
            button_row(
                rx.text("You left unsaved changes here at ", ProductFormState.draft_saved_at, "."),
                action_button(
                    "Restore them", on_click=ProductFormState.restore_draft, testid="draft-restore", size="1"
                ),
                action_button(
                    "Discard",
                    on_click=ProductFormState.discard_draft,
                    testid="draft-discard",
                    kind="secondary",
                    size="1",
                ),
            ),
            icon="history",
            color_scheme="amber",
            data_testid="product-draft",
        ),
    )


def _delete_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("trash-2", size=16),
                "Delete",
                color_scheme="red",
                variant="soft",
                type="button",
                data_testid="product-delete",
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this product?"),
            rx.alert_dialog.description(
                rx.text(
                    "“",
                    ProductFormState.values["name"],
                    "” will be removed from the catalogue for everyone. This cannot be undone.",
                ),
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", data_testid="cancel-delete")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        "Delete",
                        color_scheme="red",
                        on_click=ProductFormState.delete,
                        data_testid="confirm-delete",
                    ),
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.grid(
                _text_input("sku", placeholder="RENO14-12-256-OPAWHI", auto_complete="off"),
                _text_input("name", placeholder="OPPO Reno14 5G 12/256 GB, Opal White"),
                _category(),
                _text_input("series", placeholder="Reno"),
                _text_input("color", placeholder="Opal White"),
                _text_input("launch_date", type="date"),
                _text_input("ram_gb", input_mode="numeric", placeholder="12"),
                _text_input("storage_gb", input_mode="numeric", placeholder="256"),
                _text_input("price", input_mode="numeric", placeholder="199 990"),
                _text_input("stock", input_mode="numeric", placeholder="0"),
                _active(),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4",
                width="100%",
            ),
            rx.hstack(
                rx.cond(
                    CAN_EDIT,
                    rx.button(
                        rx.cond(ProductFormState.saving, "Saving…", "Save"),
                        type="submit",
                        loading=ProductFormState.saving,
                        disabled=ProductFormState.conflict,
                        data_testid="product-save",
                    ),
                ),
                rx.link(
                    rx.button("Back to products", variant="soft", color_scheme="gray", type="button"),
                    href=ProductFormState.list_url,
                ),
                rx.spacer(),
                rx.cond(~ProductFormState.is_new & AuthState.can_delete, _delete_button()),
                width="100%",
                align="center",
            ),
            spacing="5",
            width="100%",
        ),
        key=ProductFormState.form_key.to_string(),
        on_submit=ProductFormState.save,
        reset_on_submit=False,
        data_testid="product-form",
        width="100%",
    )


def product_form_page() -> rx.Component:
    return rx.cond(
        ProductFormState.found,
        rx.vstack(
            rx.hstack(
                rx.heading(ProductFormState.title, size="6"),
                rx.cond(
                    ~CAN_EDIT, rx.badge("read only", color_scheme="gray", data_testid="product-read-only")
                ),
                rx.cond(
                    ProductFormState.dirty,
                    rx.badge("unsaved changes", color_scheme="amber", data_testid="product-dirty"),
                ),
                rx.spacer(),
                rx.cond(
                    ~ProductFormState.is_new,
                    rx.text(
                        "Version ",
                        ProductFormState.version,
                        " · updated ",
                        ProductFormState.updated_label,
                        size="1",
                        color_scheme="gray",
                        data_testid="product-version",
                    ),
                ),
                width="100%",
                align="center",
                spacing="3",
            ),
            _draft_banner(),
            rx.cond(
                ProductFormState.message != "",
                rx.callout(
                    ProductFormState.message,
                    icon="info",
                    color_scheme=rx.cond(ProductFormState.errors.length() > 0, "red", "amber"),
                    data_testid="product-message",
                ),
            ),
            _conflict_panel(),
            rx.card(_form(), width="100%", size="3"),
            spacing="4",
            width="100%",
            max_width="1100px",
        ),
        rx.vstack(
            rx.callout(
                "This product does not exist (it may have been deleted).",
                icon="search-x",
                color_scheme="gray",
                data_testid="product-not-found",
            ),
            rx.link("Back to products", href="/products"),
            spacing="3",
        ),
    )


def register(app: rx.App) -> None:
    """Add /products/new and /products/{id}."""
    page = signed_in_page(product_form_page)
    app.add_page(
        page, route="/products/new", title=f"New product · {APP_TITLE}", on_load=ProductFormState.load
    )
    app.add_page(
        page, route="/products/[product_id]", title=f"Product · {APP_TITLE}", on_load=ProductFormState.load
    )
