"""Sign-in, token rotation and revocation, and turning a token into the acting user.

A login opens an `AuthSession`; its refresh tokens rotate (each works once). Presenting a used
refresh token again revokes the whole session. Access tokens carry the session id (`sid`) and are
checked against the database on use, so logout, a disabled user and a role change act at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, update
from sqlmodel import Session, col, select

from oppo_kz.audit.log import record
from oppo_kz.audit.models import AuditAction
from oppo_kz.auth.limiter import LoginLimiter, login_limiter
from oppo_kz.auth.models import AuthSession, RefreshToken
from oppo_kz.auth.permissions import Permission, check_permission
from oppo_kz.auth.session_cache import live_sessions
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import set_actor, utcnow
from oppo_kz.core.errors import InvalidCredentialsError, InvalidTokenError, TokenExpiredError
from oppo_kz.core.outbox import emit
from oppo_kz.core.security import burn_password_check, create_token, decode_token, verify_password
from oppo_kz.users.models import Role, User, UserPublic, normalize_email


@dataclass(frozen=True, slots=True)
class Principal:
    """The acting user, as of this request (role and status read from the database)."""

    id: int
    email: str
    full_name: str
    role: Role
    session_id: str | None = None

    def require(self, permission: Permission) -> None:
        """Raise `PermissionDeniedError` unless this user's role allows `permission`."""
        check_permission(self.role, permission)

    @classmethod
    def of(cls, user: User, session_id: str | None = None) -> Principal:
        assert user.id is not None
        return cls(
            id=user.id,
            email=user.email,
            full_name=user.full_name,
            role=Role(user.role),
            session_id=session_id,
        )


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    access_expires_at: datetime
    user: UserPublic
    session_id: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret

    def to_response(self) -> dict[str, Any]:
        """The contract's login/refresh answer."""
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "token_type": self.token_type,
            "expires_in": self.expires_in,
            "user": self.user.model_dump(mode="json"),
        }


# --- tokens -------------------------------------------------------------------------------------


def _access_ttl() -> timedelta:
    return timedelta(minutes=get_settings().ACCESS_TOKEN_MINUTES)


def _refresh_ttl() -> timedelta:
    return timedelta(days=get_settings().REFRESH_TOKEN_DAYS)


def _encode_refresh(row: RefreshToken, auth_session: AuthSession) -> str:
    """Sign a refresh token for a stored row; the same row always gives the same token."""
    token, _ = create_token(
        subject=str(auth_session.user_id),
        token_type="refresh",  # noqa: S106
        expires_in=row.expires_at - row.issued_at,
        extra={"sid": auth_session.id},
        jti=row.id,
        now=row.issued_at,
    )
    return token


def _issue_pair(session: Session, user: User, auth_session: AuthSession) -> tuple[TokenPair, RefreshToken]:
    now = utcnow().replace(microsecond=0)
    row = RefreshToken(
        id=uuid.uuid4().hex,
        session_id=auth_session.id,
        issued_at=now,
        expires_at=min(now + _refresh_ttl(), auth_session.expires_at),
    )
    session.add(row)
    return _pair_for(user, auth_session, _encode_refresh(row, auth_session), now), row


def _pair_for(user: User, auth_session: AuthSession, refresh_token: str, now: datetime) -> TokenPair:
    ttl = _access_ttl()
    access_token, claims = create_token(
        subject=str(user.id),
        token_type="access",  # noqa: S106
        expires_in=ttl,
        extra={"role": Role(user.role).value, "sid": auth_session.id},
        now=now,
    )
    return TokenPair(
        access_token=access_token,
        refresh_token=refresh_token,
        expires_in=int(ttl.total_seconds()),
        access_expires_at=datetime.fromtimestamp(claims["exp"], tz=now.tzinfo),
        user=UserPublic.model_validate(user),
        session_id=auth_session.id,
    )


# --- use cases ----------------------------------------------------------------------------------


def authenticate(
    *,
    session: Session,
    email: str,
    password: str,
    user_agent: str | None = None,
    ip: str | None = None,
    limiter: LoginLimiter = login_limiter,
) -> TokenPair:
    """Check the email and password and open a new login; the same 401 for every failure.

    `ip` is the client address as the server sees it (proxy headers count only from
    FORWARDED_ALLOW_IPS); the limiter throttles by it and by (email, address), before bcrypt.
    """
    key = normalize_email(email)
    attempt = limiter.reserve(email=key, address=ip)
    found = session.exec(select(User.id, User.password_hash, User.is_active).where(User.email == key)).first()
    # End the lookup's transaction before bcrypt: a quarter of a second per login must never hold
    # SQLite's write lock (or a PostgreSQL snapshot) while other writers wait.
    session.commit()
    user: User | None = None
    if found is None:
        burn_password_check(password)  # the same time as a wrong password
    else:
        user_id, password_hash, is_active = found
        if verify_password(password, password_hash) and is_active:
            user = session.get(User, user_id)
    if user is None or user.id is None or not user.is_active:  # also: disabled or deleted meanwhile
        raise InvalidCredentialsError()  # the reserved attempt stays counted as a failure
    now = utcnow().replace(microsecond=0)
    auth_session = AuthSession(
        id=uuid.uuid4().hex,
        user_id=user.id,
        created_at=now,
        expires_at=now + _refresh_ttl(),
        user_agent=(user_agent or "")[:300] or None,
        ip=(ip or "")[:64] or None,
    )
    session.add(auth_session)
    pair, _ = _issue_pair(session, user, auth_session)
    set_actor(session, user)
    record(session, action=AuditAction.login, entity="user", entity_id=user.id)
    session.commit()
    # After the commit, outside this session's transaction: the database store writes on a connection
    # of its own (on SQLite one writer at a time, so never while this session holds the write lock).
    attempt.succeeded()
    return pair


def refresh(*, session: Session, refresh_token: str, reuse_grace_seconds: int = 0) -> TokenPair:
    """Rotate a refresh token: it works once; presenting a used one revokes its whole login.

    `reuse_grace_seconds` exists for the browser UI only, where several tabs share one stored
    token and may rotate it at the same moment: a token used less than that many seconds ago
    answers with its successor instead of counting as theft. The REST API always passes 0.
    """
    claims = decode_token(refresh_token, expected_type="refresh")
    row = session.get(RefreshToken, claims["jti"])
    auth_session = session.get(AuthSession, row.session_id) if row else None
    if row is None or auth_session is None or auth_session.revoked_at is not None:
        raise InvalidTokenError("This refresh token is no longer valid. Sign in again.")
    user = session.get(User, auth_session.user_id)
    if user is None or not user.is_active:
        _revoke(session, auth_session, "user_disabled")
        raise InvalidTokenError("This account is disabled.")
    now = utcnow()
    if row.expires_at <= now:
        raise TokenExpiredError("The refresh token has expired. Sign in again.")

    # Claim the token atomically, so two concurrent refreshes cannot both succeed.
    claim = session.execute(
        update(RefreshToken)
        .where(col(RefreshToken.id) == row.id, col(RefreshToken.used_at).is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    claimed = cast("CursorResult[Any]", claim).rowcount
    if claimed == 1:
        session.refresh(row)
        pair, successor_row = _issue_pair(session, user, auth_session)
        row.replaced_by = successor_row.id
        session.commit()
        return pair

    session.refresh(row)
    successor = _grace_successor(session, row, now, reuse_grace_seconds)
    if successor is not None:
        pair = _pair_for(
            user, auth_session, _encode_refresh(successor, auth_session), now.replace(microsecond=0)
        )
        session.commit()
        return pair
    _revoke(session, auth_session, "refresh_token_reuse")
    raise InvalidTokenError("This refresh token was already used; the login has been ended for safety.")


def _grace_successor(session: Session, row: RefreshToken, now: datetime, grace: int) -> RefreshToken | None:
    if grace <= 0:
        return None
    current = row
    for _ in range(5):  # follow a short chain of rotations that all happened within the grace
        if current.used_at is None or now - current.used_at > timedelta(seconds=grace):
            return None
        if current.replaced_by is None:
            return None
        nxt = session.get(RefreshToken, current.replaced_by)
        if nxt is None:
            return None
        if nxt.used_at is None:
            return nxt
        current = nxt
    return None


SESSION_ENDED = "auth.session_ended"


def announce_session_end(
    session: Session, *, session_id: str | None = None, user_id: int | None = None
) -> None:
    """After commit, tell live connections (WebSocket, open UI tabs) that logins have ended.

    With `session_id` one login ended; with `user_id` every login of that user did.
    """
    data = {"session_id": session_id, "user_id": user_id}
    emit(session, SESSION_ENDED, data)  # through the outbox: every instance closes its sockets


def session_ended_for(data: dict[str, Any], principal: Principal) -> bool:
    """Whether a `auth.session_ended` event ends the login `principal` acts under."""
    return (data.get("session_id") is not None and data.get("session_id") == principal.session_id) or (
        data.get("user_id") is not None and data.get("user_id") == principal.id
    )


def _revoke(session: Session, auth_session: AuthSession, reason: str) -> None:
    if auth_session.revoked_at is None:
        auth_session.revoked_at = utcnow()
        auth_session.revoked_reason = reason
        announce_session_end(session, session_id=auth_session.id)
    session.commit()


def logout(*, session: Session, refresh_token: str) -> None:
    """End the login a refresh token belongs to; its refresh and access tokens stop working."""
    try:
        claims = decode_token(refresh_token, expected_type="refresh")
    except TokenExpiredError:
        return  # nothing left to end
    row = session.get(RefreshToken, claims["jti"])
    auth_session = session.get(AuthSession, row.session_id) if row else None
    if auth_session is None:
        raise InvalidTokenError()
    _revoke(session, auth_session, "logout")


def revoke_user_sessions(*, session: Session, user_id: int, reason: str) -> None:
    """End every login of a user (on disable or password change); the caller commits."""
    session.execute(
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
        .execution_options(synchronize_session=False)
    )
    announce_session_end(session, user_id=user_id)


def principal_from_access_token(*, session: Session, token: str) -> Principal:
    """Decode an access token and check its login and user are still valid right now."""
    claims = decode_token(token, expected_type="access")
    return principal_for_session(session=session, user_id=_user_id(claims), session_id=claims.get("sid"))


def cached_principal(token: str) -> Principal | None:
    """The acting user of a valid access token if its login was checked moments ago, else None.

    Raises as `principal_from_access_token` does for a bad or expired token; None means the login
    must be read from the database (`principal_from_access_token`).
    """
    claims = decode_token(token, expected_type="access")
    session_id = claims.get("sid")
    if not session_id:
        return None
    return cast("Principal | None", live_sessions.get(session_id, _user_id(claims)))


def principal_for_session(*, session: Session, user_id: int, session_id: str | None) -> Principal:
    """The acting user for a login, or `InvalidTokenError` if the login or the user is no longer valid.

    A login read moments ago comes from `live_sessions` without a query; any write to users or
    logins (logout, disable, role change, reuse) makes the next request read it again.
    """
    if session_id:
        cached = live_sessions.get(session_id, user_id)
        if cached is not None:
            return cast(Principal, cached)
    generation = live_sessions.generation()
    principal = _read_principal(session, user_id, session_id)
    if session_id:
        live_sessions.put(session_id, user_id, principal, generation)
    return principal


def _read_principal(session: Session, user_id: int, session_id: str | None) -> Principal:
    row = session.exec(
        select(User, AuthSession)
        .join(AuthSession, col(AuthSession.user_id) == col(User.id))
        .where(User.id == user_id, AuthSession.id == (session_id or ""))
    ).first()
    if row is None:
        raise InvalidTokenError()
    user, auth_session = row
    if auth_session.revoked_at is not None:
        raise InvalidTokenError("This login has ended. Sign in again.")
    if not user.is_active:
        raise InvalidTokenError("This account is disabled.")
    return Principal.of(user, auth_session.id)


def access_token_expiry(token: str) -> datetime:
    """When an (already verified) access token expires."""
    claims = decode_token(token, expected_type="access")
    return datetime.fromtimestamp(claims["exp"], tz=utcnow().tzinfo)


def _user_id(claims: dict[str, Any]) -> int:
    try:
        return int(claims["sub"])
    except (TypeError, ValueError):
        raise InvalidTokenError() from None
