"""The fault suite: damaged and hostile files made here, budgets, output paths, a misbehaving
model endpoint (tests/fakeserver.py), and signals sent to a real `extractor` process. In every
case the good documents' records are written, the bad one has an error naming the file and the
reason, and nothing else is lost."""

from __future__ import annotations

import faulthandler
import io
import json
import os
import signal
import stat
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from conftest import EXAMPLES
from fakeserver import Drip, FakeServer, choice_prompt, completion
from test_cli import cli_env, console_script, read_jsonl
from test_llm import asks, chooser, first_with
from typer.testing import CliRunner

from extractor.cli import app
from extractor.config import Settings
from extractor.endpoint import preflight
from extractor.ingest import IngestError, read_document
from extractor.pipeline import extract_document

LIJIANG = str(EXAMPLES / "000_3594167f04f41521.txt")
BAOSHAN = str(EXAMPLES / "003_85db5123dd9c84fd.txt")


def run(args: list[str], tmp_path: Path, **env: str) -> Any:
    return CliRunner().invoke(app, args, env={**cli_env(tmp_path), **env})


# ------------------------------------------------------------------ files that used to take the batch down


def docx_bytes(patch: str | None = None) -> bytes:
    """A small report with one table; `patch` rewrites the first <w:tcPr> of word/document.xml."""
    d = docx.Document()
    d.add_paragraph("测试市人民政府2021年政府信息公开工作年度报告")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["指标", "本年", "累计"], ["主动公开", "120", "900"], ["依申请", "7", "30"]]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    d.add_paragraph("全年主动公开政府信息120条。")
    buf = io.BytesIO()
    d.save(buf)
    if patch is None:
        return buf.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/document.xml":
                data = data.decode("utf-8").replace("<w:tcPr>", "<w:tcPr>" + patch, 1).encode("utf-8")
            z.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize("patch", ['<w:vMerge w:val="continue"/>', '<w:gridSpan w:val="abc"/>'],
                         ids=["vertical-merge-in-first-row", "gridSpan-not-a-number"])
def test_a_docx_table_python_docx_cannot_lay_out_is_read_cell_by_cell(patch: str, tmp_path: Path) -> None:
    p = tmp_path / "odd.docx"
    p.write_bytes(docx_bytes(patch))
    lines = read_document(p).text.splitlines()
    assert lines == ["测试市人民政府2021年政府信息公开工作年度报告", "| 指标 | 本年 | 累计 |",
                     "| 主动公开 | 120 | 900 |", "| 依申请 | 7 | 30 |", "全年主动公开政府信息120条。"]
    r = extract_document(str(p), "rules", Settings())
    assert r.error is None and r.record.proactive.total == 120


def test_a_docx_that_inflates_past_the_limit_is_refused_unpacked(tmp_path: Path) -> None:
    # A real bomb: 300 MB of zeros, a few hundred KB on disk.
    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w") as fh:
            block = b"\0" * (1 << 20)
            for _ in range(300):
                fh.write(block)
    assert p.stat().st_size < 2 * 2**20
    with pytest.raises(IngestError, match=r"unpacks to 300 MB, over the 256 MB limit"):
        read_document(p)


def test_an_oversized_file_and_a_fifo_are_error_records_and_the_batch_goes_on(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(Path(LIJIANG).read_text(encoding="utf-8") * 100, encoding="utf-8")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # reading it would block for ever
    out = tmp_path / "out.jsonl"
    res = run(["extract", LIJIANG, str(big), str(fifo), "-o", str(out), "-b", "rules", "--max-document-mb", "1"],
              tmp_path)
    assert res.exit_code == 1, res.output
    ok, too_big, pipe = read_jsonl(out, [LIJIANG, str(big), str(fifo)])
    assert ok["error"] is None and ok["proactive"]["total"] == 34596
    assert str(big) in too_big["error"] and "over the 1 MB limit for one document" in too_big["error"]
    assert str(fifo) in pipe["error"] and "not a regular file" in pipe["error"]


def big_report(tmp_path: Path, mb: float) -> Path:
    seed = Path(LIJIANG).read_text(encoding="utf-8")
    p = tmp_path / f"big{mb:g}.txt"
    p.write_text(seed * (int(mb * 2**20) // len(seed.encode("utf-8")) + 1), encoding="utf-8")
    return p


def test_a_document_over_its_time_budget_is_an_error_record(tmp_path: Path) -> None:
    slow = big_report(tmp_path, 2)  # the rules read about a MB a dozen seconds
    out = tmp_path / "out.jsonl"
    res = run(["extract", LIJIANG, str(slow), BAOSHAN, "-o", str(out), "-b", "rules", "--document-timeout", "2"],
              tmp_path)
    assert res.exit_code == 1, res.output
    ok1, over, ok2 = read_jsonl(out, [LIJIANG, str(slow), BAOSHAN])
    assert ok1["proactive"]["total"] == 34596 and ok2["applications"]["received"] == 610
    assert str(slow) in over["error"] and "over the time budget of 2 s for one document" in over["error"]


def test_a_document_over_its_memory_budget_is_an_error_record(tmp_path: Path) -> None:
    heavy = big_report(tmp_path, 4)
    out = tmp_path / "out.jsonl"
    # A process of its own: the budget counts what a worker takes beyond what it holds when the document starts.
    proc = subprocess.run([*console_script(), "extract", str(heavy), LIJIANG, "-o", str(out), "-b", "rules",
                           "--document-memory-mb", "40"], env=cli_env(tmp_path), capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1, proc.stderr
    over, ok = read_jsonl(out, [str(heavy), LIJIANG])
    assert ok["error"] is None and ok["proactive"]["total"] == 34596
    assert str(heavy) in over["error"] and "memory budget of 40 MB" in over["error"]



def _abort_on(item: str) -> str:
    if item == "abort":
        faulthandler.disable()  # pytest's own handler would print this worker's stack into the test output
        os.abort()  # what C code does when an allocation fails where it cannot raise MemoryError
    return f"read {item}"


@pytest.mark.parametrize("memory_mb", [40.0, None], ids=["budget", "no-budget"])
def test_a_worker_that_aborts_is_blamed_on_the_memory_budget_only_when_there_is_one(memory_mb: float | None) -> None:
    from extractor.isolation import Budget, run_isolated

    out = list(run_isolated(_abort_on, ["abort", "fine"], (), 1, Budget(memory_mb=memory_mb),
                            lambda item, why: f"{item}: {why}"))
    assert "read fine" in out
    [died] = [o for o in out if o.startswith("abort:")]
    assert "killed (SIGABRT)" in died
    assert ("memory budget of 40 MB" in died) == (memory_mb is not None)


def _thirty_mb_of(item: str) -> str:
    return item * (30 * 2**20)


def test_a_result_comes_back_whole_however_close_its_document_came_to_the_budget() -> None:
    # The pool pickles a result after the task has returned: a second copy of it. Under the budget
    # that copy failed (the worker died, exit status 1, or never answered); the budget is for reading.
    from extractor.isolation import Budget, run_isolated

    out = list(run_isolated(_thirty_mb_of, ["x", "y"], (), 1, Budget(seconds=60, memory_mb=40),
                            lambda item, why: f"{item}: {why}"))
    assert sorted(out) == ["x" * (30 * 2**20), "y" * (30 * 2**20)]

# ------------------------------------------------------------------ the output path


@pytest.mark.parametrize("kind", ["an input", "a directory", "a device", "a link to a device"])
def test_an_unusable_output_is_refused_before_any_work(kind: str, tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text(Path(LIJIANG).read_text(encoding="utf-8"), encoding="utf-8")
    before = report.read_bytes()
    link = tmp_path / "null-link"
    link.symlink_to("/dev/null")
    target = {"an input": str(report), "a directory": str(tmp_path), "a device": "/dev/null",
              "a link to a device": str(link)}[kind]
    res = run(["extract", str(report), "-o", target, "-b", "rules"], tmp_path)
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: {target} ") and "backend:" not in res.stderr  # refused before the batch
    assert report.read_bytes() == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and link.is_symlink()


def test_dash_writes_to_standard_output(tmp_path: Path) -> None:
    res = run(["extract", LIJIANG, BAOSHAN, "-o", "-", "-b", "rules"], tmp_path)
    assert res.exit_code == 0, res.output
    assert sorted(json.loads(ln)["source"] for ln in res.stdout.splitlines()) == sorted([LIJIANG, BAOSHAN])


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_output_follows_the_umask_and_an_existing_one_keeps_its_mode(umask: int, tmp_path: Path) -> None:
    out, kept = tmp_path / "new.jsonl", tmp_path / "kept.jsonl"
    kept.write_text("", encoding="utf-8")
    kept.chmod(0o640)
    for target in (out, kept):
        proc = subprocess.run([*console_script(), "extract", LIJIANG, "-o", str(target), "-b", "rules"],
                              env=cli_env(tmp_path), capture_output=True, text=True, timeout=120,
                              preexec_fn=lambda: os.umask(umask))
        assert proc.returncode == 0, proc.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    assert read_jsonl(kept)[0]["proactive"]["total"] == 34596


def test_csv_has_error_and_warnings_columns(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    missing = str(tmp_path / "nope.txt")
    res = run(["extract", LIJIANG, missing, "-o", str(out), "-f", "csv", "-b", "rules"], tmp_path)
    assert res.exit_code == 1
    import csv

    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = {r["source"]: r for r in csv.DictReader(fh)}
    assert rows[missing]["error"] == f"{missing}: no such file" and rows[missing]["issuer"] == ""
    assert rows[LIJIANG]["error"] == "" and rows[LIJIANG]["proactive.total"] == "34596"
    assert rows[LIJIANG]["warnings"] == "；".join(extract_document(LIJIANG, "rules", Settings()).warnings)


# ------------------------------------------------------------------ --resume


def test_resume_skips_what_is_done_and_redoes_errors_changes_and_torn_lines(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (docs / name).write_text(Path(LIJIANG).read_text(encoding="utf-8"), encoding="utf-8")
    (docs / "d.txt").write_bytes(b"")  # an error record, retried on resume
    out = tmp_path / "out.jsonl"
    first = run(["extract", str(docs), "-o", str(out), "-b", "rules"], tmp_path)
    assert first.exit_code == 1
    assert len(read_jsonl(out)) == 4
    # b changes, a's line is torn as by kill -9 mid-write, d is fixed.
    (docs / "b.txt").write_text(Path(BAOSHAN).read_text(encoding="utf-8"), encoding="utf-8")
    (docs / "d.txt").write_text(Path(LIJIANG).read_text(encoding="utf-8"), encoding="utf-8")
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    a_line = next(ln for ln in lines if '"source": "' + str(docs / "a.txt") in ln)
    out.write_text("".join(ln for ln in lines if ln != a_line) + a_line[:100], encoding="utf-8")
    again = run(["extract", str(docs), "-o", str(out), "-b", "rules", "--resume"], tmp_path)
    assert again.exit_code == 0, again.output
    assert "documents: 3 (0 failed)" in again.stderr and "already done: 1" in again.stderr
    records = {r["source"]: r for r in read_jsonl(out)}  # every line whole, each document once
    assert len(read_jsonl(out)) == 4 and sorted(Path(s).name for s in records) == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert records[str(docs / "b.txt")]["applications"]["received"] == 610
    assert all(r["error"] is None for r in records.values())
    # Nothing left to do; another backend or another version would redo all.
    third = run(["extract", str(docs), "-o", str(out), "-b", "rules", "--resume"], tmp_path)
    assert third.exit_code == 0 and "documents: 0 (0 failed)" in third.stderr and "already done: 4" in third.stderr
    assert not (tmp_path / "out.jsonl.resume-tmp").exists()


def test_resume_into_csv(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert run(["extract", LIJIANG, "-o", str(out), "-f", "csv", "-b", "rules"], tmp_path).exit_code == 0
    again = run(["extract", LIJIANG, BAOSHAN, "-o", str(out), "-f", "csv", "-b", "rules", "--resume"], tmp_path)
    assert again.exit_code == 0 and "already done: 1" in again.stderr
    import csv

    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    with open(out, encoding="utf-8-sig", newline="") as fh:
        assert sorted(r["source"] for r in csv.DictReader(fh)) == sorted([LIJIANG, BAOSHAN])


# ------------------------------------------------------------------ signals to a real process


def slow_inputs(tmp_path: Path, n: int = 6) -> list[str]:
    """Reports of about 1 MB: a dozen seconds each for the rules, so a batch is still running
    when the signal comes."""
    seed = big_report(tmp_path, 1)
    paths = []
    for i in range(n):
        p = tmp_path / f"slow{i}.txt"
        p.write_bytes(seed.read_bytes())
        paths.append(str(p))
    return [LIJIANG, *paths]


def children(pid: int) -> set[int]:
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def start_batch(tmp_path: Path, inputs: list[str], out: Path, *extra: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([*console_script(), "extract", *inputs, "-o", str(out), "-b", "rules", *extra],
                            env=cli_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the first (small) report is written: the batch is under way
        if out.exists() and out.read_text(encoding="utf-8").count("\n") >= 1:
            return proc
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("the batch never wrote its first record")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_batch_keeps_its_records_and_leaves_no_worker(sig: int, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    inputs = slow_inputs(tmp_path)
    proc = start_batch(tmp_path, inputs, out)
    workers = children(proc.pid)
    assert workers  # the documents are read in worker processes
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)  # not the minutes the queued documents would take
    assert proc.returncode == 128 + sig
    records = read_jsonl(out)  # a valid file: whole lines only
    assert [r["source"] for r in records][:1] == [LIJIANG] and records[0]["proactive"]["total"] == 34596
    assert f"interrupted ({signal.Signals(sig).name}): {len(records)} record(s) written to {out}" in err
    assert f"{len(inputs) - len(records)} document(s) not done; rerun with --resume" in err
    time.sleep(0.5)
    assert not [w for w in workers if alive(w)]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_kill_9_leaves_whole_records_and_no_hidden_file_and_resume_finishes(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    inputs = slow_inputs(tmp_path, 2)
    proc = start_batch(tmp_path, inputs, out)
    workers = children(proc.pid)
    proc.kill()
    proc.wait()
    time.sleep(0.5)
    assert not [w for w in workers if alive(w)]  # the workers die with the tool
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert read_jsonl(out)[0]["source"] == LIJIANG
    res = run(["extract", *inputs, "-o", str(out), "-b", "rules", "--resume"], tmp_path)
    assert res.exit_code == 0, res.output
    assert sorted(r["source"] for r in read_jsonl(out)) == sorted(inputs)


# ------------------------------------------------------------------ the model endpoint

REPORT = """测试区人民政府2023年政府信息公开工作年度报告（测试文档）
一、总体情况
2023年，本区主动公开政府信息120条。
五、政府信息公开行政复议、行政诉讼情况
全区因政府信息公开引起的行政复议57件，行政诉讼33件。
"""
healthy = chooser(first_with({"reconsideration_total": 57.0, "litigation_total": 33.0, "proactive_total": 120.0}))


def is_remedies(body: dict[str, Any]) -> bool:
    return asks(body, "reconsideration_total")


def is_meta(body: dict[str, Any]) -> bool:
    """The written prompt for issuer, year and date (asked in hybrid too: the rules leave the date open)."""
    return choice_prompt(body) is None and "publish_date" in body["messages"][-1]["content"]


@pytest.fixture
def report(tmp_path: Path) -> str:
    p = tmp_path / "report.txt"
    p.write_text(REPORT, encoding="utf-8")
    return str(p)


def model_args(server: FakeServer, *extra: str) -> list[str]:
    return ["--base-url", server.base_url, "--model", "test", "--api-key", "x", *extra]


def test_a_refused_connection_fails_the_batch_at_once(tmp_path: Path, report: str) -> None:
    from extractor.local import free_port

    out = tmp_path / "out.jsonl"
    res = run(["extract", report, report, "-o", str(out), "-b", "llm", "--base-url",
               f"http://127.0.0.1:{free_port()}/v1", "--model", "m"], tmp_path)
    assert res.exit_code == 1
    assert "error: cannot connect to the model endpoint http://127.0.0.1:" in res.stderr
    assert not out.exists()  # no document was started


@pytest.mark.parametrize(("status", "models", "message"), [
    (401, (), "refused the API key (HTTP 401)"),
    (404, (), "no OpenAI-compatible API at"),
    (503, (), "answered HTTP 503"),
    (200, ("qwen", "llama"), "model 'test' is not served at"),
])
def test_the_endpoint_is_checked_once_before_the_batch(status: int, models: tuple[str, ...], message: str,
                                                       tmp_path: Path, report: str) -> None:
    with FakeServer(healthy, models=models, models_status=status) as server:
        res = run(["extract", report, "-o", str(tmp_path / "out.jsonl"), "-b", "hybrid", *model_args(server)],
                  tmp_path)
        assert server.requests == []  # not one completion asked
    assert res.exit_code == 1 and message in res.stderr
    if models:
        assert "it serves: qwen, llama" in res.stderr


def test_preflight_passes_a_listed_model() -> None:
    with FakeServer(healthy, models=("test",)) as server:
        preflight(Settings(base_url=server.base_url, model="test", api_key="x"))


def test_a_slow_drip_answer_is_cut_off_at_the_call_deadline(tmp_path: Path, report: str) -> None:
    def drip(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        return 200, {}, Drip(completion(json.dumps({"reconsideration_total": 0})), every=0.2)

    with FakeServer(drip) as server:
        settings = Settings(base_url=server.base_url, model="test", api_key="x", cache_dir=tmp_path / "c",
                            timeout=1.0, max_retries=3, retry_budget=60.0)
        t0 = time.monotonic()
        r = extract_document(report, "llm", settings)
        took = time.monotonic() - t0
        asked = len(server.requests)
    assert r.error is not None and report in r.error and "timed out" in r.error
    # Timed out twice, then given up; the document's other prompts were not sent to a dead end.
    assert asked == 2
    assert took < 30  # a generous bound: the drip alone would take minutes


def test_the_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EXTRACTOR_TIMEOUT", "7.5")
    monkeypatch.setenv("EXTRACTOR_DOCUMENT_TIMEOUT", "90")
    s = Settings.from_env()
    assert (s.timeout, s.document_timeout) == (7.5, 90.0)
    assert Settings.from_env(timeout=3.0).timeout == 3.0  # the flag wins
    monkeypatch.setenv("EXTRACTOR_TIMEOUT", "soon")
    with pytest.raises(ValueError, match="EXTRACTOR_TIMEOUT='soon' is not a number of seconds"):
        Settings.from_env()


def test_a_huge_answer_is_refused_quickly_with_a_short_warning(tmp_path: Path, report: str) -> None:
    huge = {"issuer": "测试区人民政府", "issuer_quote": "测试区人民政府" * 150_000}  # about 3 MB of JSON

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        return 200, {}, completion(json.dumps(huge if is_meta(body) else {}, ensure_ascii=False))

    with FakeServer(script) as server:
        settings = Settings(base_url=server.base_url, model="test", api_key="x", cache_dir=tmp_path / "c")
        r = extract_document(report, "hybrid", settings)
        meta = [b for b in server.requests if is_meta(b)]
    # The rules left only the date open: one prompt, the meta one, asked once and not retried.
    assert len(meta) == len(server.requests) == 1
    warning = next(w for w in r.warnings if "over the 64 KB limit" in w)
    assert warning.startswith("model unavailable for this document, rules only") and len(warning) < 200
    assert r.record.issuer == "测试区人民政府" and r.record.reconsideration.total == 57  # the rules still read the report


def test_an_empty_answer_is_not_cached(tmp_path: Path, report: str) -> None:
    cache = tmp_path / "cache"
    with FakeServer(lambda body: (200, {}, completion("{}"))) as broken:
        first = extract_document(report, "llm", Settings(base_url=broken.base_url, model="test", api_key="x",
                                                         cache_dir=cache))
    assert first.record.reconsideration.total is None
    with FakeServer(healthy) as server:
        second = extract_document(report, "llm", Settings(base_url=server.base_url, model="test", api_key="x",
                                                          cache_dir=cache))
        assert any(is_remedies(b) for b in server.requests)
    assert second.record.reconsideration.total == 57


def unauthorised(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    return 401, {}, {"error": {"message": "invalid api key", "type": "auth"}}


@pytest.mark.parametrize("backend", ["llm", "hybrid", "auto"])
def test_a_model_that_failed_fails_the_run_in_every_backend_that_asked_it(backend: str, tmp_path: Path,
                                                                          report: str) -> None:
    out = tmp_path / "out.jsonl"
    with FakeServer(unauthorised) as server:
        res = run(["extract", report, "-o", str(out), "-b", backend, *model_args(server)], tmp_path)
        allowed = run(["extract", report, "-o", str(out), "-b", backend, *model_args(server),
                       "--allow-model-failure"], tmp_path)
    assert res.exit_code == 1
    assert "the model failed on 1 document(s)" in res.stderr and "--allow-model-failure accepts" in res.stderr
    assert allowed.exit_code == 0, allowed.output
    assert "the model failed on 1 document(s)" in allowed.stderr and "rules values kept" in allowed.stderr
    (rec,) = read_jsonl(out)
    assert rec["error"] is None and rec["reconsideration"]["total"] == 57  # the rules' value
    assert rec["usage"]["model_errors"] >= 1


def test_some_prompts_failing_with_400_is_not_silent(tmp_path: Path, report: str) -> None:
    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        if is_remedies(body):
            return 400, {}, {"error": {"message": "context length exceeded", "type": "invalid"}}
        return healthy(body)

    out = tmp_path / "out.jsonl"
    with FakeServer(script) as server:
        res = run(["extract", report, "-o", str(out), "-b", "llm", *model_args(server)], tmp_path)
    assert res.exit_code == 1 and "the model failed on 1 document(s)" in res.stderr
    (rec,) = read_jsonl(out)
    assert rec["error"] is None and rec["proactive"]["total"] == 120
    assert any("HTTP 400" in w and "context length exceeded" in w for w in rec["warnings"])


# ------------------------------------------------------------------ the bundled server never outlives the tool

FAKE_LLAMA = '''
import json, os, signal, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

signal.signal(signal.SIGTERM, signal.SIG_IGN)  # as llama.cpp's server with a request in flight
port = int(sys.argv[sys.argv.index("--port") + 1])
marks = os.environ["FAKE_LLAMA_MARKS"]
with open(os.path.join(marks, "pid"), "w") as fh:
    fh.write(str(os.getpid()))


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_GET(self):
        body = json.dumps({"data": [{"id": "qwen2.5-coder-0.5b-instruct"}]}).encode()
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        open(os.path.join(marks, "asked"), "w").close()
        time.sleep(3600)


ThreadingHTTPServer(("127.0.0.1", port), H).serve_forever()
'''


def fake_llama(tmp_path: Path) -> dict[str, str]:
    """A stand-in `python -m llama_cpp.server` on PYTHONPATH and a model file where the bundled
    one is looked for (sparse, with its stamp: nothing is assembled)."""
    from extractor.local import GGUF_NAME, GGUF_SHA256, GGUF_SIZE

    pkg = tmp_path / "fake" / "llama_cpp"
    (pkg / "server").mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "server" / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "server" / "__main__.py").write_text(FAKE_LLAMA, encoding="utf-8")
    models = tmp_path / "cache" / "models"
    models.mkdir(parents=True)
    with open(models / GGUF_NAME, "wb") as fh:
        fh.truncate(GGUF_SIZE)
    (models / GGUF_NAME).with_suffix(".sha256").write_text(GGUF_SHA256 + "\n", encoding="utf-8")
    marks = tmp_path / "marks"
    marks.mkdir()
    env = cli_env(tmp_path)
    env.update(PYTHONPATH=str(tmp_path / "fake"), FAKE_LLAMA_MARKS=str(marks))
    return env


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_bundled_server_dies_with_the_tool_even_with_a_request_in_flight(sig: int, tmp_path: Path,
                                                                             report: str) -> None:
    env = fake_llama(tmp_path)
    marks = Path(env["FAKE_LLAMA_MARKS"])
    proc = subprocess.Popen([*console_script(), "extract", report, "-o", str(tmp_path / "out.jsonl"), "-b", "llm",
                             "--timeout", "600"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while not (marks / "asked").exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert (marks / "asked").exists(), proc.communicate()[1]
    server = int((marks / "pid").read_text())
    assert alive(server)
    proc.send_signal(sig)
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10  # SIGTERM, a grace of 3 s, then SIGKILL
    while alive(server) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(server)
    if sig == signal.SIGTERM:
        assert proc.returncode == 128 + sig
