"""The platform's domains, in one list. The API includes each one's routers, the Reflex app its pages,
Alembic and the tests its tables. Adding a domain means adding its name here (and its permissions).

Each domain is a package `oppo_kz/<name>/` with any of: `models.py` (tables and schemas),
`service.py` (business rules, no web framework), `api.py` (a `routers` tuple of FastAPI routers) and
`ui/` (a `register(app)` function that adds its pages).
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

DOMAINS: tuple[str, ...] = ("auth", "users", "products", "stores", "assignments", "sales", "audit", "live")


def domain_modules(part: str) -> list[ModuleType]:
    """`oppo_kz.<domain>.<part>` of every domain that has one, in the order of DOMAINS."""
    found = []
    for name in DOMAINS:
        module = f"oppo_kz.{name}.{part}"
        if importlib.util.find_spec(module) is not None:
            found.append(importlib.import_module(module))
    return found


def load_models() -> None:
    """Import every domain's tables, so that the shared metadata knows them all."""
    domain_modules("models")
