"""The shapes of the report answers (no tables: reports read the sales and targets)."""

from __future__ import annotations

from sqlmodel import SQLModel


class ReportRow(SQLModel):
    key: str | int | None
    label: str
    units: int
    amount: int
    count: int


class ReportTotals(SQLModel):
    units: int
    amount: int
    count: int


class SalesReport(SQLModel):
    group_by: str
    rows: list[ReportRow]
    totals: ReportTotals


class TargetRow(SQLModel):
    id: int
    label: str
    target_units: int
    target_amount: int
    units: int
    amount: int
    units_pct: float | None
    amount_pct: float | None


class TargetsReport(SQLModel):
    month: str
    level: str
    rows: list[TargetRow]
