"""The targets-and-dashboard story: head office lands on the dashboard, sets a promoter's target for the
month in the /targets grid; the promoter's dashboard (on a phone) shows the target; a sale reported
over REST moves today's units, the month's figures and the target percentage within 2 seconds, on the
promoter's phone and on the office's desk alike, without a reload.

(Named to run after test_sell_out.py: that module seeds the demo sell-out into the shared server,
whose sales are only seeded into an empty sales table, and this story posts a sale of its own.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from playwright.sync_api import Browser, ViewportSize, expect

from oppo_kz.lib.formatting import local_date, money, percent
from tests.conftest import PROJECT_ROOT
from tests.e2e.catalog_check import unknown_strings
from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.dashboard_pages import DashboardPage, TargetsPage
from tests.server import LiveServer

PHONE: ViewportSize = {"width": 390, "height": 844}
SCREENSHOTS = PROJECT_ROOT / "docs" / "screenshots"


DASH_EMAIL = "dana.dashboard@oppo.kz"
DASH_PASSWORD = "Dashboard-Pass-1"


def _shop(live_server: LiveServer) -> tuple[Api, int, int, int]:
    """A store the demo promoter works in today, and an accessory to sell there (no IMEI needed)."""
    admin = Api(live_server.url, "admin")
    # A promoter of its own: the shared server's demo promoter already has sales today.
    made = admin.client.post(
        "/users",
        json={
            "email": DASH_EMAIL,
            "full_name": "Dana Dashboard",
            "role": "promoter",
            "password": DASH_PASSWORD,
        },
    )
    assert made.status_code == 201, made.text
    promoter = Api(live_server.url, "promoter", email=DASH_EMAIL, password=DASH_PASSWORD)
    promoter_id = promoter.me()["id"]
    store = admin.client.post(
        "/stores",
        json={"code": "ALA-DASH-1", "name": "Technodom Dashboard", "chain": "Technodom", "city": "Almaty"},
    )
    assert store.status_code == 201, store.text
    store_id = store.json()["id"]
    assigned = admin.client.post(
        "/assignments", json={"store_id": store_id, "user_id": promoter_id, "starts_on": "2020-01-01"}
    )
    assert assigned.status_code == 201, assigned.text
    product = admin.create_product(name="OPPO Enco Air4", category="audio", price=150_000)
    return promoter, promoter_id, store_id, product["id"]


def test_a_target_set_in_the_grid_and_a_sale_move_the_dashboard_live(
    live_server: LiveServer, browser: Browser
) -> None:
    promoter_api, promoter_id, store_id, product_id = _shop(live_server)

    office = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 860}, locale="ru-KZ"
    ).new_page()
    sign_in(office, "office")
    expect(office).to_have_url(re.compile(r"/dashboard/?$"))  # everyone lands on the dashboard
    expect(office.get_by_test_id("nav-dashboard")).to_be_visible()
    desk = DashboardPage(office)
    desk.wait()
    office_units_before = int(desk.today_units.inner_text().replace("\u00a0", "").replace(" ", ""))

    grid = TargetsPage(office).open()
    expect(grid.month).to_have_value(local_date(datetime.now(UTC)).strftime("%Y-%m"))
    expect(grid.row("store", store_id)).to_be_visible()
    grid.set_figure("promoter", promoter_id, "amount", "300000")
    expect(grid.saved).to_be_visible()
    expect(grid.row("promoter", promoter_id).get_by_test_id("target-amount")).to_have_value("300000")
    assert unknown_strings(office, "ru") == []
    office.screenshot(path=str(SCREENSHOTS / "targets.png"))

    phone = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="ru-KZ", is_mobile=True, has_touch=True
    ).new_page()
    sign_in(phone, "promoter", email=DASH_EMAIL, password=DASH_PASSWORD)
    expect(phone).to_have_url(re.compile(r"/dashboard/?$"))
    mine = DashboardPage(phone)
    mine.wait()
    expect(mine.today_units).to_have_text("0")
    expect(mine.target_pct).to_have_text("0,0\u00a0%")
    expect(mine.rank).to_be_visible()
    width = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the dashboard is {width[0]} px wide on a {width[1]} px phone"

    office.goto("/dashboard")
    desk.wait()

    sale = promoter_api.client.post("/sales", json={"store_id": store_id, "product_id": product_id})
    assert sale.status_code == 201, sale.text

    expect(mine.today_units).to_have_text("1", timeout=2_000)  # live, without a reload
    expect(mine.today_amount).to_have_text(money(150_000))
    expect(mine.month_amount).to_have_text(money(150_000))
    expect(mine.target_pct).to_have_text("50,0\u00a0%")
    expect(mine.top_stores.get_by_test_id("leader-row")).to_have_count(1)
    expect(mine.top_stores).to_contain_text("Technodom Dashboard")
    expect(mine.rank).to_be_visible()  # among every promoter of the shared server's demo world
    expect(desk.today_units).to_have_text(str(office_units_before + 1), timeout=2_000)
    expect(desk.top_products.get_by_test_id("leader-row").first).to_be_visible()
    assert unknown_strings(phone, "ru") == []
    assert unknown_strings(office, "ru") == []
    phone.screenshot(path=str(SCREENSHOTS / "dashboard-phone.png"), full_page=True)
    office.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)

    # A language switch formats the figures again at once, on the dashboard and in the targets grid
    # (no reload, no re-read: the page's read counter stays where it was).
    reader = browser.new_context(
        base_url=live_server.url, viewport={"width": 1366, "height": 860}, locale="ru-KZ"
    ).new_page()
    sign_in(reader, "promoter", email=DASH_EMAIL, password=DASH_PASSWORD)
    hers = DashboardPage(reader)
    hers.wait()
    expect(hers.today_amount).to_have_text(money(150_000, "ru"))
    reads = hers.root.get_attribute("data-generation")
    reader.get_by_test_id("lang-switch").select_option("en")
    expect(hers.today_amount).to_have_text(money(150_000, "en"))
    expect(hers.month_amount).to_have_text(money(150_000, "en"))
    expect(hers.target_pct).to_have_text(percent(50.0, "en"))
    expect(hers.root).to_have_attribute("data-generation", reads or "")
    sold = TargetsPage(reader).open().row("promoter", promoter_id).get_by_test_id("target-sold")
    expect(sold).to_have_text(money(150_000, "en"))
    reader.get_by_test_id("lang-switch").select_option("ru")
    expect(sold).to_have_text(money(150_000, "ru"))
