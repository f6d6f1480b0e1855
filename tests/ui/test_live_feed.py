"""A page's live feed resumes from the last seq it applied (ui/live.py): what was committed while it
was away comes first, then live changes, none twice; `resync` when that is no longer kept."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from oppo_kz.core import outbox
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.ui.live import RESYNC, LiveFeed, current_seq
from tests.factories import make_product


def _write(price: int, product_id: int | None = None) -> int:
    with session_scope(write=True) as s:
        if product_id is None:
            return int(make_product(s, price=price).id or 0)
        from oppo_kz.products.models import Product

        product = s.get(Product, product_id)
        assert product is not None
        product.price = price
        s.commit()
        return product_id


async def test_a_feed_resumed_with_since_replays_what_it_missed_then_goes_live(sqlite_db: str) -> None:
    product = _write(100)
    seen = await current_seq()
    _write(101, product)  # while the tab was away (reconnecting, or on another instance)
    _write(102, product)
    feed = LiveFeed("product.", since=seen, coalesce=0.01, min_interval=0.01)
    try:
        replayed = await feed.next_batch(1)
        assert [e.data["price"] for e in replayed or []] == [101, 102]
        await asyncio.to_thread(_write, 103, product)
        live = await feed.next_batch(2)
        assert [e.data["price"] for e in live or []] == [103]  # the replayed ones are not repeated
        assert feed.last_seq == await current_seq()
    finally:
        feed.close()


async def test_a_seq_no_longer_kept_gives_one_resync(sqlite_db: str) -> None:
    product = _write(200)
    seen = await current_seq()
    _write(201, product)
    _write(202, product)
    outbox.prune(now=utcnow() + timedelta(days=30))
    feed = LiveFeed("product.", since=seen)
    try:
        assert [e.name for e in await feed.next_batch(1) or []] == [RESYNC]
    finally:
        feed.close()
