"""Targets over REST: thin routes around `oppo_kz.targets.service`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status

from oppo_kz.api.deps import CurrentUser, ReadSession, WriteSession, require
from oppo_kz.api.listing import json_page, list_openapi
from oppo_kz.api.openapi import errors
from oppo_kz.api.paths import RowId
from oppo_kz.api.versioning import VersionedWrite, versioned_write, with_etag
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.targets import service as targets
from oppo_kz.targets.models import CopyMonthRequest, TargetCreate, TargetPublic, TargetsPage, TargetUpdate

router = APIRouter(prefix="/targets", tags=["targets"])
Manager = Annotated[Principal, Depends(require(Permission.targets_manage))]
Editor = Annotated[VersionedWrite, versioned_write(Permission.targets_manage)]


@router.get("", response_model=TargetsPage, responses=errors(400), **list_openapi(targets.TARGETS))
def list_targets(request: Request, session: ReadSession, actor: CurrentUser) -> Response:
    """A page of the targets you may read, newest month first unless sorted otherwise."""
    query = targets.parse_query(request.query_params.multi_items())
    return json_page(targets.list_targets(session=session, actor=actor, query=query))


@router.post("", response_model=TargetPublic, status_code=status.HTTP_201_CREATED, responses=errors(403, 409))
def create_target(
    body: TargetCreate, session: WriteSession, actor: Manager, response: Response
) -> TargetPublic:
    """Set a month's target of one store or one promoter; 409 when that pair has one."""
    target = targets.create_target(session=session, actor=actor, target_in=body)
    response.headers["Location"] = f"/api/v1/targets/{target.id}"
    return with_etag(response, targets.get_target(session=session, actor=actor, target_id=target.id or 0))


@router.post("/copy", responses=errors(403, 422))
def copy_month(body: CopyMonthRequest, session: WriteSession, actor: Manager) -> dict[str, int]:
    """Copy the targets of `source` into `month` for every store and promoter that has none there."""
    return {"added": targets.copy_month(session=session, actor=actor, source=body.source, month=body.month)}


@router.get("/{target_id}", response_model=TargetPublic, responses=errors(404))
def get_target(
    target_id: RowId, session: ReadSession, actor: CurrentUser, response: Response
) -> TargetPublic:
    """One target, with its version as the ETag."""
    return with_etag(response, targets.get_target(session=session, actor=actor, target_id=target_id))


@router.patch("/{target_id}", response_model=TargetPublic, responses=errors(403, 404, 409))
def update_target(target_id: RowId, body: TargetUpdate, write: Editor) -> TargetPublic:
    """Change some fields; a stale `version` (body or If-Match) is 409."""
    targets.update_target(**write.args, target_id=target_id, changes=body)
    return write.tagged(targets.get_target(session=write.session, actor=write.actor, target_id=target_id))


@router.delete(
    "/{target_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(403, 404, 409),
)
def delete_target(target_id: RowId, write: Editor) -> Response:
    """Remove a target; with If-Match, only if it is unchanged."""
    targets.delete_target(**write.args, target_id=target_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


routers = (router,)
