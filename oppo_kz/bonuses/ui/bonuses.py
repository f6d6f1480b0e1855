"""/bonuses — the month picker, a row per promoter (cards on a phone) with their sales on a tap, and
closing the month behind a confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.bonuses.ui.bonuses_state import BonusesState
from oppo_kz.ui.components import action_button, data_attrs
from oppo_kz.ui.dialogs import confirm_button
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import cell, empty_state, page_header, responsive_table


def _month_picker() -> rx.Component:
    return rx.hstack(
        rx.el.label(rx.text(t("bonuses.month"), size="2", weight="medium"), html_for="bonuses-month"),
        rx.el.select(
            rx.foreach(BonusesState.months, lambda m: rx.el.option(m["value"], value=m["value"])),
            id="bonuses-month",
            value=BonusesState.month,
            on_change=BonusesState.choose_month,
            data_testid="bonuses-month",
            class_name="rt-reset rt-SelectTrigger rt-r-size-2 rt-variant-surface",
        ),
        align="center",
        spacing="2",
    )


def _close_button() -> rx.Component:
    return rx.cond(
        BonusesState.may_close,
        confirm_button(
            rx.button(rx.icon("lock", size=16), t("bonuses.close"), color_scheme="red", variant="soft",
                      type="button", data_testid="bonuses-close-month"),
            title=t("bonuses.close"),
            description=t("bonuses.close.confirm", month=BonusesState.month),
            confirm_label=t("bonuses.close"),
            on_confirm=BonusesState.close_month,
            confirm_testid="confirm-close-month",
        ),
    )  # fmt: skip


def _row(row: Any) -> rx.Component:
    opened = BonusesState.open_promoter == row["promoter_id"]
    return rx.table.row(
        cell(rx.text(row["name"], custom_attrs=data_attrs(), weight="medium"), slot="title"),
        cell(row["units"], slot="meta", phone_label=t("bonuses.units"), text_align="right"),
        cell(rx.text(row["amount"], weight="bold", data_testid="bonus-amount"), slot="value", text_align="right"),
        cell(
            action_button(rx.cond(opened, t("bonuses.hide_lines"), t("bonuses.show_lines")),
                          on_click=BonusesState.toggle(row["promoter_id"]), testid="bonus-lines-toggle", kind="ghost",
                          aria_expanded=rx.cond(opened, "true", "false")),
            slot="wide",
        ),
        data_testid="bonus-row", data_promoter_id=row["promoter_id"], data_amount=row["amount_value"],
    )  # fmt: skip


def _line(line: Any) -> rx.Component:
    return rx.table.row(
        cell(line["day"], slot="title"),
        cell(rx.text(line["sku"], custom_attrs=data_attrs()), slot="meta", phone_label=t("bonuses.sku")),
        cell(line["quantity"], slot="meta", phone_label=t("bonuses.units"), text_align="right"),
        cell(rx.text("#", line["rule_id"], custom_attrs=data_attrs()), slot="meta", phone_label=t("bonuses.rule")),
        cell(rx.text(line["amount"], weight="medium"), slot="value", text_align="right"),
        data_testid="bonus-line", data_sale_id=line["sale_id"],
    )  # fmt: skip


def _lines() -> rx.Component:
    return rx.cond(
        BonusesState.open_promoter > 0,
        rx.card(
            rx.vstack(
                rx.heading(t("bonuses.lines"), as_="h2", size="4"),
                rx.cond(
                    BonusesState.lines.length() > 0,
                    responsive_table(
                        [rx.table.column_header_cell(t("bonuses.sale_date")),
                         rx.table.column_header_cell(t("bonuses.sku")),
                         rx.table.column_header_cell(t("bonuses.units"), text_align="right"),
                         rx.table.column_header_cell(t("bonuses.rule")),
                         rx.table.column_header_cell(t("bonuses.amount"), text_align="right")],
                        rx.foreach(BonusesState.lines, _line),
                    ),
                    empty_state("receipt", t("bonuses.empty"), testid="bonus-lines-empty"),
                ),
                spacing="3", width="100%",
            ),
            width="100%", data_testid="bonus-lines",
        ),
    )  # fmt: skip


def bonuses_page() -> rx.Component:
    status = rx.cond(
        BonusesState.closed,
        rx.badge(t("bonuses.closed"), color_scheme="gray", data_testid="bonuses-closed"),
        rx.badge(t("bonuses.open"), color_scheme="green", data_testid="bonuses-open"),
    )
    table = rx.cond(
        BonusesState.rows.length() > 0,
        responsive_table(
            [rx.table.column_header_cell(t("bonuses.promoter")),
             rx.table.column_header_cell(t("bonuses.units"), text_align="right"),
             rx.table.column_header_cell(t("bonuses.amount"), text_align="right"),
             rx.table.column_header_cell("")],
            rx.foreach(BonusesState.rows, _row),
            data_testid="bonuses-table",
        ),
        empty_state("wallet", t("bonuses.empty"), testid="bonuses-empty"),
    )  # fmt: skip
    return rx.vstack(
        page_header(t("bonuses.title"), _close_button(), badges=[status]),
        rx.hstack(
            _month_picker(),
            rx.text(t("bonuses.total"), ": ", rx.text(BonusesState.total, as_="span", weight="bold",
                                                      data_testid="bonuses-total"), size="2"),
            spacing="4", align="center", wrap="wrap",
        ),
        rx.cond(BonusesState.notice == "closed",
                rx.callout(t("bonuses.close.done"), color_scheme="green", role="status")),
        rx.cond(BonusesState.problem != "",
                rx.callout(t("bonuses.error.generic"), color_scheme="red", role="alert")),
        table,
        _lines(),
        spacing="4", width="100%", max_width="1000px",
    )  # fmt: skip
