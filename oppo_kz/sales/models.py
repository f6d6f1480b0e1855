"""Sell-out: each phone (or accessory) a promoter sold, and its review by a supervisor or head office."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import field_validator
from sqlalchemy import BigInteger, CheckConstraint, Column, ForeignKey, Index, Integer, text
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, utcnow
from oppo_kz.core.types import (
    SPACES,
    IsoDateTime,
    ReadOnlyEcho,
    RowId,
    Text,
    Version,
    Whole,
    enum_column,
    required,
)
from oppo_kz.sales.imei import imei_problem

MAX_QUANTITY = 100
# A unit price above this is a typing mistake (the dearest OPPO phone costs ~1.3 million ₸); it also
# keeps quantity × price inside a 32-bit integer.
MAX_UNIT_PRICE = 20_000_000
MAX_NOTE = 1000


class PaymentType(StrEnum):
    cash = "cash"
    card = "card"
    kaspi = "kaspi"
    installment = "installment"
    other = "other"


class SaleStatus(StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"


def _fk(table: str, *, nullable: bool = False, ondelete: str = "RESTRICT") -> Any:
    return Column(Integer, ForeignKey(f"{table}.id", ondelete=ondelete), nullable=nullable)


class Sale(SQLModel, table=True):
    """One reported sale; only a pending one changes, and an IMEI is reported once (unless rejected)."""

    __tablename__ = "sales"
    __table_args__ = (
        CheckConstraint(f"quantity >= 1 AND quantity <= {MAX_QUANTITY}", name="quantity_range"),
        CheckConstraint("unit_price >= 0", name="unit_price_non_negative"),
        CheckConstraint("amount = quantity * unit_price", name="amount_is_quantity_times_price"),
        # One report per IMEI; a rejected report's IMEI may be reported again.
        Index(
            "uq_sales_imei_not_rejected",
            "imei",
            unique=True,
            sqlite_where=text("imei IS NOT NULL AND status != 'rejected'"),
            postgresql_where=text("imei IS NOT NULL AND status != 'rejected'"),
        ),
        # What lists filter, sort and group by; `id` last so one index serves the tie-break too.
        Index("ix_sales_sold_at_id", "sold_at", "id"),
        Index("ix_sales_promoter_id_sold_at", "promoter_id", "sold_at", "id"),
        Index("ix_sales_store_id_sold_at", "store_id", "sold_at", "id"),
        Index("ix_sales_status_sold_at", "status", "sold_at", "id"),
        Index("ix_sales_sale_date_store_id", "sale_date", "store_id"),
        Index("ix_sales_product_id_sale_date", "product_id", "sale_date"),
        # Reports by day/month (and store/promoter) over a period read this index alone (covering).
        Index("ix_sales_report", "sale_date", "status", "store_id", "promoter_id", "quantity", "amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(sa_column=_fk("stores"))
    promoter_id: int = Field(sa_column=_fk("users"))
    product_id: int = Field(sa_column=_fk("products"))
    imei: str | None = Field(default=None, max_length=15)
    quantity: int = 1
    unit_price: int
    amount: int = Field(sa_type=BigInteger)
    sold_at: datetime = Field(sa_type=UTCDateTime)
    sale_date: date  # the local day of sold_at in TIMEZONE
    payment_type: PaymentType = Field(
        default=PaymentType.cash, sa_type=enum_column(PaymentType, "payment_type")
    )
    status: SaleStatus = Field(default=SaleStatus.pending, sa_type=enum_column(SaleStatus, "sale_status"))
    review_note: str | None = Field(default=None, max_length=MAX_NOTE)
    reviewed_by_id: int | None = Field(
        default=None, sa_column=_fk("users", nullable=True, ondelete="SET NULL")
    )
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_by_id: int | None = Field(
        default=None, sa_column=_fk("users", nullable=True, ondelete="SET NULL")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)


Imei = Annotated[str, Text(max_length=32, pattern=r"\d{15}", message="An IMEI has exactly 15 digits.")]
Quantity = Annotated[int, Whole(1, MAX_QUANTITY)]
UnitPrice = Annotated[int, Whole(0, MAX_UNIT_PRICE)]
Note = Annotated[str, Text(max_length=MAX_NOTE)]
RejectNote = Annotated[str, Text(max_length=MAX_NOTE, require_text=True)]


class _SaleInput(SQLModel):
    model_config = SQLModelConfig(extra="forbid")

    @field_validator("imei", mode="before", check_fields=False)
    @classmethod
    def _imei(cls, value: Any) -> Any:
        # Say what is wrong in words (digits, length, check digit) before the schema's own check.
        if isinstance(value, str) and "\x00" not in value:
            problem = imei_problem(value.strip(SPACES))
            if problem is not None:
                raise ValueError(problem)
        return value


class SaleCreate(_SaleInput):
    """A sale as a promoter (or head office, for a promoter) reports it."""

    store_id: RowId
    product_id: RowId
    imei: Imei | None = None
    quantity: Quantity = 1
    unit_price: UnitPrice | None = None
    sold_at: IsoDateTime | None = None
    payment_type: PaymentType = PaymentType.cash
    promoter_id: RowId | None = None


class SaleUpdate(_SaleInput, ReadOnlyEcho):
    """A change to a pending sale: only the fields sent change; every rule is checked again."""

    store_id: RowId | None = required()
    product_id: RowId | None = required()
    imei: Imei | None = None
    quantity: Quantity | None = required()
    unit_price: UnitPrice | None = required()
    sold_at: IsoDateTime | None = required()
    payment_type: PaymentType | None = required()
    promoter_id: RowId | None = None
    version: Version | None = None

    @field_validator(
        "store_id", "product_id", "quantity", "unit_price", "sold_at", "payment_type", mode="before"
    )
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError("must not be null")
        return value


class ReviewRequest(SQLModel):
    """Approve or reject one sale; a rejection needs a note."""

    model_config = SQLModelConfig(extra="forbid")

    note: Note | None = None
    version: Version | None = None


class RejectRequest(ReviewRequest):
    """Reject one sale: `note` says why (the promoter reads it)."""

    note: RejectNote


class ReviewAction(StrEnum):
    approve = "approve"
    reject = "reject"


class BulkReviewRequest(SQLModel):
    """Approve or reject several sales at once; each id gets its own result."""

    model_config = SQLModelConfig(extra="forbid")

    ids: list[RowId] = Field(min_length=1, max_length=500)
    action: ReviewAction
    note: Note | None = None


class SalePublic(SQLModel):
    id: int
    store_id: int
    promoter_id: int
    product_id: int
    imei: str | None
    quantity: int
    unit_price: int
    amount: int
    sold_at: datetime
    sale_date: date
    payment_type: PaymentType
    status: SaleStatus
    review_note: str | None
    reviewed_by_id: int | None
    reviewed_at: datetime | None
    created_by_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime
    store_code: str
    store_name: str
    product_sku: str
    product_name: str
    promoter_name: str


class SalesPage(SQLModel):
    items: list[SalePublic]
    total: int
    page: int
    page_size: int
    pages: int


class ReviewResult(SQLModel):
    id: int
    status: str
    error_code: str | None = None


class BulkReviewResponse(SQLModel):
    results: list[ReviewResult]
