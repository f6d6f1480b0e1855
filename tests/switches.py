"""Feature switches in tests: the settings (and so the app factory) with ENABLE_* on or off."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi import FastAPI

from oppo_kz.core.config import get_settings


@contextmanager
def switched(monkeypatch: pytest.MonkeyPatch, **switches: bool) -> Iterator[None]:
    """Settings with `ENABLE_X=True/False` while the block runs (the settings cache is cleared)."""
    for name, on in switches.items():
        monkeypatch.setenv(name, "true" if on else "false")
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name in switches:
            monkeypatch.delenv(name, raising=False)
        get_settings.cache_clear()


def build_api(**switches: bool) -> FastAPI:
    """The FastAPI app built with these switches in the environment (restored afterwards)."""
    from oppo_kz.api.app import create_api

    with pytest.MonkeyPatch.context() as mp, switched(mp, **switches):
        return create_api()
