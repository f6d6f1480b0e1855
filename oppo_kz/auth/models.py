"""Logins (auth sessions), their rotating refresh tokens, and failed sign-in attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Index, Integer
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


class LoginAttempt(SQLModel, table=True):
    """One failed (or in-flight) sign-in on one limiter counter: the database `AttemptStore`
    (`auth/limiter_db.py`). `at` is wall-clock seconds since the epoch, as the limiter compares it."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_key_at", "key", "at"),
        Index("ix_login_attempts_at", "at"),
    )

    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    key: str = Field(max_length=400)
    at: float = Field(sa_column=Column(Float(), nullable=False))
