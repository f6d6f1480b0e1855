"""/sales — the sales list and review queue: filters, totals, live rows, selection and bulk review.

Each sale is one element: a card on a phone, a table row from 1024 px (a CSS grid whose columns
change), so nothing scrolls sideways and every `sale-row` exists once.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.sales.ui.sales_state import STATUSES, SalesState
from oppo_kz.sales.ui.texts import keyed_text
from oppo_kz.ui.components import (
    NATIVE_SELECT_CLASS,
    action_button,
    data_attrs,
    filter_input,
    link_button,
    native_select,
)
from oppo_kz.ui.forms import labelled_field
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import empty_state, list_toolbar, page_header, pager

DESKTOP_COLUMNS = "36px 120px minmax(0,1.2fr) minmax(0,1.5fr) 130px 44px 110px minmax(0,1fr) 110px"
PHONE_COLUMNS = "36px minmax(0,1fr) auto"
STATUS_COLOR = {"pending": "amber", "approved": "green", "rejected": "red"}
COLUMNS = (
    "sales.sold_at",
    "sales.store",
    "sales.product",
    "sales.imei",
    "sales.quantity",
    "sales.amount",
    "sales.promoter",
    "sales.status",
)


def status_badge(status: Any) -> rx.Component:
    return rx.match(
        status,
        *[
            (s, rx.badge(t(f"sales.status.{s}"), color_scheme=STATUS_COLOR[s], variant="soft"))
            for s in STATUSES
        ],
        rx.badge(status),
    )


def _cell(content: Any, area: str, **props: Any) -> rx.Component:
    return rx.box(
        content, role="cell", grid_area=rx.breakpoints(initial=area, md="auto"), min_width="0", **props
    )


def _row(row: Any) -> rx.Component:
    checkbox = rx.cond(
        SalesState.can_review & (row["status"] == "pending"),
        rx.el.input(
            type="checkbox",
            checked=SalesState.selected.contains(row["id"]),
            on_change=lambda _checked: SalesState.toggle(row["id"]),
            aria_label=t("sales.select"),
            data_testid="sale-select",
            style={"width": "22px", "height": "22px"},
        ),
    )
    return rx.box(
        _cell(checkbox, "1 / 1 / 3 / 2"),
        _cell(rx.text(row["sold_at"], size="1", color_scheme="gray"), "1 / 2"),
        _cell(rx.text(row["store"], size="2", custom_attrs=data_attrs()), "3 / 2 / 4 / 4"),
        _cell(
            rx.link(
                row["product"],
                href="/sales/" + row["id"].to_string(),
                weight="medium",
                custom_attrs=data_attrs(),
                data_testid="sale-link",
            ),
            "2 / 2",
        ),
        _cell(rx.code(row["imei"], variant="ghost", size="1"), "4 / 2 / 5 / 4"),
        _cell(
            rx.text(row["quantity"], size="2"), "5 / 2", display=rx.breakpoints(initial="none", md="block")
        ),
        _cell(
            rx.text(row["amount"], size="2", weight="medium", white_space="nowrap"),
            "1 / 3",
            text_align="right",
        ),
        _cell(rx.text(row["promoter"], size="2", custom_attrs=data_attrs()), "5 / 2 / 6 / 4"),
        _cell(status_badge(row["status"]), "2 / 3", text_align="right"),
        role="row",
        display="grid",
        grid_template_columns=rx.breakpoints(initial=PHONE_COLUMNS, md=DESKTOP_COLUMNS),
        gap=rx.breakpoints(initial="2px 8px", md="12px"),
        align_items="center",
        padding="10px 12px",
        border_bottom="1px solid var(--gray-4)",
        data_testid="sale-row",
        data_sale_id=row["id"],
        data_status=row["status"],
    )


def _header() -> rx.Component:
    return rx.box(
        rx.box(role="columnheader"),
        *[
            rx.box(rx.text(t(key), size="1", weight="bold", color_scheme="gray"), role="columnheader")
            for key in COLUMNS
        ],
        role="row",
        display=rx.breakpoints(initial="none", md="grid"),
        grid_template_columns=DESKTOP_COLUMNS,
        gap="12px",
        padding="8px 12px",
        border_bottom="1px solid var(--gray-6)",
    )


def _search() -> list[rx.Component]:
    return [
        labelled_field(
            t("common.search"),
            filter_input(
                control_id="sales-search", value=SalesState.q, on_change=SalesState.set_q,
                testid="sales-search", placeholder=t("sales.search"), type="search",
                width="100%", min_width="0",
            ),
            control_id="sales-search", label_size="1", min_width="0", max_width="320px",
        )
    ]  # fmt: skip


def _filters() -> list[rx.Component]:
    status = native_select(
        [(t("sales.status.all"), ""), *[(t(f"sales.status.{s}"), s) for s in STATUSES]],
        id="sales-status", value=SalesState.status, on_change=SalesState.set_status,
        data_testid="sales-status", style={"width": "100%"},
    )  # fmt: skip

    def day(key: str, value: Any, handler: Any, testid: str) -> rx.Component:
        control = rx.input(type="date", id=testid, value=value, on_change=handler, data_testid=testid)
        return labelled_field(t(key), control, control_id=testid, label_size="1")

    def pick(testid: str, everyone: str, choices: Any, value: Any, handler: Any, label: str) -> rx.Component:
        select = rx.el.select(
            rx.el.option(t(everyone), value=""),
            rx.foreach(choices, lambda c: rx.el.option(
                c["label"], value=c["id"].to_string(), custom_attrs=data_attrs()
            )),
            id=testid, value=value, on_change=handler, class_name=NATIVE_SELECT_CLASS,
            data_testid=testid, style={"width": "100%", "maxWidth": "260px"},
        )  # fmt: skip
        return rx.cond(
            choices.length() > 0, labelled_field(t(label), select, control_id=testid, label_size="1")
        )

    return [
        labelled_field(t("sales.status"), status, control_id="sales-status", label_size="1"),
        pick(
            "sales-store",
            "sales.store.all",
            SalesState.store_choices,
            SalesState.store_id,
            SalesState.set_store,
            "sales.store",
        ),
        pick(
            "sales-promoter",
            "sales.promoter.all",
            SalesState.promoter_choices,
            SalesState.promoter_id,
            SalesState.set_promoter,
            "sales.promoter",
        ),
        day("sales.date_from", SalesState.date_from, SalesState.set_date_from, "sales-date-from"),
        day("sales.date_to", SalesState.date_to, SalesState.set_date_to, "sales-date-to"),
    ]


def _totals() -> rx.Component:
    def figure(key: str, value: Any, testid: str) -> rx.Component:
        return rx.vstack(
            rx.text(t(key), size="1", color_scheme="gray"),
            rx.text(value, size="4", weight="bold", data_testid=testid),
            spacing="0",
        )

    return rx.hstack(
        figure("sales.count", SalesState.total, "sales-total"),
        figure("sales.total_units", SalesState.units, "sales-units"),
        figure("sales.total_amount", SalesState.amount, "sales-amount"),
        spacing="6",
        wrap="wrap",
    )


def _bulk_review() -> rx.Component:
    return rx.cond(
        SalesState.can_review & (SalesState.selected.length() > 0),
        rx.card(
            rx.vstack(
                rx.text(t("sales.selected", count=SalesState.selected.length()), size="2", weight="medium"),
                rx.input(
                    value=SalesState.note,
                    on_change=SalesState.set_note,
                    placeholder=t("sales.review_note.hint"),
                    aria_label=t("sales.review_note"),
                    size="3",
                    width="100%",
                    data_testid="review-note",
                ),
                rx.hstack(
                    rx.button(
                        t("sales.approve_selected"),
                        size="3",
                        color_scheme="green",
                        on_click=SalesState.review_selected("approve"),
                        data_testid="sales-approve-selected",
                    ),
                    rx.button(
                        t("sales.reject_selected"),
                        size="3",
                        color_scheme="red",
                        variant="soft",
                        on_click=SalesState.review_selected("reject"),
                        data_testid="sales-reject-selected",
                    ),
                    wrap="wrap",
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
            width="100%",
            position="sticky",
            bottom="8px",
            z_index="5",
        ),
    )


def _pager() -> rx.Component:
    return rx.cond(
        SalesState.pages > 1,
        rx.center(
            pager(
                page=SalesState.page, pages=SalesState.pages, numbers=SalesState.page_numbers,
                go=SalesState.go_to_page, prefix="sales",
            ),
            width="100%",
        ),
    )  # fmt: skip


def _messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            SalesState.reviewed_done >= 0,
            rx.callout(
                t("sales.reviewed", done=SalesState.reviewed_done, failed=SalesState.reviewed_failed),
                color_scheme="green",
                role="status",
                data_testid="sales-reviewed",
            ),
        ),
        rx.cond(
            SalesState.problem != "",
            rx.callout(
                keyed_text(SalesState.problem, "sales.error."),
                color_scheme="red",
                role="alert",
            ),
        ),
    )


def _page_header() -> rx.Component:
    return page_header(
        t("sales.title"),
        rx.cond(
            SalesState.can_review,
            link_button(t("sales.to_review"), href="/sales?status=pending", kind="secondary"),
        ),
        action_button(
            t("sales.export"), on_click=SalesState.export("csv"), testid="sales-export",
            kind="secondary", icon="download",
        ),
        action_button(
            t("sales.export.xlsx"), on_click=SalesState.export("xlsx"), testid="sales-export-xlsx",
            kind="ghost",
        ),
        rx.cond(
            SalesState.can_report,
            link_button(t("sales.new"), href="/sales/new", testid="sale-new", icon="plus"),
        ),
    )  # fmt: skip


def _select_all_on_phone() -> rx.Component:
    """On a phone the column header is hidden, so selecting every row gets its own line."""
    return rx.cond(
        SalesState.can_review & (SalesState.rows.length() > 0),
        rx.hstack(
            rx.el.input(
                type="checkbox",
                on_change=lambda _checked: SalesState.select_all(),
                aria_label=t("sales.select_all"),
                data_testid="sales-select-all",
                style={"width": "22px", "height": "22px"},
            ),
            rx.text(t("sales.select_all"), size="1", color_scheme="gray"),
            padding="8px 12px",
            display=rx.breakpoints(initial="flex", md="none"),
        ),
    )


def _empty() -> rx.Component:
    return rx.cond(
        SalesState.loaded & (SalesState.total == 0),
        rx.cond(
            SalesState.filter_count > 0,
            empty_state(
                "search-x",
                t("sales.no_matches"),
                action_button(
                    t("common.clear_filters"),
                    on_click=SalesState.clear_filters,
                    testid="sales-empty-clear",
                    kind="secondary",
                ),
                testid="sales-empty",
            ),
            empty_state("receipt", t("sales.empty"), testid="sales-empty"),
        ),
    )


def sales_page() -> rx.Component:
    return rx.vstack(
        _page_header(),
        list_toolbar(
            search=_search,
            filters=_filters,
            active=SalesState.filter_count,
            clear=SalesState.clear_filters,
            prefix="sales",
        ),
        _totals(),
        _messages(),
        rx.box(
            _header(),
            _select_all_on_phone(),
            rx.foreach(SalesState.rows, _row),
            role="table",
            aria_label=t("sales.title"),
            width="100%",
            background="var(--color-panel-solid)",
            border="1px solid var(--gray-5)",
            border_radius="8px",
            overflow="hidden",
            data_testid="sales-table",
        ),
        _empty(),
        _pager(),
        _bulk_review(),
        spacing="4",
        width="100%",
        data_view=SalesState.list_url,
    )
