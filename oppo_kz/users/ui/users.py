"""/users — admins create users, change roles and disable accounts."""

from __future__ import annotations

from typing import Any

import reflex as rx

from oppo_kz.auth.ui.state import AuthState
from oppo_kz.ui.components import action_button, labelled_field, native_select
from oppo_kz.ui.shell import forbidden_notice
from oppo_kz.users.ui.users_state import ROLES, UsersState


def _field(label: str, control: rx.Component, name: str, control_id: str) -> rx.Component:
    return labelled_field(
        label,
        control,
        control_id=control_id,
        errors=UsersState.form_errors,
        name=name,
        error_testid=f"user-error-{name}",
        label_size="1",
    )


def _role_select(**props: Any) -> rx.Component:
    """A native select: keyboard- and test-friendly."""
    return native_select([(role, role) for role in ROLES], style={"minWidth": "130px"}, **props)


def _create_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.hstack(
                _field(
                    "Email",
                    rx.input(name="email", id="new-user-email", data_testid="new-user-email"),
                    "email",
                    "new-user-email",
                ),
                _field(
                    "Full name",
                    rx.input(name="full_name", id="new-user-name", data_testid="new-user-name"),
                    "full_name",
                    "new-user-name",
                ),
                _field(
                    "Role",
                    _role_select(
                        name="role", id="new-user-role", default_value="promoter", data_testid="new-user-role"
                    ),
                    "role",
                    "new-user-role",
                ),
                _field(
                    "Password",
                    rx.input(
                        name="password",
                        type="password",
                        id="new-user-password",
                        auto_complete="new-password",
                        data_testid="new-user-password",
                    ),
                    "password",
                    "new-user-password",
                ),
                rx.button("Create user", type="submit", data_testid="new-user-submit"),
                align="end",
                spacing="3",
                wrap="wrap",
            ),
            on_submit=UsersState.create,
            reset_on_submit=False,
        ),
        width="100%",
    )


def _row(user: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(user["email"]),
        rx.table.cell(user["full_name"]),
        rx.table.cell(
            _role_select(
                value=user["role"].to(str),
                on_change=lambda role: UsersState.set_role(user["id"], role),
                data_testid="user-role",
            )
        ),
        rx.table.cell(
            rx.cond(
                user["is_active"],
                rx.badge("active", color_scheme="green"),
                rx.badge("disabled", color_scheme="gray"),
            )
        ),
        rx.table.cell(
            rx.cond(
                user["id"].to(int) == AuthState.user_id,
                rx.text("you", size="1", color_scheme="gray"),
                rx.cond(
                    user["is_active"],
                    action_button(
                        "Disable",
                        on_click=UsersState.set_active(user["id"], False),
                        testid="user-disable",
                        kind="danger",
                        size="1",
                    ),
                    action_button(
                        "Enable",
                        on_click=UsersState.set_active(user["id"], True),
                        testid="user-enable",
                        kind="secondary",
                        size="1",
                    ),
                ),
            )
        ),
        align="center",
        data_testid="user-row",
        data_user_email=user["email"].to(str),
    )


def users_page() -> rx.Component:
    return rx.cond(
        UsersState.allowed,
        rx.vstack(
            rx.heading("Users", size="6"),
            rx.cond(
                UsersState.error != "",
                rx.callout(UsersState.error, color_scheme="red", data_testid="users-error"),
            ),
            rx.cond(
                UsersState.notice != "",
                rx.callout(UsersState.notice, color_scheme="green", data_testid="users-notice"),
            ),
            _create_form(),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Email"),
                        rx.table.column_header_cell("Name"),
                        rx.table.column_header_cell("Role"),
                        rx.table.column_header_cell("Status"),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(UsersState.rows, _row)),
                variant="surface",
                width="100%",
                data_testid="users-table",
            ),
            spacing="4",
            width="100%",
        ),
        forbidden_notice("Only admins can manage users."),
    )
