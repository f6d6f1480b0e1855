"""Reports over REST (read-only; what dashboards and BI tools read): thin routes around
`oppo_kz.reports.service`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from oppo_kz.api.deps import CurrentUser, ReadSession
from oppo_kz.api.listing import list_parameters
from oppo_kz.api.openapi import errors
from oppo_kz.reports import service as reports
from oppo_kz.reports.models import SalesReport, TargetsReport
from oppo_kz.sales.queries import SALES
from oppo_kz.targets.models import MONTH_PATTERN

router = APIRouter(prefix="/reports", tags=["reports"])

_PERIOD = [
    {
        "name": name,
        "in": "query",
        "description": f"The {word} sale_date counted (inclusive, a day in TIMEZONE).",
        "schema": {"type": "string", "format": "date"},
    }
    for name, word in (("date_from", "first"), ("date_to", "last"))
]
_FILTERS = [p for p in list_parameters(SALES) if p["name"] not in ("page", "page_size", "sort")]
_DESCRIPTION = (
    "Counts the sales that are not `rejected` unless a `status` filter says otherwise, in your scope; "
    "`date_from`/`date_to` and the sales list's filters narrow them (an unknown filter, operator or "
    "value is 400 `invalid_filter`)."
)
_OPENAPI: dict[str, Any] = {"openapi_extra": {"parameters": [*_PERIOD, *_FILTERS]}}
GroupBy = Literal["day", "month", "store", "city", "chain", "promoter", "product", "series", "category"]


@router.get("/sales", response_model=SalesReport, responses=errors(400), description=_DESCRIPTION, **_OPENAPI)
def sales_report(
    request: Request,
    session: ReadSession,
    actor: CurrentUser,
    group_by: Annotated[GroupBy, Query(description="What each row is: a day, a month, a store, ...")],
) -> dict[str, Any]:
    """Units, tenge and count of sales per day, month, store, city, chain, promoter, product, series or
    category (days and months of the period without sales are rows of zeros)."""
    report = reports.parse_report_query(request.query_params.multi_items(), own=("group_by",))
    return reports.sales_report(session=session, actor=actor, group_by=group_by, report=report)


@router.get(
    "/targets", response_model=TargetsReport, responses=errors(400), description=_DESCRIPTION, **_OPENAPI
)
def targets_report(
    request: Request,
    session: ReadSession,
    actor: CurrentUser,
    month: Annotated[str, Query(description="YYYY-MM", pattern=f"^{MONTH_PATTERN}$")],
    level: Annotated[
        Literal["store", "promoter"], Query(description="Targets of stores or of promoters")
    ] = "store",
) -> dict[str, Any]:
    """A month's targets of stores (or promoters) against what they sold, with the percentages reached."""
    report = reports.parse_report_query(request.query_params.multi_items(), own=("month", "level"))
    return reports.targets_report(session=session, actor=actor, month=month, level=level, report=report)


routers = (router,)
