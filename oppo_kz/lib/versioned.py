"""Writes to versioned rows: lock the row, check the version(s) the caller saw, refuse changes to what
the server owns. Every resource with `version` (products, stores, assignments, sales, ...) uses these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, Protocol, TypeVar, cast

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from oppo_kz.core.db import set_actor
from oppo_kz.core.errors import ConflictError, NotFoundError, ValidationFailedError
from oppo_kz.core.types import is_row_id

ExpectedVersion = int | tuple[int, ...] | None


class VersionedRow(Protocol):
    id: int | None
    version: int
    created_at: datetime


class Echo(Protocol):
    """A body that may carry back what GET returned (`id`, `created_at`), see `core.types.ReadOnlyEcho`."""

    id: int | None
    created_at: datetime | None


class Actor(Protocol):
    """Who writes: a signed-in principal whose role may or may not allow a permission."""

    def require(self, permission: Any) -> None: ...


R = TypeVar("R", bound=SQLModel)


def not_found(label: str, row_id: Any) -> NotFoundError:
    """The contract's 404 for a row that does not exist (or is outside the caller's scope)."""
    return NotFoundError(f"{label} {row_id} does not exist.", details={"id": row_id})


def load_for_update(session: Session, model: type[R], row_id: Any, label: str) -> R:
    """The row, locked for this transaction (SELECT ... FOR UPDATE), freshly read; else 404."""
    if not is_row_id(row_id):
        raise not_found(label, row_id)
    row = session.scalars(
        select(model)
        .where(col(model.id) == row_id)  # type: ignore[attr-defined]
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if row is None:
        raise not_found(label, row_id)
    return row


def check_version(row: VersionedRow, label: str, *expected: ExpectedVersion) -> None:
    """Each expectation (the body's `version`, If-Match's tags) must name the current version."""
    for version in expected:
        allowed = version if isinstance(version, tuple) else (version,)
        if version is not None and row.version not in allowed:
            raise ConflictError(
                f"{label} {row.id} was changed by someone else: you have version {version}, "
                f"the current one is {row.version}. Reload it and try again.",
                details={"field": "version", "current_version": row.version, "expected_version": version},
            )


def check_echo(body: Echo, row: VersionedRow, label: str) -> None:
    """A body may echo GET's `id` and `created_at`, but not change them."""
    if body.id is not None and body.id != row.id:
        message = f"The body is {label.lower()} {body.id} but the URL names {label.lower()} {row.id}."
        raise ValidationFailedError([{"field": "id", "message": message}])
    # `updated_at` is the server's to set and is ignored; `version` guards against stale edits.
    if body.created_at is not None and body.created_at.astimezone(UTC) != row.created_at:
        raise ValidationFailedError(
            [{"field": "created_at", "message": "created_at is set by the server and cannot be changed."}]
        )


@dataclass(frozen=True)
class Versioned(Generic[R]):
    """A versioned model and the word its messages name it by (`Versioned(Store, "Store")`)."""

    model: type[R]
    label: str

    def open(
        self,
        session: Session,
        actor: Actor,
        permission: Any,
        row_id: Any,
        *expected: ExpectedVersion,
        echo: Echo | None = None,
    ) -> R:
        """What every change of a versioned row starts with: the actor's permission (403), the actor
        named for the audit trail, the row locked and freshly read (404), the body's echo of
        `id`/`created_at` (422) and each version the caller saw (409)."""
        actor.require(permission)
        set_actor(session, actor)
        row = load_for_update(session, self.model, row_id, self.label)
        if echo is not None:
            check_echo(echo, cast(VersionedRow, row), self.label)
        check_version(cast(VersionedRow, row), self.label, *expected)
        return row


def apply_changes(row: Any, data: dict[str, Any]) -> None:
    """Set the fields whose value differs (an update that changes nothing keeps the version)."""
    for name, value in data.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def commit_delete(session: Session, label: str, row_id: Any) -> None:
    """Commit a delete; a row other rows still point at (a product with sales, say) is a conflict."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError(
            f"{label} {row_id} is still in use (for example by sales), so it cannot be deleted; "
            "deactivate it instead.",
            details={"field": "id", "reason": "in_use"},
        ) from None
