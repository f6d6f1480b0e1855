"""Page objects: the header's unread badge and toast, /messages, /messages/new, /messages/{id}, /bonuses."""

from __future__ import annotations

from playwright.sync_api import Page, expect


class MessageHeader:
    def __init__(self, page: Page) -> None:
        self.unread = page.get_by_test_id("messages-unread")
        self.toast = page.get_by_test_id("message-toast")
        self.toast_title = page.get_by_test_id("message-toast-title")
        self.toast_open = page.get_by_test_id("message-toast-open")


class InboxPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.rows = page.get_by_test_id("message-row")
        self.new = page.get_by_test_id("message-new")

    def open(self) -> InboxPage:
        self.page.goto("/messages")
        expect(self.page.get_by_test_id("messages-unread-count")).to_be_visible()
        return self


class ComposePage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.title = page.get_by_test_id("compose-title")
        self.body = page.get_by_test_id("compose-body")
        self.send = page.get_by_test_id("compose-send")

    def write(self, title: str, body: str, *, user_ids: list[int]) -> None:
        self.title.fill(title)
        self.body.fill(body)
        for user_id in user_ids:
            self.page.locator(f'[data-testid="audience-user_ids"][data-value="{user_id}"]').check()
        self.send.click()


class MessagePage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.view = page.get_by_test_id("message-view")
        self.body = page.get_by_test_id("message-body")
        self.receipts = page.get_by_test_id("message-receipts")
        self.summary = page.get_by_test_id("receipts-summary")
        self.receipt_rows = page.get_by_test_id("receipt-row")
        self.refresh = page.get_by_test_id("receipts-refresh")


class BonusesPage:
    def __init__(self, page: Page) -> None:
        self.page = page
        self.month = page.get_by_test_id("bonuses-month")
        self.rows = page.get_by_test_id("bonus-row")
        self.lines = page.get_by_test_id("bonus-line")
        self.close_month = page.get_by_test_id("bonuses-close-month")

    def open(self) -> BonusesPage:
        self.page.goto("/bonuses")
        expect(self.month).to_be_visible()
        return self
