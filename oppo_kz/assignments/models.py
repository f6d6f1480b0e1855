"""Which promoter works in which store, and when (`ends_on` null = still there)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ValidationInfo, field_validator
from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, utcnow
from oppo_kz.core.types import IsoDate, ReadOnlyEcho, RowId, Version, required

# Dates outside this range are typing mistakes, not assignments.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)


class Assignment(SQLModel, table=True):
    """A promoter's assignment to a store for a period; two of the same pair may not overlap."""

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        Index("ix_assignments_user_id_starts_on", "user_id", "starts_on"),
        Index("ix_assignments_store_id_starts_on", "store_id", "starts_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(
        sa_column=Column(Integer, ForeignKey("stores.id", ondelete="CASCADE"), nullable=False)
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    starts_on: date
    ends_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)


class _AssignmentInput(SQLModel):
    model_config = SQLModelConfig(extra="forbid")

    @field_validator("starts_on", "ends_on", check_fields=False)
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        if value is not None and not MIN_DATE <= value <= MAX_DATE:
            raise ValueError(f"must be between {MIN_DATE} and {MAX_DATE}")
        return value

    @field_validator("ends_on", check_fields=False)
    @classmethod
    def _ends_after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        # starts_on is declared first, so it is in `info.data` when it was given and valid; the error
        # names ends_on, as the service's check against a stored starts_on does.
        starts = info.data.get("starts_on")
        if value is not None and starts is not None and value < starts:
            raise ValueError("ends_on must not be before starts_on")
        return value


class AssignmentCreate(_AssignmentInput):
    store_id: RowId
    user_id: RowId
    starts_on: IsoDate
    ends_on: IsoDate | None = None


class AssignmentUpdate(_AssignmentInput, ReadOnlyEcho):
    """Change the dates (e.g. end an assignment); the store and the promoter stay."""

    starts_on: IsoDate | None = required()
    ends_on: IsoDate | None = None
    version: Version | None = None

    @field_validator("starts_on", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null")
        return value


class AssignmentPublic(SQLModel):
    id: int
    store_id: int
    user_id: int
    starts_on: date
    ends_on: date | None
    version: int
    created_at: datetime
    updated_at: datetime


class AssignmentsPage(SQLModel):
    items: list[AssignmentPublic]
    total: int
    page: int
    page_size: int
    pages: int
