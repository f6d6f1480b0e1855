"""The sale page, the product page, the inbox and the header's unread badge resume their live feed
from the last seq they applied (`LiveFeed(..., since=...)`): a change committed while the tab was
away (reconnecting, perhaps to another instance) reaches the page's own test of "does this batch
concern me", and a seq no longer kept makes each of them re-read.

Run on SQLite and PostgreSQL: the replay is read from the outbox of the database."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from oppo_kz.auth.service import Principal
from oppo_kz.core import outbox
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.core.events import Event
from oppo_kz.messages import service as messages
from oppo_kz.messages.models import Audience, MessageCreate
from oppo_kz.messages.ui.inbox_state import inbox_changed
from oppo_kz.messages.ui.unread import addressed_to
from oppo_kz.products.models import Product
from oppo_kz.sales import review
from oppo_kz.sales.models import ReviewAction
from oppo_kz.ui.live import RESYNC, LiveFeed, current_seq, resynced, touches
from oppo_kz.users.models import Role, User
from tests.factories import make_assignment, make_product, make_sale, make_store, make_user
from tests.switches import switched


@pytest.fixture(autouse=True)
def _messages_on(monkeypatch: pytest.MonkeyPatch):
    with switched(monkeypatch, ENABLE_MESSAGES=True):
        yield


def _principal(user: User) -> Principal:
    return Principal.of(user)


async def _resumed(prefix: str, since: int) -> list[Event]:
    feed = LiveFeed(prefix, since=since, coalesce=0.01, min_interval=0.01)
    try:
        return await feed.next_batch(2) or []
    finally:
        feed.close()


@pytest.fixture
def sales(db: str) -> dict[str, Any]:
    with session_scope(write=True) as s:
        office = make_user(s, role=Role.office, email="office@oppo.kz")
        promoter = make_user(s, role=Role.promoter, email="promoter@oppo.kz")
        store = make_store(s)
        make_assignment(s, store, promoter)
        product = make_product(s)
        one = make_sale(s, store=store, promoter=promoter, product=product)
        other = make_sale(s, store=store, promoter=promoter, product=product)
        return {"office": office, "promoter": promoter, "one": one.id, "other": other.id}


async def test_the_sale_page_sees_a_review_made_while_it_was_away(sales: dict[str, Any]) -> None:
    seen = await current_seq()  # the page loaded here
    with session_scope(write=True) as s:  # reviewed elsewhere while the tab reconnects
        review.review_sale(
            session=s, actor=_principal(sales["office"]), sale_id=sales["one"], action=ReviewAction.approve
        )
    batch = await _resumed("sale.", seen)
    assert [e.data["status"] for e in batch if e.data.get("id") == sales["one"]] == ["approved"]
    assert touches(batch, "sale.", sales["one"])
    assert not touches(batch, "sale.", sales["other"])  # that page has nothing to re-read


async def test_the_product_page_gets_the_changed_product_it_missed(db: str) -> None:
    with session_scope(write=True) as s:
        product_id = int(make_product(s, price=100_000).id or 0)
        other_id = int(make_product(s).id or 0)
    seen = await current_seq()
    with session_scope(write=True) as s:
        product = s.get(Product, product_id)
        assert product is not None
        product.price = 123_000
        s.commit()
    batch = await _resumed("product.", seen)
    assert touches(batch, "product.", product_id)
    assert not touches(batch, "product.", other_id)
    assert [e.data["price"] for e in batch] == [123_000]  # what the page applies as it is


async def test_the_inbox_and_the_badge_see_a_message_sent_while_they_were_away(db: str) -> None:
    with session_scope(write=True) as s:
        office = make_user(s, role=Role.office, email="office@oppo.kz")
        dana = make_user(s, role=Role.promoter, email="dana@oppo.kz")
        aruzhan = make_user(s, role=Role.promoter, email="aruzhan@oppo.kz")
        make_product(s)  # an event before the tabs load (seq 0 is "never loaded": no resume)
    seen = await current_seq()  # both tabs counted their unread messages here
    with session_scope(write=True) as s:
        message_in = MessageCreate(
            title="Plan", body="New prices", audience=Audience(user_ids=[dana.id or 0])
        )
        sent = messages.send_message(session=s, actor=_principal(office), message_in=message_in)
    batch = await _resumed("message.", seen)
    assert [int(e.data["id"]) for e in addressed_to(batch, dana.id or 0)] == [sent.id]  # her toast
    assert addressed_to(batch, aruzhan.id or 0) == []
    assert inbox_changed(batch, _principal(dana), sees_all_sent=False)
    assert not inbox_changed(batch, _principal(aruzhan), sees_all_sent=False)
    assert inbox_changed(batch, _principal(office), sees_all_sent=False)  # the author's sent list
    with session_scope(read_only=True) as s:  # the badge reads the count again: replays never add twice
        assert messages.unread_count(session=s, actor=_principal(dana)) == 1


async def test_a_seq_no_longer_kept_makes_every_page_re_read(db: str) -> None:
    with session_scope(write=True) as s:
        product_id = int(make_product(s).id or 0)
        user = make_user(s, role=Role.promoter, email="dana@oppo.kz")
    seen = await current_seq()
    with session_scope(write=True) as s:
        make_product(s)
        make_product(s)  # the newest is always kept: one before it must go
    outbox.prune(now=utcnow() + timedelta(days=30))
    for prefix in ("sale.", "product.", "message."):
        batch = await _resumed(prefix, seen)
        assert [e.name for e in batch] == [RESYNC]
        assert resynced(batch)
        assert touches(batch, prefix, product_id)  # the sale and product pages re-read their row
        assert inbox_changed(batch, _principal(user), sees_all_sent=False)  # the inbox re-reads
