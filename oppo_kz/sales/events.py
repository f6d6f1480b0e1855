"""Every committed sale change is one event: `sale.created`, `sale.updated`, `sale.deleted`, or
`sale.approved` / `sale.rejected` when a review changed its status. Each carries the sale as GET shows
it and, for delivery only, who may see it (its store, promoter and the store's supervisor)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from oppo_kz.auth.permissions import Permission
from oppo_kz.core.events import Event, FeedTopic
from oppo_kz.lib.changes import Tracking, track
from oppo_kz.sales.models import Sale, SaleStatus
from oppo_kz.sales.queries import load_events, visible_to

TOPIC = "sale"


def _review_kind(sale: Sale) -> str | None:
    if not inspect(sale).attrs.status.history.has_changes():
        return None
    return {SaleStatus.approved: "approved", SaleStatus.rejected: "rejected"}.get(SaleStatus(sale.status))


def _own_columns(sale: Sale) -> dict[str, Any]:
    return {"id": sale.id}  # only used if the loader cannot read the row back (it always can)


track(
    Sale,
    Tracking(
        topic=TOPIC, payload=_own_columns, loader=load_events, classify=_review_kind, audit_entity="sale"
    ),
)


def _visible(actor: Any, event: Event) -> bool:
    return visible_to(actor, event.scope)


FEED = FeedTopic(name="sales", prefix="sale.", permission=Permission.sales_read, visible=_visible)
