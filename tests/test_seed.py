"""`python -m oppo_kz.seed`: the admin and the same 200 products; a second run changes nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import col, func, select

from oppo_kz import seed
from oppo_kz.core.db import session_scope
from oppo_kz.core.security import verify_password
from oppo_kz.products.models import Product
from oppo_kz.products.seed_data import catalogue_products
from oppo_kz.users.models import Role, User
from tests.conftest import PROJECT_ROOT, migrate


def _counts() -> tuple[int, int]:
    with session_scope() as s:
        return (
            s.exec(select(func.count()).select_from(Product)).one(),
            s.exec(select(func.count()).select_from(User)).one(),
        )


def test_seed_twice_gives_200_products_and_one_admin(db: str) -> None:
    with session_scope(write=True) as s:
        first = seed.seed(session=s)
    with session_scope(write=True) as s:
        second = seed.seed(session=s)
    assert (first.products_created, first.users_created) == (200, [seed.ADMIN_EMAIL])
    assert (second.products_created, second.users_created) == (0, [])
    assert _counts() == (200, 1)
    with session_scope() as s:
        admin = s.exec(select(User)).one()
        assert admin.role == Role.admin
        assert verify_password(seed.ADMIN_PASSWORD, admin.password_hash)
        skus = s.exec(select(Product.sku).order_by(col(Product.sku))).all()
        inactive = s.exec(
            select(func.count()).select_from(Product).where(col(Product.is_active).is_(False))
        ).one()
    assert skus == sorted(row["sku"] for row in catalogue_products())
    assert 0 < inactive < 20


def test_seed_never_overwrites_existing_rows(db: str) -> None:
    with session_scope(write=True) as s:
        seed.seed(session=s)
    with session_scope(write=True) as s:
        product = s.exec(select(Product).order_by(col(Product.id)).limit(1)).one()
        product.price = 1
        s.commit()
        changed_id = product.id
    with session_scope(write=True) as s:
        seed.seed(session=s, demo_users=True)
    with session_scope() as s:
        assert s.get_one(Product, changed_id).price == 1
        roles = sorted(u.role.value for u in s.exec(select(User)).all())
    assert roles == ["admin", "office", "promoter", "supervisor"]


def test_seed_products_look_like_the_real_catalogue() -> None:
    rows = catalogue_products()
    assert len(rows) == 200
    assert {row["category"].value for row in rows} == {
        "smartphone",
        "tablet",
        "wearable",
        "audio",
        "accessory",
    }
    series = {row["series"] for row in rows}
    assert {"Reno", "Find", "A", "K", "Pad", "Watch", "Enco"} <= series
    phones = [row for row in rows if row["category"].value == "smartphone"]
    assert all(30_000 <= row["price"] <= 1_000_000 for row in phones)
    assert all(row["ram_gb"] and row["storage_gb"] for row in phones)


def test_seed_command_line_is_idempotent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    migrate(url)
    env = os.environ | {"DATABASE_URL": url}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "oppo_kz.seed", *args],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
        for args in ([], [], ["--demo-users"])
    ]
    assert "products created: 200" in runs[0]
    assert "products created: 0" in runs[1]
    assert "users created: none" in runs[1]
    assert "office login: office@oppo.kz" in runs[2]


def _seed_cli(url: str, **env: str) -> str:
    return subprocess.run(
        [sys.executable, "-m", "oppo_kz.seed"],
        cwd=PROJECT_ROOT,
        env=os.environ | {"DATABASE_URL": url} | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout


def test_production_never_seeds_the_documented_admin_password(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    migrate(url)
    out = _seed_cli(url, ENV="prod", SECRET_KEY="prod-" + "".join(map(chr, range(65, 91))) * 2)
    assert "generated" in out
    password = out.split(f"admin login: {seed.ADMIN_EMAIL} / ")[1].split()[0]
    assert password != seed.ADMIN_PASSWORD
    assert len(password) >= 16


def test_first_admin_password_setting_is_used(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'set.db'}"
    migrate(url)
    out = _seed_cli(url, FIRST_ADMIN_PASSWORD="Chosen-Secret-42")
    assert f"admin login: {seed.ADMIN_EMAIL} / Chosen-Secret-42" in out
    out_again = _seed_cli(url, FIRST_ADMIN_PASSWORD="Another-One-43")
    assert "already existed" in out_again
