"""sales_summary_staff and sales_summary_product: daily sums of the sales that reports read

Keyed by (sale_date, store_id, promoter_id, status) and (sale_date, product_id, status), each row the
units, ₸ and number of those sales; kept in every sale write's transaction (oppo_kz/sales/summary.py)
and filled here from the sales already there.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 02:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MEASURES = ("units", "amount", "sales_count")
_SUMMARIES = {
    "sales_summary_staff": ("sale_date", "store_id", "promoter_id", "status"),
    "sales_summary_product": ("sale_date", "product_id", "status"),
}
_TYPES = {"sale_date": sa.Date(), "store_id": sa.Integer(), "promoter_id": sa.Integer(),
          "product_id": sa.Integer(), "status": sa.String(length=20)}  # fmt: skip


_M = ("units", "amount", "sales_count")
# Covering indexes: reports by store, by promoter (a promoter's own) and by product, in index order.
_INDEXES = {
    "ix_sales_summary_staff_store": (
        "sales_summary_staff",
        ("store_id", "sale_date", "status", "promoter_id", *_M),
    ),
    "ix_sales_summary_staff_promoter": (
        "sales_summary_staff",
        ("promoter_id", "sale_date", "status", "store_id", *_M),
    ),
    "ix_sales_summary_product_product": ("sales_summary_product", ("product_id", "sale_date", "status", *_M)),
}


def upgrade() -> None:
    for name, keys in _SUMMARIES.items():
        op.create_table(
            name,
            *(sa.Column(key, _TYPES[key], nullable=False) for key in keys),
            *(sa.Column(measure, sa.BigInteger(), nullable=False) for measure in _MEASURES),
            sa.PrimaryKeyConstraint(*keys, name=op.f(f"pk_{name}")),
            sqlite_with_rowid=False,  # rows in primary-key order: a day range reads them directly
        )
        for index, (table, columns) in _INDEXES.items():
            if table == name:
                op.create_index(index, name, list(columns))
        columns = ", ".join(keys)
        op.execute(
            f"INSERT INTO {name} ({columns}, units, amount, sales_count) "  # noqa: S608 - fixed names
            f"SELECT {columns}, SUM(quantity), SUM(amount), COUNT(*) FROM sales GROUP BY {columns}"
        )


def downgrade() -> None:
    for name in reversed(list(_SUMMARIES)):
        op.drop_table(name)
