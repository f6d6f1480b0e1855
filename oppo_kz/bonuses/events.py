"""Every committed bonus rule change is a `bonus_rule.*` event; the hooks keep `version` and
`updated_at` right and name the audit log's entity."""

from __future__ import annotations

from typing import Any

from oppo_kz.bonuses.models import BonusRule, BonusRulePublic
from oppo_kz.lib.changes import Tracking, track


def rule_payload(rule: BonusRule) -> dict[str, Any]:
    """The JSON form of a rule, as the REST API returns it."""
    return BonusRulePublic.model_validate(rule).model_dump(mode="json")


track(BonusRule, Tracking(topic="bonus_rule", payload=rule_payload, audit_entity="bonus_rule"))
