"""/targets — a month's targets of stores and promoters beside what they sold. Head office types units
and tenge straight into the grid (saved when a field is left) and copies last month's in one action;
everyone else reads the targets of their scope. A row is a card on a phone, a table row from 768 px."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.sales.ui.texts import keyed_text
from oppo_kz.targets.ui.targets_state import TargetsState
from oppo_kz.ui.components import action_button, data_attrs
from oppo_kz.ui.forms import labelled_field
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import page_header

DESKTOP_COLUMNS = "minmax(0,2fr) 110px 150px 140px 80px"
PHONE_COLUMNS = "1fr 1fr"
COLUMNS = ("targets.name", "targets.units", "targets.amount", "targets.sold", "targets.pct")


def _figure(row: Any, field: str, testid: str) -> rx.Component:
    label = t(f"targets.{field}_of", name=row["label"])
    editor = rx.input(
        default_value=row[field],
        key=row["kind"].to(str) + "-" + row["subject_id"].to_string() + "-" + field + "-"
        + TargetsState.generation.to_string(),
        on_blur=lambda value: TargetsState.save(row["kind"], row["subject_id"], field, value),
        input_mode="numeric", placeholder="0", aria_label=label, data_testid=testid, size="2", width="100%",
    )  # fmt: skip
    shown = rx.text(row[f"{field}_text"], size="2", aria_label=label, data_testid=testid)
    return rx.cond(TargetsState.can_manage, editor, shown)


def _cell(content: Any, phone_label: str | None = None, **props: Any) -> rx.Component:
    parts = [content]
    if phone_label:
        parts.insert(
            0,
            rx.text(
                t(phone_label),
                size="1",
                color_scheme="gray",
                display=rx.breakpoints(initial="block", md="none"),
            ),
        )
    return rx.box(*parts, role="cell", min_width="0", **props)


def _row(row: Any) -> rx.Component:
    return rx.box(
        _cell(
            rx.text(row["label"], size="2", weight="medium", custom_attrs=data_attrs()),
            grid_column=rx.breakpoints(initial="1 / -1", md="auto"),
        ),
        _cell(_figure(row, "units", "target-units"), "targets.units"),
        _cell(_figure(row, "amount", "target-amount"), "targets.amount"),
        _cell(
            rx.text(row["sold"], size="2", white_space="nowrap", data_testid="target-sold"), "targets.sold"
        ),
        _cell(rx.text(row["pct"], size="2", weight="bold", data_testid="target-pct"), "targets.pct"),
        role="row",
        display="grid",
        grid_template_columns=rx.breakpoints(initial=PHONE_COLUMNS, md=DESKTOP_COLUMNS),
        gap="8px 12px",
        align_items="center",
        padding="10px 12px",
        border_bottom="1px solid var(--gray-4)",
        data_testid="target-row",
        data_kind=row["kind"],
        data_subject_id=row["subject_id"],
    )


def _table(title_key: str, rows: Any, testid: str) -> rx.Component:
    header = rx.box(
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
    return rx.vstack(
        rx.heading(t(title_key), as_="h2", size="4", id=f"{testid}-title"),
        rx.cond(
            rows.length() > 0,
            rx.box(
                header,
                rx.foreach(rows, _row),
                role="table",
                aria_labelledby=f"{testid}-title",
                width="100%",
                background="var(--color-panel-solid)",
                border="1px solid var(--gray-5)",
                border_radius="8px",
                overflow="hidden",
                data_testid=testid,
            ),
            rx.text(t("targets.none"), size="2", color_scheme="gray"),
        ),
        spacing="2",
        width="100%",
    )


def _messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            TargetsState.problem != "",
            rx.callout(keyed_text(TargetsState.problem, "targets.error."), color_scheme="red", role="alert"),
        ),
        rx.cond(
            TargetsState.saved != "",
            rx.callout(t("targets.saved", name=TargetsState.saved), color_scheme="green", role="status",
                       data_testid="target-saved"),
        ),
        rx.cond(
            TargetsState.copied >= 0,
            rx.callout(t("targets.copied", count=TargetsState.copied), color_scheme="green", role="status",
                       data_testid="targets-copied"),
        ),
    )  # fmt: skip


def targets_page() -> rx.Component:
    month = rx.input(
        type="month", id="targets-month", value=TargetsState.month, on_change=TargetsState.set_month,
        data_testid="targets-month",
    )  # fmt: skip
    copy = rx.cond(
        TargetsState.can_manage,
        action_button(
            t("targets.copy"), on_click=TargetsState.copy_last_month, testid="targets-copy",
            kind="secondary", icon="copy",
        ),
    )  # fmt: skip
    return rx.vstack(
        page_header(t("targets.title"), copy),
        labelled_field(
            t("targets.month"), month, control_id="targets-month", label_size="1", max_width="220px"
        ),
        _messages(),
        _table("targets.stores", TargetsState.stores, "targets-stores"),
        _table("targets.promoters", TargetsState.promoters, "targets-promoters"),
        spacing="4",
        width="100%",
        data_testid="targets-page",
        data_month=TargetsState.month,
    )
