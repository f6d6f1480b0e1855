"""Test settings, databases (SQLite and a throwaway PostgreSQL) and clients shared by the suite."""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="oppo-tests-"))
TEST_ENV = {
    "ENV": "test",
    "SECRET_KEY": "test-secret-key-for-the-suite-0123456789abcdef-0123456789abcdef-xyz",
    "BCRYPT_ROUNDS": "4",
    "CORS_ORIGINS": "https://bi.example.kz",
    "ACCESS_TOKEN_MINUTES": "15",
    "REFRESH_TOKEN_DAYS": "7",
    "APP_VERSION": "0.1.0",
    "PORT": "3000",
    "DATABASE_URL": f"sqlite:///{_TMP / 'default.db'}",
}
os.environ.update(TEST_ENV)
os.environ.pop("PUBLIC_URL", None)

from oppo_kz.core.config import Settings, get_settings  # noqa: E402

# A developer's own .env must not leak into the tests.
Settings.model_config["env_file"] = None

from oppo_kz.domains import load_models  # noqa: E402

load_models()  # every table on the metadata, and the products hooks
from oppo_kz.auth.limiter import login_limiter  # noqa: E402
from oppo_kz.core.db import (  # noqa: E402
    metadata,
    reset_engine,
    session_scope,
)
from oppo_kz.users.models import Role  # noqa: E402
from tests.factories import DEFAULT_PASSWORD, make_user  # noqa: E402
from tests.pg import ThrowawayPostgres, free_port  # noqa: E402
from tests.redis_server import ThrowawayRedis  # noqa: E402

if TYPE_CHECKING:
    from oppo_kz.core.events import Event
    from tests.server import LiveServer
    from tests.world import World

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def migrate(url: str, revision: str = "head", *, down: bool = False) -> None:
    """Run Alembic against `url` exactly as `make run` does."""
    from alembic.config import Config

    from alembic import command

    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.attributes["url"] = url
    cfg.attributes["configure_logger"] = False
    if down:
        command.downgrade(cfg, revision)
    else:
        command.upgrade(cfg, revision)


def use_database(url: str) -> None:
    """Point the app's settings and engine at `url`."""
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    reset_engine()


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    return _TMP


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ThrowawayPostgres]:
    server = ThrowawayPostgres().start()
    yield server
    from oppo_kz.core.outbox import relay

    relay.stop()  # its LISTEN connection must not outlive the server
    server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[ThrowawayRedis]:
    """A throwaway `redis-server` on a free port, for the tests of what instances share."""
    server = ThrowawayRedis().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sqlite_url(tmp_root: Path) -> str:
    url = f"sqlite:///{tmp_root / 'suite.db'}"
    migrate(url)
    return url


@pytest.fixture(scope="session")
def pg_url(pg_server: ThrowawayPostgres) -> str:
    url = pg_server.create_database("oppo_suite")
    migrate(url)
    return url


def _truncate() -> None:
    from sqlalchemy import text

    from oppo_kz.core.db import get_engine
    from oppo_kz.lib.listing import count_cache

    engine = get_engine()
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
    # Raw SQL is not the app's write path, so it does not invalidate cached list counts by itself.
    count_cache.invalidate(t.name for t in metadata.sorted_tables)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty, migrated database: each test runs once on SQLite and once on PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    use_database(url)
    _truncate()
    yield request.param
    _truncate()
    use_database(TEST_ENV["DATABASE_URL"])


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[str]:
    """An empty, migrated SQLite database, for tests whose subject is not the database."""
    use_database(sqlite_url)
    _truncate()
    yield "sqlite"
    _truncate()
    use_database(TEST_ENV["DATABASE_URL"])


@pytest.fixture
def session(db: str):
    from oppo_kz.core.db import session_scope

    with session_scope(write=True) as s:
        yield s


@pytest.fixture
def api():
    from oppo_kz.api.app import create_api

    return create_api()


@pytest.fixture
def client(api):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from fastapi.testclient import TestClient

    with TestClient(api, raise_server_exceptions=False) as test_client:
        yield test_client


# --- signed-in clients -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_login_limiter() -> None:
    login_limiter.reset()


@pytest.fixture
def login(client) -> Callable[..., dict]:
    """login(email, password) -> the token answer (asserts 200)."""

    def do(email: str, password: str = DEFAULT_PASSWORD) -> dict:
        response = client.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return response.json()

    return do


@pytest.fixture
def headers_for(db: str, login) -> Callable[[Role | str], dict[str, str]]:
    """headers_for(role) -> Authorization headers of a fresh user with that role."""

    def make(role: Role | str) -> dict[str, str]:
        with session_scope(write=True) as s:
            user = make_user(s, role=role)
        tokens = login(user.email)
        return {"Authorization": f"Bearer {tokens['access_token']}"}

    return make


@pytest.fixture
def admin_headers(headers_for) -> dict[str, str]:
    return headers_for(Role.admin)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real API server process (`python -m oppo_kz.serve --api-only`) with the demo users, per module."""
    from tests.server import LiveServer

    server = LiveServer(tmp_path_factory.mktemp("live"), preferred_port=free_port())
    server.prepare(build_ui=False)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def world(db: str, login: Callable[..., dict]) -> World:
    """Every role, three stores of two supervisors, assignments and products (tests/world.py)."""
    from tests.world import build_world

    return build_world(login)


@pytest.fixture
def published() -> Iterator[list[Event]]:
    """Every event the in-process bus publishes while the test runs, in order."""
    from oppo_kz.core.events import bus

    seen: list[Event] = []
    remove = bus.add_listener(seen.append)
    yield seen
    remove()
