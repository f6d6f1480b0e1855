"""Auth services: hashing, token decoding, rotation, reuse detection, lockout."""

from __future__ import annotations

import contextlib
import time
from datetime import timedelta

import jwt
import pytest

from oppo_kz.auth import service as auth
from oppo_kz.auth.limiter import login_limiter
from oppo_kz.core.config import get_settings
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.core.errors import (
    InvalidCredentialsError,
    InvalidTokenError,
    TokenExpiredError,
)
from oppo_kz.core.security import (
    create_token,
    decode_token,
    hash_password,
    password_problem,
    verify_password,
)
from oppo_kz.users.models import Role
from tests.factories import DEFAULT_PASSWORD, id_of, make_user


@pytest.fixture(autouse=True)
def _fresh_limiter() -> None:
    login_limiter.reset()


# --- passwords ----------------------------------------------------------------------------------


def test_bcrypt_cost_is_12_by_default_and_hashes_verify(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BCRYPT_ROUNDS")
    get_settings.cache_clear()
    try:
        hashed = hash_password("Correct horse 1")
        assert hashed.startswith("$2b$12$")
    finally:
        monkeypatch.setenv("BCRYPT_ROUNDS", "4")
        get_settings.cache_clear()
    assert verify_password("Correct horse 1", hashed)
    assert not verify_password("Correct horse 2", hashed)


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("short", "at least 8"),
        ("é" * 37, "at most 72 bytes"),  # 74 bytes in UTF-8
        ("a" * 73, "at most 72 bytes"),
        ("abc\x00defgh", "NUL"),
    ],
)
def test_password_rules_explain_the_problem(password: str, problem: str) -> None:
    assert problem in (password_problem(password) or "")


def test_passwords_of_8_and_72_bytes_are_fine_and_long_ones_never_raise() -> None:
    assert password_problem("a" * 8) is None
    assert password_problem("a" * 72) is None
    assert verify_password("a" * 500, hash_password("a" * 72)) is False  # bcrypt 5 would raise


# --- tokens -------------------------------------------------------------------------------------


def _token(**changes: object) -> str:
    claims = {"sub": "1", "type": "access", "jti": "x", "iat": int(utcnow().timestamp())}
    claims["exp"] = int((utcnow() + timedelta(minutes=5)).timestamp())
    claims.update(changes)
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, get_settings().SECRET_KEY, algorithm="HS256")


def test_a_valid_access_token_decodes() -> None:
    token, _ = create_token(subject="7", token_type="access", expires_in=timedelta(minutes=1))
    assert decode_token(token, expected_type="access")["sub"] == "7"


def test_expired_token_is_token_expired() -> None:
    token, _ = create_token(subject="7", token_type="access", expires_in=timedelta(seconds=-1))
    with pytest.raises(TokenExpiredError):
        decode_token(token, expected_type="access")


def test_a_token_verified_once_still_expires_on_time() -> None:
    # A verified token is remembered (no HMAC per request); its expiry is still checked on every use.
    token, _ = create_token(subject="7", token_type="access", expires_in=timedelta(seconds=1))
    assert decode_token(token, expected_type="access")["sub"] == "7"
    assert decode_token(token, expected_type="access")["sub"] == "7"
    time.sleep(1.1)
    with pytest.raises(TokenExpiredError):
        decode_token(token, expected_type="access")


def test_a_remembered_token_is_checked_again_under_a_new_secret_key(monkeypatch) -> None:
    token, _ = create_token(subject="7", token_type="access", expires_in=timedelta(minutes=1))
    assert decode_token(token, expected_type="access")["sub"] == "7"
    monkeypatch.setenv("SECRET_KEY", "a-rotated-secret-key-0123456789abcdef0123")
    get_settings.cache_clear()
    try:
        with pytest.raises(InvalidTokenError):
            decode_token(token, expected_type="access")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert decode_token(token, expected_type="access")["type"] == "access"


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(
            lambda: jwt.encode({"sub": "1"}, "another-key-entirely-0123456789abcdef"), id="wrong-key"
        ),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "1", "type": "access", "jti": "x", "iat": 1, "exp": 9999999999},
                None,
                algorithm="none",
            ),
            id="alg-none",
        ),
        pytest.param(lambda: _token(type="refresh"), id="wrong-type"),
        pytest.param(lambda: _token(exp=None), id="no-exp"),
        pytest.param(lambda: _token(iat=None), id="no-iat"),
        pytest.param(lambda: _token(sub=None), id="no-sub"),
        pytest.param(lambda: _token(type=None), id="no-type"),
        pytest.param(lambda: _token(jti=None), id="no-jti"),
        pytest.param(lambda: "not.a.jwt", id="garbage"),
        pytest.param(
            lambda: jwt.encode(
                {"sub": "1", "type": "access", "jti": "x", "iat": 1, "exp": 9999999999},
                get_settings().SECRET_KEY,
                algorithm="HS512",
            ),
            id="hs512",
        ),
    ],
)
def test_bad_tokens_are_invalid_token(bad) -> None:
    with pytest.raises(InvalidTokenError):
        decode_token(bad(), expected_type="access")


# --- login, rotation, reuse ---------------------------------------------------------------------


def _login(email: str, password: str = DEFAULT_PASSWORD) -> auth.TokenPair:
    with session_scope(write=True) as s:
        return auth.authenticate(session=s, email=email, password=password)


def _refresh(token: str, grace: int = 0) -> auth.TokenPair:
    with session_scope(write=True) as s:
        return auth.refresh(session=s, refresh_token=token, reuse_grace_seconds=grace)


def _principal(access: str) -> auth.Principal:
    with session_scope() as s:
        return auth.principal_from_access_token(session=s, token=access)


@pytest.fixture
def user(db: str):
    with session_scope(write=True) as s:
        return make_user(s, role=Role.office, email="Office.User@oppo.kz")


def test_login_is_case_insensitive_on_email_and_gives_a_working_pair(user) -> None:
    pair = _login("OFFICE.USER@OPPO.KZ")
    assert pair.expires_in == 900
    claims = decode_token(pair.access_token, expected_type="access")
    assert claims["role"] == "office"
    assert set(claims) >= {"sub", "role", "exp", "iat", "jti", "type"}
    assert _principal(pair.access_token).email == "office.user@oppo.kz"


def test_unknown_email_and_wrong_password_fail_the_same_way(user) -> None:
    with pytest.raises(InvalidCredentialsError) as unknown:
        _login("nobody@oppo.kz")
    with pytest.raises(InvalidCredentialsError) as wrong:
        _login(user.email, "wrong-password")
    assert unknown.value.message == wrong.value.message


def test_refresh_rotates_and_a_reused_token_ends_the_whole_login(user) -> None:
    first = _login(user.email)
    second = _refresh(first.refresh_token)
    third = _refresh(second.refresh_token)
    assert len({first.refresh_token, second.refresh_token, third.refresh_token}) == 3
    with pytest.raises(InvalidTokenError):
        _refresh(first.refresh_token)  # theft: the first token again
    for token in (third.refresh_token,):
        with pytest.raises(InvalidTokenError):
            _refresh(token)
    with pytest.raises(InvalidTokenError):
        _principal(third.access_token)
    other_login = _login(user.email)  # another login of the same user is unaffected
    assert _principal(other_login.access_token).id == user.id


def test_ui_grace_returns_the_successor_instead_of_ending_the_login(user) -> None:
    first = _login(user.email)
    second = _refresh(first.refresh_token, grace=10)
    again = _refresh(first.refresh_token, grace=10)  # a second tab with the same stored token
    assert again.refresh_token == second.refresh_token
    assert _principal(again.access_token).id == user.id
    third = _refresh(second.refresh_token)
    assert _principal(third.access_token).id == user.id


def test_access_token_is_not_a_refresh_token_and_the_reverse(user) -> None:
    pair = _login(user.email)
    with pytest.raises(InvalidTokenError):
        _refresh(pair.access_token)
    with pytest.raises(InvalidTokenError):
        _principal(pair.refresh_token)


def test_logout_ends_refresh_and_access_at_once(user) -> None:
    pair = _login(user.email)
    with session_scope(write=True) as s:
        auth.logout(session=s, refresh_token=pair.refresh_token)
    with pytest.raises(InvalidTokenError):
        _refresh(pair.refresh_token)
    with pytest.raises(InvalidTokenError):
        _principal(pair.access_token)


def test_expired_refresh_token_is_token_expired(user, monkeypatch: pytest.MonkeyPatch) -> None:
    pair = _login(user.email)
    monkeypatch.setattr(auth, "utcnow", lambda: utcnow() + timedelta(days=8))
    with pytest.raises(TokenExpiredError):
        _refresh(pair.refresh_token)


def test_a_successful_login_clears_earlier_failures(user) -> None:
    for _ in range(4):
        with pytest.raises(InvalidCredentialsError):
            _login(user.email, "wrong-password")
    _login(user.email)
    for _ in range(4):
        with pytest.raises(InvalidCredentialsError):
            _login(user.email, "wrong-password")
    _login(user.email)


# --- bcrypt never runs inside a write transaction -----------------------------------------------


def _write_lock_is_free() -> bool:
    """Whether another connection can take SQLite's write lock right now (without waiting)."""
    import sqlite3

    from oppo_kz.core.config import get_settings

    path = get_settings().DATABASE_URL.removeprefix("sqlite:///")
    conn = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        conn.close()


@pytest.mark.parametrize("slow", ["verify_password", "burn_password_check"])
def test_login_checks_the_password_outside_the_write_transaction(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch, slow: str
) -> None:
    with session_scope(write=True) as s:
        user = make_user(s, email="locks@oppo.kz")
    seen: list[bool] = []
    real = getattr(auth, slow)

    def spy(*args: object) -> object:
        seen.append(_write_lock_is_free())
        return real(*args)

    monkeypatch.setattr(auth, slow, spy)
    email = user.email if slow == "verify_password" else "nobody@oppo.kz"
    with session_scope(write=True) as s, contextlib.suppress(InvalidCredentialsError):
        auth.authenticate(session=s, email=email, password=DEFAULT_PASSWORD)
    assert seen == [True]


def test_creating_a_user_hashes_outside_the_write_transaction(
    sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from oppo_kz.core import security
    from oppo_kz.users import service as users
    from oppo_kz.users.models import UserCreate, UserUpdate

    with session_scope(write=True) as s:
        admin = auth.Principal.of(make_user(s, role=Role.admin))
        target = make_user(s)
    seen: list[bool] = []
    real = security.hash_password

    def spy(password: str) -> str:
        seen.append(_write_lock_is_free())
        return real(password)

    monkeypatch.setattr(users, "hash_password", spy)
    with session_scope(write=True) as s:
        users.create_user(
            session=s,
            actor=admin,
            user_in=UserCreate(email="new@oppo.kz", password="Password-1", role=Role.office),
        )
    with session_scope(write=True) as s:
        users.update_user(
            session=s, actor=admin, user_id=id_of(target), changes=UserUpdate(password="Password-2")
        )
    assert seen == [True, True]
