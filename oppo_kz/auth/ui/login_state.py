"""The /login page."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth import service as auth
from oppo_kz.auth.ui.state import AuthState, safe_next
from oppo_kz.core.errors import AuthError, DomainError, RateLimitedError
from oppo_kz.ui.run import run_service

GENERIC_LOGIN_ERROR = "Incorrect email or password."


class LoginState(rx.State):
    error: rx.Field[str] = rx.field("")
    loading: rx.Field[bool] = rx.field(False)

    def _next(self) -> str:
        return safe_next(self.router.url.query_parameters.get("next"))

    @rx.event
    async def on_load(self):
        """Someone already signed in goes straight on."""
        self.error = ""
        self.loading = False
        auth_state = await self.get_state(AuthState)
        if auth_state.refresh_token or auth_state.signed_in:
            try:
                await auth_state.principal()
            except AuthError:
                return None
            return rx.redirect(self._next(), replace=True)
        return None

    @rx.event
    async def submit(self, form: dict[str, str]):
        """Sign in; the password is used once and never stored in state."""
        email = (form.get("email") or "").strip()
        password = form.get("password") or ""
        if not email or not password:
            self.error = "Enter your email and password."
            return
        self.error = ""
        self.loading = True
        yield
        router = self.router
        try:
            pair = await run_service(
                auth.authenticate,
                write=True,
                email=email,
                password=password,
                user_agent=router.headers.user_agent,
                ip=router.session.client_ip,
            )
        except RateLimitedError as exc:
            self.error, self.loading = exc.message, False
            return
        except DomainError:
            self.error, self.loading = GENERIC_LOGIN_ERROR, False
            return
        auth_state = await self.get_state(AuthState)
        auth_state.apply_tokens(pair)
        self.loading = False
        yield rx.redirect(self._next(), replace=True)
