"""/api/v1/auth: login (JSON and OAuth2 form), refresh, logout, me, permissions, lockout."""

from __future__ import annotations

import time

import pytest

from oppo_kz.core.db import session_scope
from oppo_kz.users.models import Role
from tests.factories import DEFAULT_PASSWORD, make_user

# CONTRACT.md and CONTRACT-SALES.md "Permissions", written out: which actions each role may take
# (which rows is each domain's scope, tested in tests/<domain>/test_scope.py).
_READS = {
    "products:read", "stores:read", "assignments:read", "sales:read", "targets:read", "reports:read",
    "messages:read", "bonuses:read",
}  # fmt: skip
_SALES_SIDE_OFFICE = {
    "stores:create", "stores:update", "stores:delete", "assignments:manage",
    "sales:create", "sales:update", "sales:delete", "sales:review", "targets:manage",
    "messages:send", "bonus_rules:manage", "bonus_months:close", "audit:read",
}  # fmt: skip
CONTRACT_MATRIX = {
    "admin": _READS
    | _SALES_SIDE_OFFICE
    | {"products:create", "products:update", "products:delete", "users:manage"},
    "office": _READS | _SALES_SIDE_OFFICE | {"products:create", "products:update"},
    "supervisor": _READS | {"assignments:manage", "sales:review", "messages:send"},
    "promoter": _READS | {"sales:create", "sales:update", "sales:delete"},
}


@pytest.fixture
def office(db: str):
    with session_scope(write=True) as s:
        return make_user(s, role=Role.office, email="aigerim@oppo.kz", full_name="Aigerim")


def _assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error_code"] == code
    assert isinstance(body["message"], str)
    assert body["message"]
    assert "details" in body
    return body


def test_login_with_json_returns_the_contract_answer(client, office) -> None:
    response = client.post(
        "/api/v1/auth/login", json={"email": "aigerim@oppo.kz", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["access_token"]
    assert body["refresh_token"]
    assert body["user"] == {
        "id": office.id,
        "email": "aigerim@oppo.kz",
        "full_name": "Aigerim",
        "role": "office",
        "is_active": True,
    }


def test_login_with_the_oauth2_form_works_for_the_docs_button(client, office) -> None:
    response = client.post(
        "/api/v1/auth/login", data={"username": "aigerim@oppo.kz", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200
    assert response.json()["access_token"]


@pytest.mark.parametrize(
    ("email", "password"),
    [("aigerim@oppo.kz", "wrong-password"), ("nobody@oppo.kz", DEFAULT_PASSWORD), ("AIGERIM@oppo.kz", "")],
)
def test_bad_credentials_do_not_say_which_field_was_wrong(client, office, email: str, password: str) -> None:
    response = client.post("/api/v1/auth/login", json={"email": email, "password": password or "x"})
    body = _assert_error(response, 401, "invalid_credentials")
    assert "email or password" in body["message"]


def test_unknown_email_and_wrong_password_take_about_the_same_time(client, office) -> None:
    def timed(email: str) -> float:
        start = time.perf_counter()
        client.post("/api/v1/auth/login", json={"email": email, "password": "wrong-password"})
        return time.perf_counter() - start

    unknown = min(timed("nobody@oppo.kz") for _ in range(3))
    wrong = min(timed("aigerim@oppo.kz") for _ in range(3))
    assert unknown > wrong * 0.4  # both pay for one bcrypt check


def test_disabled_user_cannot_log_in(client, db: str) -> None:
    with session_scope(write=True) as s:
        make_user(s, email="gone@oppo.kz", is_active=False)
    _assert_error(
        client.post("/api/v1/auth/login", json={"email": "gone@oppo.kz", "password": DEFAULT_PASSWORD}),
        401,
        "invalid_credentials",
    )


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "a@oppo.kz"}, {"password": "x"}, {"email": 5, "password": "x"}, []],
    ids=["empty", "no-password", "no-email", "number-email", "array"],
)
def test_malformed_login_body_is_422(client, db: str, body) -> None:
    _assert_error(client.post("/api/v1/auth/login", json=body), 422, "validation_error")


def test_non_json_login_body_is_422(client, db: str) -> None:
    response = client.post(
        "/api/v1/auth/login", content=b"{not json", headers={"content-type": "application/json"}
    )
    body = _assert_error(response, 422, "validation_error")
    assert body["details"]["errors"][0]["field"] == "body"


def test_refresh_rotates_and_reuse_revokes_the_login(client, office, login) -> None:
    first = login("aigerim@oppo.kz")
    response = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["user"]["email"] == "aigerim@oppo.kz"

    reuse = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    _assert_error(reuse, 401, "invalid_token")
    _assert_error(
        client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]}),
        401,
        "invalid_token",
    )
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {second['access_token']}"})
    _assert_error(me, 401, "invalid_token")


def test_logout_is_204_and_the_refresh_token_no_longer_works(client, office, login) -> None:
    tokens = login("aigerim@oppo.kz")
    response = client.post("/api/v1/auth/logout", json={"refresh_token": tokens["refresh_token"]})
    assert response.status_code == 204
    assert response.content == b""
    _assert_error(
        client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        401,
        "invalid_token",
    )
    _assert_error(
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}),
        401,
        "invalid_token",
    )


def test_tokens_are_not_interchangeable(client, office, login) -> None:
    tokens = login("aigerim@oppo.kz")
    _assert_error(
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}),
        401,
        "invalid_token",
    )
    swapped = client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["access_token"]})
    _assert_error(swapped, 401, "invalid_token")
    assert swapped.json()["message"] == "A refresh token is required."  # a sentence a person reads


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "not_authenticated"),
        ("Bearer", "not_authenticated"),
        ("Bearer not-a-token", "invalid_token"),
        ("Basic YWRtaW46YWRtaW4=", "not_authenticated"),
    ],
)
def test_me_without_a_good_token_is_401(client, db: str, header: str | None, code: str) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/auth/me", headers=headers)
    _assert_error(response, 401, code)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_me_returns_the_user_without_secrets(client, office, login) -> None:
    tokens = login("aigerim@oppo.kz")
    response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert response.status_code == 200
    assert response.json() == {
        "id": office.id,
        "email": "aigerim@oppo.kz",
        "full_name": "Aigerim",
        "role": "office",
        "is_active": True,
        "locale": None,
    }


def test_the_ui_language_is_kept_on_the_user(client, office, login) -> None:
    headers = {"Authorization": f"Bearer {login('aigerim@oppo.kz')['access_token']}"}
    response = client.patch("/api/v1/auth/me", json={"locale": "kk"}, headers=headers)
    assert response.status_code == 200
    assert response.json()["locale"] == "kk"
    # a new login (another device) reads it back
    again = {"Authorization": f"Bearer {login('aigerim@oppo.kz')['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=again).json()["locale"] == "kk"
    assert client.patch("/api/v1/auth/me", json={"locale": "en"}, headers=again).json()["locale"] == "en"


@pytest.mark.parametrize(
    "body",
    [
        {"locale": "de"},
        {"locale": "RU"},
        {"locale": None},
        {"locale": 1},
        {},
        {"locale": "ru", "role": "admin"},
    ],
)
def test_only_ru_kk_en_are_accepted_as_the_ui_language(client, office, login, body) -> None:
    headers = {"Authorization": f"Bearer {login('aigerim@oppo.kz')['access_token']}"}
    response = client.patch("/api/v1/auth/me", json=body, headers=headers)
    error = _assert_error(response, 422, "validation_error")
    assert error["details"]["errors"][0]["field"] in {"locale", "role"}
    me = client.get("/api/v1/auth/me", headers=headers).json()
    assert (me["locale"], me["role"]) == (None, "office")  # nothing was written


def test_setting_the_ui_language_needs_a_login(client, db: str) -> None:
    _assert_error(client.patch("/api/v1/auth/me", json={"locale": "kk"}), 401, "not_authenticated")


@pytest.mark.parametrize("role", list(CONTRACT_MATRIX))
def test_permissions_endpoint_matches_the_contract_matrix(client, headers_for, role: str) -> None:
    response = client.get("/api/v1/auth/permissions", headers=headers_for(role))
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == role
    assert {p for p, allowed in body["permissions"].items() if allowed} == CONTRACT_MATRIX[role]


def test_role_change_and_disable_take_effect_at_once(client, admin_headers, office, login) -> None:
    tokens = login("aigerim@oppo.kz")
    office_headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    patch = client.patch(f"/api/v1/users/{office.id}", json={"role": "promoter"}, headers=admin_headers)
    assert patch.status_code == 200
    assert client.get("/api/v1/auth/permissions", headers=office_headers).json()["role"] == "promoter"

    assert (
        client.patch(
            f"/api/v1/users/{office.id}", json={"is_active": False}, headers=admin_headers
        ).status_code
        == 200
    )
    _assert_error(client.get("/api/v1/auth/me", headers=office_headers), 401, "invalid_token")
    _assert_error(
        client.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}),
        401,
        "invalid_token",
    )
