"""/stores/new and /stores/{id}: a store's form (or its read-only view) and its promoters' assignments."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import reflex as rx
from pydantic import ValidationError

from oppo_kz.assignments import service as assignments
from oppo_kz.assignments.models import AssignmentCreate, AssignmentUpdate
from oppo_kz.auth.permissions import Permission, has_permission
from oppo_kz.auth.service import Principal
from oppo_kz.auth.ui.state import actor_or_login
from oppo_kz.core.errors import ConflictError, DomainError, NotFoundError, ValidationFailedError
from oppo_kz.lib.formatting import day
from oppo_kz.stores import service as stores
from oppo_kz.stores.models import Store, StoreCreate, StoreUpdate
from oppo_kz.ui.i18n import I18nState
from oppo_kz.ui.run import run_in_session, run_service
from oppo_kz.users.models import Role

FIELDS = ("code", "name", "chain", "city", "address", "latitude", "longitude", "supervisor_id", "is_active")
# pydantic error types -> the catalog code of the message people read
_CODES = {
    "missing": "required",
    "string_too_short": "required",
    "value_error": "code",
    "float_type": "number",
    "float_parsing": "number",
    "greater_than_equal": "range",
    "less_than_equal": "range",
}


def store_values(store: Store | None) -> dict[str, str]:
    """A store as the strings its form shows."""
    if store is None:
        return dict.fromkeys(FIELDS, "") | {"is_active": "true", "chain": "Technodom"}
    values = {name: "" if getattr(store, name) is None else str(getattr(store, name)) for name in FIELDS}
    values["is_active"] = "true" if store.is_active else "false"
    return values


def parse_store(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Form strings -> the body of a store, with the catalog code of each field that is not a number."""
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name in ("code", "name", "chain", "city", "address"):
        data[name] = values.get(name, "").strip()
    for name in ("latitude", "longitude"):
        text = values.get(name, "").strip().replace(",", ".")
        try:
            number = float(text) if text else None
        except ValueError:
            number = math.nan
        if number is not None and not math.isfinite(number):  # "abc", "nan", "1e999"
            errors[name] = "number"
        data[name] = number
    supervisor = values.get("supervisor_id", "")
    data["supervisor_id"] = int(supervisor) if supervisor.isdigit() else None
    data["is_active"] = values.get("is_active", "true") == "true"
    data["address"] = data["address"] or None
    return data, errors


class StoreState(rx.State):
    store_id: rx.Field[int] = rx.field(0)
    is_new: rx.Field[bool] = rx.field(True)
    found: rx.Field[bool] = rx.field(True)
    can_edit: rx.Field[bool] = rx.field(False)
    can_assign: rx.Field[bool] = rx.field(False)
    values: rx.Field[dict[str, str]] = rx.field(default_factory=lambda: store_values(None))
    version: rx.Field[int] = rx.field(0)
    errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    supervisors: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    promoters: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    assignments: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    new_promoter: rx.Field[str] = rx.field("")
    new_starts_on: rx.Field[str] = rx.field("")
    new_ends_on: rx.Field[str] = rx.field("")
    assign_problem: rx.Field[str] = rx.field("")
    saved: rx.Field[bool] = rx.field(False)
    form_key: rx.Field[int] = rx.field(0)

    async def _read(self, actor: Principal) -> None:
        lang = (await self.get_state(I18nState)).lang
        store_id = self.store_id

        def read(
            session: Any,
        ) -> tuple[Store | None, list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
            store = None if self.is_new else stores.get_store(session=session, actor=actor, store_id=store_id)
            rows = (
                []
                if store is None
                else assignments.store_assignments(session=session, actor=actor, store_id=store_id)
            )
            choose = has_permission(actor.role, Permission.assignments_manage)
            people = assignments.promoter_choices(session=session, actor=actor) if choose else []
            return store, rows, stores.supervisor_choices(session=session, actor=actor), people

        try:
            store, rows, self.supervisors, self.promoters = await run_in_session(read)
        except NotFoundError:
            self.found = False
            return
        self.found, self.values, self.version = True, store_values(store), store.version if store else 0
        self.assignments = [
            {"id": a["id"], "user": a["user_name"], "starts_on": day(a["starts_on"], lang),
             "ends_on": day(a["ends_on"], lang) if a["ends_on"] else "", "open": a["ends_on"] is None}
            for a in rows
        ]  # fmt: skip
        supervises = store is not None and (actor.role != Role.supervisor or store.supervisor_id == actor.id)
        self.can_assign = supervises and has_permission(actor.role, Permission.assignments_manage)
        self.form_key += 1

    @rx.event
    async def load(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        raw = str(self.router.page.params.get("store_id", "new"))
        self.is_new = raw == "new"
        self.store_id = int(raw) if raw.isdigit() and len(raw) < 10 else 0
        if not self.is_new and not self.store_id:
            self.found = False
            return None
        permission = Permission.stores_create if self.is_new else Permission.stores_update
        self.can_edit = has_permission(actor.role, permission)
        self.errors, self.saved, self.assign_problem = {}, False, ""
        await self._read(actor)
        return None

    @rx.event
    def remember(self, field: str, value: Any) -> None:
        if field in FIELDS:
            text = ("true" if value else "false") if isinstance(value, bool) else str(value)
            self.values = self.values | {field: text}

    def _schema_errors(self, exc: ValidationError | ValidationFailedError) -> dict[str, str]:
        if isinstance(exc, ValidationFailedError):
            return {
                e["field"]: "supervisor" if e["field"] == "supervisor_id" else "generic" for e in exc.errors
            }
        return {str(e["loc"][0]): _CODES.get(e["type"], "generic") for e in exc.errors() if e["loc"]}

    @rx.event
    async def save(self):
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        data, errors = parse_store(self.values)
        if errors:
            self.errors = errors
            return None
        try:
            if self.is_new:
                store = await run_service(
                    stores.create_store, write=True, actor=actor, store_in=StoreCreate(**data)
                )
            else:
                changes = StoreUpdate(**data, version=self.version)
                store = await run_service(
                    stores.update_store, write=True, actor=actor, store_id=self.store_id, changes=changes
                )
        except (ValidationError, ValidationFailedError) as exc:
            self.errors = self._schema_errors(exc)
            return None
        except ConflictError as exc:
            self.errors = {"code": "code_taken"} if exc.details.get("field") == "code" else {"form": "stale"}
            if "form" in self.errors:
                await self._read(actor)
            return None
        except DomainError:
            self.errors = {"form": "generic"}
            return None
        self.errors, self.saved = {}, True
        if self.is_new:
            return rx.redirect(f"/stores/{store.id}")
        await self._read(actor)
        return None

    # --- assignments --------------------------------------------------------------------------------

    @rx.event
    def set_new(self, field: str, value: str) -> None:
        if field == "promoter":
            self.new_promoter = value
        elif field == "starts_on":
            self.new_starts_on = value
        elif field == "ends_on":
            self.new_ends_on = value

    @rx.event
    async def assign(self):
        """Assign the chosen promoter from `starts_on` (until `ends_on`, or open)."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        if not self.new_promoter.isdigit():
            self.assign_problem = "promoter"
            return None
        try:
            body = AssignmentCreate(
                store_id=self.store_id,
                user_id=int(self.new_promoter),
                starts_on=date.fromisoformat(self.new_starts_on or stores.today().isoformat()),
                ends_on=date.fromisoformat(self.new_ends_on) if self.new_ends_on else None,
            )
            await run_service(assignments.create_assignment, write=True, actor=actor, assignment_in=body)
        except (ValueError, ValidationFailedError):
            self.assign_problem = "dates"
            return None
        except ConflictError:
            self.assign_problem = "overlap"
            return None
        self.assign_problem, self.new_promoter, self.new_starts_on, self.new_ends_on = "", "", "", ""
        await self._read(actor)
        return None

    @rx.event
    async def end(self, assignment_id: int):
        """End an assignment today (its history stays)."""
        actor = await actor_or_login(self)
        if not isinstance(actor, Principal):
            return actor
        try:
            await run_service(
                assignments.update_assignment, write=True, actor=actor, assignment_id=assignment_id,
                changes=AssignmentUpdate(ends_on=stores.today()),
            )  # fmt: skip
        except DomainError:
            self.assign_problem = "dates"
        await self._read(actor)
        return None
