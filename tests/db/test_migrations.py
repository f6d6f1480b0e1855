"""Migrations go up and down on SQLite and PostgreSQL, and match the models exactly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from oppo_kz.core.db import build_engine, metadata
from tests.conftest import migrate
from tests.pg import ThrowawayPostgres

APP_TABLES = {"users", "refresh_tokens", "products"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        server: ThrowawayPostgres = request.getfixturevalue("pg_server")
        yield server.create_database(f"fresh_{tmp_path.name[-12:].lower()}")


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def test_upgrade_creates_the_schema_the_models_describe(fresh_url: str) -> None:
    migrate(fresh_url)
    engine = build_engine(fresh_url)
    try:
        assert _tables(engine) >= APP_TABLES | {"alembic_version"}
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
        assert diff == []
        product_indexes = {ix["name"] for ix in inspect(engine).get_indexes("products")}
        assert {"ix_products_price", "ix_products_name", "ix_products_category_price"} <= product_indexes
    finally:
        engine.dispose()


def test_downgrade_to_base_and_up_again(fresh_url: str) -> None:
    migrate(fresh_url)
    migrate(fresh_url, "base", down=True)
    engine = build_engine(fresh_url)
    try:
        assert _tables(engine) & APP_TABLES == set()
        migrate(fresh_url)
        assert _tables(engine) >= APP_TABLES
    finally:
        engine.dispose()
