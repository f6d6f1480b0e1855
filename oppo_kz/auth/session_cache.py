"""Live logins remembered per process, so the sign-in check of a request costs no database round trip.

An access token names its login (`sid`); each request must still see a logout, a disabled account, a
role change or a reused refresh token at once. A cached login is therefore served only while:

- no session of this process has written to `users` or `auth_sessions` since it was read (the
  write generations of `oppo_kz.core.db`, taken before the read, so a write that commits while the
  row is being read discards the answer);
- no `auth.session_ended` or `user.*` event arrived since (other instances' writes, once events cross
  instances through the outbox);
- it is younger than `TTL_SECONDS`: the safety net for writes nobody announced (raw SQL, a script).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from oppo_kz.core.db import bump_generation, write_generation
from oppo_kz.core.events import Event, bus

TTL_SECONDS = 5.0
MAX_ENTRIES = 10_000
# The tables a login's validity is read from.
TABLES = ("users", "auth_sessions")


class LiveSessions:
    """A bounded map from (sid, user id) to the acting user, as of a known write generation."""

    def __init__(self, ttl_seconds: float = TTL_SECONDS, size: int = MAX_ENTRIES) -> None:
        self.ttl = ttl_seconds
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[str, int], tuple[Any, float, tuple[int, ...]]] = OrderedDict()

    def generation(self) -> tuple[int, ...]:
        """Take this before reading a login from the database; hand it to `put`."""
        return write_generation(*TABLES)

    def get(self, session_id: str, user_id: int) -> Any | None:
        """The cached acting user of this login, or None when it must be read again."""
        key = (session_id, user_id)
        current = self.generation()
        with self._lock:
            hit = self._items.get(key)
            if hit is None:
                return None
            principal, stored_at, generation = hit
            if generation != current or time.monotonic() - stored_at > self.ttl:
                del self._items[key]
                return None
            return principal

    def put(self, session_id: str, user_id: int, principal: Any, generation: tuple[int, ...]) -> None:
        """Remember a login read at `generation`, unless something was written since."""
        if generation != self.generation():
            return
        with self._lock:
            self._items[(session_id, user_id)] = (principal, time.monotonic(), generation)
            self._items.move_to_end((session_id, user_id))
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget every login (they are read again on their next request)."""
        bump_generation(*TABLES)
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)


live_sessions = LiveSessions()

SESSION_ENDED = "auth.session_ended"


def _on_event(event: Event) -> None:
    # Cheap and rare: any ended login or changed user drops every cached login.
    if event.name == SESSION_ENDED or event.name.startswith("user."):
        live_sessions.clear()


bus.add_listener(_on_event)
