"""ENABLE_MESSAGES and ENABLE_BONUSES, both ways in one run: off, every route of the module is
`404 not_found` (signed in or not), absent from the API docs, its pages and navigation are not built and
its events topic does not exist; on, all of it is there. A closed month stays closed either way."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from oppo_kz.bonuses.models import BonusMonth
from oppo_kz.core.db import session_scope
from oppo_kz.lib.formatting import local_date
from tests.factories import valid_imei
from tests.helpers import expect_error
from tests.switches import build_api, switched
from tests.world import World

ROUTES = {
    "ENABLE_MESSAGES": [
        ("GET", "/api/v1/messages"),
        ("POST", "/api/v1/messages"),
        ("GET", "/api/v1/messages/1"),
        ("POST", "/api/v1/messages/1/read"),
        ("GET", "/api/v1/messages/1/receipts"),
    ],
    "ENABLE_BONUSES": [
        ("GET", "/api/v1/bonus-rules"),
        ("POST", "/api/v1/bonus-rules"),
        ("GET", "/api/v1/bonus-rules/1"),
        ("PATCH", "/api/v1/bonus-rules/1"),
        ("DELETE", "/api/v1/bonus-rules/1"),
        ("GET", "/api/v1/bonuses"),
        ("GET", "/api/v1/bonuses/1"),
        ("GET", "/api/v1/bonuses/months"),
        ("POST", "/api/v1/bonuses/months/2025-01/close"),
        ("GET", "/api/v1/bonuses/export"),
    ],
}
PREFIXES = {"ENABLE_MESSAGES": "/api/v1/messages", "ENABLE_BONUSES": "/api/v1/bonus"}
DOMAIN = {"ENABLE_MESSAGES": "messages", "ENABLE_BONUSES": "bonuses"}


@contextmanager
def _client(**switches: bool) -> Iterator[Any]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient
    with TestClient(build_api(**switches), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("switch", list(ROUTES))
def test_a_switched_off_module_has_no_routes_and_no_docs(world: World, switch: str) -> None:
    other = next(s for s in ROUTES if s != switch)
    with _client(**{switch: False, other: True}) as off, _client(**{switch: True, other: True}) as on:
        for method, path in ROUTES[switch]:
            expect_error(off.request(method, path), 404, "not_found")
            expect_error(off.request(method, path, headers=world.h("admin")), 404, "not_found")
            assert on.request(method, path).status_code == 401, (method, path)  # there, behind sign-in
        docs_off = [
            p for p in off.get("/api/v1/openapi.json").json()["paths"] if p.startswith(PREFIXES[switch])
        ]
        docs_on = [
            p for p in on.get("/api/v1/openapi.json").json()["paths"] if p.startswith(PREFIXES[switch])
        ]
        assert docs_off == []
        assert len(docs_on) >= 3
        # the other module is untouched
        other_path = ROUTES[other][0][1]
        assert off.get(other_path).status_code == 401


@pytest.mark.parametrize("switch", list(ROUTES))
def test_a_switched_off_module_has_no_pages_navigation_or_topic(
    monkeypatch: pytest.MonkeyPatch, sqlite_db: str, switch: str
) -> None:
    from oppo_kz.domains import domain_modules
    from oppo_kz.live.service import feed_topics
    from oppo_kz.ui.nav import nav_entries

    for on in (False, True):
        with switched(monkeypatch, **{switch: on}):
            ui = {m.__name__ for m in domain_modules("ui")}
            assert (f"oppo_kz.{DOMAIN[switch]}.ui" in ui) is on
            assert (f"nav-{DOMAIN[switch]}" in {e.testid for e in nav_entries()}) is on
            if switch == "ENABLE_MESSAGES":
                assert ("messages" in feed_topics()) is on


def test_a_closed_month_stays_closed_with_bonuses_switched_off(world: World) -> None:
    today = local_date(datetime.now(UTC))
    last_month = today.replace(day=1) - timedelta(days=10)
    with session_scope(write=True) as s:
        s.add(BonusMonth(month=f"{last_month.year:04d}-{last_month.month:02d}", closed_by_id=world["office"]))
        s.commit()
    sold_at = datetime(last_month.year, last_month.month, last_month.day, 7, tzinfo=UTC).isoformat()
    body = {"store_id": world["a1"], "product_id": world["phone"], "promoter_id": world["p1"]}
    with _client(ENABLE_BONUSES=False) as client:
        closed = client.post("/api/v1/sales", json=body | {"imei": valid_imei(), "sold_at": sold_at},
                             headers=world.h("office"))  # fmt: skip
        expect_error(closed, 409, "conflict")
        assert closed.json()["details"]["reason"] == "month_closed"
        fresh = client.post("/api/v1/sales", json=body | {"imei": valid_imei()}, headers=world.h("office"))
        assert fresh.status_code == 201, fresh.text
