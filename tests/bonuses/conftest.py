"""The bonuses module switched on for its tests (tests/bonuses/test_switch.py tries both ways)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.switches import switched


@pytest.fixture(autouse=True)
def _bonuses_on(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    with switched(monkeypatch, ENABLE_BONUSES=True):
        yield
