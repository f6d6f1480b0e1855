"""What the shared sign-in limiter must do whatever its store (Redis, the database): the checks that
tests/auth/test_limiter_shared.py and test_limiter_db.py run over two instances' limiters."""

from __future__ import annotations

import threading

from oppo_kz.auth import service as auth
from oppo_kz.auth.limiter import LoginLimiter
from oppo_kz.core.db import session_scope
from oppo_kz.core.errors import InvalidCredentialsError, RateLimitedError
from tests.factories import DEFAULT_PASSWORD
from tests.helpers import run_together


def login(limiter: LoginLimiter, email: str, password: str, ip: str) -> str:
    """One sign-in through `limiter`: "200", "401" or "429"."""
    try:
        with session_scope(write=True) as s:
            auth.authenticate(session=s, email=email, password=password, ip=ip, limiter=limiter)
        return "200"
    except InvalidCredentialsError:
        return "401"
    except RateLimitedError:
        return "429"


def forty_concurrent_wrong_passwords(
    instances: tuple[LoginLimiter, LoginLimiter], email: str, ip: str
) -> None:
    """40 wrong passwords at the same moment, alternating instances: exactly five are checked."""
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        result = login(instances[n % 2], email, "wrong-password", ip)
        with lock:
            outcomes.append(result)

    assert run_together(attempt, 40) == []
    assert sorted(outcomes) == ["401"] * 5 + ["429"] * 35


def a_success_clears_the_pair_everywhere(
    instances: tuple[LoginLimiter, LoginLimiter], email: str, ip: str, other_ip: str
) -> None:
    """A success on A starts the pair afresh on B too; the right password from elsewhere always works."""
    a, b = instances
    for limiter in (a, b, a, b):
        assert login(limiter, email, "wrong-password", ip) == "401"
    assert login(a, email, DEFAULT_PASSWORD, ip) == "200"  # the fifth attempt: still free
    for _ in range(5):
        assert login(b, email, "wrong-password", ip) == "401"  # the pair starts afresh on B too
    assert login(a, email, DEFAULT_PASSWORD, ip) == "429"
    assert login(b, email, DEFAULT_PASSWORD, other_ip) == "200"  # never a lockout of the account
