"""The audit log: who created, changed, reviewed, reverted or deleted what, and who signed in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from oppo_kz.core.db import UTCDateTime, utcnow
from oppo_kz.core.types import enum_column


class AuditAction(StrEnum):
    create = "create"
    update = "update"
    delete = "delete"
    approve = "approve"
    reject = "reject"
    close = "close"
    revert = "revert"
    login = "login"


# The contract's entities; a column of text (not a CHECK), so a domain that names a new one in its
# `Tracking(audit_entity=...)` needs no migration here.
ENTITIES = ("product", "store", "assignment", "sale", "target", "message", "bonus_rule", "user")


class AuditEntry(SQLModel, table=True):
    """One committed change (or sign-in); `changes` is `{"field": [old, new]}`, never a secret.

    `actor_id` is not a foreign key: the log outlives the users it names (their email stays here).
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_at_id", "at", "id"),
        Index("ix_audit_entries_entity_entity_id_at", "entity", "entity_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_id: int | None = Field(default=None, index=True)
    actor_email: str | None = Field(default=None, max_length=254)
    action: AuditAction = Field(sa_type=enum_column(AuditAction, "audit_action"), index=True)
    entity: str = Field(max_length=40)
    entity_id: int | None = Field(default=None)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AuditEntryPublic(SQLModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str | None
    action: AuditAction
    entity: str
    entity_id: int | None
    changes: dict[str, Any]


class AuditPage(SQLModel):
    items: list[AuditEntryPublic]
    total: int
    page: int
    page_size: int
    pages: int
