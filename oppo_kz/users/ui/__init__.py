"""The admin-only users page."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.ui.state import AuthState
from oppo_kz.ui.i18n import page_title
from oppo_kz.ui.nav import NavEntry
from oppo_kz.ui.shell import signed_in_page
from oppo_kz.users.ui.users import users_page
from oppo_kz.users.ui.users_state import UsersState

NAV = (NavEntry("users", "/users", Permission.users_manage, icon="users", order=90),)


def register(app: rx.App) -> None:
    """Add /users."""
    app.add_page(
        signed_in_page(users_page),
        route="/users",
        title=page_title("users.title"),
        on_load=[AuthState.require_login, UsersState.load],
    )
