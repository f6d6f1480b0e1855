"""What a request costs the database: statements sent, transactions, connections (issue 15).

Statements are counted on the engine (`before_cursor_execute`); a COMMIT or ROLLBACK counts only when
the driver really has a transaction to end (pysqlite's and psycopg's commit/rollback send nothing
otherwise), both when a session ends one and when the pool resets a returned connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event, text, update

from oppo_kz.auth.models import AuthSession
from oppo_kz.core.db import get_engine, session_scope
from oppo_kz.core.outbox import RELAY_THREAD
from oppo_kz.users.models import Role, User
from tests.conftest import _truncate, use_database
from tests.factories import make_product, make_user
from tests.helpers import read_engine_of


def _in_transaction(dbapi_connection: Any) -> bool:
    info = getattr(dbapi_connection, "info", None)
    if info is not None and hasattr(info, "transaction_status"):  # psycopg
        import psycopg

        return bool(info.transaction_status != psycopg.pq.TransactionStatus.IDLE)
    return bool(dbapi_connection.in_transaction)  # sqlite3


@dataclass
class Trips:
    statements: list[str] = field(default_factory=list)
    checkouts: int = 0
    connects: int = 0

    @property
    def queries(self) -> list[str]:
        return [s for s in self.statements if s.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK")]

    def ends(self) -> list[str]:
        return [s for s in self.statements if s.split()[0].upper() in ("BEGIN", "COMMIT", "ROLLBACK")]


def _counting_end(seen: Trips, kind: str) -> Any:
    def listener(conn: Any, *_args: Any) -> None:
        if _in_transaction(conn.connection.dbapi_connection):
            seen.statements.append(kind)

    return listener


def _listeners(seen: Trips, client: Any) -> list[tuple[Any, str, Any]]:
    listeners: list[tuple[Any, str, Any]] = []
    for engine in {id(e): e for e in (get_engine(), read_engine_of(client))}.values():
        listeners += _engine_listeners(seen, engine)
    return listeners


def _engine_listeners(seen: Trips, engine: Any) -> list[tuple[Any, str, Any]]:

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.statements.append(statement.strip())

    def on_reset(dbapi_connection: Any, _record: Any, _state: Any) -> None:
        if _in_transaction(dbapi_connection):
            seen.statements.append("ROLLBACK")

    def on_checkout(*_args: Any) -> None:
        seen.checkouts += 1

    def on_connect(*_args: Any) -> None:
        seen.connects += 1

    listeners = [
        (engine, "before_cursor_execute", on_execute),
        (engine, "commit", _counting_end(seen, "COMMIT")),
        (engine, "rollback", _counting_end(seen, "ROLLBACK")),
        (engine.pool, "reset", on_reset),
        (engine.pool, "checkout", on_checkout),
        (engine.pool, "connect", on_connect),
    ]
    return [(target, name, _not_from_the_relay(fn)) for target, name, fn in listeners]


def _not_from_the_relay(fn: Any) -> Any:
    """Count the request's own work: the outbox relay's thread polls and catches up on its own time."""

    def listener(*args: Any) -> None:
        if threading.current_thread().name != RELAY_THREAD:
            fn(*args)

    return listener


@pytest.fixture
def trips(db: str, client: Any) -> Iterator[Trips]:
    seen = Trips()
    listeners = _listeners(seen, client)
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    yield seen
    for target, name, fn in listeners:
        event.remove(target, name, fn)


def _reset(trips: Trips) -> None:
    trips.statements.clear()
    trips.checkouts = trips.connects = 0


def test_the_pool_does_not_ping_or_overflow(db: str, client: Any) -> None:
    for engine in (get_engine(), read_engine_of(client)):
        pool: Any = engine.pool
        assert pool._pre_ping is False
        assert pool._max_overflow == 0


def test_an_authenticated_get_is_at_most_two_queries_and_no_transaction(client, headers_for, trips) -> None:
    headers = headers_for(Role.promoter)
    with session_scope(write=True) as s:
        product = make_product(s)
    _reset(trips)

    first = client.get(f"/api/v1/products/{product.id}", headers=headers)

    assert first.status_code == 200, first.text
    assert len(trips.queries) <= 2, trips.statements
    assert trips.ends() == [], trips.statements

    _reset(trips)
    again = client.get(f"/api/v1/products/{product.id}", headers=headers)
    assert again.status_code == 200
    assert len(trips.queries) == 1, trips.statements  # the login was checked moments ago
    assert trips.ends() == [], trips.statements
    assert trips.checkouts == 1
    assert trips.connects == 0


def test_a_list_page_is_at_most_two_queries_and_no_transaction(client, headers_for, trips) -> None:
    headers = headers_for(Role.promoter)
    with session_scope(write=True) as s:
        for _ in range(3):
            make_product(s)
    client.get("/api/v1/products?sort=-price", headers=headers)  # the total is cached after this
    _reset(trips)

    page = client.get("/api/v1/products?sort=-price", headers=headers)

    assert page.status_code == 200
    assert page.json()["total"] == 3
    assert len(trips.queries) <= 2, trips.statements
    assert trips.ends() == [], trips.statements


def test_a_write_stays_one_transaction(db: str, client, admin_headers, trips) -> None:
    with session_scope(write=True) as s:
        product = make_product(s)
    _reset(trips)

    response = client.patch(f"/api/v1/products/{product.id}", json={"stock": 41}, headers=admin_headers)

    assert response.status_code == 200, response.text
    ends = trips.ends()
    assert ends[0].upper().startswith("BEGIN"), trips.statements
    assert ends[-1] == "COMMIT", trips.statements
    assert ends.count("COMMIT") == 1
    assert "ROLLBACK" not in ends
    assert any("UPDATE PRODUCTS SET" in s.upper() for s in trips.statements)
    if db == "postgresql":
        # On the loop: BEGIN, the row locked, one statement for the row, its audit entry, its
        # outbox event and the NOTIFY, COMMIT (the ORM path sent eight).
        begin, commit = trips.statements.index("BEGIN"), trips.statements.index("COMMIT")
        assert commit - begin == 3, trips.statements


def test_a_failed_write_rolls_back_and_answers_the_contract_body(client, admin_headers, trips) -> None:
    with session_scope(write=True) as s:
        product = make_product(s)
    _reset(trips)

    response = client.patch(
        f"/api/v1/products/{product.id}", json={"stock": 1}, headers={**admin_headers, "If-Match": '"99"'}
    )

    assert response.status_code == 409
    assert response.json()["error_code"] == "conflict"
    assert "COMMIT" not in trips.ends()


def test_cached_logins_see_logout_revocation_and_role_change_at_once(db: str, client, login) -> None:
    with session_scope(write=True) as s:
        product = make_product(s)
        user = make_user(s, role=Role.admin)
        user_id = user.id
    tokens = login(user.email)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    path = f"/api/v1/products/{product.id}"
    assert client.get(path, headers=headers).status_code == 200  # now cached

    # A role change made through any session of this process counts at once.
    with session_scope(write=True) as s:
        s.execute(update(User).where(User.id == user_id).values(role=Role.promoter))  # type: ignore[arg-type]
        s.commit()
    assert client.delete(path, headers=headers).status_code == 403

    with session_scope(write=True) as s:
        s.execute(update(AuthSession).values(revoked_at=text("CURRENT_TIMESTAMP")))
        s.commit()
    ended = client.get(path, headers=headers)
    assert ended.status_code == 401
    assert ended.json()["error_code"] == "invalid_token"

    # A login ended through the API, on a fresh token.
    fresh = login(user.email)
    headers = {"Authorization": f"Bearer {fresh['access_token']}"}
    assert client.get(path, headers=headers).status_code == 200
    assert (
        client.post("/api/v1/auth/logout", json={"refresh_token": fresh["refresh_token"]}).status_code == 204
    )
    assert client.get(path, headers=headers).status_code == 401


@pytest.mark.postgres
def test_a_connection_the_server_closed_is_replaced_without_an_error(pg_url: str, client, login) -> None:
    import psycopg

    use_database(pg_url)
    _truncate()
    with session_scope(write=True) as s:
        product = make_product(s)
        user = make_user(s, role=Role.promoter)
    headers = {"Authorization": f"Bearer {login(user.email)['access_token']}"}
    path = f"/api/v1/products/{product.id}"
    assert client.get(path, headers=headers).status_code == 200
    connects: list[object] = []
    engine = read_engine_of(client)  # reads await on the event loop, on their own pool
    event.listen(engine.pool, "connect", lambda *_: connects.append(1))
    # Close every pooled connection from the server's side, as a restart or an idle timeout does.
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'oppo_kz' AND pid <> pg_backend_pid()"
        )
        for _ in range(100):  # termination is asynchronous: wait until the backends are gone
            left = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'oppo_kz'"
            ).fetchone()
            if left == (0,):
                break
            time.sleep(0.05)

    response = client.get(path, headers=headers)

    assert response.status_code == 200, response.text
    assert connects  # the dead connection was noticed on checkout and replaced
    _truncate()


def test_middleware_added_to_the_api_still_runs(db: str) -> None:
    from fastapi.testclient import TestClient
    from starlette.types import Message, Receive, Scope, Send

    from oppo_kz.api.app import create_api

    class Marker:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            async def marked(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", []), (b"x-marker", b"1")]
                await send(message)

            await self.app(scope, receive, marked)

    api = create_api()
    api.add_middleware(Marker)
    with TestClient(api) as client:
        response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.headers["x-marker"] == "1"
