"""The JSONL and CSV shapes of FIELDS.md (a public contract), and that Chinese text survives both."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, GOLD_DIR, ROOT, TEMPLATES, rules_result
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.export import CSV, JSONL, Sink, csv_row, result_to_json, to_csv_text, write_jsonl
from extractor.schema import TABLE_COLUMNS, ExtractionResult

# The dotted names of FIELDS.md, in its order (copied from the contract, not from the code).
CONTRACT_NAMES = [
    "issuer", "report_year", "publish_date", "template", "scope",
    "proactive.total", "proactive.website", "proactive.gazette", "proactive.weibo", "proactive.wechat",
    "proactive.press_conferences", "proactive.policy_interpretations", "proactive.regulations_issued",
    "applications.received", "applications.carried_over", "applications.granted",
    "applications.partially_granted", "applications.denied", "applications.unable_to_provide",
    "applications.not_processed", "applications.other", "applications.already_public",
    "applications.total_processed", "applications.carried_forward", "applications.table",
    "reconsideration.total", "reconsideration.upheld", "reconsideration.corrected", "reconsideration.other",
    "reconsideration.pending",
    "litigation.total", "litigation.upheld", "litigation.corrected", "litigation.other", "litigation.pending",
    "complaints.total", "fees.collected", "problems", "improvements",
]  # fmt: skip
CSV_BESIDE = ["error", "warnings", "sha256", "backend", "settings"]
CSV_HEADER = ["source"] + [n for n in CONTRACT_NAMES if n != "applications.table"] + CSV_BESIDE
# FIELDS.md keys beside the fields, plus `usage`: the token accounting each record carries.
BESIDE = {"source", "sha256", "backend", "evidence", "warnings", "usage", "error", "settings"}


def nest(names: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for n in names:
        head, _, rest = n.partition(".")
        if rest:
            out.setdefault(head, set()).add(rest)
        else:
            out[head] = None
    return out


SHAPE = nest(CONTRACT_NAMES)


def test_contract_names_match_the_gold_files() -> None:
    gold = json.loads((GOLD_DIR / "000_3594167f04f41521.json").read_text(encoding="utf-8"))
    assert sorted(gold["fields"]) == sorted(n for n in CONTRACT_NAMES if n not in ("problems", "improvements"))


@pytest.mark.parametrize(
    "path", [EXAMPLES / "000_3594167f04f41521.txt", TEMPLATES / "t2021_pipe.txt"], ids=lambda p: p.name
)
def test_jsonl_line_shape(path: Path) -> None:
    r = rules_result(path)
    line = json.dumps(result_to_json(r), ensure_ascii=False)
    obj = json.loads(line)
    assert BESIDE | set(SHAPE) <= set(obj)
    for head, subs in SHAPE.items():
        if subs is not None:
            assert isinstance(obj[head], dict) and set(obj[head]) == subs, head
    assert obj["source"] == r.source
    assert obj["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert obj["backend"] == "rules"
    assert obj["error"] is None
    assert isinstance(obj["warnings"], list) and all(isinstance(w, str) for w in obj["warnings"])
    assert obj["evidence"], "evidence map empty"
    for name, ev in obj["evidence"].items():
        assert set(ev) == {"quote", "start", "end", "approximate", "origin", "alignment"}, name
        assert ev["origin"] in ("sentence", "table", "sum", "model") and ev["alignment"] in ("exact", "normalised")
        assert isinstance(ev["start"], int) and isinstance(ev["end"], int) and isinstance(ev["approximate"], bool)
    # Plain values: numbers are numbers, dates ISO strings, lists lists.
    if obj["publish_date"] is not None:
        assert len(obj["publish_date"]) == 10 and obj["publish_date"][4] == "-"
    for name in CONTRACT_NAMES:
        head, _, rest = name.partition(".")
        value = obj[head][rest] if rest else obj[head]
        if name in ("problems", "improvements"):
            assert value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        elif name.startswith(("proactive.", "reconsideration.", "litigation.", "complaints.")) or (
            name.startswith("applications.") and name != "applications.table"
        ):
            assert value is None or (isinstance(value, int) and not isinstance(value, bool)), name
    # Exactly the contract's keys: nothing beside source, sha256, backend, evidence, warnings, error.
    assert sorted(set(obj) - BESIDE - set(SHAPE)) == []


def test_jsonl_table_nested_rows_by_columns() -> None:
    r = rules_result(TEMPLATES / "t2021_pipe.txt")
    obj = json.loads(json.dumps(result_to_json(r), ensure_ascii=False))
    table = obj["applications"]["table"]
    assert isinstance(table, dict) and table
    gold = json.loads((GOLD_DIR / "t2021_pipe.json").read_text(encoding="utf-8"))
    assert table == gold["fields"]["applications.table"]["value"]
    for cells in table.values():
        assert list(cells) == list(TABLE_COLUMNS)


def test_jsonl_2008_report_values() -> None:
    obj = result_to_json(rules_result(EXAMPLES / "000_3594167f04f41521.txt"))
    assert obj["issuer"] == "丽江市人民政府"
    assert obj["report_year"] == 2017
    assert obj["publish_date"] == "2018-02-25"
    assert obj["template"] == "2008"
    assert obj["proactive"]["total"] == 34596
    assert obj["applications"]["table"] is None
    assert obj["evidence"]["proactive.total"]["quote"] == "主动公开政府信息34596条"


def test_error_record_line() -> None:
    r = ExtractionResult(source="missing.txt", backend="rules", error="missing.txt: no such file")
    obj = json.loads(json.dumps(result_to_json(r), ensure_ascii=False))
    assert obj["error"] == "missing.txt: no such file"
    assert obj["sha256"] is None and obj["evidence"] == {} and obj["issuer"] is None
    assert obj["proactive"]["total"] is None and obj["applications"]["table"] is None
    assert sorted(set(obj) ^ (BESIDE | set(SHAPE))) == []


def test_write_jsonl_one_line_per_document() -> None:
    results = [rules_result(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    buf = io.StringIO()
    assert write_jsonl(results, buf) == len(results)
    lines = buf.getvalue().splitlines()
    assert len(lines) == len(results)
    assert [json.loads(ln)["source"] for ln in lines] == [r.source for r in results]


# ------------------------------------------------------------------ CSV


def read_csv_file(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_csv_header_and_rows(tmp_path: Path) -> None:
    paths = [EXAMPLES / "000_3594167f04f41521.txt", TEMPLATES / "t2021_pipe.txt"]
    results = [rules_result(p) for p in paths]
    out = tmp_path / "out.csv"
    sink = Sink(str(out), CSV)
    for r in results:
        sink.write(r)
    sink.close()
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = read_csv_file(out)
    assert rows[0] == CSV_HEADER
    assert len(rows) == 3 and all(len(r) == len(CSV_HEADER) for r in rows)
    first = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert first["source"] == results[0].source
    assert first["issuer"] == "丽江市人民政府"
    assert first["proactive.total"] == "34596"
    assert first["publish_date"] == "2018-02-25"
    assert first["proactive.regulations_issued"] == ""  # null is an empty cell, never 0
    assert first["problems"].split("；") == results[0].record.problems
    second = dict(zip(CSV_HEADER, rows[2], strict=True))
    assert second["fees.collected"] == "0" and second["issuer"] == "演示县市场监督管理局"
    assert "applications.table" not in rows[0]


def test_csv_error_row() -> None:
    r = ExtractionResult(source="empty.txt", backend="rules", error="empty.txt: empty file")
    row = dict(zip(CSV_HEADER, csv_row(r), strict=True))
    assert row["error"] == "empty.txt: empty file" and row["backend"] == "rules"
    assert all(row[n] == "" for n in CSV_HEADER if n not in ("source", "error", "backend"))


def test_csv_warnings_are_joined_in_one_cell() -> None:
    r = record_with("丽江市人民政府", ["问题"])
    r.warnings = ["proactive.total: conflict, 1 or 2", "not found: 表三"]
    row = dict(zip(CSV_HEADER, csv_row(r), strict=True))
    assert row["warnings"].split("；") == r.warnings and row["error"] == ""


def test_csv_text_header() -> None:
    text = to_csv_text([])
    assert next(csv.reader(io.StringIO(text))) == CSV_HEADER


def test_sink_appends_whole_flushed_lines_and_keeps_an_earlier_file_until_the_first(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("old\n", encoding="utf-8")
    sink = Sink(str(out), JSONL)
    assert out.read_text(encoding="utf-8") == "old\n"  # nothing written yet: the earlier output stands
    first, second = (rules_result(EXAMPLES / n) for n in ("000_3594167f04f41521.txt", "003_85db5123dd9c84fd.txt"))
    sink.write(first)
    # Readable by another process while the sink is still open: one whole line, nothing of the old.
    assert [json.loads(ln)["source"] for ln in out.read_text(encoding="utf-8").splitlines()] == [first.source]
    sink.write(second)
    sink.close()
    assert [json.loads(ln)["source"] for ln in out.read_text(encoding="utf-8").splitlines()] == [
        first.source, second.source]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temporary file at any time


# ------------------------------------------------------------------ round trips (property)

CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)
PUNCT = st.sampled_from(list("，。、；：？！“”‘’（）《》〔〕【】—…·　 ,.;:\"'()\n\t|"))
CHINESE = st.text(alphabet=st.one_of(CJK, CJK, CJK, PUNCT), min_size=1, max_size=40)
ITEM = CHINESE.map(lambda s: s.replace("；", "")).filter(lambda s: s != "")


def record_with(issuer: str, problems: list[str]) -> ExtractionResult:
    r = ExtractionResult(source="报告/样例.txt", backend="rules")
    r.record.issuer = issuer
    r.record.problems = problems
    return r


@settings(max_examples=60, deadline=None)
@given(issuer=CHINESE, problems=st.lists(ITEM, min_size=1, max_size=4))
def test_chinese_text_survives_jsonl(issuer: str, problems: list[str]) -> None:
    buf = io.StringIO()
    write_jsonl([record_with(issuer, problems)], buf)
    lines = buf.getvalue().split("\n")
    assert len(lines) == 2 and lines[1] == ""  # one line, whatever the text holds
    obj = json.loads(lines[0])
    assert obj["issuer"] == issuer
    assert obj["problems"] == problems
    assert obj["source"] == "报告/样例.txt"


@settings(max_examples=60, deadline=None)
@given(issuer=CHINESE, problems=st.lists(ITEM, min_size=1, max_size=4))
def test_chinese_text_survives_csv(issuer: str, problems: list[str]) -> None:
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / "out.csv"
        sink = Sink(str(out), CSV)
        sink.write(record_with(issuer, problems))
        sink.close()
        assert out.read_bytes().startswith(b"\xef\xbb\xbf")
        rows = read_csv_file(out)
    assert rows[0] == CSV_HEADER and len(rows) == 2
    row = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert row["issuer"] == issuer
    assert row["problems"].split("；") == problems
    assert row["source"] == "报告/样例.txt"


def test_jsonl_of_every_document_round_trips() -> None:
    for p in [*sorted(EXAMPLES.iterdir()), *sorted(TEMPLATES.glob("t*.*"))]:
        r = rules_result(p)
        obj = result_to_json(r)
        assert json.loads(json.dumps(obj, ensure_ascii=False)) == obj, p.relative_to(ROOT)
