"""/stores — the stores a user may see: a card per store on a phone, a table row from 1024 px."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.stores.ui.stores_state import StoresState
from oppo_kz.ui.components import filter_input
from oppo_kz.ui.i18n import t

COLUMNS = "110px minmax(0,1.6fr) minmax(0,1fr) minmax(0,1fr) minmax(0,1.2fr) 90px"


def _row(store: Any) -> rx.Component:
    return rx.link(
        rx.box(
            rx.code(store["code"], variant="ghost", size="1"),
            rx.text(store["name"], size="2", weight="medium", translate="no"),
            rx.text(store["city"], size="2", translate="no"),
            rx.text(store["chain"], size="2", color_scheme="gray", translate="no"),
            rx.text(store["supervisor"], size="2", color_scheme="gray", translate="no"),
            rx.cond(
                store["active"],
                rx.badge(t("stores.active"), color_scheme="green", variant="soft"),
                rx.badge(t("stores.inactive"), color_scheme="gray", variant="soft"),
            ),
            display="grid",
            grid_template_columns=rx.breakpoints(initial="minmax(0,1fr) auto", md=COLUMNS),
            gap=rx.breakpoints(initial="2px 8px", md="12px"),
            align_items="center",
            padding="12px",
            border_bottom="1px solid var(--gray-4)",
            role="row",
        ),
        href="/stores/" + store["id"].to_string(),
        underline="none",
        color_scheme="gray",
        high_contrast=True,
        data_testid="store-row",
        data_store_id=store["id"],
    )


def stores_page() -> rx.Component:
    city = rx.el.select(
        rx.el.option(t("stores.city.all"), value=""),
        rx.foreach(StoresState.cities, lambda c: rx.el.option(c, value=c)),
        value=StoresState.city,
        on_change=StoresState.set_city,
        aria_label=t("stores.city"),
        class_name="rt-reset rt-SelectTrigger rt-r-size-3 rt-variant-surface",
        style={"minHeight": "44px"},
        data_testid="stores-city",
    )
    search = filter_input(
        control_id="stores-search",
        value=StoresState.q,
        on_change=StoresState.set_q,
        testid="stores-search",
        placeholder=t("stores.search"),
        aria_label=t("common.search"),
        type="search",
        size="3",
        width="100%",
    )
    return rx.vstack(
        rx.hstack(
            rx.heading(t("stores.title"), size="6"),
            rx.spacer(),
            rx.cond(
                StoresState.can_create,
                rx.link(
                    rx.button(rx.icon("plus", size=16), t("stores.new"), size="3", data_testid="store-new"),
                    href="/stores/new",
                ),
            ),
            width="100%",
            align="center",
        ),
        rx.flex(search, city, direction=rx.breakpoints(initial="column", sm="row"), gap="3", width="100%"),
        rx.text(
            t("stores.count", count=StoresState.total),
            size="2",
            color_scheme="gray",
            data_testid="stores-total",
        ),
        rx.box(
            rx.foreach(StoresState.rows, _row),
            role="table",
            aria_label=t("stores.title"),
            width="100%",
            border="1px solid var(--gray-5)",
            border_radius="8px",
            overflow="hidden",
            background="var(--color-panel-solid)",
            data_testid="stores-table",
        ),
        rx.cond(
            StoresState.loaded & (StoresState.total == 0), rx.callout(t("stores.empty"), color_scheme="gray")
        ),
        rx.cond(
            StoresState.pages > 1,
            rx.hstack(
                rx.button(
                    t("sales.prev"),
                    variant="soft",
                    size="3",
                    disabled=StoresState.page <= 1,
                    on_click=StoresState.go_to_page(StoresState.page - 1),
                ),
                rx.text(t("sales.page", page=StoresState.page, pages=StoresState.pages), size="2"),
                rx.button(
                    t("sales.next"),
                    variant="soft",
                    size="3",
                    disabled=StoresState.page >= StoresState.pages,
                    on_click=StoresState.go_to_page(StoresState.page + 1),
                ),
                justify="center",
                align="center",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )
