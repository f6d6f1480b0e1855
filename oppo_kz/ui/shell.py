"""The frame around every signed-in page: header, navigation, the guard, the connection banner."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex_base.vars.base import Var
from reflex_components_core.core.banner import has_connection_errors

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.ui.components import action_button
from oppo_kz.ui.i18n import html_lang_sync, t
from oppo_kz.ui.theme import BRAND_GREEN


def connection_banner() -> rx.Component:
    """Shown while Reflex's socket is down; Reflex reconnects by itself and the banner goes away."""
    return rx.cond(
        has_connection_errors,
        rx.box(
            rx.hstack(
                rx.spinner(size="1"),
                rx.text("Connection to the server lost. Reconnecting…", size="2", weight="medium"),
                align="center",
                justify="center",
                spacing="2",
            ),
            data_testid="connection-banner",
            role="status",
            position="fixed",
            top="0",
            left="0",
            right="0",
            z_index="1000",
            padding="6px",
            background="var(--amber-4)",
            border_bottom="1px solid var(--amber-7)",
        ),
    )


def _nav_link(label: str | Var[str], href: str, testid: str) -> rx.Component:
    return rx.link(
        label, href=href, data_testid=testid, weight="medium", color_scheme="gray", high_contrast=True
    )


def header() -> rx.Component:
    return rx.hstack(
        rx.hstack(
            rx.link(
                rx.hstack(
                    rx.box(width="14px", height="14px", border_radius="4px", background=BRAND_GREEN),
                    rx.text("OPPO KZ", weight="bold", size="4"),
                    rx.text("Data Platform", size="2", color_scheme="gray"),
                    align="center",
                    spacing="2",
                ),
                href="/products",
                underline="none",
                color_scheme="gray",
                high_contrast=True,
            ),
            rx.separator(orientation="vertical", size="1"),
            _nav_link(t("nav.products"), "/products", "nav-products"),
            rx.cond(AuthState.can_manage_users, _nav_link(t("nav.users"), "/users", "nav-users")),
            align="center",
            spacing="4",
        ),
        rx.spacer(),
        rx.hstack(
            rx.vstack(
                rx.text(AuthState.full_name, size="2", weight="medium", data_testid="current-user-name"),
                rx.hstack(
                    rx.text(AuthState.email, size="1", color_scheme="gray", data_testid="current-user"),
                    rx.badge(AuthState.role, variant="soft", size="1", data_testid="current-role"),
                    spacing="2",
                    align="center",
                ),
                spacing="0",
                align="end",
            ),
            action_button(
                t("common.logout"),
                on_click=AuthState.logout,
                testid="logout",
                kind="secondary",
                icon="log-out",
            ),
            align="center",
            spacing="3",
        ),
        width="100%",
        padding_x="24px",
        padding_y="10px",
        border_bottom="1px solid var(--gray-5)",
        background="var(--color-panel-solid)",
        align="center",
    )


def loading_screen() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="60vh", data_testid="page-loading")


def signed_in_page(
    content: Callable[[], rx.Component], *, redraw_on_navigation: bool = True
) -> Callable[[], rx.Component]:
    """Wrap a page: header + content once the session is confirmed; a spinner until then.

    The on_load guard redirects a visitor without a session; this wrapper only decides what to
    draw while the page loads. By default it waits for the page's on_load handlers (Reflex's
    `is_hydrated`), so a form never shows the previous visit's values that its load replaces.
    The products table passes `redraw_on_navigation=False`: its every filter change is a
    navigation, and swapping it for the spinner each time would flicker and drop the search box's
    focus; stale rows there are replaced in place.
    """
    ready = AuthState.signed_in if not redraw_on_navigation else rx.State.is_hydrated & AuthState.signed_in

    def page() -> rx.Component:
        return rx.box(
            html_lang_sync(),
            rx.cond(
                ready,
                rx.box(header(), rx.box(content(), padding="24px", max_width="1400px", margin="0 auto")),
                loading_screen(),
            ),
            min_height="100vh",
            background="var(--gray-2)",
        )

    page.__name__ = getattr(content, "__name__", "page")
    return page


def forbidden_notice(text: str = "Your role does not allow this page.") -> rx.Component:
    return rx.callout(text, icon="shield-alert", color_scheme="red", data_testid="forbidden")
