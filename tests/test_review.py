"""`extractor review` without a browser: the highlighted text, the pages built from a fresh run and
from JSONL records (with their source moved or changed), and the table marks on real glued tables.
The pages in a real browser: test_review_browser.py."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from conftest import EXAMPLES, ROOT, rules_result
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from extractor.cli import app
from extractor.highlight import Range, cut, marked_html
from extractor.ingest import read_document
from extractor.records import read_records, source_text
from extractor.tables import table_marks

CORPUS = ROOT / "eval" / "corpus"
GLUED_2021 = CORPUS / "010_pingtansyq_2021.txt"  # table 三 on one line, cells glued
UNREAD_ROW = CORPUS / "043_pingtansyq-jjpq_2023.txt"  # a glued row with no consistent reading
TABLE_TWO_GLUED = CORPUS / "070_pingtansyq-gwhbgs_2020.txt"  # table 二's glued cells read several ways


def unmarked(fragment: str) -> str:
    """The text a browser shows for marked_html's output (tags dropped, references resolved)."""
    return html.unescape(re.sub(r"</?mark[^>]*>", "", fragment))


def mark_texts(fragment: str) -> list[tuple[int, list[str], str]]:
    return [(int(s), k.split(), html.unescape(body))
            for k, s, body in re.findall(r'<mark class="[^"]*" data-k="([^"]*)" data-s="(\d+)">(.*?)</mark>', fragment, re.S)]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_overlapping_ranges_become_marks_that_cover_each_range_exactly(data: st.DataObject) -> None:
    text = "2023年，全区主动公开政府信息1,234条。\r\n| 规章 | 1 | 0 |\n行政复议5件<b>&</b>"
    n = len(text)
    bounds = st.tuples(st.integers(0, n - 1), st.integers(1, n)).filter(lambda t: t[0] < t[1])
    spans = data.draw(st.lists(bounds, min_size=1, max_size=12))
    ranges = [Range(a, b, str(i), "o-sentence") for i, (a, b) in enumerate(spans)]
    fragment = marked_html(text, ranges)
    assert unmarked(fragment) == text
    marks = mark_texts(fragment)
    for r in ranges:
        covered = [(s, body) for s, keys, body in marks if r.key in keys]
        assert covered[0][0] == r.start
        assert "".join(body for _, body in covered) == text[r.start : r.end]
        # contiguous: the marks of one range leave no gap
        assert all(s + len(b) == nxt for (s, b), (nxt, _) in zip(covered, covered[1:], strict=False))
    starts = [s for s, _, _ in marks]
    assert starts == sorted(set(starts))  # never nested or overlapping


def test_cut_names_the_innermost_range_first() -> None:
    outer, inner = Range(0, 10, "0", "o-table"), Range(3, 5, "1", "o-sentence")
    stretches = cut(12, [outer, inner])
    assert [(a, b, [r.key for r in rs]) for a, b, rs in stretches] == [(0, 3, ["0"]), (3, 5, ["1", "0"]), (5, 10, ["0"])]


def test_real_report_text_round_trips_with_all_its_evidence() -> None:
    result = rules_result(EXAMPLES / "huaian_2024_report.pdf")
    text = read_document(EXAMPLES / "huaian_2024_report.pdf").text
    ranges = [Range(ev.start, ev.end, str(i), f"o-{ev.origin}") for i, ev in enumerate(result.evidence.values())]
    fragment = marked_html(text, ranges)
    assert unmarked(fragment) == text
    for i, ev in enumerate(result.evidence.values()):
        assert "".join(b for _, keys, b in mark_texts(fragment) if str(i) in keys) == ev.quote


def run_review(args: list[str]) -> tuple[int, str]:
    res = CliRunner().invoke(app, ["review", *args])
    return res.exit_code, res.output


def test_review_of_the_examples_writes_a_page_per_report_and_an_index(tmp_path: Path) -> None:
    code, out = run_review([str(EXAMPLES), "-b", "rules", "-o", str(tmp_path / "site")])
    assert code == 0, out
    reports = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".pdf"))
    pages = sorted((tmp_path / "site" / "reports").glob("*.html"))
    assert len(pages) == len(reports)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    for report, page in zip(reports, pages, strict=True):
        assert f'href="reports/{page.name}"' in index
        body = page.read_text(encoding="utf-8")
        assert "<script src" not in body and "<link" not in body and "http://" not in body.split("<div id=\"text\">")[0]
        result = rules_result(report)
        if result.record.issuer:
            assert result.record.issuer in body
    assert "淮安市人民政府" in index


def test_review_of_jsonl_records_reads_the_sources_again_and_says_when_they_moved_or_changed(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    for name in ("000_3594167f04f41521.txt", "003_85db5123dd9c84fd.txt"):
        shutil.copy(EXAMPLES / name, work / name)
    records = tmp_path / "work" / "out.jsonl"
    res = CliRunner().invoke(app, ["extract", str(work), "-b", "rules", "-o", str(records)])
    assert res.exit_code == 0, res.output
    # As a user would: the JSONL beside reports named relative to it, one source edited, one deleted.
    lines = [json.loads(ln) for ln in records.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        line["source"] = Path(line["source"]).name
    records.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    found = [source_text(r, work) for r in read_records(records)]
    assert all(s.text is not None and s.problem is None for s in found)

    (work / "000_3594167f04f41521.txt").write_text("丽江市人民政府 edited\n", encoding="utf-8")
    (work / "003_85db5123dd9c84fd.txt").unlink()
    code, out = run_review([str(records), "-o", str(tmp_path / "site")])
    assert code == 0, out
    pages = {p.name.split("-", 1)[1]: p for p in (tmp_path / "site" / "reports").glob("*.html")}
    changed, missing = (pages[f"{n}.html"].read_text(encoding="utf-8")
                        for n in ("000_3594167f04f41521", "003_85db5123dd9c84fd"))
    assert "has changed since it was extracted" in changed and 'id="text"' not in changed
    assert "source file not found" in missing and 'id="text"' not in missing
    assert "荆州市政府" in missing  # the record itself is still shown, quotes beside the values


def test_a_line_that_is_not_a_record_is_a_failed_document(tmp_path: Path) -> None:
    records = tmp_path / "bad.jsonl"
    records.write_text('{"source": "x.txt", "backend": "rules"}\nnot json\n', encoding="utf-8")
    code, out = run_review([str(records), "-o", str(tmp_path / "site")])
    assert code == 1
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "line 2: not a record written by extract" in index
    assert "Failed documents (1)" in index


def test_table_marks_on_real_glued_tables() -> None:
    glued = table_marks(rules_result(GLUED_2021).warnings)
    assert glued["applications.table.received"][0] == "split"
    assert glued["litigation"][0] == "split"
    assert table_marks(rules_result(UNREAD_ROW).warnings)["applications.table.carried_forward"][0] == "unread"
    assert table_marks(rules_result(TABLE_TWO_GLUED).warnings)["proactive.regulations_issued"][0] == "ambiguous"
    assert table_marks(rules_result(EXAMPLES / "huaian_2024_report.pdf").warnings) == {}  # a table read cell by cell


def test_page_marks_table_cells_and_links_warnings_into_the_text(tmp_path: Path) -> None:
    code, out = run_review([str(GLUED_2021), str(TABLE_TWO_GLUED), "-b", "rules", "-o", str(tmp_path / "site")])
    assert code == 0, out
    glued, two = (p.read_text(encoding="utf-8") for p in sorted((tmp_path / "site" / "reports").glob("*.html")))
    table3 = glued.split('id="table-3"')[1].split("</table>")[0]
    assert table3.count('class="o-table split"') >= 7 * 20  # every cell of the split rows
    # table 二's warning cites its glued run: the run is marked in the text and the warning links to it
    warning = re.search(r'<button class="link" data-k="(w\d+)">proactive.regulations_issued: table 二', two)
    assert warning is not None
    assert f'data-k="{warning.group(1)}"' in two.split('<aside id="record-pane">')[0]
