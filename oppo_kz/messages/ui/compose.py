"""/messages/new — title, text and the audience as chips, built for a phone first."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.messages.ui.compose_state import ROLES, ComposeState
from oppo_kz.ui.components import action_button, chip_choice, data_attrs, link_button
from oppo_kz.ui.i18n import t
from oppo_kz.ui.layout import page_header
from oppo_kz.ui.pages import not_allowed


def _chips(kind: str, options: Any, legend_key: str) -> rx.Component:
    """Chips for choices read from the database (stores, cities, people)."""

    def chip(item: Any) -> rx.Component:
        return rx.el.label(
            rx.el.input(
                type="checkbox",
                value=item["id"],
                default_checked=ComposeState.chosen[kind].contains(item["id"]),
                on_change=lambda checked: ComposeState.toggle(kind, item["id"], checked),
                data_testid=f"audience-{kind}",
                data_value=item["id"],
            ),
            rx.text(item["label"], as_="span", custom_attrs=data_attrs()),
            class_name="oppo-chip",
        )

    return rx.cond(
        options.length() > 0,
        rx.el.fieldset(
            rx.el.legend(rx.text(t(legend_key), size="1", weight="medium"), style={"padding": 0, "marginBottom": "6px"}),
            rx.box(rx.flex(rx.foreach(options, chip), wrap="wrap", gap="8px"), max_height="220px", overflow_y="auto"),
            style={"border": 0, "padding": 0, "margin": 0, "minWidth": 0},
        ),
    )  # fmt: skip


def _form() -> rx.Component:
    return rx.vstack(
        rx.el.label(rx.text(t("messages.field.title"), size="2", weight="medium"), html_for="compose-title"),
        rx.input(id="compose-title", value=ComposeState.title, on_change=ComposeState.set_title, max_length=200,
                 width="100%", size="3", data_testid="compose-title"),
        rx.el.label(rx.text(t("messages.field.body"), size="2", weight="medium"), html_for="compose-body"),
        rx.text_area(id="compose-body", value=ComposeState.body, on_change=ComposeState.set_body, rows="6",
                     width="100%", size="3", data_testid="compose-body"),
        rx.heading(t("messages.audience"), as_="h2", size="3", margin_top="8px"),
        rx.text(rx.cond(ComposeState.head_office, t("messages.audience.hint"), t("messages.audience.hint.supervisor")),
                size="2", color_scheme="gray"),
        rx.cond(
            ComposeState.head_office,
            chip_choice(
                legend=t("messages.audience.roles"),
                options=[(t(f"role.{r}"), r) for r in ROLES],
                selected=ComposeState.chosen["roles"],
                on_toggle=lambda value, checked: ComposeState.toggle("roles", value, checked),
                testid="audience-roles",
            ),
        ),
        _chips("cities", ComposeState.cities, "messages.audience.cities"),
        _chips("store_ids", ComposeState.stores, "messages.audience.stores"),
        _chips("user_ids", ComposeState.users, "messages.audience.users"),
        rx.cond(
            ComposeState.problem != "",
            rx.callout(
                rx.match(ComposeState.problem, ("required", t("messages.error.required")),
                         ("forbidden", t("messages.error.forbidden")), t("messages.error.generic")),
                color_scheme="red", role="alert", data_testid="compose-error", width="100%",
            ),
        ),
        rx.hstack(
            action_button(t("messages.send"), on_click=ComposeState.send, testid="compose-send", icon="send",
                          size="3", loading=ComposeState.busy),
            link_button(t("messages.back"), href="/messages", kind="secondary", size="3"),
            spacing="3", wrap="wrap",
        ),
        spacing="2", width="100%", max_width="720px",
    )  # fmt: skip


def compose_page() -> rx.Component:
    return rx.vstack(
        page_header(t("messages.new")),
        rx.cond(ComposeState.allowed, _form(), not_allowed(back="/messages")),
        spacing="4",
        width="100%",
    )
