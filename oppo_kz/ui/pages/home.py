"""The first page."""

from __future__ import annotations

import reflex as rx


def index() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.heading("OPPO KZ Data Platform", size="7", data_testid="app-title"),
            rx.text("Product catalogue for OPPO's sales operation in Kazakhstan."),
            rx.link("API documentation", href="/api/v1/docs"),
            align="center",
            spacing="3",
        ),
        min_height="100vh",
    )
