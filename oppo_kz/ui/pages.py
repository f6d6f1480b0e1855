"""Pages and panels for when there is nothing to show: "not allowed" and the 404 page."""

from __future__ import annotations

import reflex as rx

from oppo_kz.ui.components import link_button
from oppo_kz.ui.i18n import html_lang_sync, t
from oppo_kz.ui.theme import APP_TITLE, BRAND_GREEN


def not_allowed(text_key: str = "pages.not_allowed.text", back: str = "/") -> rx.Component:
    """In place of a page the role may not use: says so, and offers the way back."""
    return rx.flex(
        rx.icon("shield-alert", size=32, color="var(--red-9)"),
        rx.heading(t("pages.not_allowed.title"), as_="h1", size="5"),
        rx.text(t(text_key), color_scheme="gray", text_align="center"),
        link_button(t("pages.back_home"), href=back, kind="secondary", icon="arrow-left"),
        direction="column", align="center", gap="12px", padding="48px 16px",
        data_testid="forbidden", role="alert",
    )  # fmt: skip


def not_found_page() -> rx.Component:
    """The 404 page: what happened and a way back (the home page sends each visitor where they belong)."""
    from oppo_kz.ui.shell import lang_switch

    return rx.box(
        html_lang_sync(),
        rx.el.main(
            rx.flex(
                rx.box(width="18px", height="18px", border_radius="5px", background=BRAND_GREEN),
                rx.text("404", size="8", weight="bold", color_scheme="gray"),
                rx.heading(t("pages.not_found.title"), as_="h1", size="5"),
                rx.text(t("pages.not_found.text"), color_scheme="gray", text_align="center"),
                link_button(t("pages.back_home"), href="/", icon="arrow-left", testid="not-found-home"),
                lang_switch(),
                direction="column", align="center", gap="12px", padding="64px 16px",
                data_testid="not-found",
            ),
        ),
        min_height="100vh",
        background="var(--gray-2)",
    )  # fmt: skip


def register(app: rx.App) -> None:
    """The page Reflex shows for every unknown path."""
    app.add_page(not_found_page, route="404", title=f"404 · {APP_TITLE}")
