"""/messages/new: write a message and choose its audience (head office: anyone; a supervisor: their
stores and those stores' promoters). The server checks the audience again."""

from __future__ import annotations

from typing import Any

import reflex as rx
from pydantic import ValidationError

from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.core.errors import DomainError, PermissionDeniedError
from oppo_kz.messages import audience as audiences
from oppo_kz.messages import service
from oppo_kz.messages.models import MAX_BODY, MAX_TITLE, Audience, MessageCreate
from oppo_kz.ui.run import run_service
from oppo_kz.users.models import Role

ROLES = tuple(r.value for r in Role)
LISTS = ("roles", "cities", "store_ids", "user_ids")


def build_message(title: str, body: str, chosen: dict[str, list[str]]) -> MessageCreate | None:
    """The message the form describes, or None when it is not a valid one."""
    try:
        audience = Audience(
            roles=[Role(r) for r in chosen.get("roles", []) if r in ROLES],
            cities=list(chosen.get("cities", [])),
            store_ids=[int(v) for v in chosen.get("store_ids", []) if v.isdigit()],
            user_ids=[int(v) for v in chosen.get("user_ids", []) if v.isdigit()],
        )
        return MessageCreate(title=title, body=body, audience=audience)
    except (ValidationError, ValueError):
        return None


class ComposeState(rx.State):
    title: rx.Field[str] = rx.field("")
    body: rx.Field[str] = rx.field("")
    chosen: rx.Field[dict[str, list[str]]] = rx.field(default_factory=lambda: {k: [] for k in LISTS})
    stores: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    cities: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    users: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    head_office: rx.Field[bool] = rx.field(False)
    allowed: rx.Field[bool] = rx.field(True)
    problem: rx.Field[str] = rx.field("")
    busy: rx.Field[bool] = rx.field(False)

    @rx.event
    async def load(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        self.title, self.body, self.problem, self.busy = "", "", "", False
        self.chosen = {k: [] for k in LISTS}
        self.allowed = has_permission(actor.role, Permission.messages_send)
        if not self.allowed:
            return None
        self.head_office = actor.role.value in ("admin", "office")
        choices = await run_service(audiences.audience_choices, actor=actor)
        as_text = [{"id": str(c["id"]), "label": str(c["label"])} for c in choices["stores"]]
        self.stores = as_text
        self.cities = [{"id": str(c["id"]), "label": str(c["label"])} for c in choices["cities"]]
        self.users = [{"id": str(c["id"]), "label": str(c["label"])} for c in choices["users"]]
        return None

    @rx.event
    def set_title(self, value: str) -> None:
        self.title = value[:MAX_TITLE]

    @rx.event
    def set_body(self, value: str) -> None:
        self.body = value[:MAX_BODY]

    @rx.event
    def toggle(self, kind: str, value: str, checked: bool) -> None:
        if kind not in LISTS:
            return
        current = [v for v in self.chosen.get(kind, []) if v != value]
        self.chosen = {**self.chosen, kind: [*current, value] if checked else current}

    @rx.event
    async def send(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        message_in = build_message(self.title, self.body, self.chosen)
        if message_in is None:
            self.problem = "required"
            return None
        self.busy = True
        try:
            message: Any = await run_service(
                service.send_message, write=True, actor=actor, message_in=message_in
            )
        except PermissionDeniedError:
            self.problem = "forbidden"
        except DomainError:
            self.problem = "generic"
        else:
            self.problem = ""
            return rx.redirect(f"/messages/{message.id}")
        finally:
            self.busy = False
        return None
