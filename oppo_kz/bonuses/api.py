"""Bonuses over REST: rules, monthly statements, closing a month, exports. Thin routes around the service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from oppo_kz.api.deps import CurrentUser, ReadSession, WriteSession, require
from oppo_kz.api.export import Exporter, ExportFormat, streamed
from oppo_kz.api.listing import json_page, list_openapi
from oppo_kz.api.openapi import errors
from oppo_kz.api.paths import RowId
from oppo_kz.api.versioning import VersionedWrite, versioned_write, with_etag
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.bonuses import rules
from oppo_kz.bonuses import service as bonuses
from oppo_kz.bonuses.models import (
    BonusRule,
    BonusRuleCreate,
    BonusRulePublic,
    BonusRuleReplace,
    BonusRulesPage,
    BonusRuleUpdate,
    MonthInfo,
    MonthsPage,
    MonthStatements,
    Statement,
)
from oppo_kz.core.db import session_scope

MonthParam = Annotated[
    str | None, Query(description="The month as YYYY-MM (default: this month in TIMEZONE).", max_length=7)
]

rules_router = APIRouter(prefix="/bonus-rules", tags=["bonuses"])
router = APIRouter(prefix="/bonuses", tags=["bonuses"])
Manager = Annotated[Principal, Depends(require(Permission.bonus_rules_manage))]
Closer = Annotated[Principal, Depends(require(Permission.bonus_months_close))]
Reader = Annotated[Principal, Depends(require(Permission.bonuses_read))]
Editor = Annotated[VersionedWrite, versioned_write(Permission.bonus_rules_manage)]


@rules_router.get("", response_model=BonusRulesPage, responses=errors(400), **list_openapi(rules.RULES))
def list_rules(request: Request, session: ReadSession, actor: CurrentUser) -> Response:
    """A page of the bonus rules."""
    query = rules.parse_rules_query(request.query_params.multi_items())
    return json_page(rules.list_rules(session=session, actor=actor, query=query))


@rules_router.post(
    "", response_model=BonusRulePublic, status_code=status.HTTP_201_CREATED, responses=errors(403)
)
def create_rule(
    body: BonusRuleCreate, session: WriteSession, actor: Manager, response: Response
) -> BonusRule:
    """Add a rule: ₸ per unit of exactly one of a product, a series or a category, for some dates."""
    rule = rules.create_rule(session=session, actor=actor, rule_in=body)
    response.headers["Location"] = f"/api/v1/bonus-rules/{rule.id}"
    return with_etag(response, rule)


@rules_router.get("/{rule_id}", response_model=BonusRulePublic, responses=errors(404))
def get_rule(rule_id: RowId, session: ReadSession, actor: CurrentUser, response: Response) -> BonusRule:
    """One rule, with its version as the ETag."""
    return with_etag(response, rules.get_rule(session=session, actor=actor, rule_id=rule_id))


@rules_router.patch("/{rule_id}", response_model=BonusRulePublic, responses=errors(403, 404, 409))
def update_rule(rule_id: RowId, body: BonusRuleUpdate, write: Editor) -> BonusRule:
    """Change some fields; a stale `version` (body or If-Match) is 409."""
    return write.tagged(rules.update_rule(**write.args, rule_id=rule_id, changes=body))


@rules_router.put("/{rule_id}", response_model=BonusRulePublic, responses=errors(403, 404, 409))
def replace_rule(rule_id: RowId, body: BonusRuleReplace, write: Editor) -> BonusRule:
    """Replace every field; a stale `version` (body or If-Match) is 409."""
    return write.tagged(rules.replace_rule(**write.args, rule_id=rule_id, rule_in=body))


@rules_router.delete(
    "/{rule_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=errors(403, 404, 409),
)
def delete_rule(rule_id: RowId, write: Editor) -> Response:
    """Delete a rule that no closed month used (409 otherwise: deactivate it)."""
    rules.delete_rule(**write.args, rule_id=rule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", response_model=MonthStatements, responses=errors(403))
def month_statements(session: ReadSession, actor: Reader, month: MonthParam = None) -> MonthStatements:
    """The month's statements you may read: units and ₸ per promoter, and the total."""
    return bonuses.month_statements(session=session, actor=actor, month=bonuses.parse_month(month))


@router.get("/months", response_model=MonthsPage, responses=errors(400, 403), **list_openapi(bonuses.MONTHS))
def list_months(request: Request, session: ReadSession, actor: Reader) -> MonthsPage:
    """The months with approved sales or closed (and this one), newest first, with who closed them."""
    query = bonuses.parse_months_query(request.query_params.multi_items())
    return bonuses.page_of_months(session=session, actor=actor, query=query)


@router.post("/months/{month}/close", response_model=MonthInfo, responses=errors(403, 409))
def close_month(month: str, session: WriteSession, actor: Closer) -> MonthInfo:
    """Freeze the month's statements; afterwards its sales cannot be created, changed or reviewed (409)."""
    return bonuses.close_month(session=session, actor=actor, month=bonuses.parse_month(month))


@router.get("/export", response_class=StreamingResponse, responses=errors(403))
def export_statements(
    actor: Exporter, month: MonthParam = None, format: ExportFormat = "csv"
) -> StreamingResponse:
    """Every statement line of the month you may read, as CSV (UTF-8 with a BOM) or XLSX."""
    actor.require(Permission.bonuses_read)
    chosen = bonuses.parse_month(month)

    def rows() -> Iterator[tuple[Any, ...]]:
        with session_scope() as session:
            yield from bonuses.export_rows(session=session, actor=actor, month=chosen)

    return streamed(format, f"bonuses-{chosen}", bonuses.EXPORT_COLUMNS, rows())


@router.get("/{promoter_id}", response_model=Statement, responses=errors(403, 404))
def statement(promoter_id: RowId, session: ReadSession, actor: Reader, month: MonthParam = None) -> Statement:
    """One promoter's statement of the month, with a line per sale that earned a bonus."""
    return bonuses.statement(
        session=session, actor=actor, promoter_id=promoter_id, month=bonuses.parse_month(month)
    )


routers = (rules_router, router)
