"""Bonuses: head office's rules (₸ per unit of a product, a series or a category, for some dates), the
months it has closed, and each closed month's statement lines, frozen as they were at closing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import field_validator
from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, String
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, table_of, utcnow
from oppo_kz.core.types import (
    IsoDate,
    ReadOnlyEcho,
    RowId,
    StrictBool,
    Text,
    Version,
    Whole,
    enum_column,
    required,
)
from oppo_kz.products.models import Category
from oppo_kz.sales.models import Sale

# Statements read a month's approved sales: an index of their own on the sales table (declared here,
# beside the only queries that need it).
Index("ix_sales_status_sale_date", table_of(Sale).c.status, table_of(Sale).c.sale_date)

MAX_AMOUNT_PER_UNIT = 10_000_000
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2100, 12, 31)
TARGETS = ("product_id", "series", "category")


class BonusRule(SQLModel, table=True):
    """₸ per unit sold of one product, series or category, from `starts_on` to `ends_on` (inclusive)."""

    __tablename__ = "bonus_rules"
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN product_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN series IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN category IS NULL THEN 0 ELSE 1 END) = 1",
            name="exactly_one_target",
        ),
        CheckConstraint("amount_per_unit > 0", name="amount_positive"),
        CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        Index("ix_bonus_rules_starts_on_ends_on", "starts_on", "ends_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    product_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("products.id", ondelete="RESTRICT"), nullable=True, index=True),
    )
    series: str | None = Field(default=None, max_length=60)
    category: Category | None = Field(default=None, sa_type=enum_column(Category, "bonus_category"))
    amount_per_unit: int
    starts_on: date
    ends_on: date
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)


class BonusMonth(SQLModel, table=True):
    """A closed month (`YYYY-MM`): its statements are frozen and its sales no longer change."""

    __tablename__ = "bonus_months"

    month: str = Field(sa_column=Column(String(7), primary_key=True))
    closed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )


class BonusLine(SQLModel, table=True):
    """One sale's bonus in a closed month's statement, as it was when the month was closed."""

    __tablename__ = "bonus_lines"
    __table_args__ = (Index("ix_bonus_lines_month_promoter_id", "month", "promoter_id"),)

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(
        sa_column=Column(String(7), ForeignKey("bonus_months.month", ondelete="CASCADE"), nullable=False)
    )
    promoter_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="RESTRICT"), nullable=False)
    )
    sale_id: int = Field(
        sa_column=Column(Integer, ForeignKey("sales.id", ondelete="RESTRICT"), nullable=False)
    )
    sale_date: date
    product_sku: str = Field(max_length=64)
    quantity: int
    rule_id: int = Field(
        sa_column=Column(Integer, ForeignKey("bonus_rules.id", ondelete="RESTRICT"), nullable=False)
    )
    amount: int = Field(sa_type=BigInteger)


Name = Annotated[str, Text(max_length=200, require_text=True)]
Series = Annotated[str, Text(max_length=60, require_text=True)]
AmountPerUnit = Annotated[int, Whole(1, MAX_AMOUNT_PER_UNIT)]


class _RuleInput(SQLModel):
    model_config = SQLModelConfig(extra="forbid")

    @field_validator("starts_on", "ends_on", check_fields=False)
    @classmethod
    def _plausible(cls, value: date | None) -> date | None:
        if value is not None and not MIN_DATE <= value <= MAX_DATE:
            raise ValueError(f"must be between {MIN_DATE} and {MAX_DATE}")
        return value


class BonusRuleCreate(_RuleInput):
    """A new rule: exactly one of product_id, series, category."""

    name: Name
    product_id: RowId | None = None
    series: Series | None = None
    category: Category | None = None
    amount_per_unit: AmountPerUnit
    starts_on: IsoDate
    ends_on: IsoDate
    is_active: StrictBool = True
    # Exactly one target and ends_on >= starts_on are checked by the service (`rules._check_rule`),
    # whose errors name the field, for a create, a replacement and a change alike.


class BonusRuleReplace(BonusRuleCreate, ReadOnlyEcho):
    """A full replacement (PUT); `version`, when given, must match the stored one."""

    version: Version | None = None


class BonusRuleUpdate(_RuleInput, ReadOnlyEcho):
    """A partial change; the result must still have exactly one target and ends_on >= starts_on."""

    name: Name | None = required()
    product_id: RowId | None = None
    series: Series | None = None
    category: Category | None = None
    amount_per_unit: AmountPerUnit | None = required()
    starts_on: IsoDate | None = required()
    ends_on: IsoDate | None = required()
    is_active: StrictBool | None = required()
    version: Version | None = None

    @field_validator("name", "amount_per_unit", "starts_on", "ends_on", "is_active", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null")
        return value


class BonusRulePublic(SQLModel):
    id: int
    name: str
    product_id: int | None
    series: str | None
    category: Category | None
    amount_per_unit: int
    starts_on: date
    ends_on: date
    is_active: bool
    version: int
    created_at: datetime
    updated_at: datetime


class BonusRulesPage(SQLModel):
    items: list[BonusRulePublic]
    total: int
    page: int
    page_size: int
    pages: int


class StatementRow(SQLModel):
    promoter_id: int
    promoter_name: str
    units: int
    amount: int


class MonthStatements(SQLModel):
    month: str
    closed: bool
    rows: list[StatementRow]
    total: int


class StatementLine(SQLModel):
    sale_id: int
    sale_date: date
    product_sku: str
    quantity: int
    rule_id: int
    amount: int


class Statement(StatementRow):
    month: str
    closed: bool
    lines: list[StatementLine]


class MonthInfo(SQLModel):
    month: str
    closed: bool
    closed_at: datetime | None
    closed_by_id: int | None


class MonthsPage(SQLModel):
    items: list[MonthInfo]
    total: int
    page: int
    page_size: int
    pages: int
