"""Every committed assignment change is an `assignment.*` event; the hooks also keep `version` right."""

from __future__ import annotations

from typing import Any

from oppo_kz.assignments.models import Assignment, AssignmentPublic
from oppo_kz.lib.changes import Tracking, track


def assignment_payload(assignment: Assignment) -> dict[str, Any]:
    """The JSON form of an assignment, as the REST API returns it."""
    return AssignmentPublic.model_validate(assignment).model_dump(mode="json")


track(Assignment, Tracking(topic="assignment", payload=assignment_payload, audit_entity="assignment"))
