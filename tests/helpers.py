"""Assertions shared by the API tests."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def expect_error(response: Any, status: int, code: str) -> dict[str, Any]:
    """Assert the contract's error body with this status and error_code; return the body."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error_code"] == code
    assert set(body) == {"error_code", "message", "details"}
    return body


def run_together(worker: Callable[[int], object], count: int, *, timeout: float = 120) -> list[BaseException]:
    """Run `worker(0) ... worker(count - 1)` in threads that start at the same moment; return what they raised.

    Everything a worker raises ("database is locked" included) is collected, so the test can assert
    there was none.
    """
    start = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(n: int) -> None:
        try:
            start.wait()
            worker(n)
        except BaseException as exc:  # collected and asserted by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), f"a worker ran longer than {timeout} s"
    return errors


def read_engine_of(client: Any) -> Any:
    """The engine that serves a TestClient's reads on the event loop: on PostgreSQL the sync face of
    that loop's asyncio engine (`core.db.run_read`), on SQLite the one engine."""
    from oppo_kz.core.config import get_settings
    from oppo_kz.core.db import get_engine, read_engine

    if get_settings().is_sqlite:
        return get_engine()
    return client.portal.call(read_engine).sync_engine
