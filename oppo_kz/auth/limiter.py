"""Brute-force protection for sign-in, the OWASP way: slow the attacker down, never lock the account.

Two counters per attempt, each a list of recent failures in a sliding window (LOGIN_WINDOW_SECONDS):
  - the (email, client address) pair, LOGIN_FREE_FAILURES free failures;
  - the client address across all emails, LOGIN_ADDRESS_FREE_FAILURES free failures.
Past its free failures, a counter makes the next attempt wait LOGIN_DELAY_SECONDS after its latest
failure, doubling with each further failure up to LOGIN_MAX_DELAY_SECONDS; an attempt that comes
sooner is refused (429, `Retry-After`) without running bcrypt. The account itself is never locked: the
right password from any other address signs in at once. Unknown emails count like known ones.

The attempt is reserved atomically *before* bcrypt (it counts as a failure while in flight), so forty
concurrent guesses cannot all pass the check first; a success withdraws it and clears its pair.
`AttemptStore` is the seam for a store shared by several instances (Redis or a database row): it must
make `reserve` atomic across everyone who shares it.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from oppo_kz.core.config import get_settings
from oppo_kz.core.errors import RateLimitedError


@dataclass(frozen=True, slots=True)
class Limit:
    """How many failures a counter allows before each attempt must wait, and how long."""

    free_failures: int
    window: float
    delay: float
    max_delay: float

    def wait(self, failures: Sequence[float], now: float) -> float:
        """Seconds until the next attempt is allowed (0: now), given the failure times in the window."""
        over = len(failures) - self.free_failures
        if over < 0 or not failures:
            return 0.0
        delay = min(self.max_delay, self.delay * 2 ** min(over, 32))
        return max(0.0, max(failures) + delay - now)


class AttemptStore(Protocol):
    """Failure times per counter key. Shared stores must make `reserve` atomic across instances."""

    def reserve(self, limits: dict[str, Limit], now: float) -> tuple[str, float] | None:
        """If no key must wait, record a failure at `now` on every key and return None; otherwise
        record nothing and return the key that must wait and for how many seconds."""

    def withdraw(self, key: str, at: float) -> None:
        """Remove the failure recorded at `at` (the attempt turned out to succeed)."""

    def clear(self, key: str) -> None:
        """Forget every failure of `key`."""


class MemoryAttemptStore:
    """The in-process store: right for one server process (several need a shared store)."""

    def __init__(self, max_keys: int = 100_000) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self.max_keys = max_keys

    def _recent(self, key: str, window: float, now: float) -> list[float]:
        kept = [t for t in self._failures.get(key, ()) if t > now - window]
        if kept:
            self._failures[key] = kept
        else:
            self._failures.pop(key, None)
        return kept

    def reserve(self, limits: dict[str, Limit], now: float) -> tuple[str, float] | None:
        with self._lock:
            recent = {key: self._recent(key, limit.window, now) for key, limit in limits.items()}
            for key, limit in limits.items():
                if (wait := limit.wait(recent[key], now)) > 0:
                    return key, wait
            if len(self._failures) + len(limits) > self.max_keys:
                self._forget_oldest(len(limits))
            for key, failures in recent.items():
                self._failures[key] = [*failures, now]
            return None

    def _forget_oldest(self, room: int) -> None:
        """Random emails must not grow memory without bound: drop the keys idle the longest."""
        by_age = sorted(self._failures, key=lambda k: max(self._failures[k]))
        for key in by_age[: max(room, len(by_age) // 10)]:
            del self._failures[key]

    def withdraw(self, key: str, at: float) -> None:
        with self._lock:
            failures = self._failures.get(key)
            if failures and at in failures:
                failures.remove(at)
                if not failures:
                    del self._failures[key]

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()


@dataclass(frozen=True, slots=True)
class Attempt:
    """A reserved sign-in attempt: report how it ended (a failure needs no call: it is counted)."""

    store: AttemptStore
    pair_key: str
    address_key: str
    at: float

    def succeeded(self) -> None:
        """The password was right: this was no failure, and the pair starts afresh."""
        self.store.clear(self.pair_key)
        self.store.withdraw(self.address_key, self.at)


class LoginLimiter:
    """The sign-in policy over a store; the limits are read from the settings at each attempt."""

    def __init__(
        self, store: AttemptStore | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.store: AttemptStore = store if store is not None else MemoryAttemptStore()
        self.clock = clock

    def reserve(self, *, email: str, address: str | None) -> Attempt:
        """Reserve an attempt for `email` from `address`, or raise `RateLimitedError` (no bcrypt then)."""
        settings = get_settings()
        window, delay, max_delay = (
            settings.LOGIN_WINDOW_SECONDS,
            settings.LOGIN_DELAY_SECONDS,
            settings.LOGIN_MAX_DELAY_SECONDS,
        )
        address = address or "unknown"
        pair_key, address_key = f"pair:{email}|{address}", f"address:{address}"
        limits = {
            pair_key: Limit(settings.LOGIN_FREE_FAILURES, window, delay, max_delay),
            address_key: Limit(settings.LOGIN_ADDRESS_FREE_FAILURES, window, delay, max_delay),
        }
        now = self.clock()
        refused = self.store.reserve(limits, now)
        if refused is not None:
            retry_after = max(1, math.ceil(refused[1]))
            raise RateLimitedError(
                retry_after, f"Too many failed sign-ins. Try again in {_duration(retry_after)}."
            )
        return Attempt(self.store, pair_key, address_key, now)

    def reset(self) -> None:
        """Forget every failure (tests, and an operator's restart does the same)."""
        reset = getattr(self.store, "reset", None)
        if reset is not None:
            reset()


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


login_limiter = LoginLimiter()
