"""/login."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.ui.login_state import LoginState
from oppo_kz.ui.forms import labelled_field
from oppo_kz.ui.i18n import has_text, html_lang_sync, local, t
from oppo_kz.ui.shell import lang_switch
from oppo_kz.ui.theme import BRAND_GREEN


def _heading() -> rx.Component:
    return rx.vstack(
        rx.flex(
            rx.hstack(
                rx.box(width="18px", height="18px", border_radius="5px", background=BRAND_GREEN),
                rx.heading(t("app.title"), as_="h1", size="5", data_testid="app-title"),
                align="center",
                spacing="2",
            ),
            rx.spacer(),
            lang_switch(),
            align="center",
            gap="8px",
            width="100%",
            wrap="wrap",
        ),
        rx.text(t("auth.login.subtitle"), size="2", color_scheme="gray"),
        spacing="4",
        width="100%",
    )


def _error() -> rx.Component:
    return rx.cond(
        has_text(LoginState.error),
        rx.callout(
            local(LoginState.error),
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
            rx.cond(LoginState.loading, t("auth.login.submitting"), t("auth.login.submit")),
            t("auth.login.connecting"),
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
        placeholder=t("auth.login.email_placeholder"),
        auto_complete="username",
        auto_focus=True,
    )
    password = _input("login-password", "password", type="password", auto_complete="current-password")
    return rx.box(
        html_lang_sync(),
        rx.el.main(
            rx.card(
                rx.form(
                    rx.vstack(
                        _heading(),
                        _error(),
                        labelled_field(t("auth.login.email"), email, control_id="login-email"),
                        labelled_field(t("auth.login.password"), password, control_id="login-password"),
                        _submit(),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=LoginState.submit,
                    reset_on_submit=False,
                ),
                width="100%",
                max_width="400px",
                size=rx.breakpoints(initial="3", xs="4"),
            ),
            style={
                "minHeight": "100vh",
                "display": "flex",
                "alignItems": "center",
                "justifyContent": "center",
                "padding": "16px",
            },
        ),
        background="var(--gray-2)",
    )
