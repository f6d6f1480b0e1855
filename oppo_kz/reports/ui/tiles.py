"""Tiles other domains add to the dashboard: each `oppo_kz/<domain>/ui/__init__.py` may list
zero-argument functions returning a component in `DASHBOARD_TILES` (as it lists menu entries in
`NAV`); the dashboard shows them after its own figures, in the order of DOMAINS.

    DASHBOARD_TILES = (earned_this_month_tile,)

A tile draws itself (a card) and brings its own state; it should hide itself for roles it is not for.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from oppo_kz.domains import domain_modules

Tile = Callable[[], rx.Component]


def dashboard_tiles() -> list[Tile]:
    """Every domain's dashboard tiles, in the order of DOMAINS."""
    return [tile for module in domain_modules("ui") for tile in getattr(module, "DASHBOARD_TILES", ())]
