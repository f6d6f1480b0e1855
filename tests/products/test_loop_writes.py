"""PATCH and PUT of a product run without the ORM (`audit.row_write`): on PostgreSQL on the event loop,
on SQLite inline or in a worker thread. Either way a write must leave the same row, audit entry and
event as the ORM path does."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.pool import QueuePool
from sqlmodel import col, select

from oppo_kz.audit.models import AuditEntry
from oppo_kz.auth.service import Principal
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import get_engine, session_scope
from oppo_kz.core.events import Event, bus
from oppo_kz.core.outbox import Relay, last_seq, relay
from oppo_kz.products import service as products
from oppo_kz.products.models import Product, ProductUpdate
from oppo_kz.users.models import Role, User
from tests.factories import make_product, make_user

CHANGE = {"price": 2500, "category": "tablet", "series": "", "launch_date": "2026-03-08", "stock": 7}


@pytest.fixture
def office(db: str, login) -> tuple[User, dict[str, str]]:
    with session_scope(write=True) as s:
        user = make_user(s, role=Role.office)
    return user, {"Authorization": f"Bearer {login(user.email)['access_token']}"}


def _principal(user: User) -> Principal:
    return Principal(id=int(user.id or 0), email=user.email, full_name=user.full_name, role=user.role)


def _wait_for(check: Callable[[], bool]) -> None:
    # A publication that had to wait for the relay goes out from its thread a moment later.
    deadline = time.monotonic() + 5
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _audit(product_id: int) -> list[AuditEntry]:
    with session_scope(read_only=True) as s:
        found = s.exec(
            select(AuditEntry).where(AuditEntry.entity == "product", col(AuditEntry.entity_id) == product_id)
        )
        return list(found)


def _pair() -> tuple[int, int]:
    with session_scope(write=True) as s:
        a = make_product(s, price=1000, series="Reno", stock=3)
        b = make_product(s, price=1000, series="Reno", stock=3)
        return int(a.id or 0), int(b.id or 0)


def _without_identity(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("id", "sku", "name", "created_at", "updated_at")}


def test_a_rest_patch_leaves_what_the_orm_path_leaves(client, office, published: list[Event]) -> None:
    user, headers = office
    rest, orm = _pair()

    response = client.patch(f"/api/v1/products/{rest}", json=CHANGE, headers=headers)
    with session_scope(write=True) as s:
        actor = _principal(user)
        products.update_product(
            session=s, actor=actor, product_id=orm, changes=ProductUpdate.model_validate(CHANGE)
        )

    assert response.status_code == 200, response.text
    body = response.json()
    assert response.headers["ETag"] == '"2"'
    assert body["version"] == 2
    assert client.get(f"/api/v1/products/{rest}", headers=headers).json() == body
    _wait_for(lambda: {e.data["id"] for e in published if e.name == "product.updated"} >= {rest, orm})
    events = {e.data["id"]: e for e in published if e.name == "product.updated"}
    assert events[rest].name == events[orm].name == "product.updated"
    assert events[rest].data == body
    assert _without_identity(events[rest].data) == _without_identity(events[orm].data)
    assert events[rest].seq < events[orm].seq

    (mine,), (theirs,) = _audit(rest)[1:], _audit(orm)[1:]  # after each one's creation
    assert (mine.action, mine.actor_id, mine.actor_email) == (theirs.action, user.id, user.email)
    assert mine.changes == theirs.changes
    assert mine.changes["category"] == ["smartphone", "tablet"]
    assert mine.changes["series"] == ["Reno", None]
    assert mine.changes["launch_date"] == [None, "2026-03-08"]
    assert "version" not in mine.changes
    assert "updated_at" not in mine.changes


def test_a_put_is_audited_and_published_like_a_patch(client, office, published: list[Event]) -> None:
    _, headers = office
    rest, _ = _pair()
    current = client.get(f"/api/v1/products/{rest}", headers=headers).json()
    whole = {**{k: current[k] for k in ("sku", "name", "category", "price")}, "stock": 9}

    response = client.put(f"/api/v1/products/{rest}", json=whole, headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["stock"] == 9
    assert response.json()["series"] is None
    _wait_for(lambda: any(e.data["id"] == rest and e.name == "product.updated" for e in published))
    _, entry = _audit(rest)
    assert entry.changes == {
        "series": ["Reno", None],
        "color": ["Black", None],
        "ram_gb": [8, None],
        "storage_gb": [256, None],
        "stock": [3, 9],
    }


def test_a_patch_that_changes_nothing_writes_nothing(client, office, published: list[Event]) -> None:
    _, headers = office
    rest, _ = _pair()

    response = client.patch(f"/api/v1/products/{rest}", json={"price": 1000, "stock": 3}, headers=headers)

    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"1"'
    assert response.json()["version"] == 1
    time.sleep(0.1)
    assert [e for e in published if e.data.get("id") == rest and e.name == "product.updated"] == []
    assert len(_audit(rest)) == 1  # its creation only


def test_a_taken_sku_is_409_and_writes_nothing(client, office, published: list[Event]) -> None:
    _, headers = office
    rest, other = _pair()
    taken = client.get(f"/api/v1/products/{other}", headers=headers).json()["sku"]

    response = client.patch(f"/api/v1/products/{rest}", json={"sku": taken, "stock": 50}, headers=headers)

    assert response.status_code == 409, response.text
    assert response.json()["error_code"] == "conflict"
    assert response.json()["details"] == {"field": "sku", "sku": taken}
    product = client.get(f"/api/v1/products/{rest}", headers=headers).json()
    assert (product["stock"], product["version"]) == (3, 1)
    time.sleep(0.1)
    assert [e for e in published if e.data.get("id") == rest and e.name == "product.updated"] == []
    assert len(_audit(rest)) == 1  # its creation only


def test_an_echo_or_a_stale_version_is_refused_before_anything_is_written(client, office) -> None:
    _, headers = office
    rest, other = _pair()
    path = f"/api/v1/products/{rest}"

    echo = client.patch(path, json={"id": other, "stock": 50}, headers=headers)
    stale = client.patch(path, json={"stock": 50}, headers={**headers, "If-Match": '"7"'})

    assert echo.status_code == 422
    assert echo.json()["details"]["errors"][0]["field"] == "id"
    assert stale.status_code == 409
    assert stale.json()["details"]["current_version"] == 1
    assert client.get(path, headers=headers).json()["version"] == 1
    assert len(_audit(rest)) == 1  # its creation only


def test_a_relay_starting_meanwhile_still_publishes_a_reserved_event(db: str) -> None:
    # A commit on the loop holds no lock between its COMMIT and its publication: a relay that starts
    # in between must not count the reserved seq as published.
    seen: list[Event] = []
    target = type(bus)()
    target.add_listener(seen.append)
    fresh = Relay(target)
    with session_scope(write=True) as s:
        make_product(s)  # an event in the outbox, so the newest seq is > 0
    newest = last_seq()
    fresh.reserve(newest)
    fresh.catch_up()  # starts at the newest seq, less the reserved one
    fresh.committed_from_loop([Event(name="product.updated", data={"id": 1}, at="now", seq=newest)])

    assert [e.seq for e in seen] == [newest]
    assert relay is not fresh


# --- SQLite: inline on the loop when the write lock is free, else queued in a worker thread ---------


def _sqlite_path() -> str:
    return get_settings().DATABASE_URL.removeprefix("sqlite:///")


def _office_actor() -> Principal:
    with session_scope(write=True) as s:
        user = make_user(s, role=Role.office)
        return _principal(user)


async def _patch_while_locked(
    product_id: int, actor: Principal, release: Callable[[], object]
) -> tuple[int, bool]:
    """PATCH while another writer holds the lock, `release` it 0.3 s later: how often the loop ran
    meanwhile (a blocked loop runs nothing) and whether the write waited for the release."""
    released = asyncio.Event()
    write = asyncio.ensure_future(
        products.update_product_async(actor=actor, product_id=product_id, changes=ProductUpdate(stock=41))
    )
    waited: list[bool] = []

    def end() -> None:
        waited.append(not write.done())
        release()
        released.set()

    asyncio.get_running_loop().call_later(0.3, end)
    ticks = 0
    while not released.is_set():
        await asyncio.sleep(0.02)
        ticks += 1
    await asyncio.wait_for(write, timeout=20)
    return ticks, waited[0]


def _written_once(product_id: int) -> None:
    with session_scope(read_only=True) as s:
        product = s.get(Product, product_id)
        assert product is not None
        assert (product.stock, product.version) == (41, 2)
    assert [e.action.value for e in _audit(product_id)] == ["create", "update"]


def test_on_sqlite_a_write_waits_for_another_process_without_blocking_the_loop(sqlite_db: str) -> None:
    actor = _office_actor()
    product_id, _ = _pair()
    other = sqlite3.connect(_sqlite_path(), isolation_level=None)  # another process's writer
    other.execute("BEGIN IMMEDIATE")

    ticks, waited = asyncio.run(_patch_while_locked(product_id, actor, lambda: other.execute("COMMIT")))
    other.close()

    assert waited  # it did not fail at once ("database is locked") nor write past the lock
    assert ticks >= 3  # the loop kept running while the write waited in a worker thread
    _written_once(product_id)


def test_on_sqlite_a_write_queues_behind_a_writer_of_this_process(sqlite_db: str) -> None:
    actor = _office_actor()
    product_id, _ = _pair()
    with session_scope(write=True) as s:
        s.connection()  # BEGIN IMMEDIATE: this session holds the process's write lock

        ticks, waited = asyncio.run(_patch_while_locked(product_id, actor, s.commit))

    assert waited
    assert ticks >= 3
    _written_once(product_id)


def test_on_sqlite_the_loop_never_waits_for_a_pooled_connection_to_write(sqlite_db: str) -> None:
    actor = _office_actor()
    product_id, _ = _pair()
    engine = get_engine()
    assert isinstance(engine.pool, QueuePool)
    taken = [engine.connect() for _ in range(engine.pool.size() - engine.pool.checkedout())]

    def give_back() -> None:
        for conn in taken:
            conn.close()

    try:
        # Every connection goes back at once: another thread of the process (the relay) may take one.
        ticks, waited = asyncio.run(_patch_while_locked(product_id, actor, give_back))
    finally:
        for conn in taken:
            conn.close()

    assert waited
    assert ticks >= 3  # the write waited for a connection in a worker thread, not on the loop
    _written_once(product_id)
