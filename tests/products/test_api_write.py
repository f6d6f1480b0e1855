"""POST/GET/PATCH/PUT/DELETE /api/v1/products: roles, ETag and If-Match, conflicts, bad bodies, concurrency."""

from __future__ import annotations

from typing import Any

import pytest

from oppo_kz.core.db import session_scope
from oppo_kz.users.models import Role
from tests.factories import make_product
from tests.helpers import expect_error, run_together

URL = "/api/v1/products"
NEW = {"sku": "cph-2581", "name": "OPPO Reno 12 F", "category": "smartphone", "price": 159_990}


def _create(**overrides: Any) -> Any:
    with session_scope(write=True) as s:
        return make_product(s, **overrides)


@pytest.fixture
def office(headers_for) -> dict[str, str]:
    return headers_for(Role.office)


# --- create and read ------------------------------------------------------------------------------


def test_create_is_201_with_location_and_etag_then_readable(client, office) -> None:
    response = client.post(
        URL, json=NEW | {"launch_date": "2024-07-01", "series": " ", "ram_gb": 8}, headers=office
    )
    assert response.status_code == 201
    product = response.json()
    assert response.headers["Location"] == f"/api/v1/products/{product['id']}"
    assert response.headers["ETag"] == '"1"'
    assert product["sku"] == "CPH-2581"
    assert (product["series"], product["ram_gb"], product["stock"], product["is_active"]) == (
        None,
        8,
        0,
        True,
    )
    assert (product["launch_date"], product["version"]) == ("2024-07-01", 1)

    read = client.get(response.headers["Location"], headers=office)
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'
    assert read.json() == product


@pytest.mark.parametrize("path", ["999999", "0", "-3", "99999999999999999999"])
def test_get_missing_is_404(client, office, path: str) -> None:
    expect_error(client.get(f"{URL}/{path}", headers=office), 404, "not_found")


def test_get_with_a_non_numeric_id_is_422(client, office) -> None:
    body = expect_error(client.get(f"{URL}/abc", headers=office), 422, "validation_error")
    assert body["details"]["errors"][0]["field"] == "product_id"


def test_duplicate_sku_is_409_on_create_and_on_change(client, office) -> None:
    assert client.post(URL, json=NEW, headers=office).status_code == 201
    body = expect_error(client.post(URL, json=NEW | {"sku": "CPH-2581 "}, headers=office), 409, "conflict")
    assert body["details"]["field"] == "sku"
    other = _create(sku="OTHER-1")
    expect_error(client.patch(f"{URL}/{other.id}", json={"sku": "cph-2581"}, headers=office), 409, "conflict")
    replacement = NEW | {"name": "x"}
    expect_error(client.put(f"{URL}/{other.id}", json=replacement, headers=office), 409, "conflict")


# --- update, replace, delete with versions -----------------------------------------------------------


def test_patch_changes_only_what_is_sent_and_bumps_the_etag(client, office) -> None:
    product = _create(price=100, color="Black")
    response = client.patch(f"{URL}/{product.id}", json={"price": 150}, headers=office)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    body = response.json()
    assert (body["price"], body["color"], body["version"]) == (150, "Black", 2)
    assert body["updated_at"] >= body["created_at"]


def test_patch_with_a_stale_version_in_the_body_is_409(client, office) -> None:
    product = _create(price=100)
    assert (
        client.patch(f"{URL}/{product.id}", json={"price": 1, "version": 1}, headers=office).status_code
        == 200
    )
    body = expect_error(
        client.patch(f"{URL}/{product.id}", json={"price": 2, "version": 1}, headers=office), 409, "conflict"
    )
    assert body["details"]["current_version"] == 2
    assert client.get(f"{URL}/{product.id}", headers=office).json()["price"] == 1


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ('"1"', 200),
        ("1", 200),
        ('W/"1"', 200),
        ("*", 200),
        ('"7", "1"', 200),
        ('"2"', 409),
        ('"2", "3"', 409),
        ('"abc"', 409),
        ("", 409),
    ],
)
def test_patch_honours_if_match(client, office, if_match: str, status: int) -> None:
    product = _create(price=100)
    response = client.patch(f"{URL}/{product.id}", json={"price": 7}, headers=office | {"If-Match": if_match})
    assert response.status_code == status, response.text
    if status == 409:
        assert response.json()["error_code"] == "conflict"
        assert response.json()["details"]["current_version"] == 1
    else:
        assert response.headers["ETag"] == '"2"'


def test_etag_from_get_drives_a_safe_update(client, office) -> None:
    product = _create()
    etag = client.get(f"{URL}/{product.id}", headers=office).headers["ETag"]
    first = client.patch(f"{URL}/{product.id}", json={"stock": 1}, headers=office | {"If-Match": etag})
    assert first.status_code == 200
    second = client.patch(f"{URL}/{product.id}", json={"stock": 2}, headers=office | {"If-Match": etag})
    assert second.status_code == 409
    assert second.json()["details"]["current_version"] == 2


def test_put_replaces_every_field(client, office) -> None:
    product = _create(series="Reno", color="Black", ram_gb=8, stock=9)
    replacement = {"sku": product.sku, "name": "Renamed", "category": "tablet", "price": 5, "version": 1}
    response = client.put(f"{URL}/{product.id}", json=replacement, headers=office)
    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["category"], body["series"], body["color"], body["ram_gb"], body["stock"]) == (
        "Renamed",
        "tablet",
        None,
        None,
        None,
        0,
    )
    assert (body["version"], response.headers["ETag"]) == (2, '"2"')
    stale = client.put(f"{URL}/{product.id}", json=replacement, headers=office)
    expect_error(stale, 409, "conflict")
    by_header = client.put(
        f"{URL}/{product.id}", json=replacement | {"version": None}, headers=office | {"If-Match": '"1"'}
    )
    assert expect_error(by_header, 409, "conflict")["details"]["current_version"] == 2


def test_put_needs_the_whole_product(client, office) -> None:
    product = _create()
    body = expect_error(
        client.put(f"{URL}/{product.id}", json={"price": 5}, headers=office), 422, "validation_error"
    )
    assert {e["field"] for e in body["details"]["errors"]} == {"sku", "name", "category"}


def test_delete_is_204_then_404_and_honours_if_match(client, admin_headers) -> None:
    product = _create()
    expect_error(
        client.delete(f"{URL}/{product.id}", headers=admin_headers | {"If-Match": '"5"'}), 409, "conflict"
    )
    response = client.delete(f"{URL}/{product.id}", headers=admin_headers | {"If-Match": '"1"'})
    assert response.status_code == 204
    assert response.content == b""
    expect_error(client.delete(f"{URL}/{product.id}", headers=admin_headers), 404, "not_found")
    expect_error(client.get(f"{URL}/{product.id}", headers=admin_headers), 404, "not_found")


@pytest.mark.parametrize("method", ["patch", "put", "delete"])
def test_writes_to_a_missing_product_are_404(client, admin_headers, method: str) -> None:
    kwargs: dict[str, Any] = {"headers": admin_headers}
    if method != "delete":
        kwargs["json"] = NEW
    expect_error(getattr(client, method)(f"{URL}/424242", **kwargs), 404, "not_found")


# --- roles --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "create", "update", "delete"),
    [
        (Role.promoter, 403, 403, 403),
        (Role.supervisor, 403, 403, 403),
        (Role.office, 201, 200, 403),
        (Role.admin, 201, 200, 204),
    ],
)
def test_role_matrix(client, headers_for, role: Role, create: int, update: int, delete: int) -> None:
    headers = headers_for(role)
    product = _create()
    assert client.get(f"{URL}/{product.id}", headers=headers).status_code == 200
    assert client.post(URL, json=NEW, headers=headers).status_code == create
    assert client.patch(f"{URL}/{product.id}", json={"price": 1}, headers=headers).status_code == update
    replacement = NEW | {"sku": product.sku}
    assert client.put(f"{URL}/{product.id}", json=replacement, headers=headers).status_code == update
    response = client.delete(f"{URL}/{product.id}", headers=headers)
    assert response.status_code == delete
    if delete == 403:
        assert response.json()["error_code"] == "forbidden"


def test_a_forbidden_role_gets_403_before_body_validation(client, headers_for) -> None:
    headers = headers_for(Role.supervisor)
    expect_error(client.post(URL, json={"price": -1}, headers=headers), 403, "forbidden")


def test_writes_need_a_signed_in_user(client, db: str) -> None:
    expect_error(client.post(URL, json=NEW), 401, "not_authenticated")
    expect_error(client.patch(f"{URL}/1", json={"price": 1}), 401, "not_authenticated")
    expect_error(client.delete(f"{URL}/1"), 401, "not_authenticated")


# --- bad bodies ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (NEW | {"price": -1}, {"price"}),
        (NEW | {"stock": -5}, {"stock"}),
        (NEW | {"category": "television"}, {"category"}),
        (NEW | {"name": ""}, {"name"}),
        (NEW | {"name": "   "}, {"name"}),
        (NEW | {"sku": "bad sku!"}, {"sku"}),
        (NEW | {"price": "159990"}, {"price"}),
        (NEW | {"price": 1.5}, {"price"}),
        (NEW | {"price": True}, {"price"}),
        (NEW | {"is_active": "yes"}, {"is_active"}),
        (NEW | {"launch_date": "01/07/2024"}, {"launch_date"}),
        (NEW | {"ram_gb": [8]}, {"ram_gb"}),
        (NEW | {"price": 10**30}, {"price"}),
        (NEW | {"storage_gb": 2**63}, {"storage_gb"}),
        (NEW | {"id": 5}, {"id"}),
        (NEW | {"version": 1}, {"version"}),
        (NEW | {"discount": 5}, {"discount"}),
        (NEW | {"name": "Reno\x00"}, {"name"}),
        (NEW | {"color": "Bl\x00ck"}, {"color"}),
        ({k: v for k, v in NEW.items() if k != "price"}, {"price"}),
        ({}, {"sku", "name", "category", "price"}),
    ],
)
def test_bad_create_bodies_are_422_with_every_field(
    client, office, body: dict[str, Any], fields: set[str]
) -> None:
    result = expect_error(client.post(URL, json=body, headers=office), 422, "validation_error")
    errors = result["details"]["errors"]
    assert {e["field"] for e in errors} == fields
    assert all(isinstance(e["message"], str) and e["message"] for e in errors)


@pytest.mark.parametrize(
    "raw",
    [b'{"sku": "A-1", ', b"not json", b"", b'{"price": 1e400}', b"[1, 2]", b'"text"', b"\xff\xfe"],
)
def test_malformed_bodies_are_422(client, office, raw: bytes) -> None:
    response = client.post(URL, content=raw, headers=office | {"Content-Type": "application/json"})
    errors = expect_error(response, 422, "validation_error")["details"]["errors"]
    assert errors
    assert all(set(e) == {"field", "message"} for e in errors)


def test_malformed_json_names_the_body(client, office) -> None:
    response = client.post(URL, content=b'{"sku": ', headers=office | {"Content-Type": "application/json"})
    [error] = expect_error(response, 422, "validation_error")["details"]["errors"]
    assert error["field"] == "body"
    assert "JSON" in error["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"price": None}, "price"),
        ({"name": None}, "name"),
        ({"category": "tv"}, "category"),
        ({"stock": -1}, "stock"),
        ({"version": 0}, "version"),
        ({"version": "1"}, "version"),
        ({"created_at": "2020-01-01T00:00:00Z"}, "created_at"),
    ],
)
def test_bad_patch_bodies_are_422(client, office, body: dict[str, Any], field: str) -> None:
    product = _create()
    result = expect_error(
        client.patch(f"{URL}/{product.id}", json=body, headers=office), 422, "validation_error"
    )
    assert [e["field"] for e in result["details"]["errors"]] == [field]


# --- concurrency through the app ---------------------------------------------------------------------

WRITERS = 8
ROUNDS = 4


def test_concurrent_rest_writers_lose_no_update(client, office) -> None:
    """8 threads each add 1 to a product's stock ROUNDS times over HTTP, with If-Match and retries."""
    product = _create(stock=0)
    url = f"{URL}/{product.id}"
    problems: list[str] = []

    def writer(_n: int) -> None:
        done = 0
        while done < ROUNDS and not problems:
            current = client.get(url, headers=office)
            if current.status_code != 200:
                problems.append(current.text)
                return
            stock = current.json()["stock"]
            response = client.patch(
                url, json={"stock": stock + 1}, headers=office | {"If-Match": current.headers["ETag"]}
            )
            if response.status_code == 200:
                done += 1
            elif response.status_code != 409:
                problems.append(f"{response.status_code} {response.text}")

    assert run_together(writer, WRITERS) == []
    assert problems == []
    final = client.get(url, headers=office).json()
    assert (final["stock"], final["version"]) == (WRITERS * ROUNDS, 1 + WRITERS * ROUNDS)


def test_concurrent_creates_of_one_sku_make_one_product(client, office) -> None:
    statuses: list[int] = []

    def writer(_n: int) -> None:
        statuses.append(client.post(URL, json=NEW, headers=office).status_code)

    assert run_together(writer, WRITERS) == []
    assert sorted(statuses) == [201] + [409] * (WRITERS - 1)
    listed = client.get(f"{URL}?sku=CPH-2581", headers=office).json()
    assert listed["total"] == 1


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_product_as_get_returns_it_can_be_sent_back(client, office, method: str) -> None:
    created = client.post(URL, json=NEW, headers=office).json()
    fetched = client.get(f"{URL}/{created['id']}", headers=office).json()
    response = getattr(client, method)(f"{URL}/{created['id']}", json=fetched | {"stock": 77}, headers=office)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["stock"], body["version"], body["id"]) == (77, 2, created["id"])
    assert body["created_at"] == created["created_at"]  # echoed read-only fields change nothing


def test_an_echoed_id_must_name_the_product_in_the_url(client, office) -> None:
    product = _create()
    response = client.patch(f"{URL}/{product.id}", json={"id": product.id + 1, "stock": 1}, headers=office)
    body = expect_error(response, 422, "validation_error")
    assert body["details"]["errors"][0]["field"] == "id"
