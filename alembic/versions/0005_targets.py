"""targets: units and tenge per month for a store or for a promoter

Exactly one of store_id / promoter_id (a CHECK); one target per month and store and one per month and
promoter (unique pairs: NULLs are distinct on SQLite and PostgreSQL alike, so each pair only meets its
own kind). Deleting a store or a user takes their targets with them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:36:59
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=True),
        sa.Column("promoter_id", sa.Integer(), nullable=True),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(store_id IS NULL AND promoter_id IS NOT NULL) OR (store_id IS NOT NULL AND promoter_id IS NULL)",
            name=op.f("ck_targets_one_subject"),
        ),
        sa.CheckConstraint("units > 0 OR amount > 0", name=op.f("ck_targets_something_to_reach")),
        sa.CheckConstraint("units >= 0 AND amount >= 0", name=op.f("ck_targets_non_negative")),
        sa.ForeignKeyConstraint(
            ["promoter_id"], ["users.id"], name=op.f("fk_targets_promoter_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_targets_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_targets")),
        sa.UniqueConstraint("month", "promoter_id", name="uq_targets_month_promoter_id"),
        sa.UniqueConstraint("month", "store_id", name="uq_targets_month_store_id"),
    )
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_targets_month"), ["month"], unique=False)
        batch_op.create_index(batch_op.f("ix_targets_promoter_id"), ["promoter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_targets_store_id"), ["store_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_targets_store_id"))
        batch_op.drop_index(batch_op.f("ix_targets_promoter_id"))
        batch_op.drop_index(batch_op.f("ix_targets_month"))

    op.drop_table("targets")
