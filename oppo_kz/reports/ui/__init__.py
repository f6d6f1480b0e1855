"""The dashboard, where everyone lands after sign-in."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission
from oppo_kz.reports.ui.dashboard import dashboard_page
from oppo_kz.reports.ui.dashboard_state import DashboardState
from oppo_kz.ui.i18n import page_title
from oppo_kz.ui.nav import NavEntry
from oppo_kz.ui.shell import signed_in_page

NAV = (NavEntry("dashboard", "/dashboard", Permission.reports_read, icon="layout-dashboard", order=10),)


def register(app: rx.App) -> None:
    """Add /dashboard."""
    app.add_page(
        signed_in_page(dashboard_page, redraw_on_navigation=False),
        route="/dashboard",
        title=page_title("nav.dashboard"),
        on_load=DashboardState.load,
    )
