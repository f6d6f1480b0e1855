"""Assignments over REST: thin routes around `oppo_kz.assignments.service`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from oppo_kz.api.deps import CurrentUser, ReadSession, WriteSession, require
from oppo_kz.api.listing import json_page, list_openapi
from oppo_kz.api.openapi import errors
from oppo_kz.api.paths import RowId
from oppo_kz.api.versioning import VersionedWrite, versioned_write, with_etag
from oppo_kz.assignments import service as assignments
from oppo_kz.assignments.models import (
    Assignment,
    AssignmentCreate,
    AssignmentPublic,
    AssignmentsPage,
    AssignmentUpdate,
)
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal

router = APIRouter(prefix="/assignments", tags=["assignments"])
Manager = Annotated[Principal, Depends(require(Permission.assignments_manage))]
Editor = Annotated[VersionedWrite, versioned_write(Permission.assignments_manage)]

_LIST = list_openapi(assignments.ASSIGNMENTS)
_LIST["openapi_extra"]["parameters"].append(
    {
        "name": "active_on",
        "in": "query",
        "description": "Only assignments running on this day (starts_on <= day, ends_on null or >= day).",
        "schema": {"type": "string", "format": "date"},
    }
)


@router.get("", response_model=AssignmentsPage, responses=errors(400), **_LIST)
def list_assignments(request: Request, session: ReadSession, actor: CurrentUser) -> Response:
    """A page of the assignments you may see; `active_on=YYYY-MM-DD` keeps those running that day."""
    query, active_on = assignments.parse_query(request.query_params.multi_items())
    return json_page(
        assignments.list_assignments(session=session, actor=actor, query=query, active_on=active_on)
    )


@router.post(
    "",
    response_model=AssignmentPublic,
    status_code=status.HTTP_201_CREATED,
    responses=errors(403, 409),
)
def create_assignment(
    body: AssignmentCreate, session: WriteSession, actor: Manager, response: Response
) -> Assignment:
    """Assign a promoter to a store; 409 when it overlaps another of the same pair."""
    assignment = assignments.create_assignment(session=session, actor=actor, assignment_in=body)
    response.headers["Location"] = f"/api/v1/assignments/{assignment.id}"
    return with_etag(response, assignment)


@router.get("/{assignment_id}", response_model=AssignmentPublic, responses=errors(404))
def get_assignment(
    assignment_id: RowId, session: ReadSession, actor: CurrentUser, response: Response
) -> Assignment:
    """One assignment, with its version as the ETag."""
    return with_etag(
        response, assignments.get_assignment(session=session, actor=actor, assignment_id=assignment_id)
    )


@router.patch("/{assignment_id}", response_model=AssignmentPublic, responses=errors(403, 404, 409))
def update_assignment(assignment_id: RowId, body: AssignmentUpdate, write: Editor) -> Assignment:
    """Change the dates (end an assignment with `ends_on`); a stale `version` is 409."""
    return write.tagged(
        assignments.update_assignment(**write.args, assignment_id=assignment_id, changes=body)
    )


@router.delete(
    "/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(403, 404, 409),
)
def delete_assignment(assignment_id: RowId, write: Editor) -> Response:
    """Remove an assignment."""
    assignments.delete_assignment(**write.args, assignment_id=assignment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


routers = (router,)
