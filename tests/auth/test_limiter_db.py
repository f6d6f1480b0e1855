"""The sign-in limiter without Redis: its counters are rows of the app's database, shared by every
instance (and every `--workers` process on one SQLite file), reserved atomically before bcrypt.

"Two instances" here are two limiters with an engine each (two connection pools, as two processes
have; on SQLite two independent writer queues), on one database. tests/live/test_workers.py does the
same over two real worker processes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from oppo_kz.auth.limiter import Limit, LoginLimiter, login_limiter
from oppo_kz.auth.limiter_db import DatabaseAttemptStore
from oppo_kz.auth.models import LoginAttempt
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import build_engine, session_scope
from oppo_kz.users.models import Role
from tests.auth.limiter_helpers import (
    a_success_clears_the_pair_everywhere,
    forty_concurrent_wrong_passwords,
    login,
)
from tests.factories import DEFAULT_PASSWORD, make_user

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
    return login(limiter, email, password, ip)


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
    forty_concurrent_wrong_passwords(instances, EMAIL, "10.3.0.1")


def test_a_success_clears_the_pair_for_every_instance_and_the_account_is_never_locked(
    user, instances: tuple[LoginLimiter, LoginLimiter]
) -> None:
    a_success_clears_the_pair_everywhere(instances, EMAIL, "10.3.0.1", "10.3.0.2")


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


def test_a_store_that_fails_after_the_password_was_right_does_not_fail_the_login(
    user, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = DatabaseAttemptStore()

    def unreachable(_key: str) -> None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(store, "clear", unreachable)
    assert _login(LoginLimiter(store), DEFAULT_PASSWORD) == "200"  # signed in; the attempt stays counted
    assert _rows() == 2
