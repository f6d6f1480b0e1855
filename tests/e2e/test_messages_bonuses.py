"""User story with ENABLE_MESSAGES and ENABLE_BONUSES on: head office writes to one promoter; that
promoter's open page (a phone) shows the unread badge and a toast within 2 s while another promoter's
does not; the promoter reads it, and the receipts say so. Then the promoter's bonus statement on
/bonuses matches the API's."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.helpers import Api, sign_in
from tests.e2e.pages.messages_pages import BonusesPage, ComposePage, InboxPage, MessageHeader, MessagePage
from tests.server import LiveServer

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def switched_on(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server built with both modules switched on (its own build folder)."""
    server = LiveServer(tmp_path_factory.mktemp("e2e-switches"), web_workdir=".web-e2e-switches")
    server.env = server.env | {"ENABLE_MESSAGES": "true", "ENABLE_BONUSES": "true"}
    server.prepare()
    server.start()
    yield server
    server.stop()


def _context(browser: Browser, server: LiveServer, **options: object) -> BrowserContext:
    ctx = browser.new_context(base_url=server.url, locale="ru-KZ", **options)  # type: ignore[arg-type]
    ctx.set_default_timeout(15_000)
    return ctx


def _signed_in(ctx: BrowserContext, email: str, password: str, role: str) -> Page:
    page = ctx.new_page()
    sign_in(page, role, email=email, password=password)
    return page


def test_a_message_reaches_its_promoter_at_once_and_is_read(
    browser: Browser, switched_on: LiveServer
) -> None:
    admin = Api(switched_on.url, "admin")
    reader = admin.create_user("promoter", full_name="Promoter Reader")
    other = admin.create_user("promoter", full_name="Promoter Other")
    contexts = [
        _context(browser, switched_on, viewport=PHONE, is_mobile=True, has_touch=True),
        _context(browser, switched_on, viewport={"width": 1280, "height": 800}),
        _context(browser, switched_on, viewport={"width": 1280, "height": 800}),
    ]
    try:
        phone = _signed_in(contexts[0], reader["email"], reader["password"], "promoter")
        elsewhere = _signed_in(contexts[1], other["email"], other["password"], "promoter")
        for page in (phone, elsewhere):
            expect(MessageHeader(page).unread).to_have_text("0")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        office = contexts[2].new_page()
        sign_in(office, "office")
        inbox = InboxPage(office).open()
        inbox.new.click()
        title = f"Reno14 week {uuid.uuid4().hex[:4]}"
        ComposePage(office).write(title, "Double bonus on Reno14 from Monday.", user_ids=[reader["id"]])
        view = MessagePage(office)
        expect(view.view).to_be_visible()

        header = MessageHeader(phone)
        expect(header.unread).to_have_text("1", timeout=2_000)
        expect(header.toast_title).to_have_text(title, timeout=2_000)
        expect(MessageHeader(elsewhere).toast).to_have_count(0)
        expect(MessageHeader(elsewhere).unread).to_have_text("0")

        header.toast_open.click()
        expect(MessagePage(phone).body).to_have_text("Double bonus on Reno14 from Monday.")
        expect(header.unread).to_have_text("0")
        InboxPage(phone).open()
        expect(InboxPage(phone).rows).to_have_count(1)
        expect(InboxPage(phone).rows.first).to_have_attribute("data-unread", "false")

        view.refresh.click()
        expect(view.summary).to_have_attribute("data-read", "1")
        expect(view.summary).to_have_attribute("data-recipients", "1")
        expect(view.receipt_rows.first).to_have_attribute("data-read", "true")
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_promoters_statement_matches_the_api(browser: Browser, switched_on: LiveServer) -> None:
    admin = Api(switched_on.url, "admin")
    office = Api(switched_on.url, "office")
    promoter = admin.create_user("promoter", full_name="Promoter Earner")
    client = office.client
    store = client.post("/stores", json={"code": f"E2E-{uuid.uuid4().hex[:6]}", "name": "E2E Store",
                                         "chain": "Sulpak", "city": "Almaty"})  # fmt: skip
    assert store.status_code == 201, store.text
    product = office.create_product(category="accessory", series="Cases", price=5_000)
    rule = client.post("/bonus-rules", json={"name": "Cases", "category": "accessory", "amount_per_unit": 700,
                                             "starts_on": "2020-01-01", "ends_on": "2099-12-31"})  # fmt: skip
    assert rule.status_code == 201, rule.text
    sale = client.post("/sales", json={"store_id": store.json()["id"], "product_id": product["id"],
                                       "quantity": 3, "promoter_id": promoter["id"]})  # fmt: skip
    assert sale.status_code == 201, sale.text
    assert client.post(f"/sales/{sale.json()['id']}/approve").status_code == 200
    mine = Api(switched_on.url, email=promoter["email"], password=promoter["password"])
    month = mine.client.get("/bonuses").json()
    assert [r["amount"] for r in month["rows"]] == [2100], month

    ctx = _context(browser, switched_on, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        page = _signed_in(ctx, promoter["email"], promoter["password"], "promoter")
        bonuses = BonusesPage(page).open()
        expect(bonuses.rows).to_have_count(1)
        expect(bonuses.rows.first).to_have_attribute("data-amount", "2100")
        expect(bonuses.rows.first).to_have_attribute("data-promoter-id", str(promoter["id"]))
        expect(bonuses.lines).to_have_count(1)  # a promoter's own sales are shown at once
        expect(bonuses.close_month).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        ctx.close()
