"""A small sell-out world for the sales-side tests: every role, stores, assignments and products.

office ─┐                      store A1 (supervisor A) ── promoter P1 (assigned since 2020)
admin  ─┤  supervisor A ──┬─   store A2 (supervisor A) ── promoter P2 (assigned since 2020)
        │                 └─   (no store of B)
        └  supervisor B ────   store B1 (supervisor B) ── promoter P2 (assignment ended 2021)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from oppo_kz.core.db import session_scope
from oppo_kz.products.models import Category
from oppo_kz.users.models import Role
from tests.factories import id_of, make_assignment, make_product, make_store, make_user


@dataclass
class World:
    ids: dict[str, int]
    headers: dict[str, dict[str, str]]

    def __getitem__(self, name: str) -> int:
        return self.ids[name]

    def h(self, who: str) -> dict[str, str]:
        """The Authorization header of a user of the world."""
        return self.headers[who]


def build_world(login: Any) -> World:
    ids: dict[str, int] = {}
    with session_scope(write=True) as s:
        users = {
            "admin": make_user(s, role=Role.admin, full_name="Admin"),
            "office": make_user(s, role=Role.office, full_name="Aigerim Office"),
            "sup_a": make_user(s, role=Role.supervisor, full_name="Supervisor A"),
            "sup_b": make_user(s, role=Role.supervisor, full_name="Supervisor B"),
            "p1": make_user(s, role=Role.promoter, full_name="Promoter One"),
            "p2": make_user(s, role=Role.promoter, full_name="Promoter Two"),
        }
        stores = {
            "a1": make_store(s, code="ALA-TDM-001", name="Technodom Dostyk", supervisor_id=id_of(users["sup_a"])),
            "a2": make_store(
                s, code="AST-SUL-002", name="Sulpak Mega", city="Astana", chain="Sulpak",
                supervisor_id=id_of(users["sup_a"]),
            ),
            "b1": make_store(
                s, code="SHY-OPP-003", name="OPPO Store Shymkent", city="Shymkent", chain="OPPO Store",
                supervisor_id=id_of(users["sup_b"]),
            ),
        }  # fmt: skip
        make_assignment(s, stores["a1"], users["p1"], starts_on=date(2020, 1, 1))
        make_assignment(s, stores["a2"], users["p2"], starts_on=date(2020, 1, 1))
        make_assignment(s, stores["b1"], users["p2"], starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1))
        products = {
            "phone": make_product(s, sku="RENO14-8-256", name="OPPO Reno14 5G", category=Category.smartphone, price=199_990),
            "tablet": make_product(s, sku="PAD3-8-256", name="OPPO Pad 3", category=Category.tablet, price=249_990),
            "case": make_product(s, sku="CASE-RENO14", name="Case for Reno14", category=Category.accessory, price=6_990),
            "old": make_product(s, sku="A16-OLD", name="OPPO A16", category=Category.smartphone, is_active=False),
        }  # fmt: skip
        ids |= {name: id_of(row) for name, row in {**users, **stores, **products}.items()}
        emails = {name: user.email for name, user in users.items()}
    headers = {
        name: {"Authorization": f"Bearer {login(email)['access_token']}"} for name, email in emails.items()
    }
    return World(ids=ids, headers=headers)
