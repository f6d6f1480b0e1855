"""The sign-in page."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.ui.login import login_page
from oppo_kz.auth.ui.login_state import LoginState
from oppo_kz.ui.theme import APP_TITLE


def register(app: rx.App) -> None:
    """Add /login."""
    app.add_page(login_page, route="/login", title=f"Sign in · {APP_TITLE}", on_load=LoginState.on_load)
