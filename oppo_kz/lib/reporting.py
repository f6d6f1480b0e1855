"""Pieces every report shares: calendar keys in SQL on both databases, zero-filled series, percentages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func
from sqlalchemy.sql.elements import ColumnElement


def month_key(column: ColumnElement[Any], dialect: str) -> ColumnElement[str]:
    """`YYYY-MM` of a DATE column, computed by the database (to group by it)."""
    if dialect == "postgresql":
        return func.to_char(column, "YYYY-MM")
    return func.substr(column, 1, 7)  # SQLite keeps dates as ISO text


def days(first: date, last: date) -> Iterator[date]:
    """Every day from `first` to `last`, both included."""
    for n in range((last - first).days + 1):
        yield first + timedelta(days=n)


def months(first: str, last: str) -> Iterator[str]:
    """Every month (YYYY-MM) from `first` to `last`, both included."""
    year, month = int(first[:4]), int(first[5:7])
    while f"{year:04d}-{month:02d}" <= last:
        yield f"{year:04d}-{month:02d}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def month_bounds(month: str) -> tuple[date, date]:
    """The first and the last day of a month (YYYY-MM)."""
    first = date(int(month[:4]), int(month[5:7]), 1)
    following = date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)
    return first, following - timedelta(days=1)


def percent_of(value: int, target: int) -> float | None:
    """`value` as a percentage of `target`, to one decimal (half up); None when the target is 0."""
    if not target:
        return None
    exact = Decimal(value) * 100 / Decimal(target)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
