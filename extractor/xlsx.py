"""`extract --format xlsx`: one workbook with the records (the CSV's columns, typed), their
evidence, the warnings and table 三, streamed through openpyxl's write-only mode."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .export import csv_row, to_csv_text
from .schema import FIELD_NAMES, TABLE_COLUMNS, TABLE_ROWS, ExtractionResult, evidence_value, get_field

EXCEL_CELL_MAX = 32_767  # characters a cell holds
APPROXIMATE_FILL = PatternFill("solid", fgColor="FFF2CC")
BOLD = Font(bold=True)
EVIDENCE_HEADER = ("source", "field", "value", "quote", "start", "end", "origin", "alignment", "approximate")
WARNINGS_HEADER = ("source", "kind", "message")
TABLE_HEADER = ("source", "row", "label", *TABLE_COLUMNS)


def csv_header() -> list[str]:
    """The CSV's header as `extract --format csv` writes it, so that the records sheet follows any
    column the CSV gains."""
    return next(csv.reader(io.StringIO(to_csv_text([]))))


def _text(value: str) -> str:
    clean = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return clean if len(clean) <= EXCEL_CELL_MAX else clean[: EXCEL_CELL_MAX - 1] + "…"


def _cell(ws: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell | None:
    """Numbers as numbers, dates as dates, text as text (never a formula: a quote may start with =)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, dt.date, str)):
        value = str(value)
    cell = WriteOnlyCell(ws, value=_text(value) if isinstance(value, str) else value)
    if isinstance(value, str):
        cell.data_type = "s"
    elif isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _header(ws: WriteOnlyWorksheet, names: Iterable[str]) -> None:
    row = []
    for name in names:
        cell = WriteOnlyCell(ws, value=name)
        cell.font = BOLD
        row.append(cell)
    ws.freeze_panes = "A2"
    ws.append(row)


def _record_row(ws: WriteOnlyWorksheet, header: list[str], result: ExtractionResult) -> list[Any]:
    """The CSV row with each field's own value in place of its text; approximate values filled and
    commented with their quote."""
    row: list[Any] = []
    for name, text in zip(header, csv_row(result), strict=False):
        value = get_field(result.record, name) if name in FIELD_NAMES else text
        cell = _cell(ws, text if isinstance(value, list) else value)
        ev = result.evidence.get(name)
        if cell is not None and ev is not None and ev.approximate:
            cell.fill = APPROXIMATE_FILL
            cell.comment = Comment(f"approximate («{_text(ev.quote)[:200]}»)", "extractor")
        row.append(cell)
    return row


def write_workbook(results: Iterable[ExtractionResult], path: str | Path) -> int:
    """Sheets records, evidence, warnings and table_三; written whole (a temporary file renamed into
    place). Returns the number of records."""
    wb = Workbook(write_only=True)
    records, evidence, warnings, table = (wb.create_sheet(n) for n in ("records", "evidence", "warnings", "table_三"))
    header = csv_header()
    _header(records, header)
    _header(evidence, EVIDENCE_HEADER)
    _header(warnings, WARNINGS_HEADER)
    _header(table, TABLE_HEADER)
    n = 0
    for result in results:
        n += 1
        records.append(_record_row(records, header, result))
        for name, ev in result.evidence.items():
            value = evidence_value(result.record, name)
            if isinstance(value, dict):  # a table row: its seven cells
                value = " ".join("" if value.get(c) is None else str(value.get(c)) for c in TABLE_COLUMNS)
            evidence.append([_cell(evidence, v) for v in (result.source, name, value, ev.quote, ev.start, ev.end,
                                                          ev.origin, ev.alignment, "yes" if ev.approximate else "")])
        if result.error:
            warnings.append([_cell(warnings, v) for v in (result.source, "error", result.error)])
        for w in result.warnings:
            warnings.append([_cell(warnings, v) for v in (result.source, "warning", w)])
        for key, cells in (result.record.applications.table or {}).items():
            table.append([_cell(table, v) for v in (result.source, key, TABLE_ROWS.get(key, key),
                                                    *(cells.get(c) for c in TABLE_COLUMNS))])
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".xlsx", dir=target.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return n

