"""The transactional outbox: an event is a row of its change's transaction, `seq` follows commit order
(a reader of `seq > last` never skips one, even under concurrent writers), the relay hands them to the
bus in order exactly once, and `since` replays what is kept."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session as OrmSession

from oppo_kz.core import outbox
from oppo_kz.core.db import get_engine, session_scope, utcnow
from oppo_kz.core.events import Event, bus
from oppo_kz.products.models import Product
from tests.factories import make_product
from tests.helpers import run_together


def _rows() -> list[tuple[int, str]]:
    with get_engine().connect() as conn:
        table = outbox.OutboxEvent.__table__  # type: ignore[attr-defined]
        return [
            (r.seq, r.name) for r in conn.execute(select(table.c.seq, table.c.name).order_by(table.c.seq))
        ]


def test_an_event_is_written_with_its_change_and_never_without_it(db: str) -> None:
    with session_scope(write=True) as s:
        make_product(s, commit=False)
        s.rollback()
    assert _rows() == []
    with session_scope(write=True) as s:
        product = make_product(s)
        product.price += 1
        s.commit()
    assert [name for _, name in _rows()] == ["product.created", "product.updated"]


def test_concurrent_writers_commit_in_seq_order_so_a_follower_never_skips_one(db: str) -> None:
    with session_scope(write=True) as s:
        ids = [make_product(s).id for _ in range(8)]
    start = outbox.last_seq()
    followed: list[int] = []
    done = threading.Event()

    def follow() -> None:  # what another instance's relay does: read seq > last, again and again
        last = start
        while True:
            finished = done.is_set()
            with get_engine().connect() as conn:
                batch = [e.seq for e in outbox._read(conn, last)]
            followed.extend(batch)
            last = batch[-1] if batch else last
            if finished and not batch:
                return

    follower = threading.Thread(target=follow)
    follower.start()

    def write(n: int) -> None:
        # Plain ORM sessions: no in-process commit lock, as if each writer were another instance.
        for step in range(25):
            with OrmSession(get_engine().execution_options(oppo_write=True)) as s:
                product = s.get(Product, ids[n])
                assert product is not None
                product.price = 1_000 + step
                s.commit()

    try:
        assert run_together(write, 8) == []
    finally:
        done.set()
        follower.join(60)
    written = [seq for seq, _ in _rows() if seq > start]
    assert len(written) == 200
    assert followed == written  # in order, and none skipped by a reader that raced the commits


def test_the_relay_publishes_every_commit_once_in_seq_order(db: str) -> None:
    seen: list[Event] = []
    remove = bus.add_listener(seen.append)
    try:
        with session_scope(write=True) as s:
            ids = [make_product(s).id for _ in range(4)]

        def write(n: int) -> None:
            for step in range(10):
                with session_scope(write=True) as s:
                    product = s.get(Product, ids[n])
                    assert product is not None
                    product.price = 2_000 + step
                    s.commit()

        assert run_together(write, 4) == []
        outbox.relay.catch_up()  # nothing left over
    finally:
        remove()
    seqs = [e.seq for e in seen]
    assert seqs == sorted(set(seqs))
    assert len(seqs) == 44
    assert seqs == [seq for seq, _ in _rows()][-44:]


def test_events_of_another_writer_are_picked_up_from_the_table(db: str) -> None:
    """A row committed by another process (here: written without this process's relay) reaches the bus."""
    seen: list[Event] = []
    outbox.relay.catch_up()
    remove = bus.add_listener(seen.append)
    try:
        with get_engine().begin() as conn:
            conn.execute(
                outbox._table.insert().values(
                    name="product.updated", data='{"id": 7}', scope="{}", at=utcnow()
                )
            )
        assert outbox.relay.catch_up() == 1
    finally:
        remove()
    assert [(e.name, e.data) for e in seen] == [("product.updated", {"id": 7})]


def test_since_replays_what_is_kept_and_none_when_it_is_not(db: str) -> None:
    with session_scope(write=True) as s:
        for _ in range(3):
            make_product(s)
    seqs = [seq for seq, _ in _rows()]
    replay = outbox.read_after(seqs[0])
    assert [e.seq for e in replay or []] == seqs[1:]
    assert outbox.read_after(seqs[-1]) == []
    assert outbox.read_after(seqs[-1] + 1) is None  # never given
    assert outbox.prune(now=utcnow() + timedelta(hours=47)) == 0  # kept 48 h by default
    assert outbox.prune(now=utcnow() + timedelta(hours=49)) == 2  # the newest always stays
    assert outbox.read_after(seqs[0]) is None  # pruned: resync
    assert [e.seq for e in outbox.read_after(seqs[1]) or []] == [seqs[2]]
    with get_engine().connect() as conn:
        table = outbox._table
        assert conn.execute(select(func.count()).select_from(table)).scalar_one() == 1
