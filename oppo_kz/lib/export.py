"""Every row a list query matches, as CSV (UTF-8 with a BOM, so Excel reads Cyrillic) or XLSX, streamed
with constant memory: rows come from a server-side cursor in batches, CSV goes out chunk by chunk, and
XlsxWriter's constant_memory mode writes each row to disk as it comes."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any

import xlsxwriter

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 64 * 1024
BOM = "\ufeff"


def _cell(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The header row and every row as UTF-8 CSV (with a BOM), in chunks of about 64 KiB."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_chunks(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "export"
) -> Iterator[bytes]:
    """The header row and every row as an XLSX workbook; each row goes to disk as it is written."""
    with tempfile.TemporaryFile() as out:
        workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
        worksheet = workbook.add_worksheet(sheet[:31])
        bold = workbook.add_format({"bold": True})
        worksheet.write_row(0, 0, list(columns), bold)
        for n, row in enumerate(rows, start=1):
            worksheet.write_row(n, 0, [_cell(v) for v in row])
        workbook.close()
        out.seek(0)
        while chunk := out.read(CHUNK):
            yield chunk


def export_chunks(
    fmt: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], sheet: str = "export"
) -> Iterator[bytes]:
    """`csv_chunks` or `xlsx_chunks` by format name."""
    return xlsx_chunks(columns, rows, sheet) if fmt == "xlsx" else csv_chunks(columns, rows)
