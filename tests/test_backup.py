"""`python -m oppo_kz.backup`: back up, write, restore — the write is gone and the data is whole."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import col

from oppo_kz.core.db import get_engine, session_scope
from oppo_kz.products.models import Product
from oppo_kz.users.models import User
from tests.conftest import PROJECT_ROOT, TEST_ENV, migrate, use_database
from tests.factories import make_product, make_user
from tests.pg import ThrowawayPostgres


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ | TEST_ENV | {"DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "oppo_kz.backup", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _state() -> tuple[list[tuple[str, int, int]], int]:
    with session_scope() as s:
        rows = s.execute(
            select(col(Product.sku), col(Product.price), col(Product.version)).order_by(col(Product.sku))
        ).all()
        users = s.execute(select(func.count()).select_from(User)).scalar_one()
    return [tuple(r) for r in rows], users


def _fill() -> None:
    with session_scope(write=True) as s:
        make_user(s, email="kept@oppo.kz")
        for n in range(25):
            make_product(s, sku=f"KEPT-{n:03d}", price=1000 + n)


def _write_after_backup() -> None:
    with session_scope(write=True) as s:
        make_product(s, sku="AFTER-BACKUP")
        product = s.execute(select(Product).where(col(Product.sku) == "KEPT-000")).scalar_one()
        product.price, product.version = 1, product.version + 1
        s.commit()


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    migrate(url)
    use_database(url)
    yield url
    use_database(TEST_ENV["DATABASE_URL"])


@pytest.fixture
def pg_database(pg_server: ThrowawayPostgres) -> Iterator[str]:
    url = pg_server.create_database("oppo_backup")
    migrate(url)
    use_database(url)
    yield url
    get_engine().dispose()
    use_database(TEST_ENV["DATABASE_URL"])


def test_sqlite_backup_is_consistent_while_open_and_restores_over_later_writes(
    sqlite_file: str, tmp_path: Path
) -> None:
    _fill()
    before = _state()
    with session_scope(write=True):  # the server keeps the database open (WAL) during the backup
        done = _cli(sqlite_file, "--dir", str(tmp_path / "backups"))
    assert done.returncode == 0, done.stderr
    backup = Path(done.stdout.strip())
    assert backup.parent == tmp_path / "backups"
    assert backup.name.startswith("live-")
    assert backup.suffix == ".sqlite3"
    with sqlite3.connect(backup) as check:
        assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)

    _write_after_backup()
    assert _state() != before
    get_engine().dispose()  # the server is stopped for a restore
    restored = _cli(sqlite_file, "--restore", str(backup))
    assert restored.returncode == 0, restored.stderr

    assert _state() == before  # the write is gone, everything before it is back
    with session_scope() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert (
            s.execute(text("SELECT count(*) FROM products_fts WHERE products_fts MATCH 'KEPT'")).scalar_one()
            == 25
        )


@pytest.mark.postgres
def test_postgresql_backup_with_pg_dump_restores_over_later_writes(pg_database: str, tmp_path: Path) -> None:
    _fill()
    before = _state()
    done = _cli(pg_database, "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    backup = Path(done.stdout.strip())
    assert backup.name.startswith("oppo_backup-")
    assert backup.suffix == ".dump"

    _write_after_backup()
    assert _state() != before
    get_engine().dispose()
    restored = _cli(pg_database, "--restore", str(backup))
    assert restored.returncode == 0, restored.stderr

    assert _state() == before
    with session_scope(write=True) as s:  # sequences came back too: new rows get fresh ids
        product = make_product(s, sku="NEW-AFTER-RESTORE")
        assert product.id == 26


def test_without_pg_dump_the_command_is_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from oppo_kz import backup
    from oppo_kz.core.config import load_settings

    monkeypatch.setattr(backup, "PG_INSTALL_ROOT", tmp_path)  # no /usr/lib/postgresql here
    monkeypatch.setenv("PATH", str(tmp_path))
    settings = load_settings(DATABASE_URL="postgresql://oppo:s3cret@db.internal:5433/oppo", PG_BIN=None)
    with pytest.raises(backup.BackupError) as refused:
        backup.backup(settings, tmp_path)
    message = str(refused.value)
    assert "pg_dump --format=custom --no-owner" in message
    assert "--host=db.internal" in message
    assert "--port=5433" in message
    assert "--dbname=oppo" in message
    assert "s3cret" not in message  # the password would go through PGPASSWORD
