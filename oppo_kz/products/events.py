"""Turn every committed product change into one event on the bus, whatever code path made it.

Mapper events see each INSERT/UPDATE/DELETE that the ORM flushes; the changes of one transaction are
coalesced per product (created-then-updated is one `product.created` with the final data) and
published by the session's after-commit hook, so a rolled-back change is never announced. The same
hooks keep `version` (+1 per change) and `updated_at` right for any writer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, object_session

from oppo_kz.core.db import after_commit, transaction_info, utcnow
from oppo_kz.core.events import bus
from oppo_kz.products.models import Product, ProductPublic

_PENDING = "oppo_product_changes"

CREATED = "product.created"
UPDATED = "product.updated"
DELETED = "product.deleted"


def product_payload(product: Product) -> dict[str, Any]:
    """The JSON form of a product, as the REST API returns it."""
    return ProductPublic.model_validate(product).model_dump(mode="json")


def _pending(session: Session) -> dict[int, tuple[str, dict[str, Any]]]:
    # Transaction-scoped: a rollback forgets these changes and the next transaction starts afresh.
    txn = transaction_info(session)
    changes = txn.get(_PENDING)
    if changes is None:
        changes = txn[_PENDING] = {}
        after_commit(session, lambda: _publish(changes))
    return changes


def _publish(changes: dict[int, tuple[str, dict[str, Any]]]) -> None:
    at = utcnow().isoformat()
    for name, data in changes.values():
        bus.publish(name, data, at)


def _record(target: Product, kind: str) -> None:
    session = object_session(target)
    if session is None or target.id is None:
        return
    changes = _pending(session)
    previous = changes.get(target.id)
    if kind == DELETED:
        if previous is not None and previous[0] == CREATED:
            del changes[target.id]  # never seen by anyone
        else:
            changes[target.id] = (DELETED, {"id": target.id})
        return
    if previous is not None and previous[0] == CREATED:
        kind = CREATED
    # Re-insert so the order of events follows the order of the last change.
    changes.pop(target.id, None)
    changes[target.id] = (kind, product_payload(target))


@event.listens_for(Product, "before_update")
def _bump_version(_mapper: Any, _connection: Any, target: Product) -> None:
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        target.version = (target.version or 0) + 1
        target.updated_at = utcnow()


@event.listens_for(Product, "after_insert")
def _after_insert(_mapper: Any, _connection: Any, target: Product) -> None:
    _record(target, CREATED)


@event.listens_for(Product, "after_update")
def _after_update(_mapper: Any, _connection: Any, target: Product) -> None:
    session = object_session(target)
    if session is not None and session.is_modified(target, include_collections=False):
        _record(target, UPDATED)


@event.listens_for(Product, "after_delete")
def _after_delete(_mapper: Any, _connection: Any, target: Product) -> None:
    _record(target, DELETED)
