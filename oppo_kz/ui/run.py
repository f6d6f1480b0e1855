"""Calling the service layer from Reflex handlers without blocking the event loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from oppo_kz.core.db import session_scope

T = TypeVar("T")


async def run_service(fn: Callable[..., T], /, *, write: bool = False, **kwargs: Any) -> T:
    """Run `fn(session=..., **kwargs)` in a worker thread with its own session.

    Reflex handlers run on the event loop shared by every browser; database work and bcrypt
    belong in a thread so one user's query never stalls the others.
    """

    return await run_in_session(lambda session: fn(session=session, **kwargs), write=write)


async def run_in_session(fn: Callable[[Any], T], /, *, write: bool = False) -> T:
    """Run `fn(session)` in a worker thread; for handlers that shape results inside the session."""

    def call() -> T:
        with session_scope(write=write) as session:
            return fn(session)

    return await asyncio.to_thread(call)
