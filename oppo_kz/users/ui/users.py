"""/users — admins find, create, re-role, disable, delete users and set new passwords."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.ui.components import action_button, data_attrs, filter_input, native_select
from oppo_kz.ui.dialogs import confirm_dialog
from oppo_kz.ui.forms import invalid_props, labelled_field
from oppo_kz.ui.i18n import has_text, label_of, local, t
from oppo_kz.ui.layout import cell, empty_state, list_summary, page_header, responsive_table
from oppo_kz.ui.pages import not_allowed
from oppo_kz.users.ui.users_state import ROLES, UsersState

S = UsersState


def role_label(role: Any) -> rx.Var[str]:
    return label_of("role", ROLES, role)


def _role_select(**props: Any) -> rx.Component:
    props.setdefault("style", {"minWidth": "150px"})
    return native_select([(role_label(r), r) for r in ROLES], **props)


def _new_field(name: str, label_key: str, control: rx.Component, testid: str) -> rx.Component:
    return labelled_field(
        t(label_key), control, control_id=f"new-user-{name}", errors=S.form_errors, name=name,
        error_testid=f"user-error-{name}", label_size="1", min_width="200px", flex="1",
    )  # fmt: skip


def _input(name: str, testid: str, **props: Any) -> rx.Component:
    return rx.input(
        name=name, id=f"new-user-{name}", data_testid=testid, width="100%",
        **invalid_props(f"new-user-{name}", S.form_errors, name), **props,
    )  # fmt: skip


def _create_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(t("users.new.title"), as_="h2", size="3"),
                rx.flex(
                    _new_field("email", "users.field.email",
                               _input("email", "new-user-email", type="email", custom_attrs=data_attrs()), "new-user-email"),
                    _new_field("full_name", "users.field.full_name",
                               _input("full_name", "new-user-name", custom_attrs=data_attrs()), "new-user-name"),
                    _new_field("role", "users.field.role", _role_select(
                        name="role", id="new-user-role", default_value="promoter", data_testid="new-user-role",
                        style={"width": "100%"},
                    ), "new-user-role"),
                    _new_field("password", "users.field.password", _input(
                        "password", "new-user-password", type="password", auto_complete="new-password",
                        placeholder=t("users.password_hint"),
                    ), "new-user-password"),
                    rx.button(t("users.new.submit"), type="submit", data_testid="new-user-submit"),
                    gap="12px", align="end", wrap="wrap", width="100%",
                ),
                spacing="3", width="100%",
            ),
            on_submit=S.create, reset_on_submit=False, custom_attrs={"noValidate": True},
        ),
        width="100%",
    )  # fmt: skip


def _actions(user: Any) -> rx.Component:
    uid = user["id"].to(int)
    toggle = rx.cond(
        user["is_active"],
        action_button(t("users.action.disable"), on_click=S.ask("disable", uid, ""), testid="user-disable",
                      kind="danger", size="1"),
        action_button(t("users.action.enable"), on_click=S.enable(uid), testid="user-enable",
                      kind="secondary", size="1"),
    )  # fmt: skip
    return rx.cond(
        uid == AuthState.user_id,
        rx.text(t("users.you"), size="1", color_scheme="gray"),
        rx.flex(
            toggle,
            action_button(t("users.action.password"), on_click=S.open_password(uid), testid="user-set-password",
                          kind="secondary", size="1", icon="key-round"),
            action_button(t("users.action.delete"), on_click=S.ask("delete", uid, ""), testid="user-delete",
                          kind="danger", size="1", icon="trash-2"),
            gap="8px", wrap="wrap",
        ),
    )  # fmt: skip


def _row(user: Any) -> rx.Component:
    uid = user["id"].to(int)
    status = rx.cond(
        user["is_active"],
        rx.badge(t("users.status.active"), color_scheme="green"),
        rx.badge(t("users.status.disabled"), color_scheme="gray"),
    )
    role = _role_select(
        value=user["role"].to(str), on_change=lambda r: S.ask("role", uid, r), data_testid="user-role",
        aria_label=t("users.field.role"), disabled=uid == AuthState.user_id,
    )  # fmt: skip
    return rx.table.row(
        cell(
            rx.vstack(rx.text(user["full_name"], weight="medium"), rx.text(user["email"], size="1", color_scheme="gray"),
                      spacing="0"),
            slot="title", custom_attrs=data_attrs(),
        ),
        cell(role, slot="wide"),
        cell(status, slot="value"),
        cell(_actions(user), slot="wide"),
        align="center", data_testid="user-row", data_user_email=user["email"].to(str),
    )  # fmt: skip


def _table() -> rx.Component:
    headers = [rx.table.column_header_cell(t(k)) for k in ("users.col.user", "users.col.role", "users.col.status",
                                                            "users.col.actions")]  # fmt: skip
    return responsive_table(headers, rx.foreach(S.visible_rows, _row), data_testid="users-table")


def _confirm() -> rx.Component:
    kind = S.pending["kind"]

    def by_kind(part: str, **params: Any) -> rx.Var[Any]:
        return rx.match(kind, *[(k, t(f"users.confirm.{k}.{part}", **params)) for k in ("role", "disable")],
                        t(f"users.confirm.delete.{part}", **params))  # fmt: skip

    return confirm_dialog(
        open=S.pending.contains("kind"),
        title=by_kind("title"),
        description=by_kind("text", email=S.pending["email"], role=role_label(S.pending["role"])),
        confirm_label=by_kind("ok"),
        on_confirm=S.confirm, on_cancel=S.cancel,
    )  # fmt: skip


def _password_dialog() -> rx.Component:
    control = rx.input(
        name="password", id="new-password", type="password", auto_complete="new-password", width="100%",
        data_testid="new-password", **invalid_props("new-password", S.password_errors, "password"),
    )  # fmt: skip
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("users.password.title")),
            rx.dialog.description(t("users.password.text", email=S.password_email), size="2"),
            rx.form(
                rx.vstack(
                    labelled_field(t("users.field.new_password"), control, control_id="new-password",
                                   errors=S.password_errors, name="password", error_testid="password-error"),
                    rx.text(t("users.password_hint"), size="1", color_scheme="gray"),
                    rx.flex(
                        rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray",
                                                  type="button", on_click=S.close_password)),
                        rx.button(t("users.password.save"), type="submit", data_testid="password-save"),
                        gap="12px", justify="end", width="100%",
                    ),
                    spacing="3", margin_top="12px",
                ),
                on_submit=S.set_password, reset_on_submit=True, custom_attrs={"noValidate": True},
            ),
            max_width="min(440px, calc(100vw - 32px))",
            on_escape_key_down=S.close_password,
            on_pointer_down_outside=S.close_password,
        ),
        open=S.password_for > 0,
    )  # fmt: skip


def _notices() -> list[rx.Component]:
    return [
        rx.cond(has_text(S.error), rx.callout(local(S.error), color_scheme="red", icon="triangle-alert",
                                              data_testid="users-error", role="alert", width="100%")),
        rx.cond(has_text(S.notice), rx.callout(local(S.notice), color_scheme="green", icon="check",
                                               data_testid="users-notice", role="status", width="100%")),
    ]  # fmt: skip


def _list() -> rx.Component:
    search = labelled_field(
        t("common.search"),
        filter_input(control_id="users-search", value=S.q, on_change=S.set_search, testid="users-search",
                     type="search", placeholder=t("users.search_placeholder"), width="100%"),
        control_id="users-search", label_size="1", max_width="360px",
    )  # fmt: skip
    return rx.vstack(
        rx.flex(rx.box(search, flex="1", min_width="0"), list_summary(
            range_words=None, total=S.visible_rows.length(), noun=S.noun, testid="users-total",
        ), class_name="oppo-sticky", gap="12px", align="end", width="100%", padding_y="8px"),
        _table(),
        rx.cond(S.visible_rows.length() == 0,
                empty_state("search-x", t("users.no_matches"), testid="users-no-matches")),
        spacing="3", width="100%",
    )  # fmt: skip


def users_page() -> rx.Component:
    return rx.cond(
        S.allowed,
        rx.vstack(
            page_header(t("users.title")),
            *_notices(),
            _create_form(),
            _list(),
            _confirm(),
            _password_dialog(),
            spacing="4",
            width="100%",
        ),
        not_allowed("users.not_allowed"),
    )
