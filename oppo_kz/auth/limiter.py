"""How many failed sign-ins an email may have before it must wait."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from oppo_kz.core.errors import RateLimitedError

MAX_FAILED_LOGINS = 5
FAILED_LOGIN_WINDOW_SECONDS = 15 * 60


class LoginLimiter:
    """Failed logins per email in a sliding window; the sixth within 15 minutes is refused.

    In-process: right for the single server process we run. With several workers this must move
    to Redis or the database.
    """

    def __init__(
        self,
        max_failures: int = MAX_FAILED_LOGINS,
        window_seconds: int = FAILED_LOGIN_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = 100_000,
    ) -> None:
        self.max_failures = max_failures
        self.max_tracked = max_tracked
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures.get(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def check(self, key: str) -> None:
        """Raise `RateLimitedError` (with seconds to wait) while `key` is locked out."""
        with self._lock:
            now = self.clock()
            failures = self._recent(key, now)
            if len(failures) >= self.max_failures:
                retry_after = max(1, int(failures[0] + self.window - now + 0.999))
                raise RateLimitedError(
                    retry_after,
                    f"Too many failed sign-ins for this account. Try again in {_minutes(retry_after)}.",
                )

    def record_failure(self, key: str) -> None:
        with self._lock:
            now = self.clock()
            if len(self._failures) >= self.max_tracked:
                self._forget_stale(now)
            failures = self._recent(key, now)
            failures.append(now)
            self._failures[key] = failures

    def _forget_stale(self, now: float) -> None:
        """Drop emails whose failures are all outside the window (random emails must not pile up)."""
        for key in [
            k for k, failures in self._failures.items() if not failures or failures[-1] <= now - self.window
        ]:
            del self._failures[key]
        while len(self._failures) >= self.max_tracked:  # still full: forget the oldest first
            del self._failures[next(iter(self._failures))]

    def reset(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._failures.clear()
            else:
                self._failures.pop(key, None)


def _minutes(seconds: int) -> str:
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


login_limiter = LoginLimiter()
