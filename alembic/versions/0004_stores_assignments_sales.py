"""stores, assignments and sales: the sell-out that promoters report and supervisors review

Indexes follow what the lists filter, sort and group by (sold_at with the id tie-break; per promoter,
per store and per status; sale_date with store and product for reports); a partial unique index keeps
one report per IMEI among sales that are not rejected (SQLite and PostgreSQL both support it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stores",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("chain", sa.String(length=60), nullable=False),
        sa.Column("city", sa.String(length=60), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name=op.f("ck_stores_latitude_range")
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)",
            name=op.f("ck_stores_longitude_range"),
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"], ["users.id"], name=op.f("fk_stores_supervisor_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stores")),
        sa.UniqueConstraint("code", name=op.f("uq_stores_code")),
    )
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stores_chain"), ["chain"], unique=False)
        batch_op.create_index(batch_op.f("ix_stores_city"), ["city"], unique=False)
        batch_op.create_index(batch_op.f("ix_stores_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_stores_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_stores_supervisor_id"), ["supervisor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stores_updated_at"), ["updated_at"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_assignments_ends_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_assignments_store_id_stores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assignments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index("ix_assignments_store_id_starts_on", ["store_id", "starts_on"], unique=False)
        batch_op.create_index("ix_assignments_user_id_starts_on", ["user_id", "starts_on"], unique=False)

    op.create_table(
        "sales",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("promoter_id", sa.Integer(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("imei", sa.String(length=15), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("sold_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sale_date", sa.Date(), nullable=False),
        sa.Column(
            "payment_type",
            sa.Enum(
                "cash",
                "card",
                "kaspi",
                "installment",
                "other",
                name="payment_type",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "approved",
                "rejected",
                name="sale_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("review_note", sa.String(length=1000), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "amount = quantity * unit_price", name=op.f("ck_sales_amount_is_quantity_times_price")
        ),
        sa.CheckConstraint("quantity >= 1 AND quantity <= 100", name=op.f("ck_sales_quantity_range")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_sales_unit_price_non_negative")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_sales_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_sales_product_id_products"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["promoter_id"], ["users.id"], name=op.f("fk_sales_promoter_id_users"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_sales_reviewed_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_sales_store_id_stores"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales")),
    )
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.create_index("ix_sales_product_id_sale_date", ["product_id", "sale_date"], unique=False)
        batch_op.create_index("ix_sales_promoter_id_sold_at", ["promoter_id", "sold_at", "id"], unique=False)
        batch_op.create_index("ix_sales_sale_date_store_id", ["sale_date", "store_id"], unique=False)
        batch_op.create_index("ix_sales_sold_at_id", ["sold_at", "id"], unique=False)
        batch_op.create_index("ix_sales_status_sold_at", ["status", "sold_at", "id"], unique=False)
        batch_op.create_index("ix_sales_store_id_sold_at", ["store_id", "sold_at", "id"], unique=False)
        batch_op.create_index(
            "uq_sales_imei_not_rejected",
            ["imei"],
            unique=True,
            sqlite_where=sa.text("imei IS NOT NULL AND status != 'rejected'"),
            postgresql_where=sa.text("imei IS NOT NULL AND status != 'rejected'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("sales", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_sales_imei_not_rejected",
            sqlite_where=sa.text("imei IS NOT NULL AND status != 'rejected'"),
            postgresql_where=sa.text("imei IS NOT NULL AND status != 'rejected'"),
        )
        batch_op.drop_index("ix_sales_store_id_sold_at")
        batch_op.drop_index("ix_sales_status_sold_at")
        batch_op.drop_index("ix_sales_sold_at_id")
        batch_op.drop_index("ix_sales_sale_date_store_id")
        batch_op.drop_index("ix_sales_promoter_id_sold_at")
        batch_op.drop_index("ix_sales_product_id_sale_date")

    op.drop_table("sales")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_user_id_starts_on")
        batch_op.drop_index("ix_assignments_store_id_starts_on")

    op.drop_table("assignments")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stores_updated_at"))
        batch_op.drop_index(batch_op.f("ix_stores_supervisor_id"))
        batch_op.drop_index(batch_op.f("ix_stores_name"))
        batch_op.drop_index(batch_op.f("ix_stores_created_at"))
        batch_op.drop_index(batch_op.f("ix_stores_city"))
        batch_op.drop_index(batch_op.f("ix_stores_chain"))

    op.drop_table("stores")
