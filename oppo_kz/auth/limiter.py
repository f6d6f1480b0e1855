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
`AttemptStore` is the seam for the store, and every instance shares it: Redis (`RedisAttemptStore`,
when REDIS_URL is set), where one Lua script checks and records every counter of an attempt atomically,
else the app's database (`limiter_db.DatabaseAttemptStore`: a row per failure, one transaction under
an advisory lock on PostgreSQL, BEGIN IMMEDIATE on SQLite), so 40 guesses spread over several instances
or worker processes still get exactly LOGIN_FREE_FAILURES checked passwords. `MemoryAttemptStore`
(this process only) is the fallback while the shared store cannot be reached.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from oppo_kz.auth.limiter_db import DatabaseAttemptStore
from oppo_kz.core.config import get_settings
from oppo_kz.core.errors import RateLimitedError

logger = logging.getLogger(__name__)


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


# KEYS: the counters; ARGV: now, a unique member, then per key: free failures, window, delay, max delay.
# Returns nil when the attempt is reserved on every key, else {key index, seconds to wait}.
_RESERVE = """
local now = tonumber(ARGV[1])
for i = 1, #KEYS do
  local b = 2 + (i - 1) * 4
  local free, window = tonumber(ARGV[b + 1]), tonumber(ARGV[b + 2])
  local delay, max_delay = tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count > 0 and count >= free then
    local latest = tonumber(redis.call('ZREVRANGE', KEYS[i], 0, 0, 'WITHSCORES')[2])
    local wait = latest + math.min(max_delay, delay * 2 ^ math.min(count - free, 32)) - now
    if wait > 0 then return {i, tostring(wait)} end
  end
end
for i = 1, #KEYS do
  local window = tonumber(ARGV[2 + (i - 1) * 4 + 2])
  redis.call('ZADD', KEYS[i], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[i], math.ceil(window * 1000))
end
return nil
"""
# KEYS[1]: a counter; ARGV[1]: the time of the failure to remove (one of them, if several).
_WITHDRAW = """
local found = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, 1)
if found[1] then redis.call('ZREM', KEYS[1], found[1]) end
return 0
"""


class RedisAttemptStore:
    """Failure times in Redis sorted sets shared by every instance; `reserve` is one Lua script.

    Times must be wall-clock seconds (every instance's clock), so the limiter uses `time.time`.
    """

    shared = True

    def __init__(self, url: str, prefix: str = "oppo:login:") -> None:
        import redis

        self.url = url
        self.prefix = prefix
        self._redis: Any = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._reserve = self._redis.register_script(_RESERVE)
        self._withdraw = self._redis.register_script(_WITHDRAW)

    def reserve(self, limits: dict[str, Limit], now: float) -> tuple[str, float] | None:
        keys = list(limits)
        args: list[str | float] = [repr(now), f"{now!r}:{uuid.uuid4().hex}"]
        for key in keys:
            limit = limits[key]
            args += [limit.free_failures, limit.window, limit.delay, limit.max_delay]
        refused = self._reserve(keys=[self.prefix + k for k in keys], args=args)
        if refused is None:
            return None
        index, wait = refused
        return keys[int(index) - 1], float(wait)

    def withdraw(self, key: str, at: float) -> None:
        self._withdraw(keys=[self.prefix + key], args=[repr(at)])

    def clear(self, key: str) -> None:
        self._redis.delete(self.prefix + key)

    def reset(self) -> None:
        keys = list(self._redis.scan_iter(match=self.prefix + "*", count=1000))
        if keys:
            self._redis.delete(*keys)


@dataclass(frozen=True, slots=True)
class Attempt:
    """A reserved sign-in attempt: report how it ended (a failure needs no call: it is counted)."""

    store: AttemptStore
    pair_key: str
    address_key: str
    at: float

    def succeeded(self) -> None:
        """The password was right: this was no failure, and the pair starts afresh."""
        try:
            self.store.clear(self.pair_key)
            self.store.withdraw(self.address_key, self.at)
        except Exception:  # the login stands; its attempt just stays counted until the window ends
            logger.exception("the sign-in limiter could not clear a successful attempt")


class LoginLimiter:
    """The sign-in policy over a store; the limits are read from the settings at each attempt."""

    def __init__(self, store: AttemptStore | None = None, clock: Callable[[], float] | None = None) -> None:
        self._store = store
        self._memory = MemoryAttemptStore()
        self._redis: RedisAttemptStore | None = None
        self._database = DatabaseAttemptStore()
        self._clock = clock

    @property
    def store(self) -> AttemptStore:
        """The store given, else Redis when REDIS_URL is set, else the app's database."""
        if self._store is not None:
            return self._store
        url = get_settings().REDIS_URL
        if url is None:
            return self._database
        if self._redis is None or self._redis.url != url:
            self._redis = RedisAttemptStore(url)
        return self._redis

    def clock(self, store: AttemptStore) -> float:
        if self._clock is not None:
            return self._clock()
        # A shared store compares times taken on several machines: wall-clock seconds.
        return time.time() if getattr(store, "shared", False) else time.monotonic()

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
        store = self.store
        now = self.clock(store)
        try:
            refused = store.reserve(limits, now)
        except Exception:  # Redis or the database unreachable: throttle per instance rather than not at all
            if store is self._memory:
                raise
            logger.exception("the shared sign-in limiter is unreachable; counting in this process")
            store = self._memory
            now = self.clock(store)
            refused = store.reserve(limits, now)
        if refused is not None:
            retry_after = max(1, math.ceil(refused[1]))
            raise RateLimitedError(
                retry_after, f"Too many failed sign-ins. Try again in {_duration(retry_after)}."
            )
        return Attempt(store, pair_key, address_key, now)

    def reset(self) -> None:
        """Forget every failure kept in process and in Redis (tests). The database store's rows are
        table rows like any other: emptied with the tables, or with `DatabaseAttemptStore.reset`."""
        self._memory.reset()
        store = self.store
        reset = getattr(store, "reset", None)
        if reset is not None and store is not self._database:
            reset()


def _duration(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


login_limiter = LoginLimiter()
