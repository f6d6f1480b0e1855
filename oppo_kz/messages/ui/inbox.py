"""/messages — the inbox as a list of cards (one column on a phone), and the sent messages."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.messages.ui.inbox_state import InboxState
from oppo_kz.ui.components import data_attrs, link_button
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import empty_state, page_header


def _message_row(item: Any) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.box(
                    width="8px", height="8px", border_radius="50%", flex_shrink="0", margin_top="8px",
                    background=rx.cond(item["unread"], "var(--accent-9)", "transparent"),
                ),
                rx.vstack(
                    rx.hstack(
                        rx.text(item["title"], size="3", weight=rx.cond(item["unread"], "bold", "regular"),
                                custom_attrs=data_attrs(), data_testid="message-title"),
                        rx.cond(item["unread"], rx.badge(t("messages.unread.badge"), size="1", color_scheme="red")),
                        spacing="2", align="center", wrap="wrap",
                    ),
                    rx.text(item["preview"], size="2", color_scheme="gray", custom_attrs=data_attrs()),
                    rx.text(item["author"], " · ", item["when"], size="1", color_scheme="gray",
                            custom_attrs=data_attrs()),
                    spacing="1", min_width="0", width="100%",
                ),
                spacing="3", align="start", width="100%",
            ),
            width="100%",
        ),
        href="/messages/" + item["id"].to_string(),
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        data_testid="message-row",
        data_message_id=item["id"],
        data_unread=rx.cond(item["unread"], "true", "false"),
        width="100%",
    )  # fmt: skip


def _sent_row(item: Any) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.text(item["title"], size="3", weight="medium", custom_attrs=data_attrs()),
                rx.text(item["author"], " · ", item["when"], size="1", color_scheme="gray", custom_attrs=data_attrs()),
                rx.text(t("messages.receipts.summary", read=item["read"], recipients=item["recipients"]),
                        size="2", data_testid="sent-receipts"),
                spacing="1", width="100%",
            ),
            width="100%",
        ),
        href="/messages/" + item["id"].to_string(),
        underline="none", color_scheme="gray", high_contrast=True,
        data_testid="sent-row", data_message_id=item["id"], width="100%",
    )  # fmt: skip


def _tabs() -> rx.Component:
    return rx.cond(
        InboxState.can_send,
        rx.segmented_control.root(
            rx.segmented_control.item(t("messages.inbox"), value="inbox", data_testid="messages-tab-inbox"),
            rx.segmented_control.item(t("messages.sent"), value="sent", data_testid="messages-tab-sent"),
            value=InboxState.tab,
            on_change=InboxState.show,
        ),
    )


def inbox_page() -> rx.Component:
    new = rx.cond(
        InboxState.can_send,
        link_button(t("messages.new"), href="/messages/new", icon="plus", testid="message-new"),
    )
    inbox = rx.cond(
        InboxState.items.length() > 0,
        rx.vstack(rx.foreach(InboxState.items, _message_row), spacing="2", width="100%",
                  data_testid="messages-list"),
        empty_state("inbox", t("messages.empty"), testid="messages-empty"),
    )  # fmt: skip
    sent = rx.cond(
        InboxState.sent.length() > 0,
        rx.vstack(rx.foreach(InboxState.sent, _sent_row), spacing="2", width="100%"),
        empty_state("send", t("messages.sent.empty"), testid="messages-sent-empty"),
    )
    return rx.vstack(
        page_header(t("messages.title"), new),
        rx.hstack(
            _tabs(),
            rx.text(t("messages.unread", count=InboxState.unread), size="2", color_scheme="gray",
                    data_testid="messages-unread-count"),
            spacing="3", align="center", wrap="wrap",
        ),
        rx.cond(InboxState.tab == "sent", sent, inbox),
        spacing="4", width="100%", max_width="900px",
    )  # fmt: skip
