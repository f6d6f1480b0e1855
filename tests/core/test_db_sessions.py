"""Read-only sessions, write generations and the SQLite writer queue (oppo_kz/core/db.py)."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from contextlib import closing

import pytest
from sqlalchemy import update

from oppo_kz.core.config import get_settings
from oppo_kz.core.connections import CHECKPOINT_EVERY, FairLock, background_checkpoints
from oppo_kz.core.db import ReadOnlySessionError, get_engine, session_scope, write_generation
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


def test_threads_and_coroutines_get_the_writer_lock_in_arrival_order() -> None:
    lock = FairLock()
    assert lock.acquire(timeout=1)
    order: list[str] = []

    def thread_writer(name: str) -> None:
        assert lock.acquire(timeout=5)
        order.append(name)
        lock.release()

    async def loop_writer(name: str) -> None:
        assert await lock.acquire_async(within=5)
        order.append(name)
        await asyncio.sleep(0)  # holds it across an await: nobody else gets in meanwhile
        lock.release()

    async def main() -> None:
        first = asyncio.ensure_future(loop_writer("loop 1"))
        await asyncio.sleep(0.02)
        thread = threading.Thread(target=thread_writer, args=("thread",))
        thread.start()
        await asyncio.sleep(0.02)
        second = asyncio.ensure_future(loop_writer("loop 2"))
        await asyncio.sleep(0.02)
        assert order == []  # nobody went past the holder
        threading.Thread(target=lock.release).start()  # the holder, from another thread
        await asyncio.wait_for(asyncio.gather(first, second), 5)
        thread.join(5)

    asyncio.run(main())
    assert order == ["loop 1", "thread", "loop 2"]
    assert lock.acquire(timeout=0.1)  # free again


def test_a_coroutine_cancelled_while_waiting_never_keeps_the_writer_lock() -> None:
    lock = FairLock()

    async def main() -> None:
        assert lock.acquire(timeout=1)
        waiting = asyncio.ensure_future(lock.acquire_async(within=5))
        await asyncio.sleep(0.02)
        waiting.cancel()
        lock.release()  # handed to the waiter before its cancellation reaches it: it passes it on
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert await lock.acquire_async(within=0.5)
        assert await lock.acquire_async(within=0.05) is False  # held: the wait runs out
        lock.release()

    asyncio.run(main())
    assert lock.acquire(timeout=0.1)


def test_a_waiter_whose_time_runs_out_leaves_the_queue() -> None:
    lock = FairLock()
    assert lock.acquire(timeout=1)
    assert lock.acquire(timeout=0.05) is False
    lock.release()
    assert lock.acquire(timeout=0.1)


def test_on_sqlite_the_wal_is_copied_back_by_the_checkpoint_thread(sqlite_db: str) -> None:
    engine = get_engine()
    before = background_checkpoints(engine)
    skus = []
    for _ in range(CHECKPOINT_EVERY):
        with session_scope(write=True) as s:
            skus.append(make_product(s).sku)
    deadline = time.monotonic() + 10
    while background_checkpoints(engine) == before:
        assert time.monotonic() < deadline, "no background checkpoint"
        time.sleep(0.01)

    # The database file itself (the WAL ignored) now holds the rows committed before the thread
    # started (the last commit's may still be in the WAL): no commit had to copy them.
    path = get_settings().DATABASE_URL.removeprefix("sqlite:///")
    with closing(sqlite3.connect(f"file:{path}?immutable=1", uri=True)) as raw:
        found = {row[0] for row in raw.execute("SELECT sku FROM products")}
    assert set(skus[:-1]) <= found
