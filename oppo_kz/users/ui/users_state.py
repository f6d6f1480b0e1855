"""The admin-only /users page: search, create, role changes and disabling (after a confirmation),
deleting, and setting a new password."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError
from sqlmodel import Session

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import AuthState
from oppo_kz.core.errors import ConflictError, DomainError, ValidationFailedError
from oppo_kz.core.security import password_problem
from oppo_kz.ui.forms import focus_first
from oppo_kz.ui.i18n import Texts, no_texts, texts, tr
from oppo_kz.ui.paging import noun_texts
from oppo_kz.ui.run import run_in_session
from oppo_kz.ui.validation import error_texts, errors_of, people_errors
from oppo_kz.users import service as users
from oppo_kz.users.models import Role, UserCreate, UserPublic, UserUpdate

ROLES = [r.value for r in Role]
CREATE_ORDER = ("email", "full_name", "role", "password")
ERROR_TEXTS = {
    "email:invalid": "users.error.email",
    "email:required": "users.error.email",
    "email:taken": "users.error.email_taken",
    "password:invalid": "users.error.password",
    "password:required": "users.error.password",
}
REASONS = {"last_admin": "users.error.last_admin", "self": "users.error.self"}
# What the confirmation dialog asks, per pending action: (catalog key prefix, action).
CONFIRMED = ("role", "disable", "delete")


def _rows(user_list: list[Any]) -> list[dict[str, Any]]:
    return [UserPublic.model_validate(u).model_dump(mode="json") for u in user_list]


def matches(row: dict[str, Any], query: str) -> bool:
    """Whether a user row matches the search (name or email, any case)."""
    needle = query.strip().casefold()
    return not needle or needle in row["email"].casefold() or needle in (row["full_name"] or "").casefold()


def checked_user(form: dict[str, Any]) -> tuple[UserCreate | None, list[dict[str, Any]]]:
    """The new user the form describes, or every error at once (the schema's and the password rule)."""
    password = str(form.get("password") or "")
    errors: list[dict[str, Any]] = []
    user_in = None
    try:
        user_in = UserCreate(
            email=form.get("email", ""),
            full_name=form.get("full_name", ""),
            role=form.get("role") or Role.promoter,
            password=password,
        )
    except ValidationError as exc:
        errors = errors_of(exc)
    if password_problem(password):
        errors.append({"field": "password", "type": "value_error"})
    return (None, errors) if errors else (user_in, [])


def _role_name(role: str) -> Any:
    return lambda lang: tr(lang, f"role.{role}")


class UsersState(rx.State):
    rows: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    q: rx.Field[str] = rx.field("")
    allowed: rx.Field[bool] = rx.field(False)
    error: rx.Field[Texts] = rx.field(default_factory=dict)
    notice: rx.Field[Texts] = rx.field(default_factory=dict)
    form_errors: rx.Field[dict[str, Texts]] = rx.field(default_factory=dict)
    # The action waiting for "are you sure": kind (role | disable | delete), user, email, new role.
    pending: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    # The user whose password is being set (0: the dialog is closed).
    password_for: rx.Field[int] = rx.field(0)
    password_email: rx.Field[str] = rx.field("")
    password_errors: rx.Field[dict[str, Texts]] = rx.field(default_factory=dict)

    @rx.var
    def visible_rows(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if matches(row, self.q)]

    @rx.var
    def noun(self) -> dict[str, str]:
        """ "users" after the count, in the plural it takes, in every language."""
        return noun_texts("users.noun", len(self.visible_rows))

    async def _admin(self) -> Principal | None:
        """The acting admin, or None (the page then says "not allowed")."""
        actor = await (await self.get_state(AuthState)).principal_or_none()
        if actor is None:
            return None
        self.allowed = has_permission(actor.role, Permission.users_manage)
        return actor if self.allowed else None

    async def _reload(self, actor: Principal) -> None:
        def load(session: Session) -> list[dict[str, Any]]:
            return _rows(users.list_users(session=session, actor=actor))

        self.rows = await run_in_session(load)

    def _email_of(self, user_id: int) -> str:
        return next((r["email"] for r in self.rows if r["id"] == user_id), "")

    @rx.event
    async def load(self):
        self.error = self.notice = no_texts()
        self.form_errors, self.pending, self.password_for, self.q = {}, {}, 0, ""
        auth_state = await self.get_state(AuthState)
        actor = await self._admin()
        if actor is None:
            self.rows = []
            return auth_state.login_redirect() if not auth_state.signed_in else None
        await self._reload(actor)
        return None

    @rx.event
    def set_search(self, value: str):
        self.q = value[:100]

    # --- changes that ask first -------------------------------------------------------------

    @rx.event
    def ask(self, kind: str, user_id: int, role: str = ""):
        """Open the confirmation for a role change, disabling or deleting."""
        if kind not in CONFIRMED or (kind == "role" and role not in ROLES):
            return
        row = next((r for r in self.rows if r["id"] == user_id), None)
        if row is None or (kind == "role" and row["role"] == role):
            return
        self.pending = {"kind": kind, "user_id": str(user_id), "email": row["email"], "role": role}

    @rx.event
    def cancel(self):
        self.pending = {}

    @rx.event
    async def confirm(self):
        pending, self.pending = dict(self.pending), {}
        if not pending:
            return
        user_id, email = int(pending["user_id"]), pending["email"]
        if pending["kind"] == "delete":
            await self._delete(user_id, email)
        elif pending["kind"] == "disable":
            await self._change(
                user_id, UserUpdate(is_active=False), texts("users.notice.disabled", email=email)
            )
        else:
            role = pending["role"]
            notice = texts("users.notice.role", email=email, role=_role_name(role))
            await self._change(user_id, UserUpdate(role=Role(role)), notice)

    @rx.event
    async def enable(self, user_id: int):
        email = self._email_of(user_id)
        await self._change(user_id, UserUpdate(is_active=True), texts("users.notice.enabled", email=email))

    async def _change(self, user_id: int, changes: UserUpdate, done: Texts) -> None:
        actor = await self._admin()
        if actor is None:
            self.error = texts("users.not_allowed")
            return
        try:
            await run_in_session(
                lambda s: users.update_user(session=s, actor=actor, user_id=user_id, changes=changes),
                write=True,
            )
        except DomainError as exc:
            self.error, self.notice = error_texts(exc, REASONS), no_texts()
        else:
            self.error, self.notice = no_texts(), done
        await self._reload(actor)

    async def _delete(self, user_id: int, email: str) -> None:
        actor = await self._admin()
        if actor is None:
            self.error = texts("users.not_allowed")
            return
        try:
            await run_in_session(
                lambda s: users.delete_user(session=s, actor=actor, user_id=user_id), write=True
            )
        except DomainError as exc:
            self.error, self.notice = error_texts(exc, REASONS), no_texts()
        else:
            self.error, self.notice = no_texts(), texts("users.notice.deleted", email=email)
        await self._reload(actor)

    # --- a new password ---------------------------------------------------------------------

    @rx.event
    def open_password(self, user_id: int):
        self.password_for, self.password_email = user_id, self._email_of(user_id)
        self.password_errors = {}

    @rx.event
    def close_password(self):
        self.password_for, self.password_errors = 0, {}

    @rx.event
    async def set_password(self, form: dict[str, Any]):
        actor = await self._admin()
        if actor is None or not self.password_for:
            return
        user_id, email = self.password_for, self.password_email
        try:
            changes = UserUpdate(password=str(form.get("password") or ""))
            await run_in_session(
                lambda s: users.update_user(session=s, actor=actor, user_id=user_id, changes=changes),
                write=True,
            )
        except (ValidationError, ValidationFailedError) as exc:
            self.password_errors = people_errors(errors_of(exc), ERROR_TEXTS)
            yield rx.set_focus("new-password")
            return
        except DomainError as exc:
            self.error, self.notice = error_texts(exc, REASONS), no_texts()
        else:
            self.error, self.notice = no_texts(), texts("users.notice.password", email=email)
        self.password_for, self.password_errors = 0, {}
        await self._reload(actor)

    # --- a new user -------------------------------------------------------------------------

    @rx.event
    async def create(self, form: dict[str, Any]):
        actor = await self._admin()
        if actor is None:
            self.error = texts("users.not_allowed")
            return
        self.form_errors = {}
        user_in, errors = checked_user(form)
        if user_in is None:
            self.form_errors = people_errors(errors, ERROR_TEXTS)
            self.error, self.notice = texts("error.validation_error"), no_texts()
            yield focus_first(CREATE_ORDER, self.form_errors, "new-user-{}")
            return
        try:
            await run_in_session(
                lambda s: users.create_user(session=s, actor=actor, user_in=user_in), write=True
            )
        except ValidationFailedError as exc:
            self.form_errors = people_errors(errors_of(exc), ERROR_TEXTS)
            self.error, self.notice = texts("error.validation_error"), no_texts()
            yield focus_first(CREATE_ORDER, self.form_errors, "new-user-{}")
            return
        except ConflictError as exc:
            self.form_errors = people_errors([{"field": exc.details.get("field", "email"), "type": "conflict"}],
                                             ERROR_TEXTS)  # fmt: skip
            self.error, self.notice = no_texts(), no_texts()
            yield focus_first(CREATE_ORDER, self.form_errors, "new-user-{}")
            return
        except DomainError as exc:
            self.error, self.notice = error_texts(exc, REASONS), no_texts()
            return
        self.error, self.notice = no_texts(), texts("users.notice.created", email=user_in.email)
        await self._reload(actor)
        for control in ("new-user-email", "new-user-full_name", "new-user-password"):
            yield rx.set_value(control, "")
