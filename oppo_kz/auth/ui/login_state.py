"""The /login page."""

from __future__ import annotations

import reflex as rx

from oppo_kz.auth import service as auth
from oppo_kz.auth.ui.state import AuthState, principal_of, safe_next
from oppo_kz.core.errors import AuthError, DomainError, InvalidCredentialsError, RateLimitedError
from oppo_kz.ui.i18n import Texts, no_texts, texts
from oppo_kz.ui.run import run_service
from oppo_kz.ui.validation import error_texts


class LoginState(rx.State):
    # In every language (`local(...)` shows the tab's): a switch of language re-words it at once.
    error: rx.Field[Texts] = rx.field(default_factory=dict)
    loading: rx.Field[bool] = rx.field(False)

    def _next(self) -> str:
        return safe_next(self.router.url.query_parameters.get("next"))

    @rx.event
    async def on_load(self):
        """Someone already signed in goes straight on."""
        self.error = no_texts()
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
            self.error = texts("auth.login.missing")
            return
        self.error = no_texts()
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
            self.error, self.loading = error_texts(exc), False
            return
        except DomainError:
            # The same words whatever was wrong: never which of email and password.
            self.error, self.loading = error_texts(InvalidCredentialsError()), False
            return
        auth_state = await self.get_state(AuthState)
        auth_state.apply_tokens(pair)
        await auth_state.adopt_locale(principal_of(pair))
        self.loading = False
        yield rx.redirect(self._next(), replace=True)
