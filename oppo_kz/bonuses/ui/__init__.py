"""The bonuses page (only while ENABLE_BONUSES is on) and the promoter's dashboard tile."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission
from oppo_kz.bonuses.ui.bonuses import bonuses_page
from oppo_kz.bonuses.ui.bonuses_state import BonusesState
from oppo_kz.bonuses.ui.earned import earned_tile
from oppo_kz.ui.i18n import page_title
from oppo_kz.ui.nav import NavEntry
from oppo_kz.ui.shell import signed_in_page

NAV = (
    NavEntry("bonuses", "/bonuses", Permission.bonuses_read, icon="wallet", order=70, flag="ENABLE_BONUSES"),
)
# Collected by the dashboard (zero-argument functions returning a component).
DASHBOARD_TILES = (earned_tile,)


def register(app: rx.App) -> None:
    """Add /bonuses."""
    app.add_page(
        signed_in_page(bonuses_page),
        route="/bonuses",
        title=page_title("nav.bonuses"),
        on_load=BonusesState.load,
    )
