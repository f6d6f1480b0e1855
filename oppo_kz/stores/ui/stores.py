"""/stores — the stores a user may see: a table from 1024 px, a card per store on a phone."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.stores.ui.stores_state import StoresState
from oppo_kz.ui.components import (
    NATIVE_SELECT_CLASS,
    action_button,
    data_attrs,
    filter_input,
    link_button,
)
from oppo_kz.ui.forms import labelled_field
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import cell, empty_state, list_toolbar, page_header, pager, responsive_table

COLUMNS = ("stores.code", "stores.name", "stores.city", "stores.chain", "stores.supervisor", "stores.status")


def _active(store: Any) -> rx.Component:
    return rx.cond(
        store["active"],
        rx.badge(t("stores.active"), color_scheme="green", variant="soft"),
        rx.badge(t("stores.inactive"), color_scheme="gray", variant="soft"),
    )


def _row(store: Any) -> rx.Component:
    return rx.table.row(
        cell(rx.code(store["code"], variant="ghost", size="2"), white_space="nowrap", custom_attrs=data_attrs()),
        cell(
            rx.link(store["name"], href="/stores/" + store["id"].to_string(), data_testid="store-link"),
            slot="title", custom_attrs=data_attrs(),
        ),
        cell(store["city"], custom_attrs=data_attrs()),
        cell(store["chain"], custom_attrs=data_attrs()),
        cell(store["supervisor"], custom_attrs=data_attrs()),
        cell(_active(store), slot="value"),
        cell(  # the phone card's second line
            rx.text(store["code"], as_="span", custom_attrs=data_attrs()), " · ",
            rx.text(store["city"], as_="span", custom_attrs=data_attrs()), " · ",
            rx.text(store["chain"], as_="span", custom_attrs=data_attrs()),
            slot="meta",
        ),
        data_testid="store-row",
        data_store_id=store["id"],
        align="center",
    )  # fmt: skip


def _search() -> list[rx.Component]:
    return [
        labelled_field(
            t("common.search"),
            filter_input(
                control_id="stores-search", value=StoresState.q, on_change=StoresState.set_q,
                testid="stores-search", placeholder=t("stores.search"), type="search",
                width="100%", min_width="0",
            ),
            control_id="stores-search", label_size="1", min_width="0", max_width="320px",
        )
    ]  # fmt: skip


def _filters() -> list[rx.Component]:
    city = rx.el.select(
        rx.el.option(t("stores.city.all"), value=""),
        rx.foreach(StoresState.cities, lambda c: rx.el.option(c, value=c, custom_attrs=data_attrs())),
        id="stores-city", value=StoresState.city, on_change=StoresState.set_city,
        class_name=NATIVE_SELECT_CLASS, data_testid="stores-city", style={"width": "100%"},
    )  # fmt: skip
    return [labelled_field(t("stores.city"), city, control_id="stores-city", label_size="1")]


def stores_page() -> rx.Component:
    new = rx.cond(
        StoresState.can_create,
        link_button(t("stores.new"), href="/stores/new", testid="store-new", icon="plus"),
    )
    headers = [rx.table.column_header_cell(t(key)) for key in COLUMNS]
    return rx.vstack(
        page_header(t("stores.title"), new),
        list_toolbar(
            search=_search, filters=_filters, active=StoresState.filter_count,
            clear=StoresState.clear_filters, prefix="stores",
        ),
        rx.text(t("stores.count", count=StoresState.total), size="2", color_scheme="gray",
                data_testid="stores-total"),
        responsive_table(headers, rx.foreach(StoresState.rows, _row), data_testid="stores-table"),
        rx.cond(
            StoresState.loaded & (StoresState.total == 0),
            rx.cond(
                StoresState.filter_count > 0,
                empty_state("search-x", t("stores.no_matches"), action_button(
                    t("common.clear_filters"), on_click=StoresState.clear_filters,
                    testid="stores-empty-clear", kind="secondary",
                ), testid="stores-empty"),
                empty_state("store", t("stores.empty"), testid="stores-empty"),
            ),
        ),
        rx.cond(StoresState.pages > 1, rx.center(pager(
            page=StoresState.page, pages=StoresState.pages, numbers=StoresState.page_numbers,
            go=StoresState.go_to_page, prefix="stores",
        ), width="100%")),
        spacing="4",
        width="100%",
        data_testid="stores-page",
    )  # fmt: skip
