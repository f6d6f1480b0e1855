"""The admin-only users page."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.ui.shell import signed_in_page
from oppo_kz.ui.theme import APP_TITLE
from oppo_kz.users.ui.users import users_page
from oppo_kz.users.ui.users_state import UsersState


def register(app: rx.App) -> None:
    """Add /users."""
    app.add_page(
        signed_in_page(users_page),
        route="/users",
        title=f"Users · {APP_TITLE}",
        on_load=[AuthState.require_login, UsersState.load],
    )
