"""/messages/{id} — the message, and its receipts (who has and has not read it) for those who may."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.messages.ui.message_state import MessageState
from oppo_kz.ui.components import action_button, data_attrs, link_button
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import empty_state, page_header


def _receipt(item: Any) -> rx.Component:
    return rx.hstack(
        rx.icon(rx.cond(item["read"], "check-check", "clock"), size=16,
                color=rx.cond(item["read"], "var(--green-9)", "var(--gray-9)")),
        rx.text(item["name"], size="2", custom_attrs=data_attrs(), flex="1", min_width="0"),
        rx.text(rx.cond(item["read"], item["read_at"], t("messages.receipts.unread")), size="1",
                color_scheme="gray"),
        data_testid="receipt-row", data_user_id=item["user_id"],
        data_read=rx.cond(item["read"], "true", "false"),
        spacing="2", align="center", width="100%", padding_y="6px",
        border_bottom="1px solid var(--gray-4)",
    )  # fmt: skip


def _receipts() -> rx.Component:
    return rx.cond(
        MessageState.sees_receipts,
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.heading(t("messages.receipts"), as_="h2", size="4"),
                    rx.spacer(),
                    action_button(t("messages.refresh"), on_click=MessageState.refresh, testid="receipts-refresh",
                                  kind="ghost", icon="refresh-cw"),
                    align="center", width="100%",
                ),
                rx.text(t("messages.receipts.summary", read=MessageState.read, recipients=MessageState.recipients),
                        size="2", data_testid="receipts-summary", data_read=MessageState.read,
                        data_recipients=MessageState.recipients),
                rx.vstack(rx.foreach(MessageState.receipts, _receipt), spacing="0", width="100%"),
                spacing="2", width="100%",
            ),
            width="100%", data_testid="message-receipts",
        ),
    )  # fmt: skip


def _found() -> rx.Component:
    return rx.vstack(
        page_header(rx.text(MessageState.message["title"], as_="span", custom_attrs=data_attrs())),
        rx.text(MessageState.message["author"], " · ", MessageState.message["when"], size="2", color_scheme="gray",
                custom_attrs=data_attrs()),
        rx.card(
            rx.text(MessageState.message["body"], size="3", white_space="pre-wrap", custom_attrs=data_attrs(),
                    data_testid="message-body", style={"overflowWrap": "anywhere"}),
            width="100%",
        ),
        _receipts(),
        link_button(t("messages.back"), href="/messages", kind="secondary", icon="arrow-left"),
        spacing="4", width="100%", max_width="900px", data_testid="message-view",
    )  # fmt: skip


def message_page() -> rx.Component:
    return rx.cond(
        MessageState.found,
        _found(),
        rx.vstack(
            page_header(t("messages.title")),
            empty_state(
                "search-x",
                t("messages.not_found"),
                link_button(t("messages.back"), href="/messages", kind="secondary", icon="arrow-left"),
                testid="message-not-found",
            ),
            width="100%",
        ),
    )
