"""Sales over REST: report, list, change while pending, review. Thin routes around the sales services."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import StreamingResponse

from oppo_kz.api.deps import CurrentUser, ReadSession, WriteSession, require
from oppo_kz.api.export import Exporter, ExportFormat, list_params, streamed
from oppo_kz.api.listing import json_page, list_openapi
from oppo_kz.api.openapi import errors
from oppo_kz.api.paths import RowId
from oppo_kz.api.versioning import VersionedWrite, versioned_write, with_etag
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.db import session_scope
from oppo_kz.sales import queries, review, service
from oppo_kz.sales.models import (
    BulkReviewRequest,
    BulkReviewResponse,
    RejectRequest,
    ReviewAction,
    ReviewRequest,
    SaleCreate,
    SalePublic,
    SalesPage,
    SaleUpdate,
)

router = APIRouter(prefix="/sales", tags=["sales"])
Reporter = Annotated[Principal, Depends(require(Permission.sales_create))]
Reviewer = Annotated[Principal, Depends(require(Permission.sales_review))]
Editor = Annotated[VersionedWrite, versioned_write(Permission.sales_update)]
Deleter = Annotated[VersionedWrite, versioned_write(Permission.sales_delete)]


@router.get("", response_model=SalesPage, responses=errors(400), **list_openapi(queries.SALES))
def list_sales(request: Request, session: ReadSession, actor: CurrentUser) -> Response:
    """A page of the sales you may see, newest first unless sorted otherwise."""
    query = queries.parse_query(request.query_params.multi_items())
    return json_page(queries.list_sales(session=session, actor=actor, query=query))


@router.get("/totals", responses=errors(400), **list_openapi(queries.SALES))
def sales_totals(request: Request, session: ReadSession, actor: CurrentUser) -> dict[str, int]:
    """Units, tenge and count of all the sales a list query matches (not only one page)."""
    query = queries.parse_query(request.query_params.multi_items())
    return queries.sale_totals(session=session, actor=actor, query=query)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses=errors(400, 403),
    **list_openapi(queries.SALES),
)
def export_sales(request: Request, actor: Exporter, format: ExportFormat = "csv") -> StreamingResponse:
    """Every sale the filters match (no cap), in the list's order, as CSV (UTF-8 with a BOM) or XLSX."""
    query = queries.parse_query(list_params(request))
    actor.require(Permission.sales_read)

    def rows() -> Iterator[tuple[Any, ...]]:
        with session_scope() as session:
            yield from queries.export_rows(session=session, actor=actor, query=query)

    return streamed(format, "sales", queries.SALES.output, rows())


@router.post("", response_model=SalePublic, status_code=status.HTTP_201_CREATED, responses=errors(403, 409))
def create_sale(body: SaleCreate, session: WriteSession, actor: Reporter, response: Response) -> SalePublic:
    """Report a sale (pending until reviewed); 409 when its IMEI is already reported."""
    sale = service.create_sale(session=session, actor=actor, sale_in=body)
    response.headers["Location"] = f"/api/v1/sales/{sale.id}"
    return with_etag(response, service.get_sale(session=session, actor=actor, sale_id=sale.id or 0))


@router.post(
    "/review", response_model=BulkReviewResponse, response_model_exclude_none=True, responses=errors(403)
)
def review_sales(body: BulkReviewRequest, session: WriteSession, actor: Reviewer) -> BulkReviewResponse:
    """Approve or reject several sales; each id gets its own result."""
    results = review.review_many(
        session=session, actor=actor, ids=body.ids, action=body.action, note=body.note
    )
    return BulkReviewResponse(results=results)


@router.get("/{sale_id}", response_model=SalePublic, responses=errors(404))
def get_sale(sale_id: RowId, session: ReadSession, actor: CurrentUser, response: Response) -> SalePublic:
    """One sale, with its version as the ETag."""
    return with_etag(response, service.get_sale(session=session, actor=actor, sale_id=sale_id))


@router.patch("/{sale_id}", response_model=SalePublic, responses=errors(403, 404, 409))
def update_sale(sale_id: RowId, body: SaleUpdate, write: Editor) -> SalePublic:
    """Change a pending sale; a reviewed one is 409."""
    service.update_sale(**write.args, sale_id=sale_id, changes=body)
    return write.tagged(service.get_sale(session=write.session, actor=write.actor, sale_id=sale_id))


@router.delete(
    "/{sale_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(403, 404, 409),
)
def delete_sale(sale_id: RowId, write: Deleter) -> Response:
    """Withdraw a pending sale; a reviewed one is 409."""
    service.delete_sale(**write.args, sale_id=sale_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _reviewed(
    session: WriteSession, actor: Principal, sale_id: int, action: ReviewAction, body: ReviewRequest
) -> SalePublic:
    review.review_sale(
        session=session,
        actor=actor,
        sale_id=sale_id,
        action=action,
        note=body.note,
        expected_version=body.version,
    )
    return service.get_sale(session=session, actor=actor, sale_id=sale_id)


@router.post("/{sale_id}/approve", response_model=SalePublic, responses=errors(403, 404, 409))
def approve_sale(
    sale_id: RowId, session: WriteSession, actor: Reviewer, body: ReviewRequest | None = None
) -> SalePublic:
    """Approve a pending sale (an optional `note` and `version`)."""
    return _reviewed(session, actor, sale_id, ReviewAction.approve, body or ReviewRequest())


@router.post("/{sale_id}/reject", response_model=SalePublic, responses=errors(403, 404, 409))
def reject_sale(sale_id: RowId, body: RejectRequest, session: WriteSession, actor: Reviewer) -> SalePublic:
    """Reject a pending sale; `note` (why) is required."""
    return _reviewed(session, actor, sale_id, ReviewAction.reject, body)


routers = (router,)
