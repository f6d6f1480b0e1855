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


def test_openapi_and_docs_are_served_under_the_prefix(client) -> None:
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "OPPO KZ Data Platform API"
    assert "swagger" in client.get("/api/v1/docs").text.lower()
