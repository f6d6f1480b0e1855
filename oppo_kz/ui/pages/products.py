"""/products (the table) — a first version until the products UI lands."""

from __future__ import annotations

import reflex as rx

from oppo_kz.ui.components.layout import signed_in_page
from oppo_kz.ui.state.auth import AuthState


def products_page() -> rx.Component:
    return rx.vstack(rx.heading("Products", size="6"), data_testid="products-page")


def register(app: rx.App, title: str) -> None:
    app.add_page(
        signed_in_page(products_page),
        route="/products",
        title=f"Products · {title}",
        on_load=AuthState.require_login,
    )
