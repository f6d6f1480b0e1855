"""The products table and the product form."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.permissions import Permission
from oppo_kz.products.ui import product_form, product_import, products
from oppo_kz.ui.nav import NavEntry

NAV = (NavEntry("products", "/products", Permission.products_read, icon="package", order=20),)


def register(app: rx.App) -> None:
    """Add /products, /products/new, /products/import and /products/{id}."""
    products.register(app)
    product_import.register(app)
    product_form.register(app)
