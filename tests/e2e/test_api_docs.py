"""The API docs work without internet: every request to another host is refused, and they still render."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.sync_api import Page, Route, expect

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


def _offline(page: Page) -> list[str]:
    aborted: list[str] = []

    def route(route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            aborted.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    return aborted


def test_swagger_ui_and_redoc_render_with_the_network_blocked(page: Page) -> None:
    aborted = _offline(page)
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("OPPO KZ Data Platform API")
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/products").first).to_be_visible()
    expect(page.get_by_role("button", name="Authorize")).to_be_visible()

    page.goto("/api/v1/redoc")
    expect(page.locator("h1", has_text="OPPO KZ Data Platform API")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("/api/v1/products", exact=False).first).to_be_attached()
    assert aborted == []  # nothing even tried to leave the machine
    assert failed == []
