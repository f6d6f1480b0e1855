"""The API docs pages load everything from this server (the browser test renders them offline)."""

from __future__ import annotations

import re

import pytest

EXTERNAL = re.compile(r"(?:src|href)=[\"'](https?:)?//", re.IGNORECASE)


@pytest.mark.parametrize("path", ["/api/v1/docs", "/api/v1/redoc"])
def test_docs_pages_reference_no_other_host(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert not EXTERNAL.search(response.text), response.text
    assert "/api/v1/openapi.json" in response.text
    for asset in re.findall(r"(?:src|href)=[\"'](/api/v1/[^\"']+)", response.text):
        fetched = client.get(asset)
        assert fetched.status_code == 200, asset
        assert b"cdn.redoc.ly" not in fetched.content
        assert b"cdn.jsdelivr.net" not in fetched.content


def test_swagger_ui_is_version_5_which_reads_openapi_3_1(client) -> None:
    bundle = client.get("/api/v1/docs-assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert re.search(rb'PACKAGE_VERSION:"5\.', bundle.content)
    assert client.get("/api/v1/openapi.json").json()["openapi"].startswith("3.1")


def test_the_oauth2_redirect_page_of_the_authorize_button_is_served(client) -> None:
    assert client.get("/api/v1/docs/oauth2-redirect").status_code == 200


def test_a_missing_asset_is_the_contract_404(client) -> None:
    response = client.get("/api/v1/docs-assets/nope.js")
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"


def test_every_domain_route_is_served_and_documented_from_one_flat_list(api) -> None:
    from fastapi.routing import APIRoute, APIWebSocketRoute

    from oppo_kz.api import health
    from oppo_kz.domains import domain_modules

    declared = {
        ("/api/v1" + route.path, method.lower())
        for router in [health.router, *(r for m in domain_modules("api") for r in m.routers)]
        for route in router.routes
        if isinstance(route, APIRoute) and route.include_in_schema
        for method in route.methods or ()
    }
    documented = {(path, method) for path, item in api.openapi()["paths"].items() for method in item}
    assert declared
    assert declared <= documented
    # No nested router branch for a request to walk (FastAPI's include_router keeps one per router).
    for route in api.router.routes:
        assert not hasattr(route, "original_router"), route
    served = {route.path for route in api.router.routes if isinstance(route, APIRoute | APIWebSocketRoute)}
    assert {path for path, _ in declared} <= served
    assert {"/api/v1/ws/products", "/api/v1/ws/events"} <= served
