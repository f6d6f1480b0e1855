"""Products of the catalogue and their in/out schemas (one schema validates REST bodies and UI forms)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import field_validator
from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, declare_unmodelled, utcnow
from oppo_kz.core.types import (
    MAX_INT32,
    MAX_ROW_ID,
    CleanStr,
    IsoDate,
    IsoDateTime,
    StrictBool,
    StrictInt,
    enum_column,
)

# Integer columns are 32-bit on PostgreSQL; keep every accepted number well inside that.
MAX_PRICE = 1_000_000_000
MAX_STOCK = 1_000_000_000
MAX_MEMORY_GB = 65_536
SKU_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,63}$")

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


class _ProductInput(SQLModel):
    model_config = SQLModelConfig(extra="forbid", str_strip_whitespace=True)

    @field_validator("sku", check_fields=False)
    @classmethod
    def _sku(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = normalize_sku(value)
        if not SKU_PATTERN.match(value):
            raise ValueError(
                "SKU must be 1-64 letters, digits, '.', '_', '/' or '-', starting with a letter or digit"
            )
        return value

    @field_validator("series", "color", check_fields=False)
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class ProductCreate(_ProductInput):
    """A new product, from a REST body or the UI form."""

    sku: CleanStr = Field(min_length=1, max_length=64)
    name: CleanStr = Field(min_length=1, max_length=200)
    category: Category
    series: CleanStr | None = Field(default=None, max_length=50)
    color: CleanStr | None = Field(default=None, max_length=40)
    ram_gb: StrictInt | None = Field(default=None, ge=0, le=MAX_MEMORY_GB)
    storage_gb: StrictInt | None = Field(default=None, ge=0, le=MAX_MEMORY_GB)
    price: StrictInt = Field(ge=0, le=MAX_PRICE)
    stock: StrictInt = Field(default=0, ge=0, le=MAX_STOCK)
    is_active: StrictBool = True
    launch_date: IsoDate | None = None


class _ReadOnlyEcho(SQLModel):
    """What GET returns but nobody writes: accepted in a body (so GET, edit, PUT works) and ignored.

    `id`, when sent, must be the product's own; the service checks it against the URL.
    """

    id: StrictInt | None = Field(default=None, ge=1, le=MAX_ROW_ID, exclude=True)
    created_at: IsoDateTime | None = Field(default=None, exclude=True)
    updated_at: IsoDateTime | None = Field(default=None, exclude=True)


class ProductReplace(ProductCreate, _ReadOnlyEcho):
    """A full replacement (PUT); `version`, when given, must match the stored one."""

    version: StrictInt | None = Field(default=None, ge=1, le=MAX_INT32)


class ProductUpdate(_ProductInput, _ReadOnlyEcho):
    """A partial update (PATCH): only the fields sent change."""

    sku: CleanStr | None = Field(default=None, min_length=1, max_length=64)
    name: CleanStr | None = Field(default=None, min_length=1, max_length=200)
    category: Category | None = None
    series: CleanStr | None = Field(default=None, max_length=50)
    color: CleanStr | None = Field(default=None, max_length=40)
    ram_gb: StrictInt | None = Field(default=None, ge=0, le=MAX_MEMORY_GB)
    storage_gb: StrictInt | None = Field(default=None, ge=0, le=MAX_MEMORY_GB)
    price: StrictInt | None = Field(default=None, ge=0, le=MAX_PRICE)
    stock: StrictInt | None = Field(default=None, ge=0, le=MAX_STOCK)
    is_active: StrictBool | None = None
    launch_date: IsoDate | None = None
    version: StrictInt | None = Field(default=None, ge=1, le=MAX_INT32)

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
