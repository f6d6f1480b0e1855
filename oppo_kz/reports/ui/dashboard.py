"""/dashboard — where everyone lands after sign-in: today's and the period's sales, the month's target
reached, sales by day (a chart of the last 30 days), and the leading stores, products and promoters;
a promoter also sees their rank. Two figures a row on a phone, one row of five from 1024 px."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.reports.dashboard import PERIODS
from oppo_kz.reports.ui.dashboard_state import DashboardState
from oppo_kz.reports.ui.tiles import dashboard_tiles
from oppo_kz.sales.ui.texts import keyed_text
from oppo_kz.ui.components import data_attrs, native_select
from oppo_kz.ui.forms import labelled_field
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import page_header


def _card(*children: Any, **props: Any) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="1", width="100%", min_width="0"), width="100%", **props)


def _kpi(label_key: str, value: Any, testid: str, *below: rx.Component) -> rx.Component:
    return _card(
        rx.text(t(label_key), size="1", color_scheme="gray", id=f"{testid}-label"),
        rx.text(
            value, size=rx.breakpoints(initial="5", md="6"), weight="bold", white_space="nowrap",
            data_testid=testid, aria_labelledby=f"{testid}-label",
        ),
        *below,
    )  # fmt: skip


def _target() -> rx.Component:
    return _kpi(
        "dashboard.kpi.target_pct",
        DashboardState.target_pct,
        "kpi-month-target-pct",
        rx.cond(
            DashboardState.has_target,
            rx.fragment(
                rx.progress(value=DashboardState.target_progress, max=100, size="1", aria_hidden="true"),
                rx.text(
                    t("dashboard.target_of", amount=rx.cond(
                        DashboardState.target_amount != "", DashboardState.target_amount,
                        DashboardState.target_units,
                    )),
                    size="1", color_scheme="gray",
                ),
            ),
            rx.text(t("dashboard.no_target"), size="1", color_scheme="gray"),
        ),
    )  # fmt: skip


def _rank() -> rx.Component:
    return rx.cond(
        DashboardState.is_promoter,
        _card(
            rx.text(t("dashboard.rank.title"), size="1", color_scheme="gray"),
            rx.cond(
                DashboardState.rank > 0,
                rx.text(
                    t("dashboard.rank", rank=DashboardState.rank, count=DashboardState.sellers),
                    size="4", weight="bold", data_testid="dashboard-rank",
                ),
                rx.text(t("dashboard.rank.none"), size="2", data_testid="dashboard-rank"),
            ),
        ),
    )  # fmt: skip


def _kpis() -> rx.Component:
    return rx.grid(
        _kpi("dashboard.kpi.today_units", DashboardState.today_units, "kpi-today-units"),
        _kpi("dashboard.kpi.today_amount", DashboardState.today_amount, "kpi-today-amount"),
        _kpi("dashboard.kpi.period_units", DashboardState.period_units, "kpi-month-units"),
        _kpi("dashboard.kpi.period_amount", DashboardState.period_amount, "kpi-month-amount"),
        _target(),
        _rank(),
        columns=rx.breakpoints(initial="2", md="3", lg="5"),
        gap="12px",
        width="100%",
    )


def _chart() -> rx.Component:
    return _card(
        rx.heading(t("dashboard.chart"), as_="h2", size="3"),
        rx.box(
            rx.recharts.bar_chart(
                rx.recharts.cartesian_grid(vertical=False, stroke_dasharray="3 3"),
                rx.recharts.x_axis(data_key="day", interval="preserveStartEnd", tick_line=False, font_size=11),
                rx.recharts.y_axis(hide=True),
                rx.recharts.tooltip(),
                rx.recharts.bar(data_key="amount", name=t("dashboard.amount"), fill="var(--accent-9)", radius=2,
                                is_animation_active=False),
                data=DashboardState.chart,
                height=220,
                width="100%",
            ),
            width="100%",
            role="img",
            aria_label=t("dashboard.chart"),
            data_testid="chart-sales-by-day",
            data_days=DashboardState.chart.length(),
            custom_attrs=data_attrs(),  # the axis reads dates and figures: data, not catalog texts
        ),
    )  # fmt: skip


def _leader(row: Any) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.badge(row["place"], variant="soft", radius="full"),
            rx.text(row["label"], size="2", custom_attrs=data_attrs(), flex="1", min_width="0", truncate=True),
            rx.text(row["amount"], size="2", weight="medium", white_space="nowrap"),
            align="center", spacing="2", width="100%",
        ),
        data_testid="leader-row",
        data_key=row["key"],
        style={"listStyle": "none", "padding": "6px 0", "borderBottom": "1px solid var(--gray-4)"},
    )  # fmt: skip


def _leaders(title_key: str, rows: Any, testid: str) -> rx.Component:
    return _card(
        rx.heading(t(title_key), as_="h2", size="3", id=f"{testid}-title"),
        rx.cond(
            rows.length() > 0,
            rx.el.ol(
                rx.foreach(rows, _leader), data_testid=testid, aria_labelledby=f"{testid}-title",
                style={"margin": "0", "padding": "0", "width": "100%"},
            ),
            rx.el.ol(
                rx.el.li(rx.text(t("dashboard.none"), size="2", color_scheme="gray"), style={"listStyle": "none"}),
                data_testid=testid, style={"margin": "0", "padding": "0"},
            ),
        ),
    )  # fmt: skip


def _period_picker() -> rx.Component:
    picker = native_select(
        [(t(f"dashboard.period.{p}"), p) for p in PERIODS],
        id="dashboard-period", value=DashboardState.period, on_change=DashboardState.set_period,
        data_testid="dashboard-period",
    )  # fmt: skip

    def day(key: str, value: Any, handler: Any, testid: str) -> rx.Component:
        control = rx.input(type="date", id=testid, value=value, on_change=handler, data_testid=testid)
        return labelled_field(t(key), control, control_id=testid, label_size="1")

    return rx.flex(
        labelled_field(t("dashboard.period"), picker, control_id="dashboard-period", label_size="1"),
        rx.cond(
            DashboardState.period == "custom",
            rx.flex(
                day("dashboard.from", DashboardState.custom_from, DashboardState.set_custom_from, "dashboard-from"),
                day("dashboard.to", DashboardState.custom_to, DashboardState.set_custom_to, "dashboard-to"),
                gap="8px", wrap="wrap",
            ),
        ),
        gap="8px", wrap="wrap", align="end",
    )  # fmt: skip


def dashboard_page() -> rx.Component:
    return rx.vstack(
        page_header(t("dashboard.title"), _period_picker()),
        rx.cond(
            DashboardState.problem != "",
            rx.callout(
                keyed_text(DashboardState.problem, "dashboard.error."), color_scheme="red", role="alert"
            ),
        ),
        _kpis(),
        _chart(),
        rx.grid(
            _leaders("dashboard.top_stores", DashboardState.top_stores, "top-stores"),
            _leaders("dashboard.top_products", DashboardState.top_products, "top-products"),
            _leaders("dashboard.top_promoters", DashboardState.top_promoters, "top-promoters"),
            columns=rx.breakpoints(initial="1", md="3"),
            gap="12px",
            width="100%",
        ),
        rx.grid(
            *[tile() for tile in dashboard_tiles()],
            columns=rx.breakpoints(initial="1", md="3"),
            gap="12px",
            width="100%",
        ),
        spacing="4",
        width="100%",
        data_testid="dashboard",
        data_generation=DashboardState.generation,
        data_period=DashboardState.date_from + "/" + DashboardState.date_to,
    )
