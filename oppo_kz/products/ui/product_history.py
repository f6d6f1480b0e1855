"""The product page's `product-history`: one card per audit entry, newest first, each change on its own
line (it wraps on a phone), with `revert` on the changes one may undo."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.products.ui.product_history_state import ProductHistoryState
from oppo_kz.ui.components import action_button, data_attrs
from oppo_kz.ui.i18n import has_text, local, t

H = ProductHistoryState


def _entry(row: Any) -> rx.Component:
    revert = action_button(
        t("audit.revert"),
        on_click=H.revert(row["id"]),
        testid="revert",
        kind="secondary",
        icon="undo-2",
        size="1",
        loading=H.reverting.to_string() == row["id"],
        aria_label=t("audit.revert.label"),
        title=t("audit.revert.label"),
    )
    return rx.el.li(
        rx.flex(
            rx.vstack(
                rx.text(row["heading"], size="2", weight="medium", custom_attrs=data_attrs()),
                rx.text(row["at"], size="1", color_scheme="gray"),
                spacing="0",
                min_width="0",
            ),
            rx.spacer(),
            rx.cond(row["revertible"] == "true", revert),
            gap="8px",
            width="100%",
            align="start",
            wrap="wrap",
        ),
        rx.cond(
            row["lines"] != "",
            rx.text(
                row["lines"],
                size="2",
                white_space="pre-line",
                overflow_wrap="anywhere",
                margin_top="4px",
                custom_attrs=data_attrs(),
            ),
        ),
        data_testid="history-entry",
        data_audit_id=row["id"],
        data_action=row["action"],
        style={"listStyle": "none", "padding": "10px 0", "borderTop": "1px solid var(--gray-a5)"},
    )


def product_history() -> rx.Component:
    """The history card (only for roles that may read the audit log)."""
    return rx.cond(
        H.visible,
        rx.card(
            rx.vstack(
                rx.heading(t("audit.history.title"), as_="h2", size="3", id="product-history-title"),
                rx.cond(
                    has_text(H.message),
                    rx.callout(
                        local(H.message),
                        icon="info",
                        color_scheme=rx.cond(H.message_is_error, "red", "green"),
                        role="status",
                        data_testid="history-message",
                        width="100%",
                    ),
                ),
                rx.cond(
                    H.rows.length() > 0,
                    rx.el.ul(
                        rx.foreach(H.rows, _entry),
                        aria_labelledby="product-history-title",
                        style={"margin": "0", "padding": "0", "width": "100%"},
                    ),
                    rx.text(t("audit.history.empty"), size="2", color_scheme="gray"),
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
            data_testid="product-history",
        ),
    )
