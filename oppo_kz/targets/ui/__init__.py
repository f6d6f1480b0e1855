"""The targets page: a month's targets of stores and promoters, edited in place by head office."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission
from oppo_kz.targets.ui.targets import targets_page
from oppo_kz.targets.ui.targets_state import TargetsState
from oppo_kz.ui.i18n import page_title
from oppo_kz.ui.nav import NavEntry
from oppo_kz.ui.shell import signed_in_page

NAV = (NavEntry("targets", "/targets", Permission.targets_read, icon="target", order=45),)


def register(app: rx.App) -> None:
    """Add /targets."""
    app.add_page(
        signed_in_page(targets_page),
        route="/targets",
        title=page_title("nav.targets"),
        on_load=TargetsState.load,
    )
