"""The products table and the product form."""

from __future__ import annotations

import reflex as rx

from oppo_kz.products.ui import product_form, products


def register(app: rx.App) -> None:
    """Add /products, /products/new and /products/{id}."""
    products.register(app)
    product_form.register(app)
