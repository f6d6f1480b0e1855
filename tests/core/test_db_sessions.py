"""Read-only sessions, write generations and the SQLite writer queue (oppo_kz/core/db.py)."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import update

from oppo_kz.core.connections import FairLock
from oppo_kz.core.db import ReadOnlySessionError, session_scope, write_generation
from oppo_kz.products.models import Product
from tests.factories import make_product


def test_a_read_only_session_refuses_to_write(db: str) -> None:
    with session_scope(write=True) as s:
        product = make_product(s)
    with session_scope(read_only=True) as s:
        row = s.get(Product, product.id)
        assert row is not None
        row.stock = 999
        with pytest.raises(ReadOnlySessionError):
            s.commit()
    with session_scope(read_only=True) as s:
        with pytest.raises(ReadOnlySessionError):
            s.execute(update(Product).values(stock=1))
        assert s.get(Product, product.id).stock == product.stock  # type: ignore[union-attr]


def test_a_committed_write_moves_its_tables_generation(db: str) -> None:
    before = write_generation("products", "users")
    with session_scope(write=True) as s:
        make_product(s)
    after = write_generation("products", "users")
    assert after[0] > before[0]
    assert after[1] == before[1]


def test_the_writer_lock_is_handed_over_in_arrival_order() -> None:
    lock = FairLock()
    assert lock.acquire(timeout=1)
    order: list[int] = []

    def writer(n: int) -> None:
        assert lock.acquire(timeout=5)
        order.append(n)
        lock.release()

    threads = []
    for n in range(5):
        thread = threading.Thread(target=writer, args=(n,))
        thread.start()
        threads.append(thread)
        time.sleep(0.02)  # each queues behind the previous one
    lock.release()  # from another thread than the waiters: allowed
    for thread in threads:
        thread.join(5)
    assert order == [0, 1, 2, 3, 4]
    assert lock.acquire(timeout=0.1)  # free again


def test_a_waiter_whose_time_runs_out_leaves_the_queue() -> None:
    lock = FairLock()
    assert lock.acquire(timeout=1)
    assert lock.acquire(timeout=0.05) is False
    lock.release()
    assert lock.acquire(timeout=0.1)
