"""The README's BI recipe (docs/bi.sql) on PostgreSQL: the views read the figures, the role reads the
views and nothing else, and running it twice is fine."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from tests.conftest import PROJECT_ROOT, migrate

RECIPE = (PROJECT_ROOT / "docs" / "bi.sql").read_text()


@pytest.mark.postgres
def test_the_bi_role_reads_the_views_only(pg_server: Any) -> None:
    url = pg_server.create_database("oppo_bi")
    migrate(url)
    engine = create_engine(url)
    try:
        for _ in range(2):  # idempotent
            with engine.begin() as conn:
                conn.exec_driver_sql(RECIPE)
        with engine.connect() as conn:
            conn.execute(text("SET ROLE metabase"))
            for view in ("sales", "stores", "products", "people", "assignments", "targets"):
                conn.execute(text(f"SELECT * FROM bi.{view} LIMIT 1")).all()  # noqa: S608 - our names
            columns = {row[0] for row in conn.execute(text(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'bi'"
            ))}  # fmt: skip
            assert not columns & {"password_hash", "email", "token_hash", "jti"}
            for table in ("users", "refresh_tokens", "sales"):
                with pytest.raises(ProgrammingError, match="permission denied"):
                    conn.execute(text(f"SELECT * FROM public.{table} LIMIT 1"))  # noqa: S608
                conn.rollback()
                conn.execute(text("SET ROLE metabase"))
    finally:
        engine.dispose()
