"""The stores pages: the list, a store's form and its promoters' assignments."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission
from oppo_kz.stores.ui.store import store_page
from oppo_kz.stores.ui.store_state import StoreState
from oppo_kz.stores.ui.stores import stores_page
from oppo_kz.stores.ui.stores_state import StoresState
from oppo_kz.ui.i18n import page_title
from oppo_kz.ui.nav import NavEntry
from oppo_kz.ui.shell import signed_in_page

NAV = (NavEntry("stores", "/stores", Permission.stores_read, icon="store", order=40),)


def register(app: rx.App) -> None:
    """Add /stores, /stores/new and /stores/{id}."""
    app.add_page(
        signed_in_page(stores_page, redraw_on_navigation=False),
        route="/stores",
        title=page_title("nav.stores"),
        on_load=StoresState.load,
    )
    page = signed_in_page(store_page)
    app.add_page(page, route="/stores/new", title=page_title("nav.stores"), on_load=StoreState.load)
    app.add_page(page, route="/stores/[store_id]", title=page_title("nav.stores"), on_load=StoreState.load)
