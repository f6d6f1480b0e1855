"""The sign-in limiter without Redis: its counters are rows of the app's database, shared by every
instance (and every `--workers` process on one SQLite file), reserved atomically before bcrypt.

"Two instances" here are two limiters with an engine each (two connection pools, as two processes
have; on SQLite two independent writer queues), on one database. tests/live/test_workers.py does the
same over two real worker processes."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from oppo_kz.auth import service as auth
from oppo_kz.auth.limiter import Limit, LoginLimiter, login_limiter
from oppo_kz.auth.limiter_db import DatabaseAttemptStore
from oppo_kz.auth.models import LoginAttempt
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import build_engine, session_scope
from oppo_kz.core.errors import InvalidCredentialsError, RateLimitedError
from oppo_kz.users.models import Role
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import run_together

EMAIL = "aigerim@oppo.kz"


@pytest.fixture
def engines(db: str) -> Iterator[tuple[Engine, Engine]]:
    url = get_settings().DATABASE_URL
    pair = (build_engine(url), build_engine(url))
    yield pair
    for engine in pair:
        engine.dispose()


@pytest.fixture
def instances(engines: tuple[Engine, Engine]) -> tuple[LoginLimiter, LoginLimiter]:
    return LoginLimiter(DatabaseAttemptStore(engines[0])), LoginLimiter(DatabaseAttemptStore(engines[1]))


@pytest.fixture
def user(db: str):
    with session_scope(write=True) as s:
        return make_user(s, role=Role.admin, email=EMAIL)


def _login(limiter: LoginLimiter, password: str, ip: str = "10.3.0.1", email: str = EMAIL) -> str:
    try:
        with session_scope(write=True) as s:
            auth.authenticate(session=s, email=email, password=password, ip=ip, limiter=limiter)
        return "200"
    except InvalidCredentialsError:
        return "401"
    except RateLimitedError:
        return "429"


def _rows() -> int:
    with session_scope(read_only=True) as s:
        return int(s.execute(select(func.count()).select_from(LoginAttempt)).scalar_one())


def test_without_redis_the_database_is_the_store(db: str) -> None:
    assert os.environ.get("REDIS_URL") is None
    assert isinstance(LoginLimiter().store, DatabaseAttemptStore)
    assert _login(login_limiter, "wrong-password", email="nobody@oppo.kz") == "401"
    assert _rows() == 2  # the pair and the address


def test_forty_concurrent_wrong_passwords_over_two_instances_check_exactly_five(
    user, instances: tuple[LoginLimiter, LoginLimiter]
) -> None:
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        result = _login(instances[n % 2], "wrong-password")
        with lock:
            outcomes.append(result)

    assert run_together(attempt, 40) == []
    assert sorted(outcomes) == ["401"] * 5 + ["429"] * 35


def test_a_success_clears_the_pair_for_every_instance_and_the_account_is_never_locked(
    user, instances: tuple[LoginLimiter, LoginLimiter]
) -> None:
    a, b = instances
    for limiter in (a, b, a, b):
        assert _login(limiter, "wrong-password") == "401"
    assert _login(a, DEFAULT_PASSWORD) == "200"  # the fifth attempt: still free
    for _ in range(5):
        assert _login(b, "wrong-password") == "401"  # the pair starts afresh on B too
    assert _login(a, DEFAULT_PASSWORD) == "429"
    assert _login(b, DEFAULT_PASSWORD, ip="10.3.0.2") == "200"  # the right password from elsewhere


def test_unknown_emails_count_against_the_address_on_every_instance(
    db: str, instances: tuple[LoginLimiter, LoginLimiter]
) -> None:
    for n in range(30):  # LOGIN_ADDRESS_FREE_FAILURES, spread over both
        assert _login(instances[n % 2], "x", email=f"nobody{n}@oppo.kz") == "401"
    assert _login(instances[0], "x", email="someone@oppo.kz") == "429"
    assert _login(instances[1], "x", email="someone@oppo.kz", ip="10.3.0.9") == "401"


def test_expired_failures_are_pruned_and_a_withdrawn_attempt_leaves_no_row(db: str) -> None:
    store = DatabaseAttemptStore()
    limit = Limit(free_failures=5, window=60, delay=1, max_delay=60)
    for n in range(3):
        assert store.reserve({"pair:a": limit, f"pair:once{n}": limit}, now=1000.0 + n) is None
    assert _rows() == 6
    store.withdraw("pair:a", 1001.0)
    assert _rows() == 5
    # 100 s later: the key tried again loses its expired rows, and the once-only keys are pruned too.
    assert store.reserve({"pair:a": limit}, now=1100.0) is None
    assert _rows() == 1
    store.clear("pair:a")
    assert _rows() == 0
