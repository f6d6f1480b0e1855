"""/products/new and /products/{id}: the product form for roles that may edit, the read-only view for
the others, and "not allowed" at /products/new for roles that may not create."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.products.ui.product_detail import product_detail
from oppo_kz.products.ui.product_detail_state import ProductDetailState
from oppo_kz.products.ui.product_form_state import FIELDS, ProductFormState
from oppo_kz.products.ui.product_history import product_history
from oppo_kz.products.ui.product_history_state import ProductHistoryState
from oppo_kz.products.ui.products import category_label
from oppo_kz.products.ui.products_view import CATEGORIES
from oppo_kz.ui.components import action_button, button_row, data_attrs, link_button, native_select
from oppo_kz.ui.dialogs import confirm_button
from oppo_kz.ui.forms import field_error, invalid_props, labelled_field
from oppo_kz.ui.i18n import has_text, label_of, local, page_title, t
from oppo_kz.ui.layout import empty_state, page_header
from oppo_kz.ui.pages import not_allowed
from oppo_kz.ui.shell import signed_in_page

S = ProductFormState


def _field(name: str, control: rx.Component) -> rx.Component:
    return labelled_field(
        t(f"products.field.{name}"), control, control_id=f"field-{name}", errors=S.errors, name=name
    )


def _text_input(name: str, **props: Any) -> rx.Component:
    return _field(
        name,
        rx.input(
            id=f"field-{name}",
            name=name,
            default_value=S.values[name],
            on_blur=lambda value: S.remember(name, value),
            data_testid=f"field-{name}",
            width="100%",
            **invalid_props(f"field-{name}", S.errors, name),
            **props,
        ),
    )


def _category() -> rx.Component:
    return _field(
        "category",
        native_select(
            [(category_label(c), c) for c in CATEGORIES],
            id="field-category",
            name="category",
            default_value=S.values["category"],
            on_change=lambda value: S.remember("category", value),
            style={"width": "100%"},
            data_testid="field-category",
            **invalid_props("field-category", S.errors, "category"),
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
                default_checked=S.values["is_active"] == "true",
                on_change=lambda checked: S.remember("is_active", checked),
                data_testid="field-is_active",
                style={"width": "18px", "height": "18px", "accentColor": "var(--accent-9)"},
                **invalid_props("field-is_active", S.errors, "is_active"),
            ),
            rx.text(t("products.field.is_active_long"), size="2"),
            class_name="oppo-touch",
            style={"display": "flex", "gap": "8px", "alignItems": "center", "cursor": "pointer"},
        ),
        field_error(S.errors, "is_active", "field-is_active"),
        spacing="1",
        padding_top=rx.breakpoints(initial="0", sm="24px"),
    )


def _conflict_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(label_of("products.field", FIELDS, row["field"])),
        rx.table.cell(row["mine"], custom_attrs=data_attrs()),
        rx.table.cell(row["theirs"], data_testid="conflict-theirs", custom_attrs=data_attrs()),
        data_testid="conflict-row",
        data_field=row["field"],
    )


def _conflict_panel() -> rx.Component:
    head = rx.table.row(
        *[rx.table.column_header_cell(t(k)) for k in ("products.conflict.field", "products.conflict.mine",
                                                       "products.conflict.theirs")]
    )  # fmt: skip
    return rx.cond(
        S.conflict,
        rx.card(
            rx.vstack(
                rx.heading(t("products.conflict.title"), as_="h2", size="3"),
                rx.box(
                    rx.table.root(rx.table.header(head), rx.table.body(rx.foreach(S.conflict_rows, _conflict_row)),
                                  size="1", width="100%"),
                    width="100%", overflow_x="auto",
                ),
                button_row(
                    action_button(t("products.conflict.reapply"), on_click=S.reapply_mine, testid="conflict-reapply"),
                    action_button(t("products.conflict.take_theirs"), on_click=S.take_theirs,
                                  testid="conflict-take-theirs", kind="secondary"),
                ),
                spacing="3", width="100%",
            ),
            width="100%", data_testid="product-conflict",
        ),
    )  # fmt: skip


def _draft_banner() -> rx.Component:
    return rx.cond(
        S.draft_pending,
        rx.callout(
            button_row(
                rx.text(t("products.draft.text", at=S.draft_saved_at)),
                action_button(t("products.draft.restore"), on_click=S.restore_draft, testid="draft-restore",
                              size="1"),
                action_button(t("products.draft.discard"), on_click=S.discard_draft, testid="draft-discard",
                              kind="secondary", size="1"),
            ),
            icon="history", color_scheme="amber", data_testid="product-draft",
        ),
    )  # fmt: skip


def _delete_button() -> rx.Component:
    return confirm_button(
        rx.button(rx.icon("trash-2", size=16), t("common.delete"), color_scheme="red", variant="soft",
                  type="button", data_testid="product-delete"),
        title=t("products.delete.title"),
        description=rx.text(t("products.delete.text"), " ", rx.text(S.values["name"], as_="span",
                                                                    weight="bold", custom_attrs=data_attrs())),
        confirm_label=t("common.delete"),
        on_confirm=S.delete,
        confirm_testid="confirm-delete",
        cancel_testid="cancel-delete",
    )  # fmt: skip


def _form() -> rx.Component:
    grid = rx.grid(
        _text_input(
            "sku", placeholder="RENO14-12-256-OPAWHI", auto_complete="off", custom_attrs=data_attrs()
        ),
        _text_input("name", placeholder="OPPO Reno14 5G 12/256 GB, Opal White", custom_attrs=data_attrs()),
        _category(),
        _text_input("series", placeholder="Reno", custom_attrs=data_attrs()),
        _text_input("color", placeholder="Opal White", custom_attrs=data_attrs()),
        _text_input("launch_date", type="date"),
        _text_input("ram_gb", input_mode="numeric", placeholder="12"),
        _text_input("storage_gb", input_mode="numeric", placeholder="256"),
        _text_input("price", input_mode="numeric", placeholder="199 990"),
        _text_input("stock", input_mode="numeric", placeholder="0"),
        _active(),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="4",
        width="100%",
    )
    save = rx.button(
        rx.cond(S.saving, t("common.saving"), t("common.save")),
        type="submit", loading=S.saving, disabled=S.conflict, data_testid="product-save",
    )  # fmt: skip
    return rx.form(
        rx.vstack(
            grid,
            rx.flex(
                save,
                link_button(t("products.back_to_list"), href=S.list_url, kind="secondary"),
                rx.spacer(),
                rx.cond(~S.is_new & AuthState.can_delete, _delete_button()),
                width="100%", align="center", gap="12px", wrap="wrap",
            ),
            spacing="5", width="100%",
        ),
        key=S.form_key.to_string(), on_submit=S.save, reset_on_submit=False, data_testid="product-form",
        width="100%", custom_attrs={"noValidate": True},
    )  # fmt: skip


def _title() -> rx.Component:
    # The read-only view's name follows live changes; the form's is what was loaded (or typed).
    name = rx.cond(S.can_edit, S.values["name"], ProductDetailState.detail["name"])
    return rx.cond(
        S.is_new, t("products.form.new_title"), rx.text(name, as_="span", custom_attrs=data_attrs())
    )


def _badges() -> list[rx.Component]:
    return [
        rx.cond(~S.can_edit, rx.badge(t("products.read_only"), color_scheme="gray", data_testid="product-read-only")),
        rx.cond(S.dirty, rx.badge(t("products.unsaved"), color_scheme="amber", data_testid="product-dirty")),
    ]  # fmt: skip


def _editor() -> rx.Component:
    return rx.vstack(
        rx.cond(
            ~S.is_new,
            rx.text(t("products.version_line", version=S.version, updated=S.updated_label), size="1",
                    color_scheme="gray", data_testid="product-version"),
        ),
        _draft_banner(),
        rx.cond(
            has_text(S.message),
            rx.callout(local(S.message), icon="info", color_scheme=rx.cond(S.message_is_error, "red", "amber"),
                       data_testid="product-message", width="100%"),
        ),
        _conflict_panel(),
        rx.card(_form(), width="100%", size=rx.breakpoints(initial="2", sm="3")),
        spacing="4", width="100%",
    )  # fmt: skip


def product_form_page() -> rx.Component:
    missing = empty_state(
        "search-x", t("products.not_found"),
        link_button(t("products.back_to_list"), href="/products", kind="secondary", icon="arrow-left"),
        testid="product-not-found",
    )  # fmt: skip
    page = rx.vstack(
        page_header(_title(), badges=_badges()),
        rx.cond(S.can_edit, _editor(), product_detail(S.list_url)),
        rx.cond(~S.is_new, product_history()),
        spacing="4",
        width="100%",
        max_width="1100px",
    )
    return rx.cond(
        ~S.found,
        missing,
        rx.cond(S.allowed, page, not_allowed("products.not_allowed_create", back="/products")),
    )


def register(app: rx.App) -> None:
    """Add /products/new and /products/{id}."""
    page = signed_in_page(product_form_page)
    app.add_page(page, route="/products/new", title=page_title("products.form.new_title"), on_load=S.load)
    app.add_page(
        page,
        route="/products/[product_id]",
        title=page_title("nav.products"),
        on_load=[S.load, ProductHistoryState.load],
    )
