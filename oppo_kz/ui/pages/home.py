"""/ sends signed-in users to the products table (and others to /login)."""

from __future__ import annotations

import reflex as rx

from oppo_kz.ui.components.layout import loading_screen


def index() -> rx.Component:
    return loading_screen()
