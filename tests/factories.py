"""Small factories: each test builds the rows it needs."""

from __future__ import annotations

import itertools
from typing import Any

from oppo_kz.core.security import hash_password
from oppo_kz.products.models import Category, Product
from oppo_kz.users.models import Role, User

_seq = itertools.count(1)


def id_of(row: Any) -> int:
    """The id of a stored row (models type it as optional because a new row has none yet)."""
    assert row.id is not None, f"{row!r} has not been stored"
    return int(row.id)


DEFAULT_PASSWORD = "Passw0rd!"


def make_product(session: Any, *, commit: bool = True, **overrides: Any) -> Product:
    n = next(_seq)
    values: dict[str, Any] = {
        "sku": f"TEST-{n:05d}",
        "name": f"OPPO Test Phone {n}",
        "category": Category.smartphone,
        "series": "Reno",
        "color": "Black",
        "ram_gb": 8,
        "storage_gb": 256,
        "price": 100_000 + n,
        "stock": 10,
        "is_active": True,
    }
    values.update(overrides)
    product = Product(**values)
    session.add(product)
    if commit:
        session.commit()
    else:
        session.flush()
    return product


def make_user(
    session: Any,
    *,
    role: Role | str = Role.promoter,
    email: str | None = None,
    password: str = DEFAULT_PASSWORD,
    is_active: bool = True,
    full_name: str = "Test User",
) -> User:
    n = next(_seq)
    user = User(
        email=(email or f"user{n}@oppo.kz").lower(),
        password_hash=hash_password(password),
        full_name=full_name,
        role=Role(role),
        is_active=is_active,
    )
    session.add(user)
    session.commit()
    return user
