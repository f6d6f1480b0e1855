"""Stores where promoters work (Technodom, Sulpak, Kaspi, OPPO Store, independents) and their schemas."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import field_validator
from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, utcnow
from oppo_kz.core.types import (
    Number,
    ReadOnlyEcho,
    RowId,
    StrictBool,
    Text,
    Version,
    required,
)

CODE_TEXT = r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}"
CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
CHAINS = ("Technodom", "Sulpak", "Kaspi", "OPPO Store", "Mechta", "Evrika", "independent")


def normalize_code(value: str) -> str:
    """Store codes are compared case-insensitively: stored trimmed and upper-cased."""
    return value.strip().upper()


class StoreBase(SQLModel):
    code: str = Field(max_length=32)
    name: str = Field(max_length=200)
    chain: str = Field(max_length=60)
    city: str = Field(max_length=60)
    address: str | None = Field(default=None, max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    is_active: bool = True


class Store(StoreBase, table=True):
    """A store; `version` goes up by one on every change."""

    __tablename__ = "stores"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200, index=True)
    chain: str = Field(max_length=60, index=True)
    city: str = Field(max_length=60, index=True)
    supervisor_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), index=True, nullable=True),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    version: int = Field(default=1)


Code = Annotated[
    str,
    Text(
        max_length=32,
        pattern=CODE_TEXT,
        message="code must be 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit",
    ),
]
Name = Annotated[str, Text(max_length=200, require_text=True)]
Label = Annotated[str, Text(max_length=60, require_text=True)]
Address = Annotated[str, Text(max_length=300)]
Latitude = Annotated[float, Number(-90, 90)]
Longitude = Annotated[float, Number(-180, 180)]


class _StoreInput(SQLModel):
    model_config = SQLModelConfig(extra="forbid")

    @field_validator("code", check_fields=False)
    @classmethod
    def _code(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = normalize_code(value)
        if not CODE_PATTERN.match(value):
            raise ValueError(
                "code must be 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit"
            )
        return value

    @field_validator("address", check_fields=False)
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None


class StoreCreate(_StoreInput):
    """A new store, from a REST body or the UI form."""

    code: Code
    name: Name
    chain: Label
    city: Label
    address: Address | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    is_active: StrictBool = True
    supervisor_id: RowId | None = None


class StoreReplace(StoreCreate, ReadOnlyEcho):
    """A full replacement (PUT); `version`, when given, must match the stored one."""

    version: Version | None = None


class StoreUpdate(_StoreInput, ReadOnlyEcho):
    """A partial update (PATCH): only the fields sent change."""

    code: Code | None = required()
    name: Name | None = required()
    chain: Label | None = required()
    city: Label | None = required()
    address: Address | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    is_active: StrictBool | None = required()
    supervisor_id: RowId | None = None
    version: Version | None = None

    @field_validator("code", "name", "chain", "city", "is_active", mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Omit a field to leave it unchanged; null would erase a required value.
        if value is None:
            raise ValueError("must not be null")
        return value


class StorePublic(SQLModel):
    id: int
    code: str
    name: str
    chain: str
    city: str
    address: str | None
    latitude: float | None
    longitude: float | None
    is_active: bool
    supervisor_id: int | None
    version: int
    created_at: datetime
    updated_at: datetime


class StoresPage(SQLModel):
    items: list[StorePublic]
    total: int
    page: int
    page_size: int
    pages: int
