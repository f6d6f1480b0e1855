"""Engine behaviour we rely on: SQLite pragmas, aware timestamps, after-commit hooks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import text

from oppo_kz.core.db import after_commit, get_engine, session_scope, utcnow
from oppo_kz.products.models import Product
from tests.factories import make_product
from tests.helpers import run_together


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_db: str) -> None:
    with get_engine().connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert (conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000


def test_timestamps_come_back_timezone_aware_in_utc(db: str) -> None:
    almaty = timezone(timedelta(hours=5))
    moment = datetime(2026, 3, 22, 9, 30, tzinfo=almaty)
    with session_scope(write=True) as s:
        product = make_product(s, created_at=moment)
        product_id = product.id
    with session_scope() as s:
        loaded = s.get_one(Product, product_id)
        assert loaded.created_at == moment
        assert loaded.created_at.utcoffset() == timedelta(0)
        assert loaded.updated_at.tzinfo is not None
        assert abs(loaded.updated_at - utcnow()) < timedelta(minutes=1)
        assert loaded.created_at.tzinfo == UTC


def test_after_commit_runs_after_commit_and_never_after_rollback(db: str) -> None:
    ran: list[str] = []
    with session_scope(write=True) as s:
        after_commit(s, lambda: ran.append("committed"))
        make_product(s, commit=False)
        assert ran == []
        s.commit()
    assert ran == ["committed"]
    with session_scope(write=True) as s:
        after_commit(s, lambda: ran.append("rolled back"))
        s.rollback()
        s.commit()
    assert ran == ["committed"]


def test_concurrent_writers_on_sqlite_neither_lose_updates_nor_lock(sqlite_db: str) -> None:
    with session_scope(write=True) as s:
        product_id = make_product(s, stock=0).id

    def bump(_n: int) -> None:
        for _ in range(25):
            with session_scope(write=True) as s:
                product = s.get_one(Product, product_id)
                product.stock += 1
                s.commit()

    assert run_together(bump, 8) == []
    with session_scope() as s:
        product = s.get_one(Product, product_id)
        assert product.stock == 200
        assert product.version == 201
