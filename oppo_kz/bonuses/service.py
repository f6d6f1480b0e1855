"""Bonus rules and monthly statements.

- A promoter earns, for each approved sale, quantity × amount_per_unit of the one rule that applies:
  the most specific active rule whose dates cover the sale date (product before series before
  category; among equals the highest amount, then the oldest rule). No rule, no bonus. Chosen in SQL.
- An open month is computed from the sales as they are now; closing a month stores its lines as they
  are, and from then on its figures are read from those lines (and its sales no longer change:
  `bonuses.closing`).
- Scope: a promoter reads their own statement, a supervisor those of the promoters assigned to their
  stores during the month, head office every statement. Rules and closing are head office's.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import String, and_, case, func, literal, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from oppo_kz.assignments.models import Assignment
from oppo_kz.audit.log import record
from oppo_kz.audit.models import AuditAction
from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.bonuses.models import (
    BonusLine,
    BonusMonth,
    BonusRule,
    MonthInfo,
    MonthsPage,
    MonthStatements,
    Statement,
    StatementLine,
    StatementRow,
)
from oppo_kz.core.db import set_actor, table_of, utcnow
from oppo_kz.core.errors import ConflictError, ValidationFailedError
from oppo_kz.core.types import is_row_id
from oppo_kz.lib import listing
from oppo_kz.lib.formatting import local_date
from oppo_kz.lib.listing import Kind, ListQuery
from oppo_kz.lib.listing.memory import select_rows, spec_for_rows
from oppo_kz.lib.versioned import (
    not_found,
)
from oppo_kz.products.models import Product
from oppo_kz.sales.models import Sale, SaleStatus
from oppo_kz.stores.models import Store
from oppo_kz.users.models import Role, User

RULES_TABLE = table_of(BonusRule)
LINES_TABLE = table_of(BonusLine)
MONTHS_TABLE = table_of(BonusMonth)
SALES_TABLE = table_of(Sale)
PRODUCTS_TABLE = table_of(Product)
USERS_TABLE = table_of(User)
STORES_TABLE = table_of(Store)
ASSIGNMENTS_TABLE = table_of(Assignment)
HEAD_OFFICE = (Role.admin, Role.office)
_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
LINE_COLUMNS = ("sale_id", "sale_date", "product_sku", "quantity", "rule_id", "amount")
EXPORT_COLUMNS = ("month", "promoter_id", "promoter_name", *LINE_COLUMNS)


# --- months --------------------------------------------------------------------------------------


def parse_month(raw: str | None, *, field: str = "month") -> str:
    """A `YYYY-MM` month (today's month in TIMEZONE when omitted); 422 naming `field` otherwise."""
    if raw is None or raw == "":
        today = local_date(utcnow())
        return f"{today.year:04d}-{today.month:02d}"
    if not _MONTH.fullmatch(raw) or not 2000 <= int(raw[:4]) <= 2100:
        raise ValidationFailedError([{"field": field, "message": f"{raw!r} is not a month as YYYY-MM."}])
    return raw


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of a `YYYY-MM` month."""
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _closed(session: Session, month: str) -> BonusMonth | None:
    return session.get(BonusMonth, month)


# --- scope ---------------------------------------------------------------------------------------


def _promoters_in_scope(actor: Principal, month: str) -> ColumnElement[bool] | None:
    """Which promoters' statements `actor` may read in `month`, as a condition on a promoter id
    column to be applied with `.in_` (None: every promoter)."""
    if actor.role in HEAD_OFFICE:
        return None
    first, last = month_bounds(month)
    a = ASSIGNMENTS_TABLE.c
    if actor.role == Role.supervisor:
        return (
            select(a.user_id)
            .join(STORES_TABLE, STORES_TABLE.c.id == a.store_id)
            .where(
                STORES_TABLE.c.supervisor_id == actor.id,
                a.starts_on <= last,
                or_(a.ends_on.is_(None), a.ends_on >= first),
            )
            .scalar_subquery()
        )
    return select(USERS_TABLE.c.id).where(USERS_TABLE.c.id == actor.id).scalar_subquery()


# --- computing -----------------------------------------------------------------------------------


def earning_lines(first: date, last: date, promoter_id: int | None = None) -> Any:
    """Every approved sale dated `first`..`last` (of one promoter, if given) that earns a bonus, with
    the one rule that applies (a subquery: sale_id, promoter_id, sale_date, product_sku, quantity,
    rule_id, amount)."""
    s, p, r = SALES_TABLE.c, PRODUCTS_TABLE.c, RULES_TABLE.c
    specificity = case((r.product_id.is_not(None), 3), (r.series.is_not(None), 2), else_=1)
    applies = and_(
        r.is_active.is_(True),
        r.starts_on <= s.sale_date,
        r.ends_on >= s.sale_date,
        or_(
            r.product_id == s.product_id,
            func.lower(r.series) == func.lower(p.series),
            r.category == p.category,
        ),
    )
    where = [s.status == SaleStatus.approved.value, s.sale_date >= first, s.sale_date <= last]
    if promoter_id is not None:
        where.append(s.promoter_id == promoter_id)
    ranked = (
        select(
            s.id.label("sale_id"),
            s.promoter_id.label("promoter_id"),
            s.sale_date.label("sale_date"),
            p.sku.label("product_sku"),
            s.quantity.label("quantity"),
            r.id.label("rule_id"),
            (s.quantity * r.amount_per_unit).label("amount"),
            func.row_number()
            .over(partition_by=s.id, order_by=(specificity.desc(), r.amount_per_unit.desc(), r.id.asc()))
            .label("choice"),
        )
        .select_from(SALES_TABLE.join(PRODUCTS_TABLE, p.id == s.product_id).join(RULES_TABLE, applies))
        .where(*where)
        .subquery("ranked")
    )
    chosen = select(*[ranked.c[name] for name in ("promoter_id", *LINE_COLUMNS)]).where(ranked.c.choice == 1)
    return chosen.subquery("earned")


def _lines_source(session: Session, month: str, promoter_id: int | None = None) -> tuple[Any, bool]:
    """Where the month's lines are read from: its frozen lines once closed, else computed now."""
    if _closed(session, month) is not None:
        frozen = select(*[LINES_TABLE.c[n] for n in ("promoter_id", *LINE_COLUMNS)]).where(
            LINES_TABLE.c.month == month
        )
        return frozen.subquery("frozen"), True
    first, last = month_bounds(month)
    return earning_lines(first, last, promoter_id), False


def month_statements(*, session: Session, actor: Principal, month: str) -> MonthStatements:
    """Every statement of `month` that `actor` may read: units and ₸ per promoter, and the total."""
    actor.require(Permission.bonuses_read)
    lines, closed = _lines_source(session, month)
    u = USERS_TABLE.c
    stmt = (
        select(
            lines.c.promoter_id,
            u.full_name,
            u.email,
            func.sum(lines.c.quantity),
            func.sum(lines.c.amount),
        )
        .join(USERS_TABLE, u.id == lines.c.promoter_id)
        .group_by(lines.c.promoter_id, u.full_name, u.email)
        .order_by(func.sum(lines.c.amount).desc(), lines.c.promoter_id)
    )
    scope = _promoters_in_scope(actor, month)
    if scope is not None:
        stmt = stmt.where(lines.c.promoter_id.in_(scope))
    rows = [
        StatementRow(promoter_id=pid, promoter_name=name or email, units=int(units), amount=int(amount))
        for pid, name, email, units, amount in session.execute(stmt)
    ]
    return MonthStatements(month=month, closed=closed, rows=rows, total=sum(r.amount for r in rows))


def _promoter(session: Session, actor: Principal, promoter_id: int, month: str) -> User:
    user = session.get(User, promoter_id) if is_row_id(promoter_id) else None
    if user is None or user.role != Role.promoter:
        raise not_found("Promoter", promoter_id)
    scope = _promoters_in_scope(actor, month)
    if scope is not None:
        allowed = session.execute(
            select(USERS_TABLE.c.id).where(USERS_TABLE.c.id == promoter_id, USERS_TABLE.c.id.in_(scope))
        )
        if allowed.first() is None:
            raise not_found("Promoter", promoter_id)
    return user


def statement(*, session: Session, actor: Principal, promoter_id: int, month: str) -> Statement:
    """One promoter's statement of `month`, with a line per sale that earned a bonus (404 outside scope)."""
    actor.require(Permission.bonuses_read)
    user = _promoter(session, actor, promoter_id, month)
    lines, closed = _lines_source(session, month, promoter_id)
    found = session.execute(
        select(*[lines.c[n] for n in LINE_COLUMNS])
        .where(lines.c.promoter_id == promoter_id)
        .order_by(lines.c.sale_date, lines.c.sale_id)
    ).mappings()
    items = [StatementLine.model_validate(dict(row)) for row in found]
    return Statement(
        month=month,
        closed=closed,
        promoter_id=promoter_id,
        promoter_name=user.full_name or user.email,
        units=sum(i.quantity for i in items),
        amount=sum(i.amount for i in items),
        lines=items,
    )


def export_rows(*, session: Session, actor: Principal, month: str) -> Iterator[tuple[Any, ...]]:
    """Every line of `month` that `actor` may read, with its promoter, as rows of EXPORT_COLUMNS."""
    actor.require(Permission.bonuses_read)
    lines, _closed_now = _lines_source(session, month)
    u = USERS_TABLE.c
    stmt = (
        select(
            lines.c.promoter_id,
            func.coalesce(func.nullif(u.full_name, ""), u.email),
            *[lines.c[n] for n in LINE_COLUMNS],
        )
        .join(USERS_TABLE, u.id == lines.c.promoter_id)
        .order_by(u.full_name, lines.c.promoter_id, lines.c.sale_date, lines.c.sale_id)
    )
    scope = _promoters_in_scope(actor, month)
    if scope is not None:
        stmt = stmt.where(lines.c.promoter_id.in_(scope))
    for row in session.execute(stmt):
        yield (month, *row)


def earned_so_far(*, session: Session, actor: Principal) -> dict[str, Any]:
    """What a promoter has earned this month so far (approved sales), for their dashboard."""
    month = parse_month(None)
    found = statement(session=session, actor=actor, promoter_id=actor.id, month=month)
    return {"month": month, "units": found.units, "amount": found.amount}


# --- closing -------------------------------------------------------------------------------------


def month_info(row: BonusMonth | None, month: str) -> MonthInfo:
    return MonthInfo(
        month=month,
        closed=row is not None,
        closed_at=row.closed_at if row is not None else None,
        closed_by_id=row.closed_by_id if row is not None else None,
    )


def freeze_month(session: Session, month: str, *, closed_by_id: int | None) -> BonusMonth:
    """Mark `month` closed and store its lines as they are now (the caller commits; 409 if closed)."""
    row = BonusMonth(month=month, closed_at=utcnow(), closed_by_id=closed_by_id)
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()  # another head-office user closed it at the same moment
        raise ConflictError(
            f"The month {month} is already closed.", details={"field": "month", "month": month}
        ) from None
    first, last = month_bounds(month)
    earned = earning_lines(first, last)
    columns = ("promoter_id", *LINE_COLUMNS)
    session.execute(
        LINES_TABLE.insert().from_select(
            ["month", *columns], select(literal(month, type_=String(7)), *[earned.c[n] for n in columns])
        )
    )
    return row


def close_month(*, session: Session, actor: Principal, month: str) -> MonthInfo:
    """Freeze `month`'s statements as they are now; closing is final (a second close is 409)."""
    actor.require(Permission.bonus_months_close)
    set_actor(session, actor)
    current = parse_month(None)
    if month > current:
        raise ValidationFailedError([{"field": "month", "message": f"{month} has not started yet."}])
    if _closed(session, month) is not None:
        raise ConflictError(
            f"The month {month} is already closed.", details={"field": "month", "month": month}
        )
    row = freeze_month(session, month, closed_by_id=actor.id)
    # The audit log's `close`: no row of an audited table changes, so it is recorded by itself.
    record(
        session,
        action=AuditAction.close,
        entity="bonus_rule",
        entity_id=None,
        changes={"month": [None, month]},
    )
    session.commit()
    return month_info(row, month)


def list_months(*, session: Session, actor: Principal) -> list[MonthInfo]:
    """The months with approved sales or closed, and the current one, newest first."""
    actor.require(Permission.bonuses_read)
    dialect = session.get_bind().dialect.name
    s = SALES_TABLE.c
    label = (
        func.to_char(s.sale_date, "YYYY-MM")
        if dialect == "postgresql"
        else func.strftime("%Y-%m", s.sale_date)
    )
    months = {
        str(m)
        for m in session.execute(
            select(label).where(s.status == SaleStatus.approved.value).distinct()
        ).scalars()
    }
    closed = {row.month: row for row in session.execute(select(BonusMonth)).scalars()}
    months |= set(closed) | {parse_month(None)}
    return [month_info(closed.get(m), m) for m in sorted(months, reverse=True)]


MONTHS = spec_for_rows(
    "bonus months",
    {"month": Kind.text, "closed": Kind.boolean, "closed_at": Kind.datetime, "closed_by_id": Kind.integer},
    key="month",
    default_sort=(("month", True),),  # newest first
)


def parse_months_query(params: Iterable[tuple[str, str]]) -> ListQuery:
    """A validated query of the months list (the filter grammar, sort and paging of every list)."""
    return listing.parse_query(MONTHS, params)


def page_of_months(*, session: Session, actor: Principal, query: ListQuery) -> MonthsPage:
    """One page of `list_months`, filtered and sorted as the query says."""
    rows = [info.model_dump() for info in list_months(session=session, actor=actor)]
    items, total = select_rows(MONTHS, query, rows)
    return MonthsPage(
        items=[MonthInfo.model_validate(row) for row in items],
        total=total,
        page=query.page,
        page_size=query.page_size,
        pages=-(-total // query.page_size),
    )


# --- rules ---------------------------------------------------------------------------------------
