"""The signed-in user of a browser tab, and the checks every privileged handler makes."""

from __future__ import annotations

import contextlib
import time
from urllib.parse import quote

import reflex as rx
from reflex_base.event import EventSpec

from oppo_kz.auth import service as auth
from oppo_kz.auth.permissions import Permission, permissions_for
from oppo_kz.auth.service import Principal, TokenPair, session_ended_for
from oppo_kz.core.config import get_settings
from oppo_kz.core.errors import AuthError, DomainError
from oppo_kz.lib.formatting import LANGS
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.run import run_service
from oppo_kz.users import service as users
from oppo_kz.users.models import Role

# Refresh the access token this long before it expires.
REFRESH_MARGIN_SECONDS = 60
# Tabs of one browser share the stored refresh token and may rotate it at the same moment.
UI_REUSE_GRACE_SECONDS = 10
# Feature switches the UI may ask about (a navigation entry names one to be shown only when it is on).
FEATURE_FLAGS = ("ENABLE_MESSAGES", "ENABLE_BONUSES")


def feature_flags() -> dict[str, bool]:
    """Which optional modules are switched on (settings), for the navigation."""
    settings = get_settings()
    return {name: bool(getattr(settings, name, False)) for name in FEATURE_FLAGS}


def safe_next(target: str | None, default: str = "/dashboard") -> str:
    """Only local paths are followed after login (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if target.startswith("/login"):
        return default
    return target


def principal_of(pair: TokenPair) -> Principal:
    """The acting user of a token pair just issued (checked by the login or refresh that made it)."""
    return Principal(
        id=pair.user.id,
        email=pair.user.email,
        full_name=pair.user.full_name,
        role=pair.user.role,
        session_id=pair.session_id,
    )


class AuthState(rx.State):
    """Who is signed in. The refresh token lives in the browser (shared by its tabs, so a reload or
    a new tab stays signed in); the access token never leaves the server."""

    refresh_token: str = rx.LocalStorage("", name="oppo_refresh", sync=True)
    user_id: rx.Field[int] = rx.field(0)
    email: rx.Field[str] = rx.field("")
    full_name: rx.Field[str] = rx.field("")
    role: rx.Field[str] = rx.field("")
    permissions: rx.Field[dict[str, bool]] = rx.field(default_factory=dict)
    flags: rx.Field[dict[str, bool]] = rx.field(default_factory=dict)

    _access_token: str = ""
    _access_expires: float = 0.0
    _session_id: str = ""

    @rx.var
    def signed_in(self) -> bool:
        return self.role != ""

    @rx.var
    def can_create(self) -> bool:
        return self.permissions.get(Permission.products_create.value, False)

    @rx.var
    def can_update(self) -> bool:
        return self.permissions.get(Permission.products_update.value, False)

    @rx.var
    def can_delete(self) -> bool:
        return self.permissions.get(Permission.products_delete.value, False)

    @rx.var
    def can_manage_users(self) -> bool:
        return self.permissions.get(Permission.users_manage.value, False)

    # --- helpers for other states (not events) ---------------------------------------------------

    def apply_tokens(self, pair: TokenPair) -> None:
        """Adopt a fresh token pair from a login or a refresh."""
        self.refresh_token = pair.refresh_token
        self._access_token = pair.access_token
        self._access_expires = pair.access_expires_at.timestamp()
        self._session_id = pair.session_id
        self._set_user(pair.user.id, pair.user.email, pair.user.full_name, pair.user.role.value)

    def _set_user(self, user_id: int, email: str, full_name: str, role: str) -> None:
        self.user_id, self.email, self.full_name, self.role = user_id, email, full_name, role
        self.permissions = permissions_for(role)
        self.flags = feature_flags() if role else {}

    def clear(self) -> None:
        self.refresh_token = ""
        self._access_token = ""
        self._access_expires = 0.0
        self._session_id = ""
        self._set_user(0, "", "", "")
        self.permissions = {}

    async def principal(self) -> Principal:
        """The acting user, checked against the database now; refreshes the access token silently.

        Raises `AuthError` when there is no valid login (the caller sends the user to /login).
        """
        if self._access_token and self._access_expires - time.time() > REFRESH_MARGIN_SECONDS:
            try:
                actor = await run_service(auth.principal_from_access_token, token=self._access_token)
            except AuthError:
                self.clear()
                raise
            if actor.role.value != self.role or actor.full_name != self.full_name:
                self._set_user(actor.id, actor.email, actor.full_name, actor.role.value)
            return actor
        if not self.refresh_token:
            self.clear()
            raise AuthError()
        try:
            pair = await run_service(
                auth.refresh,
                write=True,
                refresh_token=self.refresh_token,
                reuse_grace_seconds=UI_REUSE_GRACE_SECONDS,
            )
        except DomainError:
            self.clear()
            raise AuthError() from None
        self.apply_tokens(pair)
        return principal_of(pair)

    async def principal_or_none(self) -> Principal | None:
        """`principal()`, with None instead of `AuthError` when there is no valid login."""
        try:
            return await self.principal()
        except AuthError:
            return None

    def login_ended(self, data: dict[str, object]) -> bool:
        """Whether an `auth.session_ended` event is about this tab's login."""
        return bool(self._session_id) and session_ended_for(
            data,
            Principal(
                id=self.user_id,
                email=self.email,
                full_name="",
                role=Role.promoter,
                session_id=self._session_id,
            ),
        )

    def login_redirect(self) -> EventSpec:
        """Send the visitor to /login, and back to this page afterwards."""
        url = self.router.url
        # Pages are served as folders, so a typed /users arrives as /users/.
        here = (url.path.rstrip("/") or "/") + (f"?{url.query}" if url.query else "")
        return rx.redirect(f"/login?next={quote(safe_next(here), safe='')}", replace=True)

    async def adopt_locale(self, actor: Principal) -> None:
        """After sign-in: the language the user chose before (on any device) becomes this browser's."""
        try:
            profile = await run_service(users.get_profile, actor=actor)
        except DomainError:
            return
        if profile.locale in LANGS:
            (await self.get_state(I18nState)).lang_pref = profile.locale

    # --- events ------------------------------------------------------------------------------

    @rx.event
    async def choose_lang(self, lang: str):
        """The header's language switch: this browser follows at once; a signed-in user keeps the
        choice on their account, so their next sign-in anywhere starts in it."""
        if lang not in LANGS:
            return
        (await self.get_state(I18nState)).lang_pref = lang
        if not self.role:
            return
        actor = await self.principal_or_none()
        if actor is not None:
            with contextlib.suppress(DomainError):
                await run_service(users.set_locale, write=True, actor=actor, locale=lang)

    @rx.event
    async def require_login(self):
        """on_load guard of every page but /login."""
        try:
            await self.principal()
        except AuthError:
            return self.login_redirect()
        return None

    @rx.event
    async def logout(self):
        """End this login everywhere (its refresh and access tokens stop working)."""
        token = self.refresh_token
        self.clear()
        if token:
            with contextlib.suppress(DomainError):  # already ended
                await run_service(auth.logout, write=True, refresh_token=token)
        return rx.redirect("/login", replace=True)


async def actor_or_login(state: rx.State) -> Principal | EventSpec:
    """The signed-in actor of `state`'s tab, checked now; else the redirect to /login to return.

    actor = await actor_or_login(self)
    if not isinstance(actor, Principal):
        return actor
    """
    auth_state = await state.get_state(AuthState)
    actor = await auth_state.principal_or_none()
    return actor if actor is not None else auth_state.login_redirect()
