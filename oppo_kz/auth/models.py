"""Logins (auth sessions) and their rotating refresh tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey
from sqlmodel import Field, SQLModel

from oppo_kz.core.db import UTCDateTime, utcnow


class AuthSession(SQLModel, table=True):
    """One login: every refresh token of the login belongs to it, and revoking it ends them all."""

    __tablename__ = "auth_sessions"

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_reason: str | None = Field(default=None, max_length=40)
    user_agent: str | None = Field(default=None, max_length=300)
    ip: str | None = Field(default=None, max_length=64)


class RefreshToken(SQLModel, table=True):
    """One issued refresh token; it works once, then `replaced_by` names its successor."""

    __tablename__ = "refresh_tokens"

    id: str = Field(primary_key=True, max_length=64)
    session_id: str = Field(
        sa_column=Column(ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True, nullable=False)
    )
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    replaced_by: str | None = Field(default=None, max_length=64)
