"""/products/import (office, admin): pick a CSV or XLSX file, check it (counts and row errors), import it."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.products.ui.product_import_state import UPLOAD_ID, ProductImportState
from oppo_kz.ui.components import action_button, button_row, data_attrs, link_button
from oppo_kz.ui.i18n import local, page_title, t
from oppo_kz.ui.layout import page_header
from oppo_kz.ui.pages import not_allowed
from oppo_kz.ui.shell import signed_in_page

S = ProductImportState
TYPES = {
    "text/csv": [".csv"],
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": [".xlsx"],
}


def _error_row(row: Any) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.text(t("products.import.row", row=row["row"]), as_="span", weight="medium"),
            rx.cond(row["field"] != "", rx.text(" · ", row["field"], as_="span", custom_attrs=data_attrs())),
            ": ",
            rx.text(row["message"], as_="span", custom_attrs=data_attrs()),
            size="2",
            overflow_wrap="anywhere",
        ),
        data_testid="import-error",
    )


def _picker() -> rx.Component:
    chosen = rx.selected_files(UPLOAD_ID)
    return rx.upload.root(
        rx.vstack(
            rx.button(rx.icon("file-up", size=16), t("products.import.file"), type="button", variant="soft"),
            rx.foreach(chosen, lambda name: rx.text(name, size="2", custom_attrs=data_attrs())),
            spacing="2",
            align="start",
        ),
        id=UPLOAD_ID,
        accept=TYPES,
        multiple=False,
        max_files=1,
        data_testid="import-file",
        border="1px dashed var(--gray-a7)",
        padding="16px",
        border_radius="8px",
        width="100%",
    )


def _outcome() -> rx.Component:
    return rx.cond(
        S.outcome != "",
        rx.callout(
            rx.vstack(
                rx.text(local(S.summary), data_testid="import-summary"),
                rx.cond(
                    S.errors.length() > 0, rx.el.ul(rx.foreach(S.errors, _error_row), style={"margin": 0})
                ),
                spacing="2",
            ),
            icon=rx.cond(S.outcome == "errors", "triangle-alert", "check"),
            color_scheme=rx.cond(S.outcome == "errors", "red", rx.cond(S.outcome == "done", "green", "blue")),
            role="status",
            data_testid="import-outcome",
            data_outcome=S.outcome,
            width="100%",
        ),
    )


def import_page() -> rx.Component:
    files = rx.upload_files(upload_id=UPLOAD_ID)
    body = rx.vstack(
        page_header(t("products.import.title")),
        rx.card(
            rx.vstack(
                rx.text(t("products.import.help"), size="2"),
                _picker(),
                button_row(
                    action_button(t("products.import.check"), on_click=S.check(files), testid="import-check",
                                  kind="secondary", loading=S.busy),
                    action_button(t("products.import.apply"), on_click=S.apply(files), testid="import-apply",
                                  loading=S.busy),
                    link_button(t("products.back_to_list"), href="/products", kind="ghost", icon="arrow-left"),
                ),
                _outcome(),
                spacing="4",
                width="100%",
            ),
            width="100%",
        ),
        spacing="4",
        width="100%",
        max_width="900px",
    )  # fmt: skip
    return rx.cond(S.allowed, body, not_allowed("products.not_allowed_create", back="/products"))


def register(app: rx.App) -> None:
    """Add /products/import."""
    app.add_page(
        signed_in_page(import_page),
        route="/products/import",
        title=page_title("products.import.title"),
        on_load=S.load,
    )
