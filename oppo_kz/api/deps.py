"""FastAPI dependencies as `Annotated` aliases: sessions, the current user, permissions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from oppo_kz.auth import service as auth
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import AppSession, session_scope
from oppo_kz.core.errors import AuthError


def _read_session() -> Iterator[AppSession]:
    with session_scope() as session:
        yield session


def _write_session() -> Iterator[AppSession]:
    with session_scope(write=True) as session:
        yield session


ReadSession = Annotated[AppSession, Depends(_read_session)]
WriteSession = Annotated[AppSession, Depends(_write_session)]

# tokenUrl makes the docs' Authorize button sign in with the OAuth2 password form.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/login", auto_error=False)


def _current_user(token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    if not token:
        raise AuthError("Send a bearer access token: Authorization: Bearer <token>.")
    with session_scope() as session:
        return auth.principal_from_access_token(session=session, token=token)


CurrentUser = Annotated[Principal, Depends(_current_user)]
# For dependencies that accept other credentials too (a one-time download link).
current_user = _current_user


def require(permission: Permission) -> Callable[[Principal], Principal]:
    """A dependency that returns the current user if their role allows `permission` (else 403)."""

    def dependency(user: CurrentUser) -> Principal:
        user.require(permission)
        return user

    dependency.__name__ = f"require_{permission.name}"
    return dependency


def client_info(request: Request) -> tuple[str | None, str | None]:
    """User agent and client address, recorded with each login."""
    return request.headers.get("user-agent"), request.client.host if request.client else None


ClientInfo = Annotated[tuple[str | None, str | None], Depends(client_info)]
