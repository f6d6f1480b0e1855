"""The sign-in page."""

from __future__ import annotations

import reflex as rx


def register(app: rx.App) -> None:
    """Add /login."""
    # Imported here: the shell (which the page uses) imports this package's AuthState first.
    from oppo_kz.auth.ui.login import login_page
    from oppo_kz.auth.ui.login_state import LoginState
    from oppo_kz.ui.i18n import page_title

    app.add_page(login_page, route="/login", title=page_title("auth.login.title"), on_load=LoginState.on_load)
