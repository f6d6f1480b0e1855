"""Users: who can sign in, with which role, and the schemas that create and change them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

import email_validator
from pydantic import BeforeValidator, EmailStr, field_validator
from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, utcnow
from oppo_kz.core.security import PASSWORD_SCHEMA
from oppo_kz.core.types import SPACES, StrictBool, Text, enum_column

# Accept company-internal (`corp.local`) and test (`qa.test`) mail domains, as email-validator's
# documentation describes; the other special-use names (localhost, invalid, onion, arpa) stay refused.
for _domain in ("local", "test"):
    if _domain in email_validator.SPECIAL_USE_DOMAIN_NAMES:
        email_validator.SPECIAL_USE_DOMAIN_NAMES.remove(_domain)


class Role(StrEnum):
    """The four roles of the contract, most powerful first."""

    admin = "admin"
    office = "office"
    supervisor = "supervisor"
    promoter = "promoter"


def normalize_email(value: str) -> str:
    """Emails are unique case-insensitively: store them trimmed and lower-cased."""
    return value.strip().lower()


class UserBase(SQLModel):
    email: str = Field(max_length=254)
    full_name: str = Field(default="", max_length=120)
    role: Role = Field(default=Role.promoter, sa_type=enum_column(Role, "role"))
    is_active: bool = True
    # The UI language the user chose (ru, kk, en); None until they choose, then it follows them.
    locale: str | None = Field(default=None, max_length=5)


class User(UserBase, table=True):
    """A person who can sign in."""

    __tablename__ = "users"
    # Emails are stored lower-cased, so the unique constraint is case-insensitive; the check
    # keeps any other writer from breaking that.
    __table_args__ = (CheckConstraint("email = lower(email)", name="email_lowercase"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str = Field(max_length=100)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def _trim(value: object) -> object:
    return value.strip(SPACES) if isinstance(value, str) else value


Email = Annotated[EmailStr, BeforeValidator(_trim), Field(max_length=254)]
FullName = Annotated[str, Text(max_length=120)]
# Checked by the service (`password_problem`: 8 characters to 72 bytes, no NUL), never trimmed.
Password = Annotated[str, Field(schema_extra={"json_schema_extra": PASSWORD_SCHEMA})]


class UserCreate(SQLModel):
    model_config = SQLModelConfig(extra="forbid")

    email: Email
    password: Password
    full_name: FullName = ""
    role: Role = Role.promoter
    is_active: StrictBool = True

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return normalize_email(value)


class UserUpdate(SQLModel):
    model_config = SQLModelConfig(extra="forbid")

    full_name: FullName | None = None
    role: Role | None = None
    is_active: StrictBool | None = None
    password: Password | None = None


class UserPublic(SQLModel):
    id: int
    email: str
    full_name: str
    role: Role
    is_active: bool


# The UI languages a user may keep on their account.
Locale = Literal["ru", "kk", "en"]
LOCALES: tuple[str, ...] = ("ru", "kk", "en")


class UserMe(UserPublic):
    """The signed-in user as `/auth/me` shows it: with the UI language they chose (null: not yet)."""

    locale: Locale | None = None


class UserMeUpdate(SQLModel):
    """What users may change about themselves over `PATCH /auth/me`."""

    model_config = SQLModelConfig(extra="forbid")

    locale: Locale
