"""Password hashing (bcrypt, used directly) and JWTs (PyJWT, HS256 only)."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Literal

import bcrypt
import jwt

from oppo_kz.core.config import get_settings
from oppo_kz.core.db import utcnow
from oppo_kz.core.errors import InvalidTokenError, TokenExpiredError

ALGORITHM = "HS256"
BCRYPT_MAX_BYTES = 72
PASSWORD_MIN_LENGTH = 8
# How the API documents a new password (the byte limit is bcrypt's; the text says so).
PASSWORD_SCHEMA: dict[str, Any] = {
    "format": "password",
    "minLength": PASSWORD_MIN_LENGTH,
    "maxLength": BCRYPT_MAX_BYTES,
    "pattern": r"^[^\x00]*$",
    "description": f"{PASSWORD_MIN_LENGTH} characters or more, at most {BCRYPT_MAX_BYTES} bytes in UTF-8.",
}
TokenType = Literal["access", "refresh", "download"]
REQUIRED_CLAIMS = ["exp", "iat", "sub", "type", "jti"]


def password_problem(password: str) -> str | None:
    """Say what is wrong with a new password, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Password must be at least {PASSWORD_MIN_LENGTH} characters."
    try:
        encoded = password.encode("utf-8")
    except UnicodeEncodeError:  # a lone UTF-16 surrogate from a JSON escape
        return "Password must be text that UTF-8 can hold."
    if len(encoded) > BCRYPT_MAX_BYTES:
        return f"Password must be at most {BCRYPT_MAX_BYTES} bytes in UTF-8."
    if "\x00" in password:
        return "Password must not contain NUL characters."
    return None


def hash_password(password: str) -> str:
    """Hash a password with bcrypt at the configured cost (12 by default)."""
    rounds = get_settings().BCRYPT_ROUNDS
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    """Check a password against a bcrypt hash; never raises on odd input."""
    raw = password.encode("utf-8")
    if len(raw) > BCRYPT_MAX_BYTES or b"\x00" in raw:
        # bcrypt 5 raises on these; they can never match a hash we made. Burn the same time anyway.
        bcrypt.checkpw(b"x", _dummy_hash().encode("ascii"))
        return False
    try:
        return bcrypt.checkpw(raw, password_hash.encode("ascii"))
    except ValueError:
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password("dummy-password-for-timing")


def burn_password_check(password: str) -> None:
    """Spend the time of one bcrypt check, so an unknown email answers as slowly as a wrong password."""
    verify_password(password, _dummy_hash())


def create_token(
    *,
    subject: str,
    token_type: TokenType,
    expires_in: timedelta,
    extra: dict[str, Any] | None = None,
    jti: str | None = None,
    now: datetime | None = None,
) -> tuple[str, dict[str, Any]]:
    """Sign a JWT and return it with its claims."""
    issued = now or utcnow()
    claims: dict[str, Any] = {
        "sub": subject,
        "type": token_type,
        "jti": jti or uuid.uuid4().hex,
        "iat": int(issued.timestamp()),
        "exp": int((issued + expires_in).timestamp()),
        **(extra or {}),
    }
    return jwt.encode(claims, get_settings().SECRET_KEY, algorithm=ALGORITHM), claims


# Tokens whose signature and claims were verified, keyed by (secret, token): a signed-in client sends
# the same access token with every request, and verifying it again (HMAC, base64, two JSON parses)
# was 12 % of a list request's CPU. Only the expiry can change its verdict, and it is checked on
# every use; a new SECRET_KEY misses the cache. Bounded: emptied when full.
_VERIFIED: dict[tuple[str, str], dict[str, Any]] = {}
_VERIFIED_MAX = 4096


def _verified_claims(token: str) -> dict[str, Any]:
    secret = get_settings().SECRET_KEY
    key = (secret, token)
    claims = _VERIFIED.get(key)
    if claims is not None:
        if claims["exp"] <= time.time():  # PyJWT's rule (no leeway)
            raise TokenExpiredError()
        return dict(claims)
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS})
    except jwt.ExpiredSignatureError:
        raise TokenExpiredError() from None
    except jwt.PyJWTError:
        raise InvalidTokenError() from None
    if isinstance(claims.get("exp"), int | float):
        if len(_VERIFIED) >= _VERIFIED_MAX:
            _VERIFIED.clear()
        _VERIFIED[key] = dict(claims)
    return claims


def decode_token(token: str, *, expected_type: TokenType) -> dict[str, Any]:
    """Verify signature, algorithm, expiry, required claims and type; raise a domain error otherwise."""
    claims = _verified_claims(token)
    if claims.get("type") != expected_type:
        article = "An" if expected_type == "access" else "A"
        raise InvalidTokenError(f"{article} {expected_type} token is required.")
    if not isinstance(claims.get("sub"), str):
        raise InvalidTokenError()
    return claims
