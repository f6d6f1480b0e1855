"""The report figures: sales grouped by a day, month, store, city, chain, promoter, product, series or
category, and a month's targets against what was sold. Aggregates are SQL GROUP BY (on SQLite and
PostgreSQL alike), never loops over sales.

Every report counts the sales that are not `rejected` unless a `status` filter says otherwise, within
the caller's sales scope (`sales.queries.sale_scope`: head office all, a supervisor their stores', a
promoter their own), narrowed by `date_from` / `date_to` (inclusive `sale_date`s in TIMEZONE) and the
sales list's filter grammar.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from sqlmodel import Session

from oppo_kz.auth.permissions import Permission
from oppo_kz.auth.service import Principal
from oppo_kz.core.errors import ValidationFailedError
from oppo_kz.lib import listing
from oppo_kz.lib.listing import Filter, ListQuery, Scope, filter_error
from oppo_kz.lib.reporting import days, month_bounds, month_text, months, percent_of
from oppo_kz.reports.sources import source_for, summed
from oppo_kz.sales.queries import SALES
from oppo_kz.targets.models import MONTH_PATTERN
from oppo_kz.targets.service import PROMOTERS as TARGET_PROMOTERS
from oppo_kz.targets.service import STORES_TABLE as TARGET_STORES
from oppo_kz.targets.service import TARGETS, TARGETS_TABLE, target_scope

GROUPS = ("day", "month", "store", "city", "chain", "promoter", "product", "series", "category")
LEVELS = ("store", "promoter")
DATE_PARAMETERS = ("date_from", "date_to")
# A zero-filled series longer than this is a mistake in the dates, not a report.
MAX_DAYS = 3700
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class ReportQuery:
    """Which sales a report counts: the period and the sales list's filters."""

    date_from: date | None = None
    date_to: date | None = None
    query: ListQuery = field(default_factory=ListQuery)


def _parse_day(name: str, raw: str) -> date:
    text = raw.strip()
    try:
        if _DATE_RE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise filter_error(name, f"{raw!r} is not a date (YYYY-MM-DD).", field=name, value=raw)


def parse_report_query(params: Iterable[tuple[str, str]], *, own: Iterable[str] = ()) -> ReportQuery:
    """`date_from`, `date_to` and the sales filters from query-string pairs (a report's own
    parameters, `own`, left out)."""
    skipped = set(own)
    dates: dict[str, date] = {}
    rest = []
    for key, raw in params:
        if key in skipped:
            continue
        if key in DATE_PARAMETERS:
            if key in dates:
                raise filter_error(key, "is given more than once.")
            dates[key] = _parse_day(key, raw)
        else:
            rest.append((key, raw))
    return ReportQuery(dates.get("date_from"), dates.get("date_to"), listing.parse_query(SALES, rest))


def _counted(report: ReportQuery) -> ListQuery:
    """The sales query of a report: its filters, the period, and not rejected unless asked."""
    filters = list(report.query.filters)
    if report.date_from and report.date_to and report.date_to < report.date_from:
        raise ValidationFailedError(
            [{"field": "date_to", "message": "date_to must not be before date_from."}],
            "The period ends before it starts.",
        )
    if report.date_from:
        filters.append(Filter("sale_date", "gte", report.date_from))
    if report.date_to:
        filters.append(Filter("sale_date", "lte", report.date_to))
    if not any(f.field == "status" for f in filters):
        filters.append(Filter("status", "ne", "rejected"))
    return replace(report.query, page=1, sort=(), filters=tuple(filters))


def _plain(value: Any) -> Any:
    value = getattr(value, "value", value)
    return value.isoformat() if isinstance(value, date) else value


def _row(key: Any, label: Any, units: Any, amount: Any, count: Any) -> dict[str, Any]:
    key = _plain(key)
    label = _plain(label)
    return {
        "key": key,
        "label": "—" if label is None or label == "" else str(label),
        "units": int(units),
        "amount": int(amount),
        "count": int(count),
    }


def _zero(key: str) -> dict[str, Any]:
    return {"key": key, "label": key, "units": 0, "amount": 0, "count": 0}


def _filled(group_by: str, rows: list[dict[str, Any]], report: ReportQuery) -> list[dict[str, Any]]:
    """Day and month series with a row for every day (month) of the period, zeros where nothing sold."""
    found = {row["key"]: row for row in rows}
    if group_by == "day":
        first = report.date_from or (date.fromisoformat(min(found)) if found else None)
        last = report.date_to or (date.fromisoformat(max(found)) if found else None)
        if first is None or last is None:
            return rows
        if (last - first).days > MAX_DAYS:
            raise ValidationFailedError(
                [{"field": "date_from", "message": f"A daily report covers at most {MAX_DAYS} days."}]
            )
        keys = [day.isoformat() for day in days(first, last)]
    else:
        low = month_text(report.date_from) if report.date_from else (min(found) if found else None)
        high = month_text(report.date_to) if report.date_to else (max(found) if found else None)
        if low is None or high is None:
            return rows
        if (int(high[:4]) - int(low[:4])) * 12 > MAX_DAYS // 3:
            raise ValidationFailedError(
                [
                    {
                        "field": "date_from",
                        "message": f"A monthly report covers at most {MAX_DAYS // 36} years.",
                    }
                ]
            )
        keys = list(months(low, high))
    return [found.get(key) or _zero(key) for key in keys]


def sales_report(
    *,
    session: Session,
    actor: Principal,
    group_by: str,
    report: ReportQuery | None = None,
    summary: bool = True,
) -> dict[str, Any]:
    """`{"group_by", "rows": [{"key", "label", "units", "amount", "count"}], "totals"}`: by key for
    day and month (every day or month of the period, zeros included), else by amount, highest first.
    Summed from a daily summary where one answers (`summary=False`: from the sales, always)."""
    actor.require(Permission.reports_read)
    if group_by not in GROUPS:
        raise ValidationFailedError(
            [{"field": "group_by", "message": f"group_by is one of {', '.join(GROUPS)}."}]
        )
    report = report or ReportQuery()
    query = _counted(report)
    if (
        group_by == "day"
        and report.date_from
        and report.date_to
        and (report.date_to - report.date_from).days > MAX_DAYS
    ):
        raise ValidationFailedError(
            [{"field": "date_from", "message": f"A daily report covers at most {MAX_DAYS} days."}]
        )
    found = summed(session, query, actor, group_by, summary=summary)
    rows = [_row(*values) for values in found]
    if group_by in ("day", "month"):
        rows = _filled(group_by, rows, report)
    totals = {name: sum(row[name] for row in rows) for name in ("units", "amount", "count")}
    return {"group_by": group_by, "rows": rows, "totals": totals}


def sales_totals(
    *, session: Session, actor: Principal, report: ReportQuery, summary: bool = True
) -> dict[str, int]:
    """Units, tenge and count of the sales a report counts (one row, no grouping)."""
    actor.require(Permission.reports_read)
    query = _counted(report)
    source = source_for(query, None, actor, summary=summary)
    scope = source.scope(actor)
    row = listing.aggregate(session, source.spec, query, scope=scope, columns=source.measures)[0]
    return {"units": int(row[0]), "amount": int(row[1]), "count": int(row[2])}


def check_month(month: str) -> str:
    """`month` when it is a month written YYYY-MM, else 422."""
    if not isinstance(month, str) or not re.fullmatch(MONTH_PATTERN, month.strip()):
        raise ValidationFailedError([{"field": "month", "message": "month is written YYYY-MM."}])
    return month.strip()


def targets_report(
    *,
    session: Session,
    actor: Principal,
    month: str,
    level: str = "store",
    report: ReportQuery | None = None,
    summary: bool = True,
) -> dict[str, Any]:
    """A month's targets of stores (or promoters) in `actor`'s scope against the sales counted for
    them: every subject with a target or a sale that month, by name. A percentage is to one decimal,
    null where that target is 0."""
    actor.require(Permission.reports_read)
    month = check_month(month)
    if level not in LEVELS:
        raise ValidationFailedError([{"field": "level", "message": "level is store or promoter."}])
    first, last = month_bounds(month)
    base = report or ReportQuery()
    period = ReportQuery(
        date_from=max(first, base.date_from) if base.date_from else first,
        date_to=min(last, base.date_to) if base.date_to else last,
        query=base.query,
    )
    subjects: dict[int, dict[str, Any]] = {}

    def subject(subject_id: int, label: Any) -> dict[str, Any]:
        return subjects.setdefault(
            int(subject_id),
            {"id": int(subject_id), "label": str(label or "—"), "target_units": 0, "target_amount": 0,
             "units": 0, "amount": 0},
        )  # fmt: skip

    t = TARGETS_TABLE.c
    counted = _counted(period)
    if level == "store":
        target_key, target_label = t.store_id, TARGET_STORES.c.name
    else:
        target_key, target_label = t.promoter_id, TARGET_PROMOTERS.c.full_name
    scopes = [Scope(f"level_{level}", target_key.is_not(None), {})]
    if (own := target_scope(actor)) is not None:
        scopes.append(own)
    set_targets = listing.aggregate(
        session, TARGETS, ListQuery(filters=(Filter("month", "eq", month),)), scope=scopes, join=True,
        columns=[target_key, target_label, t.units, t.amount],
    )  # fmt: skip
    for subject_id, label, units, amount in set_targets:
        row = subject(subject_id, label)
        row["target_units"], row["target_amount"] = int(units), int(amount)
    for subject_id, label, units, amount, _count in summed(session, counted, actor, level, summary=summary):
        row = subject(subject_id, label)
        row["units"], row["amount"] = int(units), int(amount)
    rows = sorted(subjects.values(), key=lambda r: (r["label"].casefold(), r["id"]))
    for row in rows:
        row["units_pct"] = percent_of(row["units"], row["target_units"])
        row["amount_pct"] = percent_of(row["amount"], row["target_amount"])
    return {"month": month, "level": level, "rows": rows}
