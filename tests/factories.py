"""Small factories: each test builds the rows it needs."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

from oppo_kz.assignments.models import Assignment
from oppo_kz.core.security import hash_password
from oppo_kz.lib.formatting import local_date
from oppo_kz.products.models import Category, Product
from oppo_kz.sales.models import Sale, SaleStatus
from oppo_kz.stores.models import Store
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


def valid_imei(n: int | None = None) -> str:
    """A 15-digit IMEI with a correct Luhn check digit (a new one each call unless `n` is given)."""
    from oppo_kz.sales.imei import luhn_check_digit

    body = f"35{(n if n is not None else next(_seq)) % 10**12:012d}"
    return body + str(luhn_check_digit(body))


def make_store(session: Any, *, commit: bool = True, **overrides: Any) -> Store:
    n = next(_seq)
    values: dict[str, Any] = {
        "code": f"ALA-TST-{n:04d}",
        "name": f"Test Store {n}",
        "chain": "Technodom",
        "city": "Almaty",
        "is_active": True,
    }
    values.update(overrides)
    store = Store(**values)
    session.add(store)
    session.commit() if commit else session.flush()
    return store


def make_assignment(
    session: Any, store: Store, user: User, *, starts_on: date | None = None, ends_on: date | None = None
) -> Assignment:
    assignment = Assignment(
        store_id=id_of(store),
        user_id=id_of(user),
        starts_on=starts_on or date(2020, 1, 1),
        ends_on=ends_on,
    )
    session.add(assignment)
    session.commit()
    return assignment


def make_sale(session: Any, *, store: Store, promoter: User, product: Product, **overrides: Any) -> Sale:
    """A sale written directly (no rules checked), for tests that need data in a given state."""
    sold_at = overrides.pop("sold_at", None) or datetime.now(UTC) - timedelta(hours=1)
    quantity = overrides.pop("quantity", 1)
    unit_price = overrides.pop("unit_price", product.price)
    values: dict[str, Any] = {
        "store_id": id_of(store),
        "promoter_id": id_of(promoter),
        "product_id": id_of(product),
        "imei": valid_imei() if quantity == 1 else None,
        "quantity": quantity,
        "unit_price": unit_price,
        "amount": quantity * unit_price,
        "sold_at": sold_at,
        "sale_date": local_date(sold_at),
        "status": SaleStatus.pending,
    }
    values.update(overrides)
    sale = Sale(**values)
    session.add(sale)
    session.commit()
    return sale
