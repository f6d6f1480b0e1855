"""The main navigation, gathered from the domains: each `oppo_kz/<domain>/ui/__init__.py` lists its
entries in `NAV`, so adding a page to the menu is one line in the page's own package.

    NAV = (NavEntry("sales", "/sales", Permission.sales_read, icon="receipt", order=20),)

The label is the catalog text `nav.<name>` and the test id `nav-<name>`; the entry is shown only to
roles with `permission` (and, with `flag`, only while that setting is on, e.g. ENABLE_MESSAGES).
"""

from __future__ import annotations

from dataclasses import dataclass

from oppo_kz.domains import domain_modules


@dataclass(frozen=True)
class NavEntry:
    name: str
    href: str
    permission: str
    icon: str = "circle"
    order: int = 50
    flag: str = ""

    @property
    def label_key(self) -> str:
        return f"nav.{self.name}"

    @property
    def testid(self) -> str:
        return f"nav-{self.name}"


def nav_entries() -> list[NavEntry]:
    """Every domain's entries, in menu order."""
    entries = [entry for module in domain_modules("ui") for entry in getattr(module, "NAV", ())]
    return sorted(entries, key=lambda e: (e.order, e.name))
