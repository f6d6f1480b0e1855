"""Every committed product change is published once, after commit, whatever code path made it."""

from __future__ import annotations

from oppo_kz.core.db import session_scope
from oppo_kz.core.events import Event
from oppo_kz.products.models import Product
from tests.factories import make_product


def test_plain_orm_writes_publish_after_commit_with_a_new_version(db: str, published: list[Event]) -> None:
    with session_scope(write=True) as s:
        product = make_product(s, commit=False)
        assert published == []  # flushed, not committed
        s.commit()
        product.price += 1
        s.commit()
        s.delete(product)
        s.commit()
    assert [e.name for e in published] == ["product.created", "product.updated", "product.deleted"]
    assert published[1].data["version"] == 2
    assert published[2].data == {"id": product.id}


def test_changes_in_one_transaction_are_coalesced(db: str, published: list[Event]) -> None:
    with session_scope(write=True) as s:
        product = make_product(s, commit=False)
        product.price = 5
        s.flush()
        doomed = make_product(s, commit=False)
        s.delete(doomed)
        s.commit()
    assert [(e.name, e.data["id"], e.data["price"]) for e in published] == [
        ("product.created", product.id, 5)
    ]


def test_a_rolled_back_change_is_never_published_and_later_commits_still_are(
    db: str, published: list[Event]
) -> None:
    with session_scope(write=True) as s:
        discarded = make_product(s, commit=False)
        discarded_sku = discarded.sku
        s.rollback()
        kept = make_product(s, commit=False)
        s.commit()
        kept_id = kept.id
    assert [(e.name, e.data["id"]) for e in published] == [("product.created", kept_id)]
    assert all(e.data.get("sku") != discarded_sku for e in published)
    with session_scope() as s:
        assert s.get(Product, kept_id) is not None
