"""Monthly targets: units and tenge for one store or one promoter in one month."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, utcnow
from oppo_kz.core.types import ReadOnlyEcho, RowId, Text, Version, Whole, required

MONTH_PATTERN = r"(19|20|21)\d{2}-(0[1-9]|1[0-2])"
# A target above these is a typing mistake (the whole country sells far less in a month).
MAX_UNITS = 10_000_000
MAX_AMOUNT = 10**13


class Target(SQLModel, table=True):
    """One month's target of a store or of a promoter (exactly one of the two)."""

    __tablename__ = "targets"
    __table_args__ = (
        CheckConstraint(
            "(store_id IS NULL AND promoter_id IS NOT NULL) OR (store_id IS NOT NULL AND promoter_id IS NULL)",
            name="one_subject",
        ),
        CheckConstraint("units >= 0 AND amount >= 0", name="non_negative"),
        CheckConstraint("units > 0 OR amount > 0", name="something_to_reach"),
        # NULLs are distinct in both databases, so each pair is unique among its own kind of target.
        UniqueConstraint("month", "store_id", name="uq_targets_month_store_id"),
        UniqueConstraint("month", "promoter_id", name="uq_targets_month_promoter_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(max_length=7, index=True)
    store_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("stores.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    promoter_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True),
    )
    units: int = 0
    amount: int = Field(default=0, sa_type=BigInteger)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)


Month = Annotated[str, Text(max_length=7, pattern=MONTH_PATTERN, message="a month is written YYYY-MM")]
Units = Annotated[int, Whole(0, MAX_UNITS)]
Amount = Annotated[int, Whole(0, MAX_AMOUNT)]


class TargetCreate(SQLModel):
    """A new target: a month, a store or a promoter, and units and/or tenge to reach."""

    model_config = SQLModelConfig(extra="forbid")

    month: Month
    store_id: RowId | None = None
    promoter_id: RowId | None = None
    units: Units = 0
    amount: Amount = 0


class TargetUpdate(ReadOnlyEcho):
    """A change (PATCH): only the fields sent change; the result is checked as a whole."""

    model_config = SQLModelConfig(extra="forbid")

    month: Month | None = required()
    store_id: RowId | None = None
    promoter_id: RowId | None = None
    units: Units | None = required()
    amount: Amount | None = required()
    version: Version | None = None


class TargetPublic(SQLModel):
    id: int
    month: str
    store_id: int | None
    promoter_id: int | None
    units: int
    amount: int
    version: int
    created_at: datetime
    updated_at: datetime
    store_name: str | None = None
    promoter_name: str | None = None


class TargetsPage(SQLModel):
    items: list[TargetPublic]
    total: int
    page: int
    page_size: int
    pages: int


class CopyMonthRequest(SQLModel):
    """Copy one month's targets into another (those already set there are kept)."""

    model_config = SQLModelConfig(extra="forbid")

    source: Month
    month: Month
