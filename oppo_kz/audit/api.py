"""The audit log over REST (admin, office)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from oppo_kz.api.deps import ReadSession, require
from oppo_kz.api.listing import list_openapi
from oppo_kz.api.openapi import errors
from oppo_kz.audit import service as audit
from oppo_kz.audit.models import AuditPage
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal

router = APIRouter(prefix="/audit", tags=["audit"])
Reader = Annotated[Principal, Depends(require(Permission.audit_read))]


@router.get("", response_model=AuditPage, responses=errors(400, 403), **list_openapi(audit.AUDIT))
def list_audit(request: Request, session: ReadSession, actor: Reader) -> AuditPage:
    """Audit entries (who changed what, and when), newest first, with the list filter grammar."""
    query = audit.parse_query(request.query_params.multi_items())
    return audit.list_audit(session=session, actor=actor, query=query)


routers = (router,)
