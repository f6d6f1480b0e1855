"""The stores pages: the list, a store's form and its promoters' assignments."""

from __future__ import annotations

import reflex as rx

from oppo_kz.stores.ui.store import store_page
from oppo_kz.stores.ui.store_state import StoreState
from oppo_kz.stores.ui.stores import stores_page
from oppo_kz.stores.ui.stores_state import StoresState
from oppo_kz.ui.shell import signed_in_page
from oppo_kz.ui.theme import APP_TITLE


def register(app: rx.App) -> None:
    """Add /stores, /stores/new and /stores/{id}."""
    app.add_page(
        signed_in_page(stores_page, redraw_on_navigation=False),
        route="/stores",
        title=f"Stores · {APP_TITLE}",
        on_load=StoresState.load,
    )
    page = signed_in_page(store_page)
    app.add_page(page, route="/stores/new", title=f"New store · {APP_TITLE}", on_load=StoreState.load)
    app.add_page(page, route="/stores/[store_id]", title=f"Store · {APP_TITLE}", on_load=StoreState.load)
