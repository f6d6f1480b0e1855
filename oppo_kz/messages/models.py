"""Announcements from head office (or a supervisor) to the field, and who has read them.

A message's recipients are resolved once, when it is sent, from its audience (roles, cities, stores,
users; any non-empty list that matches a user makes them a recipient, all empty = everyone), and
kept as one `message_receipts` row each: the inbox, unread counts and receipts read that table.
"""

# No `from __future__ import annotations`: SQLModel reads the relationship's annotation as a type.
from datetime import datetime
from typing import Annotated, Any

from sqlalchemy import JSON, Column, ForeignKey, Index, Integer
from sqlalchemy.orm import relationship
from sqlmodel import Field, Relationship, SQLModel
from sqlmodel.main import SQLModelConfig

from oppo_kz.core.db import UTCDateTime, utcnow
from oppo_kz.core.types import RowId, Text
from oppo_kz.users.models import Role

MAX_TITLE = 200
MAX_BODY = 10_000
MAX_AUDIENCE_ITEMS = 500


class MessageReceipt(SQLModel, table=True):
    """A recipient of a message, and when they read it (null: not yet)."""

    __tablename__ = "message_receipts"
    __table_args__ = (Index("ix_message_receipts_user_id_read_at", "user_id", "read_at"),)

    message_id: int = Field(
        sa_column=Column(Integer, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    )
    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Message(SQLModel, table=True):
    """One announcement; its audience as it was sent (JSON), its author, when."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_created_at_id", "created_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=MAX_TITLE)
    body: str = Field(max_length=MAX_BODY)
    audience: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    author_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    version: int = Field(default=1)
    # Written in the same flush as the message, so the message's event knows its recipients.
    receipts: list[MessageReceipt] = Relationship(
        sa_relationship=relationship(cascade="all, delete-orphan", passive_deletes=True)
    )


Title = Annotated[str, Text(max_length=MAX_TITLE, require_text=True)]
Body = Annotated[str, Text(max_length=MAX_BODY, require_text=True)]
City = Annotated[str, Text(max_length=60, require_text=True)]


class Audience(SQLModel):
    """Who a message is for: a user matching any non-empty list; all lists empty = everyone."""

    model_config = SQLModelConfig(extra="forbid")

    roles: list[Role] = Field(default_factory=list, max_length=20)
    cities: list[City] = Field(default_factory=list, max_length=MAX_AUDIENCE_ITEMS)
    store_ids: list[RowId] = Field(default_factory=list, max_length=MAX_AUDIENCE_ITEMS)
    user_ids: list[RowId] = Field(default_factory=list, max_length=MAX_AUDIENCE_ITEMS)

    def is_everyone(self) -> bool:
        return not (self.roles or self.cities or self.store_ids or self.user_ids)

    def normalized(self) -> "Audience":
        """The same audience without repeats, in a stable order."""
        return Audience(
            roles=sorted(set(self.roles)),
            cities=sorted(set(self.cities)),
            store_ids=sorted(set(self.store_ids)),
            user_ids=sorted(set(self.user_ids)),
        )


class MessageCreate(SQLModel):
    """A new message, from a REST body or the compose form."""

    model_config = SQLModelConfig(extra="forbid")

    title: Title
    body: Body
    audience: Audience = Field(default_factory=Audience)


class MessagePublic(SQLModel):
    id: int
    title: str
    body: str
    audience: Audience
    author_id: int | None
    author_name: str
    created_at: datetime
    read_at: datetime | None = None


class MessagesPage(SQLModel):
    items: list[MessagePublic]
    total: int
    page: int
    page_size: int
    pages: int
    unread: int


class ReceiptItem(SQLModel):
    user_id: int
    full_name: str
    read_at: datetime | None


class Receipts(SQLModel):
    recipients: int
    read: int
    items: list[ReceiptItem]
