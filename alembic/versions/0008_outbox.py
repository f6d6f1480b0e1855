"""event_outbox: every event a row in the transaction of its change, numbered in commit order

`seq` is the events socket's `seq` (a PostgreSQL BIGSERIAL; on SQLite an AUTOINCREMENT rowid, so a
pruned seq is never handed out again); `at` is indexed for pruning after EVENTS_RETENTION_HOURS.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_outbox",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_event_outbox")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_event_outbox_at"), "event_outbox", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_event_outbox_at"), table_name="event_outbox")
    op.drop_table("event_outbox")
