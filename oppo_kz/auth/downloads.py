"""One-time download links: the UI's access token stays on the server, so a file the browser must
fetch (an export) gets a short-lived token of its own, good once, for one path, for one login."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlmodel import Session

from oppo_kz.auth.service import Principal, principal_for_session
from oppo_kz.core.errors import InvalidTokenError
from oppo_kz.core.security import create_token, decode_token

DOWNLOAD_SECONDS = 60
_used: dict[str, float] = {}
_lock = threading.Lock()


def mint_download_token(actor: Principal, path: str) -> str:
    """A token that lets `actor`'s login fetch `path` once within DOWNLOAD_SECONDS."""
    token, _ = create_token(
        subject=str(actor.id),
        token_type="download",  # noqa: S106
        expires_in=timedelta(seconds=DOWNLOAD_SECONDS),
        extra={"sid": actor.session_id or "", "path": path},
    )
    return token


def redeem_download_token(*, session: Session, token: str, path: str) -> Principal:
    """The acting user of a download token for `path`; a used, expired or foreign one is 401."""
    claims = decode_token(token, expected_type="download")
    if claims.get("path") != path:
        raise InvalidTokenError("This download link is for another file.")
    now = time.monotonic()
    with _lock:
        for jti, at in list(_used.items()):
            if now - at > 2 * DOWNLOAD_SECONDS:
                del _used[jti]
        if claims["jti"] in _used:
            raise InvalidTokenError("This download link was used already; start the export again.")
        _used[claims["jti"]] = now
    # The login must still be valid (signed out or disabled since: no file).
    return principal_for_session(session=session, user_id=int(claims["sub"]), session_id=claims.get("sid"))
