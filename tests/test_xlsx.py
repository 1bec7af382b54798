"""`extract --format xlsx`: the workbook opened with openpyxl gives back every record (typed, the
Chinese intact), its evidence, warnings and table 三."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import EXAMPLES, rules_result
from openpyxl import load_workbook
from typer.testing import CliRunner

from extractor.cli import app
from extractor.schema import FIELD_NAMES, TABLE_COLUMNS, ExtractionResult, get_field
from extractor.xlsx import csv_header, write_workbook

REPORTS = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".pdf"))


def workbook(tmp_path: Path) -> tuple[Path, list[ExtractionResult]]:
    out = tmp_path / "records.xlsx"
    res = CliRunner().invoke(app, ["extract", str(EXAMPLES), "-b", "rules", "-f", "xlsx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out, [rules_result(p) for p in REPORTS]


def test_records_sheet_round_trips_every_record(tmp_path: Path) -> None:
    path, results = workbook(tmp_path)
    ws = load_workbook(path)["records"]
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header == csv_header()
    assert ws.freeze_panes == "A2"
    assert len(rows) == 1 + len(results)
    for row, result in zip(rows[1:], results, strict=True):
        got = dict(zip(header, row, strict=True))
        assert got["source"] == str(EXAMPLES / Path(result.source).name)
        for name in header:
            if name not in FIELD_NAMES:
                continue
            want = get_field(result.record, name)
            if isinstance(want, list):
                want = "；".join(want)
            elif isinstance(want, dt.date):
                want = dt.datetime.combine(want, dt.time())  # Excel stores dates as date-times
            assert got[name] == want, (result.source, name)
    issuers = {r[header.index("issuer")] for r in rows[1:]}
    assert {"淮安市人民政府", "丽江市人民政府", "乌鲁木齐市人民政府机关"} <= issuers
    assert isinstance(rows[1][header.index("report_year")], int)


def test_approximate_values_are_marked(tmp_path: Path) -> None:
    path, results = workbook(tmp_path)
    ws = load_workbook(path)["records"]
    header = [c.value for c in ws[1]]
    approx = [(i, n) for i, r in enumerate(results) for n, ev in r.evidence.items() if ev.approximate and n in header]
    assert approx, "the examples hold approximate values (约、余…)"
    for i, name in approx:
        cell = ws.cell(row=i + 2, column=header.index(name) + 1)
        assert cell.comment is not None and "approximate" in cell.comment.text
        assert cell.fill.fgColor.rgb.endswith("FFF2CC")
    exact = next(n for n, ev in results[0].evidence.items() if not ev.approximate and n in header)
    assert ws.cell(row=2, column=header.index(exact) + 1).comment is None


def test_evidence_warnings_and_table_sheets(tmp_path: Path) -> None:
    path, results = workbook(tmp_path)
    wb = load_workbook(path)
    evidence = list(wb["evidence"].iter_rows(min_row=2, values_only=True))
    assert len(evidence) == sum(len(r.evidence) for r in results)
    huaian = results[REPORTS.index(EXAMPLES / "huaian_2024_report.pdf")]
    ev = huaian.evidence["issuer"]
    assert (huaian.source, "issuer", "淮安市人民政府", ev.quote, ev.start, ev.end, ev.origin, "exact", None) in evidence
    warnings = list(wb["warnings"].iter_rows(min_row=2, values_only=True))
    assert sorted(w[2] for w in warnings) == sorted(w for r in results for w in r.warnings)
    table = list(wb["table_三"].iter_rows(min_row=2, values_only=True))
    want = huaian.record.applications.table or {}
    assert len(table) == len(want) == 25  # the 2021 template's rows (its 其他处理 in three)
    for row in table:
        assert want[row[1]] == dict(zip(TABLE_COLUMNS, row[3:], strict=True))


def test_text_that_looks_like_a_formula_or_holds_control_characters_stays_text(tmp_path: Path) -> None:
    result = ExtractionResult(source="=HYPERLINK(\"x\")\x0c.txt", backend="rules", warnings=["=1+1 \x07 警告"])
    path = tmp_path / "w.xlsx"
    write_workbook([result], path)
    wb = load_workbook(path)
    assert wb["records"]["A2"].value == "=HYPERLINK(\"x\")\ufffd.txt"
    assert wb["records"]["A2"].data_type == "s"
    assert wb["warnings"]["C2"].value == "=1+1 \ufffd 警告"


def test_a_workbook_needs_a_file(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["extract", str(EXAMPLES), "-b", "rules", "-f", "xlsx"])
    assert res.exit_code == 2
    assert "-o OUT.xlsx" in res.output
