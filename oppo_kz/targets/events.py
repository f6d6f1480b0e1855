"""Every committed target change is a `target.*` event (open /targets and dashboard pages follow them);
the hooks also keep `version` and `updated_at` right, and the audit log names the entity `target`."""

from __future__ import annotations

from typing import Any

from oppo_kz.lib.changes import Tracking, track
from oppo_kz.targets.models import Target

FIELDS = ("id", "month", "store_id", "promoter_id", "units", "amount", "version", "created_at", "updated_at")


def target_payload(target: Target) -> dict[str, Any]:
    """The target's own columns in JSON form."""
    data = {name: getattr(target, name) for name in FIELDS}
    for name in ("created_at", "updated_at"):
        data[name] = data[name].isoformat() if data[name] is not None else None
    return data


track(Target, Tracking(topic="target", payload=target_payload, audit_entity="target"))
