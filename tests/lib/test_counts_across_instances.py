"""A list total cached on this instance follows another instance's write as soon as its event comes
through the outbox: the relay's events drop the counts of the tables their topic writes, instead of
the ten-second time-to-live that covers writers who announce nothing.

"Another instance" writes here with plain SQL on a connection of its own (no session of this process
sees it) and adds its outbox row, as its own commit would."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, insert, select, update

from oppo_kz.core import outbox
from oppo_kz.core.db import get_engine, table_of, utcnow
from oppo_kz.lib.listing import count_cache
from oppo_kz.products.models import Category, Product
from tests.products.helpers import create, list_page

PRODUCTS = table_of(Product)


@pytest.fixture(autouse=True)
def _relay_by_hand() -> None:
    """The relay's own thread (started by earlier tests' subscriptions) must not read the other
    instance's row before the test does: the test calls `catch_up` itself."""
    outbox.relay.stop()  # the next subscription starts it again


AUDIO = [("category", "audio"), ("page_size", "2")]


def _another_instance_moves_to_audio(product_id: int, event: str = "product.updated") -> None:
    with get_engine().begin() as conn:
        conn.execute(update(PRODUCTS).where(PRODUCTS.c.id == product_id).values(category="audio"))
        data = json.dumps({"id": product_id, "category": "audio"})
        conn.execute(insert(outbox._table).values(name=event, data=data, scope="{}", at=utcnow()))


def test_an_event_from_another_instance_drops_the_cached_count_of_its_table(db: str) -> None:
    for _ in range(2):
        create(category=Category.audio)
    tablet = create(category=Category.tablet)
    outbox.relay.catch_up()  # this process's relay is up to date
    assert list_page(AUDIO).total == 2  # counted, and cached
    _another_instance_moves_to_audio(int(tablet.id or 0))
    assert list_page(AUDIO).total == 2  # not seen yet: nothing announced it to this process
    assert outbox.relay.catch_up() == 1  # the relay reads the other instance's event...
    assert list_page(AUDIO).total == 3  # ...and the count is taken again at once (ttl is 10 s)
    assert count_cache.ttl == 10.0


def test_events_of_other_topics_keep_the_count(db: str) -> None:
    create(category=Category.audio)
    outbox.relay.catch_up()
    assert list_page(AUDIO).total == 1
    with get_engine().begin() as conn:
        conn.execute(
            insert(outbox._table).values(name="store.updated", data='{"id": 1}', scope="{}", at=utcnow())
        )
    generation = count_cache.generation(["products"])
    assert outbox.relay.catch_up() == 1
    assert count_cache.generation(["products"]) == generation  # a store changed: product counts stay
    assert count_cache.generation(["stores"]) != (0,)
    with get_engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(PRODUCTS)).scalar_one() == 1
