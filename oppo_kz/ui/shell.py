"""The frame around every signed-in page: header, navigation, the guard, the connection banner.

From 1024 px the header holds the brand, the navigation, the language switch, the user and Log out.
On a phone it is one compact row — the menu button (the navigation in a sheet), the brand, the
user's name, the language switch and Log out — and never wider than the screen.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.domains import domain_modules
from oppo_kz.lib.formatting import LANGS
from oppo_kz.ui.components import data_attrs, icon_button
from oppo_kz.ui.i18n import I18nState, html_lang_sync, label_of, t
from oppo_kz.ui.media import is_desktop
from oppo_kz.ui.nav import NavEntry, nav_entries
from oppo_kz.ui.theme import BRAND_GREEN, GLOBAL_CSS
from oppo_kz.users.models import Role

ROLES = tuple(r.value for r in Role)


def head_components() -> list[rx.Component]:
    """The <head> pieces every page shares: the shared CSS (plus i18n's first-paint script)."""
    from oppo_kz.ui import i18n

    return [*i18n.head_components(), rx.el.style(GLOBAL_CSS)]


def connection_banner() -> rx.Component:
    """Shown while Reflex's socket is down; Reflex reconnects by itself and the banner goes away."""
    return rx.cond(
        has_connection_errors,
        rx.box(
            rx.hstack(
                rx.spinner(size="1"),
                rx.text(t("shell.reconnecting"), size="2", weight="medium"),
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


def lang_switch() -> rx.Component:
    """The language of the UI: a native select (values ru, kk, en), kept for the user when signed in."""
    return rx.el.select(
        *[rx.el.option(t(f"lang.short.{lang}"), value=lang, title=t(f"lang.{lang}")) for lang in LANGS],
        value=I18nState.lang,
        on_change=AuthState.choose_lang,
        data_testid="lang-switch",
        aria_label=t("lang.label"),
        title=t("lang.label"),
        class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-soft",
    )


def _visible(entry: NavEntry) -> rx.Var[bool]:
    shown = AuthState.permissions[str(entry.permission)].to(bool)
    return shown & AuthState.flags[entry.flag].to(bool) if entry.flag else shown


def _nav_link(entry: NavEntry, *, in_sheet: bool) -> rx.Component:
    link = rx.link(
        rx.hstack(rx.icon(entry.icon, size=18), rx.text(t(entry.label_key)), spacing="2", align="center"),
        href=entry.href,
        data_testid=entry.testid,
        weight="medium",
        color_scheme="gray",
        high_contrast=True,
        underline="none",
        class_name="oppo-touch" if in_sheet else "",
        style={"display": "flex", "alignItems": "center", "minHeight": "44px" if in_sheet else "32px"},
    )
    return rx.cond(_visible(entry), rx.drawer.close(link) if in_sheet else link)


def _brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.box(width="14px", height="14px", border_radius="4px", background=BRAND_GREEN),
            rx.text(t("app.brand"), weight="bold", size="4", white_space="nowrap"),
            rx.text(t("app.tagline"), size="2", color_scheme="gray", class_name="oppo-desk-only"),
            align="center",
            spacing="2",
        ),
        href="/",
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        aria_label=t("app.home"),
        class_name="oppo-touch",
        style={"display": "flex", "alignItems": "center"},
    )


def _user() -> rx.Component:
    """Name (always), email and role (from 1024 px): the test ids stay in the page at every width."""
    return rx.vstack(
        rx.text(
            AuthState.full_name, size="2", weight="medium", data_testid="current-user-name",
            custom_attrs=data_attrs(), white_space="nowrap", overflow="hidden", text_overflow="ellipsis", max_width="100%",
        ),
        rx.hstack(
            rx.text(AuthState.email, size="1", color_scheme="gray", data_testid="current-user", custom_attrs=data_attrs()),
            rx.badge(label_of("role", ROLES, AuthState.role), variant="soft", size="1",
                     data_testid="current-role", data_role=AuthState.role),
            spacing="2", align="center", class_name="oppo-desk-only",
        ),
        spacing="0", align="end", min_width="0", flex_shrink="1",
    )  # fmt: skip


def _logout() -> rx.Component:
    return rx.cond(
        is_desktop,
        rx.button(
            rx.icon("log-out", size=16), t("common.logout"), on_click=AuthState.logout, data_testid="logout",
            variant="soft", color_scheme="gray", type="button",
        ),
        icon_button("log-out", label=t("common.logout"), on_click=AuthState.logout, testid="logout",
                    color_scheme="gray"),
    )  # fmt: skip


def _nav_sheet() -> rx.Component:
    """The navigation on a phone: a sheet from the left, opened by the menu button."""
    return rx.drawer.root(
        rx.drawer.trigger(icon_button("menu", label=t("nav.menu"), testid="nav-menu", color_scheme="gray")),
        rx.drawer.portal(
            # Inside the portal, so that a closed drawer leaves nothing over the page.
            rx.drawer.overlay(z_index="50"),
            rx.drawer.content(
                rx.el.nav(
                    rx.vstack(
                        rx.drawer.title(t("nav.menu"), size="4"),
                        rx.text(AuthState.email, size="2", color_scheme="gray", custom_attrs=data_attrs()),
                        *[_nav_link(entry, in_sheet=True) for entry in nav_entries()],
                        spacing="2", padding="16px", width="100%",
                    ),
                    aria_label=t("nav.main"),
                ),
                right="auto", width="80%", max_width="320px", height="100%", z_index="51",
                background="var(--color-panel-solid)", aria_describedby=None,
            ),
        ),
        direction="left",
    )  # fmt: skip


def _domain_items() -> list[rx.Component]:
    """What switched-on domains add to the header (the messages badge): each ui package's `HEADER`."""
    return [item() for module in domain_modules("ui") for item in getattr(module, "HEADER", ())]


def header() -> rx.Component:
    desk_nav = rx.el.nav(
        rx.hstack(
            *[_nav_link(entry, in_sheet=False) for entry in nav_entries()], spacing="4", align="center"
        ),
        aria_label=t("nav.main"),
    )
    return rx.el.header(
        rx.hstack(
            rx.cond(is_desktop, rx.fragment(), _nav_sheet()),
            _brand(),
            rx.cond(
                is_desktop, rx.hstack(rx.separator(orientation="vertical", size="1"), desk_nav, spacing="4")
            ),
            rx.spacer(),
            *_domain_items(),
            _user(),
            lang_switch(),
            _logout(),
            align="center",
            spacing=rx.breakpoints(initial="2", md="4"),
            width="100%",
            max_width="1400px",
            margin="0 auto",
        ),
        style={
            "padding": "8px 12px",
            "borderBottom": "1px solid var(--gray-5)",
            "background": "var(--color-panel-solid)",
        },
    )


def loading_screen() -> rx.Component:
    return rx.center(rx.spinner(size="3"), min_height="60vh", data_testid="page-loading")


def signed_in_page(
    content: Callable[[], rx.Component], *, redraw_on_navigation: bool = True
) -> Callable[[], rx.Component]:
    """Wrap a page: header + <main> once the session is confirmed; a spinner until then.

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
                rx.fragment(
                    header(),
                    rx.el.main(
                        content(),
                        style={"maxWidth": "1400px", "margin": "0 auto", "padding": "16px 12px 32px"},
                    ),
                ),
                loading_screen(),
            ),
            min_height="100vh",
            background="var(--gray-2)",
        )

    page.__name__ = getattr(content, "__name__", "page")
    return page
