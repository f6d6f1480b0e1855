"""FastAPI dependencies as `Annotated` aliases: sessions, the current user, permissions.

The hot path stays on the event loop: a signed-in request whose login was checked moments ago
(`oppo_kz.auth.session_cache`) costs no query and no thread-pool hop for its sign-in check, and a
read session is opened lazily (no connection until its first query) and runs without a transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from starlette.concurrency import run_in_threadpool

from oppo_kz.auth import service as auth
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import AppSession, new_session, session_scope
from oppo_kz.core.errors import AuthError


async def _read_session() -> AsyncIterator[AppSession]:
    # Read-only: no BEGIN, and closing sends no ROLLBACK, so it costs no round trip on the loop.
    session = new_session(read_only=True)
    try:
        yield session
    finally:
        session.close()


async def _write_session() -> AsyncIterator[AppSession]:
    session = new_session(write=True)
    try:
        yield session
    finally:
        if session.in_transaction():  # not committed (an error): the ROLLBACK is a round trip
            await run_in_threadpool(session.close)
        else:
            session.close()


ReadSession = Annotated[AppSession, Depends(_read_session)]
WriteSession = Annotated[AppSession, Depends(_write_session)]

# tokenUrl makes the docs' Authorize button sign in with the OAuth2 password form.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


def bearer_token(token: str | None) -> str:
    """The request's access token; a request without one is refused (401)."""
    if not token:
        raise AuthError("Send a bearer access token: Authorization: Bearer <token>.")
    return token


def principal_from_token(token: str) -> Principal:
    """Check an access token against the database (in a read-only session of its own)."""
    with session_scope(read_only=True) as session:
        return auth.principal_from_access_token(session=session, token=token)


async def signed_in(token: str | None) -> Principal:
    """The acting user of a bearer token, from the event loop: a login checked moments ago costs no
    query and no thread hop; otherwise it is read in the thread pool."""
    token = bearer_token(token)
    cached = auth.cached_principal(token)
    if cached is not None:
        return cached
    return await run_in_threadpool(principal_from_token, token)


async def _current_user(token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    return await signed_in(token)


CurrentUser = Annotated[Principal, Depends(_current_user)]


def current_user(token: str | None) -> Principal:
    """The acting user of a bearer token, from a worker thread (for dependencies that accept other
    credentials too, like a one-time download link)."""
    token = bearer_token(token)
    return auth.cached_principal(token) or principal_from_token(token)


def require(permission: Permission) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that returns the current user if their role allows `permission` (else 403)."""

    async def dependency(user: CurrentUser) -> Principal:
        user.require(permission)
        return user

    dependency.__name__ = f"require_{permission.name}"
    return dependency


async def client_info(request: Request) -> tuple[str | None, str | None]:
    """User agent and client address, recorded with each login."""
    return request.headers.get("user-agent"), request.client.host if request.client else None


ClientInfo = Annotated[tuple[str | None, str | None], Depends(client_info)]
