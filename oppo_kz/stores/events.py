"""Every committed store change is a `store.*` event (open store pages follow them); the hooks also
keep `version` and `updated_at` right."""

from __future__ import annotations

from typing import Any

from oppo_kz.lib.changes import Tracking, track
from oppo_kz.stores.models import Store, StorePublic


def store_payload(store: Store) -> dict[str, Any]:
    """The JSON form of a store, as the REST API returns it."""
    return StorePublic.model_validate(store).model_dump(mode="json")


track(Store, Tracking(topic="store", payload=store_payload, audit_entity="store"))
