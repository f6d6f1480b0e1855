"""/login."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth.ui.login_state import LoginState
from oppo_kz.ui.theme import BRAND_GREEN


def login_page() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.hstack(
                        rx.box(width="18px", height="18px", border_radius="5px", background=BRAND_GREEN),
                        rx.heading("OPPO KZ Data Platform", size="5", data_testid="app-title"),
                        align="center",
                        spacing="2",
                    ),
                    rx.text("Sign in with your work account.", size="2", color_scheme="gray"),
                    rx.cond(
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
                    ),
                    rx.vstack(
                        rx.text("Email", as_="label", html_for="login-email", size="2", weight="medium"),
                        rx.input(
                            id="login-email",
                            name="email",
                            type="email",
                            placeholder="name@oppo.kz",
                            auto_complete="username",
                            auto_focus=True,
                            required=True,
                            width="100%",
                            size="3",
                            data_testid="login-email",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.vstack(
                        rx.text(
                            "Password", as_="label", html_for="login-password", size="2", weight="medium"
                        ),
                        rx.input(
                            id="login-password",
                            name="password",
                            type="password",
                            auto_complete="current-password",
                            required=True,
                            width="100%",
                            size="3",
                            data_testid="login-password",
                        ),
                        spacing="1",
                        width="100%",
                    ),
                    rx.button(
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
                    ),
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
