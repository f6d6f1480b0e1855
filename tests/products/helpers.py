"""Actors and shortcuts shared by the product tests."""

from __future__ import annotations

from typing import Any

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.lib.listing import ListQuery
from oppo_kz.products import service as products
from oppo_kz.products.models import Product, ProductCreate
from oppo_kz.products.service import parse_query
from oppo_kz.users.models import Role
from tests.factories import make_product

ADMIN = Principal(id=1, email="admin@oppo.kz", full_name="Admin", role=Role.admin)
OFFICE = Principal(id=2, email="office@oppo.kz", full_name="Office", role=Role.office)
SUPERVISOR = Principal(id=3, email="supervisor@oppo.kz", full_name="Supervisor", role=Role.supervisor)
PROMOTER = Principal(id=4, email="promoter@oppo.kz", full_name="Promoter", role=Role.promoter)


def list_ids(query: ListQuery | list[tuple[str, str]], actor: Principal = ADMIN) -> list[int]:
    if not isinstance(query, ListQuery):
        query = parse_query(query)
    with session_scope() as s:
        page = products.list_products(session=s, actor=actor, query=query)
    return [item.id for item in page.items]


def list_page(params: list[tuple[str, str]]) -> Any:
    with session_scope() as s:
        return products.list_products(session=s, actor=ADMIN, query=parse_query(params))


def create(**overrides: Any) -> Product:
    with session_scope(write=True) as s:
        return make_product(s, **overrides)


def new(**overrides: Any) -> ProductCreate:
    values: dict[str, Any] = {"sku": "NEW-1", "name": "OPPO Reno 13", "category": "smartphone", "price": 1000}
    return ProductCreate(**(values | overrides))
