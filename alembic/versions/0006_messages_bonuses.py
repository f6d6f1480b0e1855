"""messages and bonuses: announcements with one receipt row per recipient; bonus rules, closed months
and their frozen statement lines

The tables exist whatever ENABLE_MESSAGES / ENABLE_BONUSES say (the switches only hide the routes and
pages). A bonus rule names exactly one of product, series or category (CHECK); a closed month's lines
keep the sale, the rule and the amount as they were at closing.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bonus_months",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["users.id"],
            name=op.f("fk_bonus_months_closed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_bonus_months")),
    )
    op.create_table(
        "bonus_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=True),
        sa.Column("series", sa.String(length=60), nullable=True),
        sa.Column(
            "category",
            sa.Enum(
                "smartphone",
                "tablet",
                "wearable",
                "audio",
                "accessory",
                name="bonus_category",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("amount_per_unit", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(CASE WHEN product_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN series IS NULL THEN 0 ELSE 1 END) + (CASE WHEN category IS NULL THEN 0 ELSE 1 END) = 1",
            name=op.f("ck_bonus_rules_exactly_one_target"),
        ),
        sa.CheckConstraint("amount_per_unit > 0", name=op.f("ck_bonus_rules_amount_positive")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_bonus_rules_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["product_id"],
            ["products.id"],
            name=op.f("fk_bonus_rules_product_id_products"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_rules")),
    )
    with op.batch_alter_table("bonus_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bonus_rules_product_id"), ["product_id"], unique=False)
        batch_op.create_index("ix_bonus_rules_starts_on_ends_on", ["starts_on", "ends_on"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.String(length=10000), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_messages_author_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_messages_created_at_id", ["created_at", "id"], unique=False)

    op.create_table(
        "message_receipts",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_receipts_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_message_receipts_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("message_id", "user_id", name=op.f("pk_message_receipts")),
    )
    with op.batch_alter_table("message_receipts", schema=None) as batch_op:
        batch_op.create_index("ix_message_receipts_user_id_read_at", ["user_id", "read_at"], unique=False)

    op.create_table(
        "bonus_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("promoter_id", sa.Integer(), nullable=False),
        sa.Column("sale_id", sa.Integer(), nullable=False),
        sa.Column("sale_date", sa.Date(), nullable=False),
        sa.Column("product_sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("rule_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["month"],
            ["bonus_months.month"],
            name=op.f("fk_bonus_lines_month_bonus_months"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["promoter_id"], ["users.id"], name=op.f("fk_bonus_lines_promoter_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["bonus_rules.id"],
            name=op.f("fk_bonus_lines_rule_id_bonus_rules"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sale_id"], ["sales.id"], name=op.f("fk_bonus_lines_sale_id_sales"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bonus_lines")),
    )
    with op.batch_alter_table("bonus_lines", schema=None) as batch_op:
        batch_op.create_index("ix_bonus_lines_month_promoter_id", ["month", "promoter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("bonus_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_bonus_lines_month_promoter_id")

    op.drop_table("bonus_lines")
    with op.batch_alter_table("message_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_message_receipts_user_id_read_at")

    op.drop_table("message_receipts")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_created_at_id")
        batch_op.drop_index(batch_op.f("ix_messages_author_id"))

    op.drop_table("messages")
    with op.batch_alter_table("bonus_rules", schema=None) as batch_op:
        batch_op.drop_index("ix_bonus_rules_starts_on_ends_on")
        batch_op.drop_index(batch_op.f("ix_bonus_rules_product_id"))

    op.drop_table("bonus_rules")
    op.drop_table("bonus_months")
