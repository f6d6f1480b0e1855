"""The sell-out story on a phone: a promoter scans an IMEI and reports the sale, the supervisor's open
review queue shows it within a second, the supervisor approves, the promoter sees it approved.

The server carries the demo sell-out that `make run` seeds on a fresh database; the promoter's
browser has Chromium's fake camera playing a video of the IMEI's barcode."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect

from tests.conftest import PROJECT_ROOT
from tests.e2e.barcode_y4m import barcode_y4m, code128_modules
from tests.e2e.catalog_check import unknown_strings
from tests.e2e.helpers import sign_in
from tests.e2e.pages.sales_pages import NewSalePage, SalePage, SalesListPage
from tests.server import CHROMIUM, CHROMIUM_ARGS, LiveServer

IMEI = "356938035643809"  # a valid Luhn IMEI; the demo data's IMEIs start with 86
PHONE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


@pytest.fixture(scope="module")
def demo(live_server: LiveServer) -> LiveServer:
    """The demo sell-out, as `make run` seeds it (python -m oppo_kz.seed --demo)."""
    subprocess.run(
        [sys.executable, "-m", "oppo_kz.seed", "--demo"],
        cwd=PROJECT_ROOT,
        env=live_server.env,
        check=True,
        capture_output=True,
    )
    return live_server


@pytest.fixture(scope="module")
def camera(playwright: Playwright, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """A browser whose camera shows the IMEI barcode of a phone box."""
    video = Path(tmp_path_factory.mktemp("camera")) / "imei.y4m"
    video.write_bytes(barcode_y4m(code128_modules(IMEI)))
    fake_camera = [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=[*CHROMIUM_ARGS, *fake_camera]
    )
    yield browser
    browser.close()


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide on a {width[1]} px screen"


def test_a_scanned_sale_reaches_the_review_queue_and_comes_back_approved(
    demo: LiveServer, camera: Browser, browser: Browser
) -> None:
    # The supervisor has the review queue open before anything happens.
    boss = browser.new_context(
        base_url=demo.url, viewport={"width": 1280, "height": 860}, locale="ru-KZ"
    ).new_page()
    sign_in(boss, "supervisor")
    queue = SalesListPage(boss).open("status=pending")

    promoter = camera.new_context(
        base_url=demo.url, viewport=PHONE, locale="ru-KZ", is_mobile=True, has_touch=True
    ).new_page()
    promoter.context.set_default_timeout(15_000)
    sign_in(promoter, "promoter")
    form = NewSalePage(promoter).open()
    expect(form.store).not_to_have_value("")  # the one store they work in is chosen already
    _no_sideways_scroll(promoter)
    form.choose_product("Reno14")
    form.scan.tap()
    expect(form.imei).to_have_value(IMEI, timeout=20_000)  # read from the camera
    expect(form.imei_ok).to_be_visible()
    expect(form.scanner).to_have_count(0)  # the camera is closed again
    promoter.screenshot(path=str(SCREENSHOTS / "sale-new-phone.png"))
    form.save.tap()
    expect(form.saved).to_be_visible()
    sale_id = (form.saved_link.get_attribute("href") or "").rsplit("/", 1)[-1]
    assert sale_id.isdigit()

    row = queue.row(sale_id)
    expect(row).to_be_visible(timeout=1_000)  # live, without a reload
    expect(row).to_have_attribute("data-status", "pending")
    boss.screenshot(path=str(SCREENSHOTS / "sales-queue.png"))

    row.get_by_test_id("sale-link").click()
    sale = SalePage(boss)
    expect(sale.imei).to_have_text(IMEI)
    sale.approve.click()
    expect(sale.status).to_have_attribute("data-status", "approved")

    mine = SalesListPage(promoter).open()
    expect(mine.row(sale_id)).to_have_attribute("data-status", "approved")
    _no_sideways_scroll(promoter)
    promoter.screenshot(path=str(SCREENSHOTS / "sales-phone.png"))


def test_head_office_opens_a_store_and_assigns_a_promoter(demo: LiveServer, page: Page) -> None:
    sign_in(page, "office")
    page.goto("/stores/new")
    page.get_by_test_id("field-code").fill("ala-e2e-777")
    page.get_by_test_id("field-name").fill("Technodom E2E")
    page.get_by_test_id("field-city").fill("Almaty")
    page.get_by_test_id("field-city").blur()
    page.get_by_test_id("store-save").click()
    expect(page).to_have_url(re.compile(r"/stores/\d+$"))
    expect(page.get_by_test_id("field-code")).to_have_value("ALA-E2E-777")
    page.get_by_test_id("assignment-promoter").select_option(index=1)
    page.get_by_test_id("assignment-add").click()
    row = page.get_by_test_id("assignment-row")
    expect(row).to_have_count(1)
    row.get_by_test_id("assignment-end").click()
    expect(row.get_by_test_id("assignment-end")).to_have_count(0)  # ended today: no longer open


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_the_sales_and_stores_pages_speak_every_language(
    demo: LiveServer, browser: Browser, lang: str
) -> None:
    found: dict[str, list[str]] = {}

    def check(page: Page, where: str) -> None:
        page.wait_for_timeout(150)  # let the last delta paint
        if missing := unknown_strings(page, lang):
            found[where] = missing

    desk = browser.new_context(base_url=demo.url, viewport={"width": 1366, "height": 860}).new_page()
    desk.add_init_script(f"localStorage.setItem('oppo_lang', '{lang}')")
    sign_in(desk, "office")
    sales = SalesListPage(desk).open("status=pending")
    expect(sales.rows.first).to_be_visible()
    check(desk, "/sales")
    sales.rows.first.get_by_test_id("sale-link").click()
    expect(SalePage(desk).status).to_be_visible()
    check(desk, "/sales/{id}")
    form = NewSalePage(desk).open()
    form.save.click()
    expect(form.error("product_id")).to_be_visible()
    check(desk, "/sales/new (errors)")
    desk.goto("/stores")
    expect(desk.get_by_test_id("store-row").first).to_be_visible()
    check(desk, "/stores")
    desk.get_by_test_id("store-link").first.click()
    expect(desk.get_by_test_id("assignment-row").first).to_be_visible()
    check(desk, "/stores/{id}")
    desk.context.close()

    phone = browser.new_context(base_url=demo.url, viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone.add_init_script(f"localStorage.setItem('oppo_lang', '{lang}')")
    sign_in(phone, "supervisor")
    SalesListPage(phone).open()
    _no_sideways_scroll(phone)
    phone.get_by_test_id("filters-open").tap()
    expect(phone.get_by_test_id("sales-status")).to_be_visible()
    check(phone, "/sales on a phone, filters open")
    phone.context.close()
    assert found == {}
