"""The production build serves the UI and the API on one port."""

from playwright.sync_api import Page, expect


def test_the_app_opens_in_chromium(page: Page, live_server) -> None:
    page.goto("/")
    expect(page.get_by_test_id("app-title")).to_have_text("OPPO KZ Data Platform")
    health = page.request.get("/api/v1/health")
    assert health.status == 200
    assert health.json()["database"] == "ok"
