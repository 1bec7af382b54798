"""Tables 二, 三 and 四 of the 2019/2021 templates, in every form the documents carry them: Markdown,
tab-flattened text, Word tables, HTML tables, `|` rows, and a real PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, GOLD_DIR, ROOT, find_ws_insensitive, load_gold, rules_result

from extractor.config import Settings
from extractor.ingest import parse_bytes, read_document
from extractor.pipeline import extract_from
from extractor.schema import TABLE_COLUMNS, TABLE_ROWS, ExtractionResult, get_field


def _huaian_gold() -> Path:
    # Prefer a full gold file if one is added; until then the hand-labelled table fields.
    full = GOLD_DIR / "huaian_2024_report.json"
    return full if full.exists() else FIXTURES / "huaian_2024_report.expected.json"


TABLE_DOCS: dict[str, Path] = {
    "t2019_markdown": GOLD_DIR / "t2019_markdown.json",
    "t2020_flat": GOLD_DIR / "t2020_flat.json",
    "t2021_docx": GOLD_DIR / "t2021_docx.json",
    "t2021_html": GOLD_DIR / "t2021_html.json",
    "t2021_pipe": GOLD_DIR / "t2021_pipe.json",
    "huaian_2024_report": _huaian_gold(),
}
GOLD = {k: load_gold(p) for k, p in TABLE_DOCS.items()}
IDS = sorted(GOLD)
CONSISTENT = [k for k in IDS if k != "t2020_flat"]

REMEDY_FIELDS = [
    f"{kind}.{part}"
    for kind in ("reconsideration", "litigation")
    for part in ("total", "upheld", "corrected", "other", "pending")
]
TABLE_SCALARS = [
    "applications.received",
    "applications.carried_over",
    "applications.granted",
    "applications.partially_granted",
    "applications.denied",
    "applications.unable_to_provide",
    "applications.not_processed",
    "applications.other",
    "applications.total_processed",
    "applications.carried_forward",
]


def result(key: str) -> ExtractionResult:
    r = rules_result(GOLD[key]["document"])
    assert r.error is None, r.error
    return r


def gold_value(key: str, name: str) -> Any:
    entry = GOLD[key]["fields"].get(name)
    return None if entry is None else entry["value"]


def test_gold_table_files_are_well_formed() -> None:
    """The expected tables use the schema's row/column keys, seven cells a row, and (2021) the
    three 其他处理 sub-rows instead of the single 2019 row."""
    for key in IDS:
        table = gold_value(key, "applications.table")
        assert table, key
        assert set(table) <= set(TABLE_ROWS), key
        for row, cells in table.items():
            assert list(cells) == list(TABLE_COLUMNS), (key, row)
        template = gold_value(key, "template") or "2021"
        if template == "2021":
            assert "other" not in table and {"other_overdue_correction", "other_unpaid_fee", "other_other"} <= set(
                table
            )
        else:
            assert "other" in table and not any(k.startswith("other_") for k in table)


def test_huaian_expected_quotes_are_in_the_pdf_text() -> None:
    gold = GOLD["huaian_2024_report"]
    text = read_document(ROOT / gold["document"]).text
    for name, entry in gold["fields"].items():
        if entry and "quote" in entry:
            assert find_ws_insensitive(text, entry["quote"]) is not None, (name, entry["quote"])


@pytest.mark.parametrize("key", IDS)
def test_table_three_cells(key: str) -> None:
    expected = gold_value(key, "applications.table")
    got = result(key).record.applications.table
    assert got is not None
    wrong = {}
    for row in sorted(set(expected) | set(got)):
        for col in TABLE_COLUMNS:
            e = expected.get(row, {}).get(col) if row in expected else "<row absent>"
            g = got.get(row, {}).get(col) if row in got else "<row absent>"
            if e != g:
                wrong[f"{row}.{col}"] = (e, g)
    assert wrong == {}, f"(expected, got): {wrong}"


@pytest.mark.parametrize("key", IDS)
def test_table_rows_quote_their_line(key: str) -> None:
    r = result(key)
    text = read_document(ROOT / GOLD[key]["document"]).text
    for row, cells in (r.record.applications.table or {}).items():
        ev = r.evidence[f"applications.table.{row}"]
        assert text[ev.start : ev.end] == ev.quote
        assert "\n" not in ev.quote.strip(), row  # one row, one line
        line_start = text.rfind("\n", 0, ev.start) + 1
        line_end = text.find("\n", ev.end)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        assert ev.quote.strip() == line.strip(), row
        total = cells["total"]
        if total is not None:
            assert str(total) in ev.quote, row


@pytest.mark.parametrize("key", IDS)
def test_table_four_and_regulations(key: str) -> None:
    r = result(key)
    got = {n: get_field(r.record, n) for n in [*REMEDY_FIELDS, "proactive.regulations_issued"]}
    expected = {n: gold_value(key, n) for n in got}
    assert got == expected


@pytest.mark.parametrize("key", IDS)
def test_applications_scalars_from_table_three(key: str) -> None:
    r = result(key)
    got = {n: get_field(r.record, n) for n in TABLE_SCALARS}
    expected = {n: gold_value(key, n) for n in TABLE_SCALARS}
    assert got == expected


@pytest.mark.parametrize("key", IDS)
def test_fees(key: str) -> None:
    assert result(key).record.fees.collected == gold_value(key, "fees.collected")


# ------------------------------------------------------------------ checks


def check_warnings(r: ExtractionResult) -> list[str]:
    return [w for w in r.warnings if w.startswith("check:")]


def test_deliberate_inconsistency_is_flagged() -> None:
    """t2020_flat: （四）无法提供 1.本机关不掌握相关政府信息 prints 总计 9 over cells summing to 8, so the
    outcome rows of the 总计 column sum to 43 against a printed （七）总计 of 42."""
    r = result("t2020_flat")
    checks = check_warnings(r)
    row_check = [w for w in checks if "本机关不掌握相关政府信息" in w]
    assert len(row_check) == 1 and "9" in row_check[0] and "8" in row_check[0], checks
    column_check = [w for w in checks if "table 三 column total" in w and "42" in w and "43" in w]
    assert len(column_check) == 1, checks
    # Every other check holds: whatever else is flagged is this same 42-vs-43 (e.g. the outcomes ≤
    # total_processed check on the scalars), nothing about another row or column.
    others = [w for w in checks if w not in row_check + column_check]
    assert all("42" in w and "43" in w and "table 三" not in w for w in others), checks
    # The printed values are kept, never silently fixed.
    assert r.record.applications.table["unable_not_held"]["total"] == 9
    assert r.record.applications.unable_to_provide == 12
    assert r.record.applications.total_processed == 42


@pytest.mark.parametrize("key", CONSISTENT)
def test_consistent_documents_raise_no_check(key: str) -> None:
    assert check_warnings(result(key)) == []


def test_blank_cell_stays_null_and_raises_no_check() -> None:
    """t2021_html: a blank <td> in 2.重复申请 / 法律服务机构 is null, not 0; the printed 总计 is kept."""
    r = result("t2021_html")
    row = r.record.applications.table["not_processed_repeat"]
    assert row["legal_service_org"] is None
    assert row["total"] == 8
    assert check_warnings(r) == []


# ------------------------------------------------------------------ hand-made tables

HEAD = """测试县人民政府2021年政府信息公开工作年度报告
一、总体情况
本年工作有序。
三、收到和处理政府信息公开申请情况
"""
TAIL = """四、政府信息公开行政复议、行政诉讼情况
本年无。
"""


def extract_rows(*rows: str) -> ExtractionResult:
    doc = parse_bytes((HEAD + "\n".join(rows) + "\n" + TAIL).encode("utf-8"), "table.txt")
    r = extract_from(doc, "rules", Settings())
    for name, ev in r.evidence.items():
        assert doc.text[ev.start : ev.end] == ev.quote, name
    return r


def test_blank_total_summed_only_from_seven_readable_cells() -> None:
    r = extract_rows(
        "| 一、本年新收政府信息公开申请数量 | 10 | 2 | 0 | 0 | 1 | 0 |  |",
        "| 二、上年结转政府信息公开申请数量 | 1 |  | 0 | 0 | 0 | 0 |  |",
        "| 三、本年度办理结果 | （一）予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |",
    )
    table = r.record.applications.table
    assert table is not None
    # Every applicant cell readable: the total may be summed, and the warnings say so.
    assert table["received"] == dict(zip(TABLE_COLUMNS, [10, 2, 0, 0, 1, 0, 13], strict=True))
    assert any("本年新收" in w and not w.startswith("check:") for w in r.warnings), r.warnings
    # One applicant cell blank: nothing is summed, blanks stay null.
    assert table["carried_over"] == dict(zip(TABLE_COLUMNS, [1, None, 0, 0, 0, 0, None], strict=True))
    assert r.record.applications.carried_over is None
    assert table["granted"] == dict(zip(TABLE_COLUMNS, [5, 1, 0, 0, 0, 0, 6], strict=True))
    assert r.record.applications.granted == 6


def test_row_with_too_few_cells_is_left_null_with_a_warning() -> None:
    r = extract_rows(
        "一、本年新收政府信息公开申请数量 10 2 0 1 13",
        "| 三、本年度办理结果 | （一）予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 6 |",
    )
    table = r.record.applications.table or {}
    assert "received" not in table
    assert r.record.applications.received is None
    assert any("本年新收" in w for w in r.warnings), r.warnings
    assert table["granted"]["total"] == 6


def test_inconsistent_row_total_flagged_in_hand_made_table() -> None:
    r = extract_rows("| （一）予以公开 | 5 | 1 | 0 | 0 | 0 | 0 | 7 |")
    assert r.record.applications.table["granted"]["total"] == 7  # kept as printed
    assert any(w.startswith("check:") and "予以公开" in w for w in r.warnings), r.warnings


def test_table_four_inconsistency_flagged() -> None:
    body = (
        "四、政府信息公开行政复议、行政诉讼情况\n"
        "| 2 | 1 | 0 | 0 | 4 | 1 | 0 | 0 | 1 | 2 | 0 | 0 | 0 | 0 | 0 |\n"
        "五、存在的主要问题及改进情况\n无。\n"
    )
    doc = parse_bytes((HEAD + "本年无。\n" + body).encode("utf-8"), "t4.txt")
    r = extract_from(doc, "rules", Settings())
    assert r.record.reconsideration.total == 4 and r.record.reconsideration.upheld == 2
    assert r.record.litigation.total == 2 and r.record.litigation.pending == 1
    assert any(w.startswith("check:") and "reconsideration" in w for w in r.warnings), r.warnings
    assert not any(w.startswith("check:") and "litigation" in w for w in r.warnings), r.warnings
