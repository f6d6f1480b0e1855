"""Other domains add tiles to the dashboard through `DASHBOARD_TILES` in their `ui` package."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import reflex as rx

from oppo_kz.reports.ui import dashboard, tiles


def _earned_tile() -> rx.Component:
    return rx.card(rx.text("earned"), data_testid="tile-earned")


def test_the_dashboard_shows_every_domains_tiles(monkeypatch: Any) -> None:
    modules = [SimpleNamespace(NAV=()), SimpleNamespace(DASHBOARD_TILES=(_earned_tile,))]
    monkeypatch.setattr(tiles, "domain_modules", lambda part: modules if part == "ui" else [])
    assert tiles.dashboard_tiles() == [_earned_tile]
    monkeypatch.setattr(dashboard, "dashboard_tiles", tiles.dashboard_tiles)
    assert "tile-earned" in str(dashboard.dashboard_page())
