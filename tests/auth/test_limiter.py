"""Sign-in throttling: per (email, client address) and per address, increasing delay, no account lockout."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from oppo_kz.auth import service as auth
from oppo_kz.auth.limiter import LoginLimiter, MemoryAttemptStore, login_limiter
from oppo_kz.core import security
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import session_scope
from oppo_kz.core.errors import InvalidCredentialsError, RateLimitedError
from oppo_kz.users.models import Role
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.helpers import expect_error, run_together

LOGIN = "/api/v1/auth/login"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def limiter(clock: Clock) -> LoginLimiter:
    return LoginLimiter(clock=clock)


@pytest.fixture
def user(db: str):
    with session_scope(write=True) as s:
        return make_user(s, role=Role.admin, email="dana@oppo.kz")


def _login(limiter: LoginLimiter, email: str, password: str, ip: str) -> auth.TokenPair:
    with session_scope(write=True) as s:
        return auth.authenticate(session=s, email=email, password=password, ip=ip, limiter=limiter)


def _fail(limiter: LoginLimiter, email: str, ip: str, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentialsError):
            _login(limiter, email, "wrong-password", ip)


def _refused(limiter: LoginLimiter, email: str, password: str, ip: str) -> int:
    with pytest.raises(RateLimitedError) as refused:
        _login(limiter, email, password, ip)
    return refused.value.retry_after


@pytest.fixture
def settings_env() -> Iterator[dict[str, str]]:
    """Set LOGIN_* settings for one test."""
    changed: dict[str, str] = {}
    yield changed
    for name in changed:
        os.environ.pop(name, None)
    get_settings.cache_clear()


def _set(settings_env: dict[str, str], **values: object) -> None:
    for name, value in values.items():
        os.environ[name] = settings_env[name] = str(value)
    get_settings.cache_clear()


def test_five_failures_make_the_next_attempt_from_that_address_wait_with_a_doubling_delay(
    user, limiter: LoginLimiter, clock: Clock
) -> None:
    _fail(limiter, user.email, "10.0.0.1", times=5)
    assert _refused(limiter, user.email, DEFAULT_PASSWORD, "10.0.0.1") == 1  # even the right password
    clock.now += 1.0
    _fail(limiter, user.email, "10.0.0.1")  # after the delay one more try is allowed
    assert _refused(limiter, user.email, "wrong-password", "10.0.0.1") == 2
    clock.now += 2.0
    _fail(limiter, user.email, "10.0.0.1")
    assert _refused(limiter, user.email, "wrong-password", "10.0.0.1") == 4
    clock.now += 4.0
    assert _login(limiter, user.email, DEFAULT_PASSWORD, "10.0.0.1").user.email == user.email


def test_the_account_is_never_locked_for_a_client_that_is_not_the_attacker(
    user, limiter: LoginLimiter
) -> None:
    for _ in range(12):  # an attacker hammers the admin's email
        with pytest.raises((InvalidCredentialsError, RateLimitedError)):
            _login(limiter, user.email, "wrong-password", "10.6.6.6")
    assert _login(limiter, user.email, DEFAULT_PASSWORD, "10.0.0.2").user.email == user.email


def test_the_delay_is_capped_and_failures_are_forgotten_after_the_window(
    user, limiter: LoginLimiter, clock: Clock, settings_env: dict[str, str]
) -> None:
    _set(settings_env, LOGIN_WINDOW_SECONDS=86_400)
    waits: list[int] = []
    for _ in range(40):  # an attacker who waits exactly as long as told
        try:
            _login(limiter, user.email, "wrong-password", "10.0.0.3")
        except InvalidCredentialsError:
            continue
        except RateLimitedError as refused:
            waits.append(refused.retry_after)
            clock.now += refused.retry_after
    assert waits[:4] == [1, 2, 4, 8]
    assert max(waits) == 900  # LOGIN_MAX_DELAY_SECONDS
    clock.now += 86_401  # every failure is now older than the window
    assert _login(limiter, user.email, DEFAULT_PASSWORD, "10.0.0.3").user.email == user.email


def test_one_address_trying_many_emails_is_slowed_down_unknown_emails_count_too(
    db: str, limiter: LoginLimiter, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks: list[str] = []

    def burn(password: str) -> None:
        checks.append("unknown")
        security.burn_password_check(password)

    monkeypatch.setattr(auth, "burn_password_check", burn)
    for n in range(30):  # LOGIN_ADDRESS_FREE_FAILURES
        _fail(limiter, f"nobody{n}@oppo.kz", "10.0.0.4")
    assert checks == ["unknown"] * 30  # each cost one bcrypt check
    assert _refused(limiter, "someone-else@oppo.kz", "whatever", "10.0.0.4") == 1
    assert len(checks) == 30  # the refused attempt did not run bcrypt
    _fail(limiter, "nobody@oppo.kz", "10.0.0.5")  # another address is not affected


def test_a_success_clears_the_pair_but_not_the_address(user, limiter: LoginLimiter) -> None:
    _fail(limiter, user.email, "10.0.0.6", times=4)
    _login(limiter, user.email, DEFAULT_PASSWORD, "10.0.0.6")
    _fail(limiter, user.email, "10.0.0.6", times=5)  # five free failures again
    for n in range(30 - 9):
        _fail(limiter, f"other{n}@oppo.kz", "10.0.0.6")
    # The address has 30 failures: one valid account's success does not wipe them.
    assert _refused(limiter, "other@oppo.kz", "x", "10.0.0.6") == 1


def test_concurrent_wrong_passwords_are_reserved_before_bcrypt_so_only_five_are_checked(
    user, limiter: LoginLimiter
) -> None:
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(_n: int) -> None:
        try:
            _login(limiter, user.email, "wrong-password", "10.0.0.7")
            result = "200"
        except InvalidCredentialsError:
            result = "401"
        except RateLimitedError:
            result = "429"
        with lock:
            outcomes.append(result)

    assert run_together(attempt, 40) == []
    assert sorted(outcomes) == ["401"] * 5 + ["429"] * 35


def test_the_limits_are_settings(user, limiter: LoginLimiter, settings_env: dict[str, str]) -> None:
    _set(settings_env, LOGIN_FREE_FAILURES=2, LOGIN_DELAY_SECONDS=30)
    _fail(limiter, user.email, "10.0.0.8", times=2)
    assert _refused(limiter, user.email, DEFAULT_PASSWORD, "10.0.0.8") == 30


def test_the_store_stays_bounded_under_random_emails(clock: Clock) -> None:
    store = MemoryAttemptStore(max_keys=100)
    limiter = LoginLimiter(store=store, clock=clock)
    for n in range(1_000):
        limiter.reserve(email=f"random{n}@example.kz", address=f"10.1.{n // 250}.{n % 250}")
        clock.now += 1
    assert len(store._failures) <= 100
    for _ in range(5):
        limiter.reserve(email="target@oppo.kz", address="10.9.9.9")
    with pytest.raises(RateLimitedError):
        limiter.reserve(email="target@oppo.kz", address="10.9.9.9")  # the newest is still counted


def test_over_rest_the_address_is_the_clients_and_429_says_when_to_retry(api, user) -> None:
    login_limiter.reset()
    with (
        TestClient(api, client=("10.0.0.9", 5000)) as attacker,
        TestClient(api, client=("10.0.0.10", 5000)) as owner,
    ):
        for _ in range(5):
            expect_error(
                attacker.post(LOGIN, json={"email": user.email, "password": "nope"}),
                401,
                "invalid_credentials",
            )
        refused = attacker.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
        body = expect_error(refused, 429, "rate_limited")
        assert refused.headers["Retry-After"] == "1"
        assert body["details"] == {"retry_after": 1}
        assert owner.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 200
