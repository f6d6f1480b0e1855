"""/stores/new and /stores/{id} — a store's form (read-only for those who may not edit) and its promoters."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.sales.ui.texts import keyed_text
from oppo_kz.stores.models import CHAINS
from oppo_kz.stores.ui.store_state import StoreState
from oppo_kz.ui.components import data_attrs, data_text, link_button
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import empty_state, page_header

ERRORS: Any = StoreState.errors  # a dict var (mypy reads rx.Field[dict] as an array)
VALUES: Any = StoreState.values
SELECT = "rt-reset rt-SelectTrigger rt-r-size-3 rt-variant-surface"


def _field(label_key: str, name: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(t(label_key), size="2", weight="medium"), html_for=f"field-{name}"),
        control,
        rx.cond(
            ERRORS.contains(name),
            rx.text(
                keyed_text(ERRORS[name], "stores.error."),
                id=f"field-{name}-error",
                color_scheme="red",
                size="2",
                role="alert",
                data_testid=f"field-error-{name}",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _input(label_key: str, name: str, **props: Any) -> rx.Component:
    invalid = ERRORS.contains(name)
    return _field(
        label_key,
        name,
        rx.input(
            id=f"field-{name}",
            default_value=VALUES[name],
            on_blur=lambda value: StoreState.remember(name, value),
            read_only=~StoreState.can_edit,
            size="3",
            width="100%",
            aria_invalid=invalid.to_string(),
            aria_describedby=rx.cond(invalid, f"field-{name}-error", ""),
            data_testid=f"field-{name}",
            custom_attrs=data_attrs(),  # what is typed here is data (codes, names, addresses)
            **props,
        ),
    )


def _selects() -> list[rx.Component]:
    # Free text with the usual chains offered: a store of another chain keeps its own.
    chain = rx.fragment(
        rx.input(
            id="field-chain",
            default_value=VALUES["chain"],
            list="store-chains",
            read_only=~StoreState.can_edit,
            on_blur=lambda v: StoreState.remember("chain", v),
            size="3",
            width="100%",
            data_testid="field-chain",
        ),
        rx.el.datalist(*[rx.el.option(value=name) for name in CHAINS], id="store-chains"),
    )
    supervisor = rx.el.select(
        rx.el.option(t("stores.supervisor.none"), value=""),
        rx.foreach(
            StoreState.supervisors,
            lambda s: rx.el.option(s["label"], value=s["id"].to_string(), custom_attrs=data_attrs()),
        ),
        id="field-supervisor_id",
        default_value=VALUES["supervisor_id"],
        disabled=~StoreState.can_edit,
        on_change=lambda v: StoreState.remember("supervisor_id", v),
        class_name=SELECT,
        style={"width": "100%"},
        data_testid="field-supervisor_id",
    )
    active = rx.el.label(
        rx.el.input(
            type="checkbox",
            id="field-is_active",
            default_checked=VALUES["is_active"] == "true",
            disabled=~StoreState.can_edit,
            on_change=lambda v: StoreState.remember("is_active", v),
            data_testid="field-is_active",
            style={"width": "22px", "height": "22px"},
        ),
        rx.text(t("stores.active"), size="2"),
        style={"display": "flex", "gap": "8px", "alignItems": "center", "minHeight": "44px"},
    )
    return [
        _field("stores.chain", "chain", chain),
        _field("stores.supervisor", "supervisor_id", supervisor),
        active,
    ]


def _form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.grid(
                _input("stores.code", "code", placeholder="ALA-TDM-001", auto_complete="off"),
                _input("stores.name", "name"),
                _input("stores.city", "city"),
                *_selects(),
                _input("stores.address", "address"),
                _input("stores.latitude", "latitude", input_mode="decimal"),
                _input("stores.longitude", "longitude", input_mode="decimal"),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4",
                width="100%",
                key=StoreState.form_key.to_string(),
            ),
            rx.cond(
                ERRORS.contains("form"),
                rx.callout(keyed_text(ERRORS["form"], "stores.error."), color_scheme="red"),
            ),
            rx.cond(
                StoreState.saved,
                rx.callout(t("stores.saved"), color_scheme="green", role="status", data_testid="store-saved"),
            ),
            rx.hstack(
                rx.cond(
                    StoreState.can_edit,
                    rx.button(t("common.save"), size="3", on_click=StoreState.save, data_testid="store-save"),
                ),
                rx.link(
                    rx.button(t("stores.back"), variant="soft", color_scheme="gray", size="3"), href="/stores"
                ),
                wrap="wrap",
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
        data_testid="store-form",
    )


def _assignment(row: Any) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row["user"], size="2", weight="medium", custom_attrs=data_attrs()),
            rx.text(
                row["starts_on"],
                " — ",
                rx.cond(row["open"], t("stores.assign.open"), row["ends_on"]),
                size="1",
                color_scheme="gray",
            ),
            spacing="0",
        ),
        rx.spacer(),
        rx.cond(
            StoreState.can_assign & row["open"],
            rx.button(
                t("stores.assign.end"),
                size="2",
                variant="soft",
                color_scheme="gray",
                on_click=StoreState.end(row["id"]),
                data_testid="assignment-end",
            ),
        ),
        width="100%",
        align="center",
        padding_y="8px",
        border_bottom="1px solid var(--gray-4)",
        data_testid="assignment-row",
        data_assignment_id=row["id"],
    )


def _assign_form() -> rx.Component:
    def day(key: str, field: str, value: Any) -> rx.Component:
        return rx.vstack(
            rx.el.label(rx.text(t(key), size="1"), html_for=f"assign-{field}"),
            rx.input(
                type="date",
                id=f"assign-{field}",
                value=value,
                on_change=lambda v: StoreState.set_new(field, v),
                size="3",
            ),
            spacing="1",
        )

    who = rx.el.select(
        rx.el.option(t("stores.assign.pick"), value=""),
        rx.foreach(
            StoreState.promoters,
            lambda p: rx.el.option(p["label"], value=p["id"].to_string(), custom_attrs=data_attrs()),
        ),
        value=StoreState.new_promoter,
        on_change=lambda v: StoreState.set_new("promoter", v),
        aria_label=t("stores.assign.promoter"),
        class_name=SELECT,
        style={"minWidth": "200px", "width": "100%"},
        data_testid="assignment-promoter",
    )
    return rx.cond(
        StoreState.can_assign,
        rx.vstack(
            rx.flex(
                who,
                day("stores.assign.starts_on", "starts_on", StoreState.new_starts_on),
                day("stores.assign.ends_on", "ends_on", StoreState.new_ends_on),
                direction=rx.breakpoints(initial="column", sm="row"),
                gap="3",
                align=rx.breakpoints(initial="stretch", sm="end"),
                width="100%",
            ),
            rx.cond(
                StoreState.assign_problem != "",
                rx.text(
                    keyed_text(StoreState.assign_problem, "stores.error."),
                    color_scheme="red",
                    size="2",
                    role="alert",
                ),
            ),
            rx.button(
                rx.icon("user-plus", size=16),
                t("stores.assign"),
                size="3",
                on_click=StoreState.assign,
                data_testid="assignment-add",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _assignments() -> rx.Component:
    return rx.cond(
        ~StoreState.is_new,
        rx.card(
            rx.vstack(
                rx.heading(t("stores.assignments"), size="4"),
                rx.foreach(StoreState.assignments, _assignment),
                rx.cond(
                    StoreState.assignments.length() == 0,
                    rx.text(t("stores.assignments.none"), size="2", color_scheme="gray"),
                ),
                _assign_form(),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def store_page() -> rx.Component:
    return rx.cond(
        StoreState.found,
        rx.vstack(
            page_header(rx.cond(StoreState.is_new, t("stores.new"), data_text(VALUES["name"]))),
            _form(),
            _assignments(),
            spacing="4",
            width="100%",
            max_width="1100px",
        ),
        rx.vstack(
            page_header(t("nav.stores")),
            empty_state(
                "search-x",
                t("stores.not_found"),
                link_button(t("stores.back"), href="/stores", kind="secondary", icon="arrow-left"),
                testid="store-not-found",
            ),
            width="100%",
        ),
    )
