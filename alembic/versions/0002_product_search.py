"""product search: FTS5 trigram index (SQLite) or pg_trgm GIN indexes (PostgreSQL) on name and sku

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:00:00

`name__contains`, `sku__contains` and `q` search for substrings anywhere in a value, which a B-tree
index cannot serve. SQLite gets an external-content FTS5 table with the trigram tokenizer (it stores
only the index; the text stays in `products`), kept in step by triggers. PostgreSQL gets trigram GIN
indexes, which serve `ILIKE '%term%'` directly.

The models do not describe these objects: alembic/env.py's `include_object` hides them from
autogenerate. A later batch migration that recreates `products` on SQLite drops the triggers with the
old table; such a migration must create them again (see `_create_sqlite_triggers`).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TRIGGERS = {
    "products_fts_ai": """
        CREATE TRIGGER products_fts_ai AFTER INSERT ON products BEGIN
            INSERT INTO products_fts(rowid, name, sku) VALUES (new.id, new.name, new.sku);
        END""",
    "products_fts_ad": """
        CREATE TRIGGER products_fts_ad AFTER DELETE ON products BEGIN
            INSERT INTO products_fts(products_fts, rowid, name, sku) VALUES ('delete', old.id, old.name, old.sku);
        END""",
    "products_fts_au": """
        CREATE TRIGGER products_fts_au AFTER UPDATE OF name, sku ON products BEGIN
            INSERT INTO products_fts(products_fts, rowid, name, sku) VALUES ('delete', old.id, old.name, old.sku);
            INSERT INTO products_fts(rowid, name, sku) VALUES (new.id, new.name, new.sku);
        END""",
}


def _create_sqlite_triggers() -> None:
    for ddl in _TRIGGERS.values():
        op.execute(ddl)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE products_fts USING fts5("
            "name, sku, content='products', content_rowid='id', tokenize='trigram')"
        )
        op.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")
        _create_sqlite_triggers()
    elif dialect == "postgresql":
        # pg_trgm is a trusted extension (PostgreSQL 13+): a database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_products_name_trgm ON products USING gin (name gin_trgm_ops)")
        op.execute("CREATE INDEX ix_products_sku_trgm ON products USING gin (sku gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS products_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_products_sku_trgm")
        op.execute("DROP INDEX IF EXISTS ix_products_name_trgm")
        # The extension stays: other schemas of this database may use it, and it holds no data.
