"""The sales pages: report a sale, the list and review queue, one sale."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission
from oppo_kz.sales.ui.new_sale import new_sale_page
from oppo_kz.sales.ui.new_sale_state import NewSaleState
from oppo_kz.sales.ui.sale import sale_page
from oppo_kz.sales.ui.sale_state import SaleState
from oppo_kz.sales.ui.sales import sales_page
from oppo_kz.sales.ui.sales_state import SalesState
from oppo_kz.ui.i18n import page_title
from oppo_kz.ui.nav import NavEntry
from oppo_kz.ui.shell import signed_in_page

NAV = (NavEntry("sales", "/sales", Permission.sales_read, icon="receipt", order=30),)


def register(app: rx.App) -> None:
    """Add /sales, /sales/new and /sales/{id}."""
    app.add_page(
        signed_in_page(sales_page, redraw_on_navigation=False),
        route="/sales",
        title=page_title("nav.sales"),
        on_load=SalesState.load,
    )
    app.add_page(
        signed_in_page(new_sale_page),
        route="/sales/new",
        title=page_title("sales.new"),
        on_load=NewSaleState.load,
    )
    app.add_page(
        signed_in_page(sale_page),
        route="/sales/[sale_id]",
        title=page_title("nav.sales"),
        on_load=SaleState.load,
    )
