"""login_attempts: the sign-in limiter's failures per counter key, shared by every instance

Used when REDIS_URL is not set (`oppo_kz/auth/limiter_db.py`): one row per failure (or attempt in
flight) of a counter (`pair:<email>|<address>`, `address:<address>`), `at` in epoch seconds. Read per
key in the window (`key, at`), pruned by age (`at`).

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_attempts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("key", sa.String(length=400), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    op.create_index("ix_login_attempts_key_at", "login_attempts", ["key", "at"], unique=False)
    op.create_index("ix_login_attempts_at", "login_attempts", ["at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_login_attempts_at", table_name="login_attempts")
    op.drop_index("ix_login_attempts_key_at", table_name="login_attempts")
    op.drop_table("login_attempts")
