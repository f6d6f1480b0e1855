"""Products of the catalogue and their in/out schemas (one schema validates REST bodies and UI forms)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import field_validator
from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, declare_unmodelled, utcnow
from oppo_kz.core.types import (
    IsoDate,
    ReadOnlyEcho,
    StrictBool,
    Text,
    Version,
    Whole,
    enum_column,
    not_null,
)

# Integer columns are 32-bit on PostgreSQL; keep every accepted number well inside that.
MAX_PRICE = 1_000_000_000
MAX_STOCK = 1_000_000_000
MAX_MEMORY_GB = 65_536

# Text search (migration 0002): an FTS5 trigram table on SQLite, pg_trgm indexes on PostgreSQL.
SEARCH_TABLE = "products_fts"
declare_unmodelled(SEARCH_TABLE, f"{SEARCH_TABLE}_*", "ix_products_name_trgm", "ix_products_sku_trgm")


class Category(StrEnum):
    smartphone = "smartphone"
    tablet = "tablet"
    wearable = "wearable"
    audio = "audio"
    accessory = "accessory"


def normalize_sku(value: str) -> str:
    """SKUs are compared case-insensitively: store them trimmed and upper-cased."""
    return value.strip().upper()


class ProductBase(SQLModel):
    sku: str = Field(max_length=64)
    name: str = Field(max_length=200)
    category: Category = Field(sa_type=enum_column(Category, "category"))
    series: str | None = Field(default=None, max_length=50)
    color: str | None = Field(default=None, max_length=40)
    ram_gb: int | None = None
    storage_gb: int | None = None
    price: int = 0
    stock: int = 0
    is_active: bool = True
    launch_date: date | None = None


class Product(ProductBase, table=True):
    """A product row; `version` goes up by one on every change."""

    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price >= 0", name="price_non_negative"),
        CheckConstraint("stock >= 0", name="stock_non_negative"),
        Index("ix_products_category_price", "category", "price", "id"),
        Index("ix_products_is_active_price", "is_active", "price", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    sku: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=200, index=True)
    series: str | None = Field(default=None, max_length=50, index=True)
    price: int = Field(default=0, index=True)
    stock: int = Field(default=0, index=True)
    launch_date: date | None = Field(default=None, index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    version: int = Field(default=1)


SKU_TEXT = Text(
    max_length=64,
    pattern=r"[A-Za-z0-9][A-Za-z0-9._/-]{0,63}",
    message="SKU must be 1-64 letters, digits, '.', '_', '/' or '-', starting with a letter or digit",
)
Sku = Annotated[str, SKU_TEXT]
Name = Annotated[str, Text(max_length=200, require_text=True)]
Series = Annotated[str, Text(max_length=50)]
Memory = Annotated[int, Whole(0, MAX_MEMORY_GB)]
Price = Annotated[int, Whole(0, MAX_PRICE)]
Stock = Annotated[int, Whole(0, MAX_STOCK)]
Color = Annotated[str, Text(max_length=40)]


class _ProductInput(SQLModel):
    model_config = SQLModelConfig(extra="forbid")

    @field_validator("sku", check_fields=False)
    @classmethod
    def _sku(cls, value: str | None) -> str | None:
        return None if value is None else normalize_sku(value)

    @field_validator("series", "color", check_fields=False)
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class ProductCreate(_ProductInput):
    """A new product, from a REST body or the UI form."""

    sku: Sku
    name: Name
    category: Category
    series: Series | None = None
    color: Color | None = None
    ram_gb: Memory | None = None
    storage_gb: Memory | None = None
    price: Price
    stock: Stock = 0
    is_active: StrictBool = True
    launch_date: IsoDate | None = None


class ProductReplace(ProductCreate, ReadOnlyEcho):
    """A full replacement (PUT); `version`, when given, must match the stored one."""

    version: Version | None = None


class ProductUpdate(_ProductInput, ReadOnlyEcho):
    """A partial update (PATCH): only the fields sent change; a required field may not be null."""

    sku: Sku | None = Field(default=None, schema_extra={"json_schema_extra": not_null})
    name: Name | None = Field(default=None, schema_extra={"json_schema_extra": not_null})
    category: Category | None = Field(default=None, schema_extra={"json_schema_extra": not_null})
    series: Series | None = None
    color: Color | None = None
    ram_gb: Memory | None = None
    storage_gb: Memory | None = None
    price: Price | None = Field(default=None, schema_extra={"json_schema_extra": not_null})
    stock: Stock | None = Field(default=None, schema_extra={"json_schema_extra": not_null})
    is_active: StrictBool | None = Field(default=None, schema_extra={"json_schema_extra": not_null})
    launch_date: IsoDate | None = None
    version: Version | None = None

    @field_validator("sku", "name", "category", "price", "stock", "is_active", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Omit a field to leave it unchanged; null would erase a required value.
        if value is None:
            raise ValueError("must not be null")
        return value


class ProductPublic(SQLModel):
    id: int
    sku: str
    name: str
    category: Category
    series: str | None
    color: str | None
    ram_gb: int | None
    storage_gb: int | None
    price: int
    stock: int
    is_active: bool
    launch_date: date | None
    created_at: datetime
    updated_at: datetime
    version: int


class ProductsPage(SQLModel):
    items: list[ProductPublic]
    total: int
    page: int
    page_size: int
    pages: int


EDITABLE_FIELDS: tuple[str, ...] = tuple(ProductCreate.model_fields)


class ProductRevert(SQLModel):
    """`POST /products/{id}/revert`: the audit entry whose change is undone."""

    model_config = SQLModelConfig(extra="forbid")

    audit_id: Annotated[int, Whole(1, 2**31 - 1)]
    version: Version | None = None


class ImportResult(SQLModel):
    """What an import did (or, for a dry run, would do); `errors` is empty when it was applied."""

    created: int
    updated: int
    unchanged: int
    errors: list[dict[str, Any]] = []
