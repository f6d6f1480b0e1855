"""Product reads on psycopg directly (issue 15): the same JSON as SQLAlchemy's execution gives.

On PostgreSQL the list and one product run their SQLAlchemy-built statements on psycopg's connection
without SQLAlchemy's execution layer (`core.db.driver_rows`); the bind and result processing are
SQLAlchemy's own. These tests compare both ways, value for value, over the query shapes the list
takes, and the API's answers with the model's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import close_read_engine, session_scope
from oppo_kz.lib import listing
from oppo_kz.products import service as products
from oppo_kz.products.models import Category, Product, ProductPublic
from oppo_kz.users.models import Role
from tests.conftest import TEST_ENV, _truncate, use_database
from tests.factories import make_product, make_user

pytestmark = pytest.mark.postgres

ADMIN = Principal(id=1, email="admin@oppo.kz", full_name="Admin", role=Role.admin)
QUERIES = [
    "",
    "sort=-price&page_size=2",
    "category=tablet",
    "category__in=smartphone,tablet&sort=name",  # an IN list: SQLAlchemy's execution runs it
    "price__between=100000,300000&sort=-price",
    "price__gte=150000&is_active=true",
    "name__contains=reno",
    "q=reno",
    "launch_date__gte=2025-01-01",
    "created_at__lte=2030-01-01T00:00:00Z",
    "page=2&page_size=2&sort=stock",
    "page=9&page_size=2",
    "series=Reno&color=Black",
]


@pytest.fixture
def catalogue(pg_url: str) -> Iterator[list[int]]:
    """Five products on PostgreSQL (SQLite reads always go through SQLAlchemy)."""
    use_database(pg_url)
    _truncate()
    with session_scope(write=True) as s:
        ids = []
        for n, (category, price, name) in enumerate(
            [
                (Category.smartphone, 129_990, "OPPO Reno 12 Black"),
                (Category.smartphone, 299_990, "OPPO Find X8 Ocean Blue"),
                (Category.tablet, 189_990, "OPPO Pad 3 Grey"),
                (Category.wearable, 39_990, "OPPO Watch X Reno edition"),
                (Category.smartphone, 99_990, "OPPO A5 Pro"),
            ]
        ):
            p = make_product(s, category=category, price=price, name=name, stock=10 * n)
            assert p.id is not None
            ids.append(p.id)
    yield ids
    _truncate()
    use_database(TEST_ENV["DATABASE_URL"])


def _both(query: str) -> tuple[bytes, bytes]:
    parsed = products.parse_query(parse_qsl(query))

    async def driver() -> bytes:
        try:
            return await products.list_products_json_async(actor=ADMIN, query=parsed)
        finally:
            await close_read_engine()

    with session_scope(read_only=True) as s:
        through_sqlalchemy = products.list_products_json(session=s, actor=ADMIN, query=parsed)
    return asyncio.run(driver()), through_sqlalchemy


@pytest.mark.parametrize("query", QUERIES)
def test_a_page_on_psycopg_is_the_page_through_sqlalchemy(catalogue: list[int], query: str) -> None:
    listing.count_cache.invalidate(["products"])
    direct, through_sqlalchemy = _both(query)
    assert direct == through_sqlalchemy


def test_one_product_on_psycopg_is_the_models_json(catalogue: list[int]) -> None:
    with session_scope(write=True) as s:
        product = s.get(Product, catalogue[1])
        assert product is not None
        product.updated_at = datetime.now(UTC) - timedelta(microseconds=123)  # sub-second time
        s.commit()
        expected = ProductPublic.model_validate(product).model_dump_json().encode()
        version = product.version

    async def driver() -> tuple[bytes, int]:
        try:
            return await products.get_product_json_async(actor=ADMIN, product_id=catalogue[1])
        finally:
            await close_read_engine()

    body, etag_version = asyncio.run(driver())
    assert body == expected
    assert etag_version == version


def test_the_api_answers_one_product_with_the_models_json(client: Any, catalogue: list[int], login) -> None:
    with session_scope(write=True) as s:
        user = make_user(s, role=Role.promoter)
    headers = {"Authorization": f"Bearer {login(user.email)['access_token']}"}
    response = client.get(f"/api/v1/products/{catalogue[0]}", headers=headers)
    assert response.status_code == 200
    with session_scope(read_only=True) as s:
        product = s.get(Product, catalogue[0])
        assert product is not None
        assert response.json() == ProductPublic.model_validate(product).model_dump(mode="json")
        assert response.headers["etag"] == f'"{product.version}"'
