"""A pooled PostgreSQL connection that dies after its checkout check and before its query (issue 15).

The checkout poll (core/connections.py) replaces a connection the server closed while it sat in the
pool; these tests kill the backend just after that check, so the request's own query is the first to
meet the dead socket. A read is tried once more on a fresh connection; a write too while it has sent no
COMMIT (the server rolled the cut-off transaction back); a write whose COMMIT met the dead connection
is not repeated.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import event

from oppo_kz.core.db import get_engine, session_scope
from oppo_kz.core.outbox import RELAY_THREAD
from oppo_kz.products.models import Product
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role
from tests.conftest import TEST_ENV, _truncate, use_database
from tests.factories import make_product, make_store, make_user
from tests.helpers import read_engine_of

pytestmark = pytest.mark.postgres


def _terminate(pid: int) -> None:
    """End backend `pid` from another connection and wait until it is gone."""
    url = get_engine().url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        for _ in range(200):
            if admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone() == (
                0,
            ):
                return
            time.sleep(0.02)
    raise AssertionError(f"backend {pid} did not end")


class Killer:
    """Kills the backend of the next `times` connections at the chosen moment (after the pool's checks)."""

    def __init__(self, times: int = 1) -> None:
        self.left = times
        self.killed: list[int] = []

    def __call__(self, dbapi_connection: Any) -> None:
        if self.left > 0 and threading.current_thread().name != RELAY_THREAD:  # the request's own work
            self.left -= 1
            pid = dbapi_connection.info.backend_pid
            self.killed.append(pid)
            _terminate(pid)

    def on_checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        self(dbapi_connection)

    def on_commit(self, conn: Any) -> None:
        self(conn.connection.dbapi_connection)

    def on_commit_statement(self, conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement == "COMMIT":
            self(conn.connection.dbapi_connection)


@pytest.fixture
def world(pg_url: str, client, login) -> Iterator[dict[str, Any]]:
    use_database(pg_url)
    _truncate()
    with session_scope(write=True) as s:
        product = make_product(s, stock=5)
        admin = make_user(s, role=Role.admin)
    headers = {"Authorization": f"Bearer {login(admin.email)['access_token']}"}
    path = f"/api/v1/products/{product.id}"
    assert client.get(path, headers=headers).status_code == 200  # login cached, pool warm
    yield {"path": path, "headers": headers, "id": product.id}
    _truncate()
    use_database(TEST_ENV["DATABASE_URL"])


def _stock_and_version(product_id: int) -> tuple[int, int]:
    with session_scope(read_only=True) as s:
        product = s.get(Product, product_id)
        assert product is not None
        return product.stock, product.version


def test_a_read_whose_connection_dies_after_checkout_is_answered_from_a_fresh_one(client, world) -> None:
    pool = read_engine_of(client).pool  # reads await on the event loop, on their own pool
    killer = Killer()
    event.listen(pool, "checkout", killer.on_checkout)
    try:
        response = client.get(world["path"], headers=world["headers"])
    finally:
        event.remove(pool, "checkout", killer.on_checkout)

    assert killer.killed  # the request's connection really died under it
    assert response.status_code == 200, response.text
    assert response.json()["id"] == world["id"]


def test_a_read_is_tried_once_more_only(client, world) -> None:
    pool = read_engine_of(client).pool  # reads await on the event loop, on their own pool
    killer = Killer(times=2)
    event.listen(pool, "checkout", killer.on_checkout)
    try:
        response = client.get(world["path"], headers=world["headers"])
    finally:
        event.remove(pool, "checkout", killer.on_checkout)

    assert len(killer.killed) == 2
    assert response.status_code == 500
    assert response.json()["error_code"] == "internal_error"
    assert client.get(world["path"], headers=world["headers"]).status_code == 200


# A product's PATCH runs on the event loop's pool (`audit.row_write`), a store's through the ORM in
# the thread pool: both kinds of write must retry, or not, the same way.
WRITES = ["product", "store"]


@pytest.fixture
def write(request: Any, client, world) -> dict[str, Any]:
    if request.param == "product":
        return {
            "path": world["path"],
            "pool": read_engine_of(client).pool,
            "engine": read_engine_of(client),
            "state": lambda: _stock_and_version(world["id"]),
            "body": lambda n: {"stock": n},
        }
    with session_scope(write=True) as s:
        store_id = int(make_store(s).id or 0)
    return {
        "path": f"/api/v1/stores/{store_id}",
        "pool": get_engine().pool,
        "engine": get_engine(),
        "state": lambda: _name_and_version(store_id),
        "body": lambda n: {"name": f"Store {n}"},
    }


def _name_and_version(store_id: int) -> tuple[str, int]:
    with session_scope(read_only=True) as s:
        store = s.get(Store, store_id)
        assert store is not None
        return store.name, store.version


@pytest.mark.parametrize("write", WRITES, indirect=True)
def test_a_write_that_sent_nothing_is_tried_again_and_applied_once(client, world, write) -> None:
    _, version = write["state"]()
    killer = Killer()
    event.listen(write["pool"], "checkout", killer.on_checkout)
    try:
        response = client.patch(write["path"], json=write["body"](41), headers=world["headers"])
    finally:
        event.remove(write["pool"], "checkout", killer.on_checkout)

    assert killer.killed
    assert response.status_code == 200, response.text
    assert write["state"]() == (write["body"](41).popitem()[1], version + 1)


@pytest.mark.parametrize("write", WRITES, indirect=True)
def test_a_write_whose_commit_met_a_dead_connection_is_not_repeated(client, world, write) -> None:
    before = write["state"]()
    killer = Killer()
    # The ORM's COMMIT fires the engine's commit event; the loop's is a statement of its own.
    event.listen(write["engine"], "commit", killer.on_commit)
    event.listen(write["engine"], "before_cursor_execute", killer.on_commit_statement)
    try:
        response = client.patch(write["path"], json=write["body"](42), headers=world["headers"])
    finally:
        event.remove(write["engine"], "commit", killer.on_commit)
        event.remove(write["engine"], "before_cursor_execute", killer.on_commit_statement)

    assert killer.killed
    assert response.status_code == 500
    assert response.json()["error_code"] == "internal_error"
    assert write["state"]() == before  # the server rolled the cut-off transaction back
