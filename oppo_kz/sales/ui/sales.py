"""/sales — the sales list and review queue: filters, totals, live rows, selection and bulk review.

Each sale is one element: a card on a phone, a table row from 1024 px (a CSS grid whose columns
change), so nothing scrolls sideways and every `sale-row` exists once.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.sales.ui.sales_state import STATUSES, SalesState
from oppo_kz.sales.ui.texts import keyed_text
from oppo_kz.ui.components import filter_input
from oppo_kz.ui.i18n import t

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
        _cell(rx.text(row["store"], size="2", translate="no"), "3 / 2 / 4 / 4"),
        _cell(
            rx.link(
                row["product"],
                href="/sales/" + row["id"].to_string(),
                weight="medium",
                translate="no",
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
        _cell(rx.text(row["promoter"], size="2", translate="no"), "5 / 2 / 6 / 4"),
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


def _filters() -> rx.Component:
    def labelled(key: str, control: rx.Component, control_id: str) -> rx.Component:
        return rx.vstack(
            rx.el.label(rx.text(t(key), size="1", weight="medium"), html_for=control_id),
            control,
            spacing="1",
            width=rx.breakpoints(initial="100%", sm="auto"),
        )

    status = rx.el.select(
        rx.el.option(t("sales.status.all"), value=""),
        *[rx.el.option(t(f"sales.status.{s}"), value=s) for s in STATUSES],
        id="sales-status",
        value=SalesState.status,
        on_change=SalesState.set_status,
        class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface",
        style={"minHeight": "44px", "width": "100%"},
        data_testid="sales-status",
    )

    def day(key: str, value: Any, handler: Any, testid: str) -> rx.Component:
        return labelled(
            key,
            rx.input(type="date", id=testid, value=value, on_change=handler, data_testid=testid, size="3"),
            testid,
        )

    search = filter_input(
        control_id="sales-search",
        value=SalesState.q,
        on_change=SalesState.set_q,
        testid="sales-search",
        placeholder=t("sales.search"),
        type="search",
        size="3",
        width="100%",
    )
    return rx.flex(
        labelled("common.search", search, "sales-search"),
        labelled("sales.status", status, "sales-status"),
        day("sales.date_from", SalesState.date_from, SalesState.set_date_from, "sales-date-from"),
        day("sales.date_to", SalesState.date_to, SalesState.set_date_to, "sales-date-to"),
        rx.cond(
            SalesState.filter_count > 0,
            rx.button(t("common.clear_filters"), variant="ghost", on_click=SalesState.clear_filters),
        ),
        direction=rx.breakpoints(initial="column", sm="row"),
        wrap="wrap",
        align=rx.breakpoints(initial="stretch", sm="end"),
        gap="3",
        width="100%",
    )


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
        rx.hstack(
            rx.button(
                t("sales.prev"),
                variant="soft",
                size="3",
                disabled=SalesState.page <= 1,
                on_click=SalesState.go_to_page(SalesState.page - 1),
                data_testid="sales-prev",
            ),
            rx.text(t("sales.page", page=SalesState.page, pages=SalesState.pages), size="2"),
            rx.button(
                t("sales.next"),
                variant="soft",
                size="3",
                disabled=SalesState.page >= SalesState.pages,
                on_click=SalesState.go_to_page(SalesState.page + 1),
                data_testid="sales-next",
            ),
            align="center",
            justify="center",
            width="100%",
        ),
    )


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
                keyed_text("sales.error." + SalesState.problem, "sales.error."),
                color_scheme="red",
                role="alert",
            ),
        ),
    )


def _page_header() -> rx.Component:
    return rx.hstack(
        rx.heading(t("sales.title"), size="6"),
        rx.spacer(),
        rx.cond(
            SalesState.can_review,
            rx.link(rx.button(t("sales.to_review"), variant="soft", size="3"), href="/sales?status=pending"),
        ),
        rx.button(
            rx.icon("download", size=16),
            t("sales.export"),
            variant="soft",
            size="3",
            on_click=SalesState.export("csv"),
            data_testid="sales-export",
        ),
        rx.cond(
            SalesState.can_report,
            rx.link(
                rx.button(rx.icon("plus", size=16), t("sales.new"), size="3", data_testid="sale-new"),
                href="/sales/new",
            ),
        ),
        width="100%",
        align="center",
        wrap="wrap",
        spacing="2",
    )


def sales_page() -> rx.Component:
    return rx.vstack(
        _page_header(),
        rx.card(_filters(), width="100%"),
        _totals(),
        _messages(),
        rx.box(
            _header(),
            rx.cond(
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
            ),
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
        rx.cond(
            SalesState.loaded & (SalesState.total == 0),
            rx.callout(
                rx.cond(SalesState.filter_count > 0, t("sales.no_matches"), t("sales.empty")),
                color_scheme="gray",
                data_testid="sales-empty",
            ),
        ),
        _pager(),
        _bulk_review(),
        spacing="4",
        width="100%",
        data_view=SalesState.list_url,
    )
