"""Hooks for the schemathesis run in test_schemathesis.py (loaded through SCHEMATHESIS_HOOKS).

Authentication: an admin's access token, made in this process straight against the server's database
(the same DATABASE_URL and SECRET_KEY), so that the fuzzer may change the seeded admin's password,
demote or delete users and end logins without locking itself out: on a 401 schemathesis asks again,
and a fresh admin is made when no known one can sign in.
"""

from __future__ import annotations

import itertools
from typing import Any

import schemathesis
from hypothesis import strategies as st
from sqlmodel import col, select

from oppo_kz.auth import service as auth
from oppo_kz.auth.limiter import LoginLimiter
from oppo_kz.core.db import session_scope
from oppo_kz.core.errors import DomainError
from oppo_kz.core.security import BCRYPT_MAX_BYTES, PASSWORD_MIN_LENGTH, hash_password
from oppo_kz.users.models import Role, User

PASSWORD = "Fuzz-Admin-Password-1"
_admins = itertools.count(1)

# `format: password` means 8 characters up to 72 bytes of UTF-8 (bcrypt's limit), which JSON Schema
# lengths (in characters) cannot say on their own.
schemathesis.openapi.format(
    "password",
    st.text(
        st.characters(codec="utf-8", exclude_characters="\x00"), min_size=PASSWORD_MIN_LENGTH, max_size=72
    ).filter(lambda text: len(text.encode()) <= BCRYPT_MAX_BYTES),
)


def _sign_in(email: str, password: str) -> str | None:
    with session_scope(write=True) as session:
        try:
            pair = auth.authenticate(
                session=session, email=email, password=password, ip="schemathesis", limiter=LoginLimiter()
            )
        except DomainError:
            return None
        return pair.access_token if pair.user.role is Role.admin else None


def _new_admin() -> str:
    email = f"fuzz-admin-{next(_admins)}@oppo.kz"
    with session_scope(write=True) as session:
        if session.exec(select(User).where(col(User.email) == email)).first() is None:
            session.add(
                User(email=email, password_hash=hash_password(PASSWORD), role=Role.admin, full_name="Fuzz")
            )
            session.commit()
    return email


@schemathesis.auth(refresh_interval=600)
class AdminToken:
    def __init__(self) -> None:
        self.email: str | None = None

    def get(self, case: Any, context: Any) -> str:
        if self.email is not None and (token := _sign_in(self.email, PASSWORD)):
            return token
        self.email = _new_admin()
        token = _sign_in(self.email, PASSWORD)
        assert token is not None, "a freshly made admin could not sign in"
        return token

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
