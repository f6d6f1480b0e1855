"""/api/v1/users: admins manage users; nobody else may; the last admin is protected."""

from __future__ import annotations

import pytest

from oppo_kz.core.db import session_scope
from oppo_kz.users.models import Role
from tests.factories import make_user
from tests.helpers import expect_error


def test_admin_creates_lists_reads_updates_and_deletes_a_user(client, admin_headers) -> None:
    created = client.post(
        "/api/v1/users",
        json={
            "email": "New.Promoter@OPPO.kz",
            "password": "Promoter1!",
            "full_name": "Dana",
            "role": "promoter",
        },
        headers=admin_headers,
    )
    assert created.status_code == 201
    user = created.json()
    assert created.headers["Location"] == f"/api/v1/users/{user['id']}"
    assert user == {
        "id": user["id"],
        "email": "new.promoter@oppo.kz",
        "full_name": "Dana",
        "role": "promoter",
        "is_active": True,
    }
    assert "password" not in created.text
    assert "hash" not in created.text

    listed = client.get("/api/v1/users", headers=admin_headers)
    assert listed.status_code == 200
    assert "new.promoter@oppo.kz" in [u["email"] for u in listed.json()]
    assert all("password_hash" not in u for u in listed.json())

    assert client.get(f"/api/v1/users/{user['id']}", headers=admin_headers).json()["role"] == "promoter"
    patched = client.patch(
        f"/api/v1/users/{user['id']}",
        json={"role": "supervisor", "full_name": "Dana S."},
        headers=admin_headers,
    )
    assert patched.status_code == 200
    assert (patched.json()["role"], patched.json()["full_name"]) == ("supervisor", "Dana S.")

    login = client.post(
        "/api/v1/auth/login", json={"email": "new.promoter@oppo.kz", "password": "Promoter1!"}
    )
    assert login.status_code == 200

    assert client.delete(f"/api/v1/users/{user['id']}", headers=admin_headers).status_code == 204
    expect_error(client.get(f"/api/v1/users/{user['id']}", headers=admin_headers), 404, "not_found")
    expect_error(client.delete(f"/api/v1/users/{user['id']}", headers=admin_headers), 404, "not_found")


def test_duplicate_email_is_409_case_insensitively(client, admin_headers) -> None:
    body = {"email": "dup@oppo.kz", "password": "Password1!", "role": "office"}
    assert client.post("/api/v1/users", json=body, headers=admin_headers).status_code == 201
    expect_error(
        client.post("/api/v1/users", json=body | {"email": "DUP@oppo.kz"}, headers=admin_headers),
        409,
        "conflict",
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": "Password1!"}, "email"),
        ({"email": "a@oppo.kz", "password": "short"}, "password"),
        ({"email": "a@oppo.kz", "password": "x" * 73}, "password"),
        ({"email": "a@oppo.kz", "password": "Password1!", "role": "boss"}, "role"),
        ({"email": "a@oppo.kz", "password": "Password1!", "is_admin": True}, "is_admin"),
    ],
)
def test_bad_user_bodies_are_422_naming_the_field(client, admin_headers, body: dict, field: str) -> None:
    response = expect_error(
        client.post("/api/v1/users", json=body, headers=admin_headers), 422, "validation_error"
    )
    assert field in [e["field"] for e in response["details"]["errors"]]


@pytest.mark.parametrize("role", ["office", "supervisor", "promoter"])
def test_non_admins_may_not_manage_users(client, headers_for, role: str) -> None:
    headers = headers_for(role)
    expect_error(client.get("/api/v1/users", headers=headers), 403, "forbidden")
    expect_error(
        client.post("/api/v1/users", json={"email": "x@oppo.kz", "password": "Password1!"}, headers=headers),
        403,
        "forbidden",
    )
    expect_error(client.get("/api/v1/users/1", headers=headers), 403, "forbidden")
    expect_error(client.patch("/api/v1/users/1", json={"role": "admin"}, headers=headers), 403, "forbidden")
    expect_error(client.delete("/api/v1/users/1", headers=headers), 403, "forbidden")


def test_users_endpoints_need_a_token(client, db: str) -> None:
    expect_error(client.get("/api/v1/users"), 401, "not_authenticated")


def test_the_last_active_admin_cannot_be_demoted_disabled_or_deleted(client, db: str, login) -> None:
    with session_scope(write=True) as s:
        admin = make_user(s, role=Role.admin, email="only.admin@oppo.kz")
        other = make_user(s, role=Role.admin, email="second.admin@oppo.kz")
    headers = {"Authorization": f"Bearer {login('only.admin@oppo.kz')['access_token']}"}
    assert (
        client.patch(f"/api/v1/users/{other.id}", json={"is_active": False}, headers=headers).status_code
        == 200
    )
    expect_error(
        client.patch(f"/api/v1/users/{admin.id}", json={"role": "office"}, headers=headers), 409, "conflict"
    )
    expect_error(
        client.patch(f"/api/v1/users/{admin.id}", json={"is_active": False}, headers=headers), 409, "conflict"
    )
    expect_error(client.delete(f"/api/v1/users/{admin.id}", headers=headers), 409, "conflict")
    assert client.get("/api/v1/auth/me", headers=headers).json()["role"] == "admin"


def test_password_reset_ends_the_users_logins(client, admin_headers, login, db: str) -> None:
    with session_scope(write=True) as s:
        user = make_user(s, email="reset.me@oppo.kz")
    tokens = login("reset.me@oppo.kz")
    assert (
        client.patch(
            f"/api/v1/users/{user.id}", json={"password": "BrandNew123"}, headers=admin_headers
        ).status_code
        == 200
    )
    expect_error(
        client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"}),
        401,
        "invalid_token",
    )
    assert (
        client.post(
            "/api/v1/auth/login", json={"email": "reset.me@oppo.kz", "password": "BrandNew123"}
        ).status_code
        == 200
    )


def test_an_admin_cannot_lock_themself_out(client, db: str, login) -> None:
    with session_scope(write=True) as s:
        me = make_user(s, role=Role.admin, email="me.admin@oppo.kz")
        make_user(s, role=Role.admin, email="other.admin@oppo.kz")
    headers = {"Authorization": f"Bearer {login('me.admin@oppo.kz')['access_token']}"}
    expect_error(
        client.patch(f"/api/v1/users/{me.id}", json={"is_active": False}, headers=headers), 409, "conflict"
    )
    expect_error(
        client.patch(f"/api/v1/users/{me.id}", json={"role": "office"}, headers=headers), 409, "conflict"
    )
    expect_error(client.delete(f"/api/v1/users/{me.id}", headers=headers), 409, "conflict")
    assert (
        client.patch(f"/api/v1/users/{me.id}", json={"full_name": "Still Me"}, headers=headers).status_code
        == 200
    )


@pytest.mark.parametrize("email", ["qa.user@example.com", "store7@branch.test", "it@oppo.corp.local"])
def test_internal_and_test_mail_domains_are_accepted(client, admin_headers, email: str) -> None:
    response = client.post(
        "/api/v1/users", json={"email": email, "password": "Password1!"}, headers=admin_headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["email"] == email
