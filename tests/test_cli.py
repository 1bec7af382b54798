"""The command line, as a user runs it: folders in, one JSONL line (or CSV row) per document out."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT
from typer.testing import CliRunner

from extractor.cli import app

CONTRACT_CSV_FIRST = ["source", "issuer", "report_year", "publish_date", "template", "scope", "proactive.total"]
EXAMPLE_FILES = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".pdf"))


def cli_env(tmp_path: Path) -> dict[str, str]:
    """No model endpoint and a private cache, so that nothing reaches the network or ~/.cache."""
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "EXTRACTOR_MODEL")}
    env["EXTRACTOR_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def read_jsonl(path: Path, order: list[str] | None = None) -> list[dict]:
    """The records of a JSONL output; with `order`, sorted by it (records come as documents finish)."""
    records = [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines()]
    return records if order is None else sorted(records, key=lambda r: order.index(r["source"]))


def console_script() -> list[str]:
    exe = Path(sys.executable).parent / "extractor"
    if exe.exists():
        return [str(exe)]
    found = shutil.which("extractor")
    return [found] if found else [sys.executable, "-m", "extractor"]


def test_extract_examples_folder_subprocess(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [*console_script(), "extract", "examples/", "-o", str(out), "--backend", "rules"],
        cwd=ROOT,
        env=cli_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    records = read_jsonl(out)
    assert len(records) == 6
    assert sorted(Path(r["source"]).name for r in records) == [p.name for p in EXAMPLE_FILES]
    for r in records:
        assert r["error"] is None, r["error"]
        assert r["backend"] == "rules"
        assert r["sha256"] == hashlib.sha256((ROOT / r["source"]).read_bytes()).hexdigest()
    by_name = {Path(r["source"]).name: r for r in records}
    assert by_name["000_3594167f04f41521.txt"]["proactive"]["total"] == 34596
    assert by_name["huaian_2024_report.pdf"]["applications"]["received"] == 3119
    assert by_name["huaian_2024_report.pdf"]["applications"]["table"]["received"]["total"] == 3119
    assert proc.stdout == ""  # records go to the file, messages to stderr


def test_batch_with_bad_files_exit_1_and_keeps_good_records(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.txt"
    good1 = str(EXAMPLES / "000_3594167f04f41521.txt")
    good2 = str(EXAMPLES / "003_85db5123dd9c84fd.txt")
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    res = runner.invoke(
        app,
        ["extract", good1, str(missing), str(empty), good2, "-o", str(out), "--backend", "rules"],
        env=cli_env(tmp_path),
    )
    assert res.exit_code == 1, res.output
    order = [good1, str(missing), str(empty), good2]
    records = read_jsonl(out, order)
    assert [r["source"] for r in records] == order
    ok1, miss, emp, ok2 = records
    assert ok1["error"] is None and ok1["issuer"] == "丽江市人民政府" and ok1["proactive"]["total"] == 34596
    assert ok2["error"] is None and ok2["applications"]["received"] == 610
    assert "missing.txt" in miss["error"] and "no such file" in miss["error"]
    assert "empty.txt" in emp["error"] and "empty" in emp["error"]
    for bad in (miss, emp):
        assert bad["issuer"] is None and bad["evidence"] == {} and bad["proactive"]["total"] is None
    # The user is told which files failed and why.
    assert "missing.txt" in res.stderr and "empty.txt" in res.stderr


def test_a_damaged_pdf_and_a_page_nested_5000_deep_lose_nothing_else(tmp_path: Path) -> None:
    # A PDF with bytes overwritten throughout (pdfminer raises while reading pages) and an HTML
    # page nested 5,000 deep (the parser recurses past Python's limit), between two good reports.
    pdf = bytearray((EXAMPLES / "huaian_2024_report.pdf").read_bytes())
    for i in range(2000, len(pdf), 997):
        pdf[i] = (pdf[i] * 7 + 13) % 256
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(bytes(pdf))
    deep = tmp_path / "deep.html"
    deep.write_text("<html><body>" + "<div>" * 5000 + "主动公开政府信息5条" + "</div>" * 5000 + "</body></html>",
                    encoding="utf-8")
    good1, good2 = str(EXAMPLES / "000_3594167f04f41521.txt"), str(EXAMPLES / "003_85db5123dd9c84fd.txt")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(app, ["extract", good1, str(damaged), str(deep), good2, "-o", str(out),
                                   "--backend", "rules"], env=cli_env(tmp_path))
    assert res.exit_code == 1, res.output
    ok1, pdf_rec, deep_rec, ok2 = read_jsonl(out, [good1, str(damaged), str(deep), good2])
    assert ok1["proactive"]["total"] == 34596 and ok2["applications"]["received"] == 610
    assert "damaged.pdf" in pdf_rec["error"] and "cannot read" in pdf_rec["error"]
    # Nesting depth is no limit: the page is read like any other.
    assert deep_rec["error"] is None and deep_rec["proactive"]["total"] == 5


def test_csv_format(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    res = CliRunner().invoke(
        app, ["extract", str(EXAMPLES), "-o", str(out), "--format", "csv", "--backend", "rules"], env=cli_env(tmp_path)
    )
    assert res.exit_code == 0, res.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][: len(CONTRACT_CSV_FIRST)] == CONTRACT_CSV_FIRST
    assert "applications.table" not in rows[0]
    assert len(rows) == 7
    by_name = {Path(r[0]).name: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_name["000_3594167f04f41521.txt"]["issuer"] == "丽江市人民政府"
    assert by_name["huaian_2024_report.pdf"]["fees.collected"] == "3940"


def test_jsonl_to_stdout(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["extract", str(EXAMPLES / "001_4e27ee25e39c86a7.txt"), "--backend", "rules"], env=cli_env(tmp_path)
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert len(lines) == 1
    rec = json.loads(lines[0])
    assert rec["issuer"] == "个旧市" and rec["applications"]["received"] == 4
    assert rec["reconsideration"]["total"] is None  # the lost table is null, not 0


def test_glob_argument(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(
        app, ["extract", str(EXAMPLES / "00*.txt"), "-o", str(out), "--backend", "rules"], env=cli_env(tmp_path)
    )
    assert res.exit_code == 0, res.output
    assert sorted(Path(r["source"]).name for r in read_jsonl(out)) == [p.name for p in sorted(EXAMPLES.glob("00*.txt"))]


def test_failed_run_does_not_leave_half_a_file(tmp_path: Path) -> None:
    # Only bad inputs: exit 1, but the output is still a whole file of error records.
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(
        app, ["extract", str(tmp_path / "nope.txt"), "-o", str(out), "--backend", "rules"], env=cli_env(tmp_path)
    )
    assert res.exit_code == 1
    (rec,) = read_jsonl(out)
    assert "nope.txt" in rec["error"] and "no such file" in rec["error"]


@pytest.mark.parametrize("name", ["000_3594167f04f41521.txt", "huaian_2024_report.pdf"])
def test_text_command_prints_the_offsets_text(name: str, tmp_path: Path) -> None:
    from extractor.ingest import read_document

    res = CliRunner().invoke(app, ["text", str(EXAMPLES / name)], env=cli_env(tmp_path))
    assert res.exit_code == 0
    assert res.stdout == read_document(EXAMPLES / name).text


def test_text_command_bad_file(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["text", str(tmp_path / "nope.txt")], env=cli_env(tmp_path))
    assert res.exit_code == 1
    assert "nope.txt" in res.stderr and "no such file" in res.stderr
