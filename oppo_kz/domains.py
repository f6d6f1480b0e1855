"""The platform's domains, in one list. The API includes each one's routers, the Reflex app its pages,
Alembic and the tests its tables. Adding a domain means adding its name here (and its permissions).

Each domain is a package `oppo_kz/<name>/` with any of: `models.py` (tables and schemas),
`service.py` (business rules, no web framework), `api.py` (a `routers` tuple of FastAPI routers) and
`ui/` (a `register(app)` function that adds its pages).

A domain behind a feature switch (`SWITCHES`, a Settings field such as ENABLE_MESSAGES) keeps its
tables, catalog texts and change tracking whatever the switch says; while it is off, its routes
(`api`), pages and navigation (`ui`) and its events-socket topic (`events`) are not there at all.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

DOMAINS: tuple[str, ...] = (
    "auth",
    "users",
    "products",
    "stores",
    "assignments",
    "sales",
    "targets",
    "reports",
    "messages",
    "bonuses",
    "audit",
    "live",
)
SWITCHES: dict[str, str] = {"messages": "ENABLE_MESSAGES", "bonuses": "ENABLE_BONUSES"}
SWITCHED_PARTS = frozenset({"api", "ui", "events"})


def domain_enabled(name: str) -> bool:
    """Whether a domain's switch (if it has one) is on in the current settings."""
    switch = SWITCHES.get(name)
    if switch is None:
        return True
    from oppo_kz.core.config import get_settings

    return bool(getattr(get_settings(), switch))


def domain_modules(part: str) -> list[ModuleType]:
    """`oppo_kz.<domain>.<part>` of every domain that has one, in the order of DOMAINS (for `api`, `ui`
    and `events`, only the domains whose switch is on)."""
    found = []
    for name in DOMAINS:
        if part in SWITCHED_PARTS and not domain_enabled(name):
            continue
        module = f"oppo_kz.{name}.{part}"
        if importlib.util.find_spec(module) is not None:
            found.append(importlib.import_module(module))
    return found


def load_models() -> None:
    """Import every domain's tables, so that the shared metadata knows them all."""
    domain_modules("models")
