"""/login."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.ui.login_state import LoginState
from oppo_kz.ui.components import labelled_field
from oppo_kz.ui.i18n import html_lang_sync
from oppo_kz.ui.theme import APP_TITLE, BRAND_GREEN


def _heading() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.box(width="18px", height="18px", border_radius="5px", background=BRAND_GREEN),
            rx.heading(APP_TITLE, size="5", data_testid="app-title"),
            align="center",
            spacing="2",
        ),
        rx.text("Sign in with your work account.", size="2", color_scheme="gray"),
        spacing="4",
    )


def _error() -> rx.Component:
    return rx.cond(
        LoginState.error != "",
        rx.callout(
            LoginState.error,
            icon="triangle-alert",
            color_scheme="red",
            size="1",
            width="100%",
            data_testid="login-error",
            role="alert",
        ),
    )


def _input(control_id: str, name: str, **props: object) -> rx.Component:
    return rx.input(
        id=control_id, name=name, required=True, width="100%", size="3", data_testid=control_id, **props
    )


def _submit() -> rx.Component:
    return rx.button(
        rx.cond(
            rx.State.is_hydrated,
            rx.cond(LoginState.loading, "Signing in…", "Sign in"),
            "Connecting…",
        ),
        type="submit",
        loading=LoginState.loading,
        disabled=~rx.State.is_hydrated,
        width="100%",
        size="3",
        data_testid="login-submit",
    )


def login_page() -> rx.Component:
    email = _input(
        "login-email",
        "email",
        type="email",
        placeholder="name@oppo.kz",
        auto_complete="username",
        auto_focus=True,
    )
    password = _input("login-password", "password", type="password", auto_complete="current-password")
    return rx.center(
        html_lang_sync(),
        rx.card(
            rx.form(
                rx.vstack(
                    _heading(),
                    _error(),
                    labelled_field("Email", email, control_id="login-email"),
                    labelled_field("Password", password, control_id="login-password"),
                    _submit(),
                    spacing="4",
                    width="100%",
                ),
                on_submit=LoginState.submit,
                reset_on_submit=False,
            ),
            width="380px",
            size="4",
        ),
        min_height="100vh",
        background="var(--gray-2)",
    )
