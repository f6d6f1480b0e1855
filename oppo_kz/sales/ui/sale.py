"""/sales/{id} — one sale, read-only values, and its review for those who review."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.sales.ui.sale_state import SaleState
from oppo_kz.sales.ui.sales import status_badge
from oppo_kz.sales.ui.texts import keyed_text
from oppo_kz.ui.components import data_attrs, link_button
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import empty_state, page_header

FIELDS = (
    ("sales.product", "product"),
    ("sales.store", "store"),
    ("sales.promoter", "promoter"),
    ("sales.imei", "imei"),
    ("sales.quantity", "quantity"),
    ("sales.unit_price", "unit_price"),
    ("sales.amount", "amount"),
    ("sales.sold_at", "sold_at"),
    ("sales.sale_date", "sale_date"),
)


def _value(label_key: str, name: str) -> rx.Component:
    return rx.box(
        rx.el.dt(rx.text(t(label_key), size="1", color_scheme="gray")),
        rx.el.dd(
            rx.text(SaleState.sale[name], size="3", custom_attrs=data_attrs(), data_testid=f"sale-{name}"),
            margin="0",
        ),
        min_width="0",
    )


def _review() -> rx.Component:
    return rx.cond(
        SaleState.can_review,
        rx.card(
            rx.vstack(
                rx.el.label(
                    rx.text(t("sales.review_note"), size="2", weight="medium"), html_for="review-note"
                ),
                rx.text_area(
                    id="review-note",
                    value=SaleState.note,
                    on_change=SaleState.set_note,
                    placeholder=t("sales.review_note.hint"),
                    width="100%",
                    data_testid="review-note",
                ),
                rx.hstack(
                    rx.button(
                        t("sales.approve"),
                        size="3",
                        color_scheme="green",
                        on_click=SaleState.decide("approve"),
                        data_testid="sale-approve",
                    ),
                    rx.button(
                        t("sales.reject"),
                        size="3",
                        color_scheme="red",
                        variant="soft",
                        on_click=SaleState.decide("reject"),
                        data_testid="sale-reject",
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
        ),
    )


def _withdraw() -> rx.Component:
    return rx.cond(
        SaleState.can_withdraw,
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(
                rx.button(
                    t("sales.withdraw"),
                    color_scheme="red",
                    variant="soft",
                    size="3",
                    data_testid="sale-delete",
                )
            ),
            rx.alert_dialog.content(
                rx.alert_dialog.title(t("sales.withdraw")),
                rx.alert_dialog.description(t("sales.withdraw.confirm")),
                rx.hstack(
                    rx.alert_dialog.cancel(
                        rx.button(t("common.cancel"), variant="soft", color_scheme="gray")
                    ),
                    rx.alert_dialog.action(
                        rx.button(
                            t("common.delete"),
                            color_scheme="red",
                            on_click=SaleState.withdraw,
                            data_testid="confirm-delete",
                        )
                    ),
                    spacing="3",
                    justify="end",
                    margin_top="16px",
                ),
            ),
        ),
    )


def _found() -> Any:
    return rx.vstack(
        rx.box(
            page_header(
                t("sales.detail", id=SaleState.sale["id"]), badges=[status_badge(SaleState.sale["status"])]
            ),
            data_testid="sale-status",
            data_status=SaleState.sale["status"],
            width="100%",
        ),
        rx.cond(
            SaleState.problem != "",
            rx.callout(
                keyed_text(SaleState.problem, "sales.error."),
                color_scheme="red",
                role="alert",
            ),
        ),
        rx.card(
            rx.el.dl(
                *[_value(label, name) for label, name in FIELDS],
                display="grid",
                grid_template_columns=rx.breakpoints(initial="1fr", sm="1fr 1fr", md="1fr 1fr 1fr"),
                gap="14px",
                margin="0",
            ),
            width="100%",
        ),
        rx.cond(
            SaleState.sale["review_note"] != "",
            rx.callout(
                SaleState.sale["review_note"],
                icon="message-square",
                color_scheme="gray",
                data_testid="sale-review-note",
            ),
        ),
        _review(),
        rx.hstack(
            link_button(t("sales.back"), href="/sales", kind="secondary", icon="arrow-left"),
            _withdraw(),
            wrap="wrap",
            spacing="3",
        ),
        spacing="4",
        width="100%",
        max_width="900px",
    )


def sale_page() -> rx.Component:
    return rx.cond(
        SaleState.found,
        _found(),
        rx.vstack(
            page_header(t("nav.sales")),
            empty_state(
                "search-x",
                t("sales.not_found"),
                link_button(t("sales.back"), href="/sales", kind="secondary", icon="arrow-left"),
                testid="sale-not-found",
            ),
            width="100%",
        ),
    )
