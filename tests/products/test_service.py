"""Product writes: create, get, update, replace, delete, versions and conflicts, roles, concurrent writers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope, utcnow
from oppo_kz.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
)
from oppo_kz.core.events import bus
from oppo_kz.lib.listing import ListQuery
from oppo_kz.products import service as products
from oppo_kz.products.models import Category, ProductReplace, ProductUpdate
from tests.factories import id_of
from tests.helpers import run_together
from tests.products.helpers import ADMIN, OFFICE, PROMOTER, SUPERVISOR, create, new

# --- writes ----------------------------------------------------------------------------------------------


@pytest.fixture
def events() -> Any:
    seen: list[tuple[str, dict[str, Any]]] = []
    remove = bus.add_listener(lambda e: seen.append((e.name, e.data)))
    yield seen
    remove()


def test_create_get_update_replace_delete(db: str, events: list[tuple[str, dict[str, Any]]]) -> None:
    with session_scope(write=True) as s:
        created = products.create_product(session=s, actor=OFFICE, product_in=new(sku=" new-1 "))
    assert (created.sku, created.version) == ("NEW-1", 1)
    assert events == [("product.created", events[0][1])]
    with session_scope() as s:
        assert (
            products.get_product(session=s, actor=PROMOTER, product_id=id_of(created)).name == "OPPO Reno 13"
        )

    with session_scope(write=True) as s:
        updated = products.update_product(
            session=s, actor=OFFICE, product_id=id_of(created), changes=ProductUpdate(price=5, version=1)
        )
    assert (updated.price, updated.version) == (5, 2)
    assert updated.updated_at > created.created_at
    assert events[-1][0] == "product.updated"
    assert events[-1][1]["version"] == 2

    with session_scope(write=True) as s:
        replaced = products.replace_product(
            session=s,
            actor=ADMIN,
            product_id=id_of(created),
            product_in=ProductReplace(sku="NEW-1", name="Pad", category=Category.tablet, price=7),
            expected_version=2,
        )
    assert (replaced.name, replaced.category, replaced.price, replaced.stock, replaced.version) == (
        "Pad",
        Category.tablet,
        7,
        0,
        3,
    )

    with session_scope(write=True) as s:
        products.delete_product(session=s, actor=ADMIN, product_id=id_of(created), expected_version=3)
    assert [name for name, _ in events] == [
        "product.created",
        "product.updated",
        "product.updated",
        "product.deleted",
    ]
    with session_scope() as s, pytest.raises(NotFoundError):
        products.get_product(session=s, actor=ADMIN, product_id=id_of(created))


def test_an_update_that_changes_nothing_keeps_the_version(db: str, events: list[Any]) -> None:
    product = create(price=10)
    events.clear()
    with session_scope(write=True) as s:
        same = products.update_product(
            session=s, actor=ADMIN, product_id=id_of(product), changes=ProductUpdate(price=10)
        )
    assert same.version == 1
    assert events == []


def test_update_clears_optional_fields_with_null(db: str) -> None:
    product = create(series="Reno", ram_gb=8)
    with session_scope(write=True) as s:
        updated = products.update_product(
            session=s, actor=ADMIN, product_id=id_of(product), changes=ProductUpdate(series=None, ram_gb=None)
        )
    assert (updated.series, updated.ram_gb, updated.version) == (None, None, 2)


@pytest.mark.parametrize("how", ["body", "expected_version", "both"])
def test_a_stale_version_is_a_conflict_and_changes_nothing(db: str, how: str) -> None:
    product = create(price=10)
    with session_scope(write=True) as s:
        products.update_product(
            session=s, actor=ADMIN, product_id=id_of(product), changes=ProductUpdate(price=11)
        )
    body_version = 1 if how in ("body", "both") else None
    header_version = 1 if how in ("expected_version", "both") else None
    with session_scope(write=True) as s, pytest.raises(ConflictError) as caught:
        products.update_product(
            session=s,
            actor=ADMIN,
            product_id=id_of(product),
            changes=ProductUpdate(price=12, version=body_version),
            expected_version=header_version,
        )
    assert caught.value.status_code == 409
    assert caught.value.details["current_version"] == 2
    with session_scope() as s:
        assert products.get_product(session=s, actor=ADMIN, product_id=id_of(product)).price == 11


def test_stale_version_on_replace_and_delete(db: str) -> None:
    product = create()
    with session_scope(write=True) as s, pytest.raises(ConflictError):
        products.replace_product(
            session=s,
            actor=ADMIN,
            product_id=id_of(product),
            product_in=ProductReplace(sku=product.sku, name="X", category=Category.audio, price=1, version=7),
        )
    with session_scope(write=True) as s, pytest.raises(ConflictError):
        products.delete_product(session=s, actor=ADMIN, product_id=id_of(product), expected_version=2)
    with session_scope() as s:
        assert products.get_product(session=s, actor=ADMIN, product_id=id_of(product)).version == 1


def test_duplicate_sku_is_a_conflict_case_insensitively(db: str) -> None:
    first = create(sku="DUP-1")
    other = create(sku="OTHER-1")
    with session_scope(write=True) as s, pytest.raises(ConflictError) as caught:
        products.create_product(session=s, actor=ADMIN, product_in=new(sku="dup-1"))
    assert caught.value.details["field"] == "sku"
    with session_scope(write=True) as s, pytest.raises(ConflictError):
        products.update_product(
            session=s, actor=ADMIN, product_id=id_of(other), changes=ProductUpdate(sku="Dup-1")
        )
    with session_scope(write=True) as s:  # keeping your own SKU is fine
        kept = products.update_product(
            session=s, actor=ADMIN, product_id=id_of(first), changes=ProductUpdate(sku="dup-1", price=3)
        )
    assert (kept.sku, kept.price) == ("DUP-1", 3)


def test_a_duplicate_that_slips_past_the_check_is_still_a_conflict(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    create(sku="RACE-1")
    monkeypatch.setattr(products, "_ensure_sku_free", lambda *a, **k: None)  # as if another writer won
    with session_scope(write=True) as s:
        with pytest.raises(ConflictError):
            products.create_product(session=s, actor=ADMIN, product_in=new(sku="RACE-1"))
        # the session is usable again afterwards
        assert products.create_product(session=s, actor=ADMIN, product_in=new(sku="RACE-2")).id


@pytest.mark.parametrize("product_id", [0, -1, 999_999, 2**31, 2**63])
def test_missing_products_are_not_found(db: str, product_id: int) -> None:
    with session_scope() as s, pytest.raises(NotFoundError):
        products.get_product(session=s, actor=ADMIN, product_id=product_id)
    with session_scope(write=True) as s, pytest.raises(NotFoundError):
        products.update_product(session=s, actor=ADMIN, product_id=product_id, changes=ProductUpdate(price=1))
    with session_scope(write=True) as s, pytest.raises(NotFoundError):
        products.replace_product(
            session=s,
            actor=ADMIN,
            product_id=product_id,
            product_in=ProductReplace(sku="A", name="A", category=Category.audio, price=1),
        )
    with session_scope(write=True) as s, pytest.raises(NotFoundError):
        products.delete_product(session=s, actor=ADMIN, product_id=product_id)


@pytest.mark.parametrize(
    ("actor", "allowed"),
    [
        (PROMOTER, {"read"}),
        (SUPERVISOR, {"read"}),
        (OFFICE, {"read", "create", "update"}),
        (ADMIN, {"read", "create", "update", "delete"}),
    ],
)
def test_role_matrix(db: str, actor: Principal, allowed: set[str]) -> None:
    product = create()
    calls = {
        "read": lambda s: products.list_products(session=s, actor=actor, query=ListQuery()),
        "create": lambda s: products.create_product(session=s, actor=actor, product_in=new(sku="ROLE-1")),
        "update": lambda s: products.update_product(
            session=s, actor=actor, product_id=id_of(product), changes=ProductUpdate(price=1)
        ),
        "delete": lambda s: products.delete_product(session=s, actor=actor, product_id=id_of(product)),
    }
    for name, call in calls.items():
        with session_scope(write=True) as s:
            if name in allowed:
                call(s)
            else:
                with pytest.raises(PermissionDeniedError):
                    call(s)
    # a role without the permission is refused before the product is even looked up
    expected = NotFoundError if "delete" in allowed else PermissionDeniedError
    with session_scope(write=True) as s, pytest.raises(expected):
        products.delete_product(session=s, actor=actor, product_id=999_999)


# --- concurrency ---------------------------------------------------------------------------------------


WRITERS = 8
ROUNDS = 6


def test_concurrent_writers_lose_no_update(db: str) -> None:
    """8 threads add 1 to the stock of the same two products, with optimistic versions and retries."""
    targets = [id_of(create(stock=0)), id_of(create(stock=0))]
    conflicts = [0]

    def add_one(product_id: int) -> None:
        while True:
            with session_scope() as s:
                current = products.get_product(session=s, actor=OFFICE, product_id=product_id)
                stock, version = current.stock, current.version
            try:
                with session_scope(write=True) as s:
                    products.update_product(
                        session=s,
                        actor=OFFICE,
                        product_id=product_id,
                        changes=ProductUpdate(stock=stock + 1),
                        expected_version=version,
                    )
                return
            except ConflictError:
                conflicts[0] += 1

    def writer(_n: int) -> None:
        for _ in range(ROUNDS):
            for product_id in targets:
                add_one(product_id)

    assert run_together(writer, WRITERS) == []
    with session_scope() as s:
        for product_id in targets:
            product = products.get_product(session=s, actor=ADMIN, product_id=product_id)
            assert (product.stock, product.version) == (WRITERS * ROUNDS, 1 + WRITERS * ROUNDS)


def test_concurrent_blind_writes_serialise_without_locking_errors(db: str) -> None:
    """Writers without a version never fail; every one of them bumps the version exactly once."""
    product_id = id_of(create())

    def writer(n: int) -> None:
        for i in range(ROUNDS):
            with session_scope(write=True) as s:
                products.update_product(
                    session=s,
                    actor=ADMIN,
                    product_id=product_id,
                    changes=ProductUpdate(price=n * 100 + i + 1),
                )

    assert run_together(writer, WRITERS) == []
    with session_scope() as s:
        assert (
            products.get_product(session=s, actor=ADMIN, product_id=product_id).version
            == 1 + WRITERS * ROUNDS
        )


def test_updated_at_moves_forward(db: str) -> None:
    product = create(updated_at=utcnow() - timedelta(days=1))
    with session_scope(write=True) as s:
        updated = products.update_product(
            session=s, actor=ADMIN, product_id=id_of(product), changes=ProductUpdate(stock=1)
        )
    assert updated.updated_at > product.updated_at
