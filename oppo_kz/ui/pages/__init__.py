"""Every page of the app, registered on the Reflex app in one place."""

from __future__ import annotations

import reflex as rx

from oppo_kz.ui.components.layout import signed_in_page
from oppo_kz.ui.pages import home, login, products, users
from oppo_kz.ui.state.auth import AuthState
from oppo_kz.ui.state.login import LoginState
from oppo_kz.ui.state.users import UsersState

TITLE = "OPPO KZ Data Platform"


def register_pages(app: rx.App) -> None:
    app.add_page(home.index, route="/", title=TITLE, on_load=rx.redirect("/products", replace=True))
    app.add_page(login.login_page, route="/login", title=f"Sign in · {TITLE}", on_load=LoginState.on_load)
    app.add_page(
        signed_in_page(users.users_page),
        route="/users",
        title=f"Users · {TITLE}",
        on_load=[AuthState.require_login, UsersState.load],
    )
    products.register(app, TITLE)
