"""Health, and the contract's error body for unknown routes, wrong methods and crashes."""

from __future__ import annotations

import pytest

from tests.conftest import use_database
from tests.pg import free_port


def test_health_reports_version_and_database(client, db: str) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": "0.1.0", "database": "ok"}


def test_health_is_503_in_the_error_shape_when_the_database_is_unreachable(client) -> None:
    use_database(f"postgresql://nobody@127.0.0.1:{free_port()}/nothing")
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["error_code"] == "service_unavailable"
    assert body["details"] == {"database": "unreachable"}
    assert "nobody" not in response.text  # no connection string, no driver message


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/products-typo/1", "/api/v1"])
def test_unknown_api_route_is_404_in_the_error_shape(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["error_code"] == "not_found"
    assert path in body["message"]
    assert body["details"] == {}


def test_wrong_method_is_405_with_allowed_methods(client) -> None:
    response = client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.json()["error_code"] == "method_not_allowed"
    assert "GET" in response.json()["details"]["allowed"]


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("DELETE", "/api/v1/products", ["GET", "HEAD", "POST"]),
        ("OPTIONS", "/api/v1/products/1", ["GET", "HEAD", "PUT", "PATCH", "DELETE"]),
        ("PUT", "/api/v1/users", ["GET", "HEAD", "POST"]),
        ("GET", "/api/v1/auth/login", ["POST"]),
    ],
)
def test_405_lists_every_method_of_the_path_in_allow(
    client, method: str, path: str, allowed: list[str]
) -> None:
    response = client.request(method, path)
    assert response.status_code == 405
    assert response.headers["Allow"] == ", ".join(allowed)
    assert response.json()["details"]["allowed"] == allowed


def test_unhandled_error_is_500_without_a_stack_trace(api, client, caplog: pytest.LogCaptureFixture) -> None:
    @api.get("/api/v1/_test/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: SELECT * FROM users")

    response = client.get("/api/v1/_test/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["error_code"] == "internal_error"
    assert "SELECT" not in response.text
    assert "Traceback" not in response.text
    assert "secret internals" in caplog.text  # the trace goes to the log instead


def test_a_crash_is_answered_here_and_does_not_reach_the_server(api) -> None:
    """The server never sees the exception, so it keeps the keep-alive connection open."""
    from fastapi.testclient import TestClient

    @api.get("/api/v1/_test/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(api, raise_server_exceptions=True) as strict_client:
        response = strict_client.get("/api/v1/_test/boom")
        assert response.status_code == 500
        assert response.json()["error_code"] == "internal_error"
        assert strict_client.get("/api/v1/health").status_code in (200, 503)


def test_openapi_and_docs_are_served_under_the_prefix(client) -> None:
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "OPPO KZ Data Platform API"
    assert "swagger" in client.get("/api/v1/docs").text.lower()


@pytest.mark.parametrize(
    ("path", "needs_admin"),
    [("/api/v1/auth/refresh", False), ("/api/v1/auth/logout", False), ("/api/v1/users", True)],
)
def test_a_body_that_is_not_json_is_named_body_everywhere(
    client, admin_headers, path: str, needs_admin: bool
) -> None:
    headers = {"content-type": "application/json"} | (admin_headers if needs_admin else {})
    response = client.post(path, content=b'{"refresh_token": ', headers=headers)
    assert response.status_code == 422
    errors = response.json()["details"]["errors"]
    assert errors[0]["field"] == "body"
    assert "not valid JSON" in errors[0]["message"]


def test_a_body_over_one_mebibyte_is_413_in_the_error_shape(client, admin_headers) -> None:
    big = b'{"name": "' + b"x" * (2 << 20) + b'"}'
    response = client.post(
        "/api/v1/products", content=big, headers=admin_headers | {"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error_code"] == "payload_too_large"


def test_deeply_nested_json_on_login_is_a_422_not_a_crash(client, db: str) -> None:
    response = client.post(
        "/api/v1/auth/login", content=b"[" * 200_000, headers={"content-type": "application/json"}
    )
    assert response.status_code in (413, 422)
    assert response.json()["error_code"] in ("validation_error", "payload_too_large")


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_user_id_beyond_any_integer_column_is_404(client, admin_headers, method: str) -> None:
    kwargs = {"json": {"full_name": "x"}} if method == "patch" else {}
    response = getattr(client, method)(f"/api/v1/users/{2**63}", headers=admin_headers, **kwargs)
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"


def test_a_chunked_body_over_the_limit_is_413_and_a_small_one_still_works(client, admin_headers) -> None:
    def chunks(total: int):
        yield b'{"name": "'
        for _ in range(total // 65536):
            yield b"x" * 65536
        yield b'"}'

    headers = admin_headers | {"content-type": "application/json"}
    too_big = client.post("/api/v1/products", content=chunks(2 << 20), headers=headers)
    assert too_big.status_code == 413
    assert too_big.json()["error_code"] == "payload_too_large"
    small = client.post("/api/v1/products", content=chunks(65536), headers=headers)
    assert small.status_code == 422  # read and validated as usual
    assert small.json()["error_code"] == "validation_error"
