"""Every page of the app, registered on the Reflex app in one place."""

from __future__ import annotations

import reflex as rx

from oppo_kz.ui.pages import home


def register_pages(app: rx.App) -> None:
    app.add_page(home.index, route="/", title="OPPO KZ Data Platform")
