"""Who may follow a live feed (WebSocket): origin, access token and permission, checked before accept;
and the sign-outs that end a follower's grant. Transport-free: no web framework, no socket."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlmodel import Session

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import (
    SESSION_ENDED,
    Principal,
    access_token_expiry,
    principal_from_access_token,
    session_ended_for,
)
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import utcnow
from oppo_kz.core.errors import AuthError, PermissionDeniedError
from oppo_kz.core.events import Event, Subscription, bus

# Sign-outs a follower may fall behind before it is dropped (they are rare).
LOGIN_ENDS_QUEUE_SIZE = 1000
_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


@dataclass(frozen=True, slots=True)
class FeedGrant:
    """A subscriber allowed to follow the feed until its access token expires."""

    principal: Principal
    expires_at: datetime

    def seconds_left(self, now: datetime | None = None) -> float:
        """Seconds until the access token expires (0 when it already has)."""
        return max(0.0, (self.expires_at - (now or utcnow())).total_seconds())


def _origin_key(origin: str) -> tuple[str, str, int | None] | None:
    parts = urlsplit(origin.strip().rstrip("/").lower())
    try:
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme, parts.hostname, port


def origin_allowed(origin: str | None, *, host: str | None, allowed: Iterable[str]) -> bool:
    """Whether a browser page from `origin` may open the feed.

    No `Origin` header (a non-browser client) is allowed: the token is what authenticates. A browser
    origin must be one of `allowed` (our own addresses and CORS_ORIGINS) or be the very host the
    request was sent to (same-origin behind a proxy or on an unlisted address). `null` never is.
    """
    if origin is None:
        return True
    key = _origin_key(origin)
    if key is None:
        return False
    if key in {_origin_key(a) for a in allowed}:
        return True
    if not host:
        return False
    target = urlsplit(f"//{host.strip().lower()}")
    try:
        target_port = target.port or _DEFAULT_PORTS.get(key[0])
    except ValueError:
        return False
    return (target.hostname, target_port) == (key[1], key[2])


def authorize_subscriber(
    *,
    session: Session,
    token: str | None,
    permission: Permission | None,
    path: str,
    origin: str | None = None,
    host: str | None = None,
    allowed_origins: Iterable[str] | None = None,
) -> FeedGrant:
    """Check the origin, the access token (login still valid) and `permission`; return the grant.

    Raises `PermissionDeniedError` for a foreign origin or a role without the permission, and an
    `AuthError` (`InvalidTokenError`, `TokenExpiredError`) for a missing, bad or expired token.
    """
    allowed = get_settings().allowed_origins if allowed_origins is None else allowed_origins
    if not origin_allowed(origin, host=host, allowed=allowed):
        raise PermissionDeniedError("Pages from this origin may not open this live feed.")
    if not token:
        raise AuthError(f"Pass an access token: {path}?token=<access token>.")
    principal = principal_from_access_token(session=session, token=token)
    if permission is not None:
        principal.require(permission)
    return FeedGrant(principal=principal, expires_at=access_token_expiry(token))


def subscribe_login_ends() -> Subscription:
    """`auth.session_ended` events, to close sockets whose login ended (logout, disable, theft)."""
    return bus.subscribe(maxsize=LOGIN_ENDS_QUEUE_SIZE, topic_prefix=SESSION_ENDED)


def ends_grant(event: Event, grant: FeedGrant) -> bool:
    """Whether a login-ended event ends the login this subscriber was granted under."""
    return session_ended_for(event.data, grant.principal)
