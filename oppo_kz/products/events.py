"""Every committed product change is one `product.*` event on the bus, whatever code path made it
(the generic hooks of `lib/changes`); they also keep `version` and `updated_at` right."""

from __future__ import annotations

from typing import Any

from oppo_kz.auth.permissions import Permission
from oppo_kz.core.events import FeedTopic
from oppo_kz.lib.changes import Tracking, track
from oppo_kz.products.models import Product, ProductPublic

CREATED = "product.created"
UPDATED = "product.updated"
DELETED = "product.deleted"


def product_payload(product: Product | dict[str, Any]) -> dict[str, Any]:
    """The JSON form of a product (a row or its columns as a dict), as the REST API returns it."""
    return ProductPublic.model_validate(product).model_dump(mode="json")


track(Product, Tracking(topic="product", payload=product_payload, audit_entity="product"))

FEED = FeedTopic(name="products", prefix="product.", permission=Permission.products_read)
