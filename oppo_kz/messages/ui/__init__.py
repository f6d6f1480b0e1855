"""The messages pages (only while ENABLE_MESSAGES is on): the inbox, one message, compose; and the
header's unread badge with the toast of a new message."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission
from oppo_kz.messages.ui.compose import compose_page
from oppo_kz.messages.ui.compose_state import ComposeState
from oppo_kz.messages.ui.inbox import inbox_page
from oppo_kz.messages.ui.inbox_state import InboxState
from oppo_kz.messages.ui.message import message_page
from oppo_kz.messages.ui.message_state import MessageState
from oppo_kz.messages.ui.unread import header_items
from oppo_kz.ui.i18n import page_title
from oppo_kz.ui.nav import NavEntry
from oppo_kz.ui.shell import signed_in_page

NAV = (
    NavEntry(
        "messages", "/messages", Permission.messages_read, icon="mail", order=60, flag="ENABLE_MESSAGES"
    ),
)
# Shown in the header of every signed-in page.
HEADER = (header_items,)


def register(app: rx.App) -> None:
    """Add /messages, /messages/new and /messages/{id}."""
    app.add_page(
        signed_in_page(inbox_page),
        route="/messages",
        title=page_title("nav.messages"),
        on_load=InboxState.load,
    )
    app.add_page(
        signed_in_page(compose_page),
        route="/messages/new",
        title=page_title("messages.new"),
        on_load=ComposeState.load,
    )
    app.add_page(
        signed_in_page(message_page),
        route="/messages/[message_id]",
        title=page_title("nav.messages"),
        on_load=MessageState.load,
    )
