"""The sign-in limiter shared by every instance through Redis (REDIS_URL): one Lua script reserves
an attempt on every counter at once, so guesses spread over several instances are still throttled."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from oppo_kz.auth import service as auth
from oppo_kz.auth.limiter import LoginLimiter, RedisAttemptStore, login_limiter
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import session_scope
from oppo_kz.core.errors import InvalidCredentialsError, RateLimitedError
from oppo_kz.users.models import Role
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import run_together
from tests.redis_server import ThrowawayRedis


@pytest.fixture
def redis_url(redis_server: ThrowawayRedis) -> Iterator[str]:
    os.environ["REDIS_URL"] = redis_server.url
    get_settings.cache_clear()
    login_limiter.reset()
    yield redis_server.url
    login_limiter.reset()
    os.environ.pop("REDIS_URL")
    get_settings.cache_clear()


@pytest.fixture
def user(sqlite_db: str):
    with session_scope(write=True) as s:
        return make_user(s, role=Role.admin, email="aigerim@oppo.kz")


def _login(limiter: LoginLimiter, password: str, ip: str = "10.2.0.1") -> str:
    try:
        with session_scope(write=True) as s:
            auth.authenticate(session=s, email="aigerim@oppo.kz", password=password, ip=ip, limiter=limiter)
        return "200"
    except InvalidCredentialsError:
        return "401"
    except RateLimitedError:
        return "429"


def test_redis_url_selects_the_shared_store(redis_url: str) -> None:
    assert isinstance(LoginLimiter().store, RedisAttemptStore)


def test_forty_concurrent_wrong_passwords_over_two_instances_check_exactly_five(redis_url: str, user) -> None:
    instances = (LoginLimiter(), LoginLimiter())  # two processes' limiters, one Redis
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        result = _login(instances[n % 2], "wrong-password")
        with lock:
            outcomes.append(result)

    assert run_together(attempt, 40) == []
    assert sorted(outcomes) == ["401"] * 5 + ["429"] * 35


def test_a_success_clears_the_pair_for_every_instance(redis_url: str, user) -> None:
    a, b = LoginLimiter(), LoginLimiter()
    for limiter in (a, b, a, b):
        assert _login(limiter, "wrong-password") == "401"
    assert _login(a, DEFAULT_PASSWORD) == "200"  # the fifth attempt: still free
    for _ in range(5):
        assert _login(b, "wrong-password") == "401"  # the pair starts afresh on B too
    assert _login(a, DEFAULT_PASSWORD) == "429"
    assert _login(b, DEFAULT_PASSWORD, ip="10.2.0.2") == "200"  # never a lockout of the account


def test_an_unreachable_redis_falls_back_to_counting_in_process(user) -> None:
    os.environ["REDIS_URL"] = "redis://127.0.0.1:1/0"
    get_settings.cache_clear()
    try:
        limiter = LoginLimiter()
        outcomes = [_login(limiter, "wrong-password") for _ in range(6)]
        assert outcomes == ["401"] * 5 + ["429"]
    finally:
        os.environ.pop("REDIS_URL")
        get_settings.cache_clear()
