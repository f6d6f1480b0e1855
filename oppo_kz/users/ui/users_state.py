"""The admin-only /users page."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError
from sqlmodel import Session

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import AuthState
from oppo_kz.core.errors import DomainError, ValidationFailedError
from oppo_kz.lib.validation import errors_by_field
from oppo_kz.ui.run import run_in_session
from oppo_kz.users import service as users
from oppo_kz.users.models import Role, UserCreate, UserPublic, UserUpdate

ROLES = [r.value for r in Role]


def _rows(user_list: list[Any]) -> list[dict[str, Any]]:
    return [UserPublic.model_validate(u).model_dump(mode="json") for u in user_list]


class UsersState(rx.State):
    rows: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    allowed: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    form_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)

    async def _admin(self) -> Principal | None:
        """The acting admin, or None after sending the visitor away / flagging the page forbidden."""
        actor = await (await self.get_state(AuthState)).principal_or_none()
        if actor is None:
            return None
        self.allowed = has_permission(actor.role, Permission.users_manage)
        return actor if self.allowed else None

    async def _reload(self, actor: Principal) -> None:
        def load(session: Session) -> list[dict[str, Any]]:
            return _rows(users.list_users(session=session, actor=actor))

        self.rows = await run_in_session(load)

    @rx.event
    async def load(self):
        self.error = self.notice = ""
        self.form_errors = {}
        auth_state = await self.get_state(AuthState)
        actor = await self._admin()
        if actor is None:
            self.rows = []
            return auth_state.login_redirect() if not auth_state.signed_in else None
        await self._reload(actor)
        return None

    async def _change(self, user_id: int, changes: UserUpdate, done: str):
        actor = await self._admin()
        if actor is None:
            self.error = "Your role does not allow managing users."
            return
        try:
            await run_in_session(
                lambda s: users.update_user(session=s, actor=actor, user_id=user_id, changes=changes),
                write=True,
            )
        except DomainError as exc:
            self.error, self.notice = exc.message, ""
        else:
            self.error, self.notice = "", done
        await self._reload(actor)

    @rx.event
    async def set_role(self, user_id: int, role: str):
        await self._change(user_id, UserUpdate(role=Role(role)), f"Role changed to {role}.")

    @rx.event
    async def set_active(self, user_id: int, active: bool):
        await self._change(
            user_id, UserUpdate(is_active=active), "User enabled." if active else "User disabled."
        )

    @rx.event
    async def create(self, form: dict[str, Any]):
        actor = await self._admin()
        if actor is None:
            self.error = "Your role does not allow managing users."
            return
        self.form_errors = {}
        try:
            user_in = UserCreate(
                email=form.get("email", ""),
                full_name=form.get("full_name", ""),
                role=form.get("role") or Role.promoter,
                password=form.get("password", ""),
            )
            await run_in_session(
                lambda s: users.create_user(session=s, actor=actor, user_in=user_in), write=True
            )
        except (ValidationError, ValidationFailedError) as exc:
            self.form_errors = errors_by_field(exc)
            self.error, self.notice = "Check the highlighted fields.", ""
            return
        except DomainError as exc:
            self.error, self.notice = exc.message, ""
            if exc.details.get("field"):
                self.form_errors = {exc.details["field"]: exc.message}
            return
        self.error, self.notice = "", f"User {user_in.email} created."
        await self._reload(actor)
        yield rx.set_value("new-user-email", "")
        yield rx.set_value("new-user-name", "")
        yield rx.set_value("new-user-password", "")
