"""The header's `messages-unread` badge and the toast of a new message, on every signed-in page.

Each page's header starts one background watcher per tab (a newer page's watcher supersedes the
older one), again after every (re)connect: it reads the unread count, then follows `message.created`
events and reacts only to those addressed to this tab's user — the count is read again and a toast
names the message at once. It resumes from the last event the tab saw (`since`, ui/live.py), so a
message sent while the tab was reconnecting, perhaps to another instance, still shows.
"""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import SESSION_ENDED
from oppo_kz.auth.ui.state import AuthState
from oppo_kz.core.events import Event
from oppo_kz.messages import service
from oppo_kz.messages.events import CREATED
from oppo_kz.ui.components import data_attrs, icon_button
from oppo_kz.ui.i18n import t
from oppo_kz.ui.live import LiveFeed, current_seq, resynced
from oppo_kz.ui.run import run_service

# How long the watcher waits for an event before checking that the tab is still signed in.
IDLE_SECONDS = 60


def addressed_to(batch: list[Event] | None, user_id: int) -> list[Event]:
    """The new messages of a batch addressed to `user_id`, oldest first."""
    return [e for e in batch or () if e.name == CREATED and user_id in e.scope.get("recipients", ())]


class UnreadState(rx.State):
    count: rx.Field[int] = rx.field(0)
    toast_id: rx.Field[int] = rx.field(0)
    toast_title: rx.Field[str] = rx.field("")
    # The outbox seq this tab has caught up to: the next watcher resumes from it (ui/live.py).
    _live_seq: int = 0

    @rx.event
    def dismiss(self) -> None:
        self.toast_id, self.toast_title = 0, ""

    @rx.event
    def seen(self, message_id: int) -> None:
        """A message page marked `message_id` read: one unread fewer (and no toast for it)."""
        self.count = max(self.count - 1, 0)
        if self.toast_id == message_id:
            self.dismiss()

    @rx.event(background=True, supersedes=True)
    async def watch(self):
        """Count the unread messages, then follow new ones addressed to this tab's user."""
        async with self:
            actor = await (await self.get_state(AuthState)).principal_or_none()
            if actor is None or not has_permission(actor.role, Permission.messages_read):
                return
            user_id = actor.id
            self._live_seq = self._live_seq or await current_seq()  # counted below, at least to here
            since = self._live_seq
            self.count = await run_service(service.unread_count, actor=actor)
        feed = LiveFeed("message.", coalesce=0.05, min_interval=0.05, since=since or None)
        try:
            while True:
                batch = await feed.next_batch(idle=IDLE_SECONDS)
                if batch is None or any(e.name == SESSION_ENDED for e in batch):
                    async with self:
                        if await (await self.get_state(AuthState)).principal_or_none() is None:
                            return  # signed out: the page itself goes to /login
                mine = addressed_to(batch, user_id)
                if batch:
                    async with self:
                        self._live_seq = feed.last_seq
                if mine or (batch and resynced(batch)):
                    await self._recount(mine)
        finally:
            feed.close()

    async def _recount(self, mine: list[Event]) -> None:
        # Read again rather than added up: a replay after a reconnect may repeat what the count has.
        async with self:
            actor = await (await self.get_state(AuthState)).principal_or_none()
            if actor is None:
                return
            self.count = await run_service(service.unread_count, actor=actor)
            if mine:
                self.toast_id = int(mine[-1].data["id"])
                self.toast_title = str(mine[-1].data["title"])


def unread_badge() -> rx.Component:
    """A bell that links to /messages with the unread count (`_watcher` keeps it live)."""
    return rx.link(
        rx.box(
            rx.icon("bell", size=18),
            rx.badge(
                UnreadState.count,
                data_testid="messages-unread",
                data_count=UnreadState.count,
                variant="solid",
                radius="full",
                size="1",
                color_scheme=rx.cond(UnreadState.count > 0, "red", "gray"),
                position="absolute",
                top="-6px",
                right="-10px",
            ),
            position="relative",
            display="inline-flex",
        ),
        href="/messages",
        aria_label=t("messages.unread.label", count=UnreadState.count),
        title=t("messages.unread.label", count=UnreadState.count),
        color_scheme="gray",
        high_contrast=True,
        class_name="oppo-touch",
        style={"display": "inline-flex", "alignItems": "center", "padding": "6px 10px 6px 4px"},
    )


def message_toast() -> rx.Component:
    """The toast of the newest message addressed to this user (until opened or closed)."""
    return rx.cond(
        UnreadState.toast_id > 0,
        rx.card(
            rx.hstack(
                rx.icon("mail", size=18, color="var(--accent-9)"),
                rx.vstack(
                    rx.text(t("messages.toast"), size="1", color_scheme="gray"),
                    rx.text(UnreadState.toast_title, size="2", weight="medium", custom_attrs=data_attrs(),
                            data_testid="message-toast-title"),
                    spacing="0", min_width="0", flex="1",
                ),
                rx.link(t("messages.toast.open"), href="/messages/" + UnreadState.toast_id.to_string(),
                        on_click=UnreadState.dismiss, data_testid="message-toast-open", weight="medium"),
                icon_button("x", label=t("messages.toast.close"), on_click=UnreadState.dismiss,
                            testid="message-toast-close", color_scheme="gray"),
                align="center", spacing="3", width="100%",
            ),
            role="status",
            data_testid="message-toast",
            position="fixed", bottom="16px", right="16px", left=rx.breakpoints(initial="16px", sm="auto"),
            max_width="420px", z_index="60", box_shadow="var(--shadow-4)",
        ),
    )  # fmt: skip


def _watcher() -> rx.Component:
    """Starts the tab's watcher whenever the page is hydrated: at load, and again after a reconnect
    (perhaps to another instance, where the old watcher does not run)."""
    return rx.cond(rx.State.is_hydrated, rx.box(display="none", on_mount=UnreadState.watch))


def header_items() -> rx.Component:
    """What the messages module adds to the header: the badge, its watcher and the toast."""
    return rx.fragment(unread_badge(), _watcher(), message_toast())
