"""Closed months, as the sales rules see them: a sale dated in a month whose bonuses are closed can no
longer be created, changed, deleted or reviewed (409), so the frozen figures stay true.

Kept apart from the bonus service so that `sales` depends on this one small check only (tables and
core), and it applies whatever ENABLE_BONUSES says: switching the module off does not reopen a month
that was closed (and paid) while it was on.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlmodel import Session, col

from oppo_kz.bonuses.models import BonusMonth
from oppo_kz.core.errors import ConflictError


def month_of(day: date) -> str:
    """The `YYYY-MM` of a day."""
    return f"{day.year:04d}-{day.month:02d}"


def closed_among(session: Session, days: set[date]) -> list[str]:
    """The months of `days` that are closed, in order."""
    months = sorted({month_of(d) for d in days})
    if not months:
        return []
    stmt = select(col(BonusMonth.month)).where(col(BonusMonth.month).in_(months))
    return sorted(str(m) for m in session.execute(stmt).scalars())


def ensure_open(session: Session, *days: date) -> None:
    """Raise 409 `conflict` when any of `days` falls in a closed month."""
    closed = closed_among(session, set(days))
    if closed:
        raise ConflictError(
            f"The month {closed[0]} is closed for bonuses: its sales can no longer change.",
            details={"field": "sale_date", "month": closed[0], "reason": "month_closed"},
        )
