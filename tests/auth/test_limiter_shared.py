"""The sign-in limiter shared by every instance through Redis (REDIS_URL): one Lua script reserves
an attempt on every counter at once, so guesses spread over several instances are still throttled."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from oppo_kz.auth.limiter import LoginLimiter, RedisAttemptStore, login_limiter
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import session_scope
from oppo_kz.users.models import Role
from tests.auth.limiter_helpers import (
    a_success_clears_the_pair_everywhere,
    forty_concurrent_wrong_passwords,
    login,
)
from tests.factories import make_user
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
    return login(limiter, "aigerim@oppo.kz", password, ip)


def test_redis_url_selects_the_shared_store(redis_url: str) -> None:
    assert isinstance(LoginLimiter().store, RedisAttemptStore)


def test_forty_concurrent_wrong_passwords_over_two_instances_check_exactly_five(redis_url: str, user) -> None:
    forty_concurrent_wrong_passwords((LoginLimiter(), LoginLimiter()), user.email, "10.2.0.1")  # one Redis


def test_a_success_clears_the_pair_for_every_instance(redis_url: str, user) -> None:
    a_success_clears_the_pair_everywhere((LoginLimiter(), LoginLimiter()), user.email, "10.2.0.1", "10.2.0.2")


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
