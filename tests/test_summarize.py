"""Executive summaries: figures from the verified record with its evidence, prose whose every number
is in the source, deterministic without a model, re-asked then trimmed with one (a fake server)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import EXAMPLES, rules_result
from fakeserver import FakeServer, completion
from typer.testing import CliRunner

from extractor.cli import app
from extractor.config import Settings
from extractor.ingest import read_document
from extractor.numbers import numbers_in
from extractor.schema import NUMERIC_FIELDS, Summary, get_field
from extractor.summarize import (
    FIGURE_ORDER,
    SummaryAnswer,
    faithful,
    record_values,
    summarize_document,
    summarize_result,
)

TXT = sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".txt")
LIJIANG = EXAMPLES / "000_3594167f04f41521.txt"
LOST_TABLES = EXAMPLES / "001_4e27ee25e39c86a7.txt"


def rules_summary(path: Path, lang: str = "zh") -> tuple[Summary, str]:
    doc = read_document(str(path))
    return summarize_result(doc, rules_result(path), lang), doc.text


def prose(summary: Summary) -> list[str]:
    return [summary.headline, *summary.problems, *summary.next_steps]


# ------------------------------------------------------------------ without a model


@pytest.mark.parametrize("path", TXT, ids=lambda p: p.name[:3])
def test_rules_summary_is_faithful_and_its_figures_are_the_records(path: Path) -> None:
    summary, text = rules_summary(path)
    result = rules_result(path)
    assert Summary.model_validate(summary.model_dump(mode="json")) == summary
    assert summary.lang == "zh" and summary.backend == "rules" and summary.headline.endswith("。")
    # Every number of the prose is one the document writes.
    source = {round(float(n), 4) for n in numbers_in(text)}
    for sentence in prose(summary):
        assert all(round(float(n), 4) in source for n in numbers_in(sentence)), sentence
    assert faithful(summary, text, record_values(result)) == []
    # Key figures: the record's own values and evidence, in the order of importance.
    assert 3 <= len(summary.key_figures) <= 5
    for kf in summary.key_figures:
        assert kf.value == get_field(result.record, kf.field) is not None
        assert kf.evidence == result.evidence[kf.field]
        assert text[kf.evidence.start : kf.evidence.end] == kf.evidence.quote
    fields = [kf.field for kf in summary.key_figures]
    assert fields == sorted(fields, key=FIGURE_ORDER.index)
    assert summary.problems == (result.record.problems or [])[:5]
    assert summary.next_steps == (result.record.improvements or [])[:5]


def test_lijiang_headline_is_built_from_verified_values() -> None:
    summary, _ = rules_summary(LIJIANG)
    assert summary.headline == "丽江市人民政府2017年政府信息公开工作年度报告：主动公开政府信息34596条，受理依申请公开130件。"
    assert [kf.field for kf in summary.key_figures][:3] == ["applications.received", "proactive.total", "applications.granted"]
    assert summary.warnings == []


def test_report_with_lost_tables_states_no_figure_it_does_not_have() -> None:
    summary, _ = rules_summary(LOST_TABLES)
    record = rules_result(LOST_TABLES).record
    non_null = {n for n in NUMERIC_FIELDS if get_field(record, n) is not None}
    fields = {kf.field for kf in summary.key_figures}
    assert fields <= non_null
    assert fields == {"applications.received", "proactive.website", "proactive.policy_interpretations"}
    # Nothing from the lost tables (sections 二–四): no outcomes, remedies, fees, totals.
    lost = {"proactive.total", "applications.granted", "applications.denied", "applications.total_processed",
            "reconsideration.total", "litigation.total", "fees.collected"}
    assert not fields & lost
    stated = {float(get_field(record, f)) for f in fields} | {2020.0}
    for sentence in prose(summary):  # figures in digits (进一步 parses as a 1, and is in the report)
        assert {float(n) for n in re.findall(r"\d+(?:\.\d+)?", sentence)} <= stated, sentence
    assert summary.headline == "个旧市2020年政府信息公开工作年度报告：政府网站发布信息3354条，受理依申请公开4封。"


def test_english_rules_summary_keeps_chinese_names_and_quotes() -> None:
    summary, text = rules_summary(LIJIANG, lang="en")
    assert summary.lang == "en"
    assert summary.headline.startswith("丽江市人民政府 (Municipal People's Government), 2017 annual report")
    assert "34,596 items disclosed proactively" in summary.headline
    assert faithful(summary, text, record_values(rules_result(LIJIANG))) == []
    assert summary.problems and all("quoted from the report" in p for p in summary.problems)
    assert "部分单位对政府信息公开的重要性认识不足" in summary.problems[0]


def test_faithful_binds_each_number_to_the_field_its_sentence_names() -> None:
    text = "2017年主动公开政府信息34596条，受理申请130件。"
    values = {"proactive.total": 34596, "applications.received": 130, "report_year": 2017}

    def s(headline: str, problems: list[str] | None = None) -> Summary:
        return Summary(source="x", headline=headline, problems=problems or [])

    assert faithful(s("2017年主动公开3.4596万条。"), text, values) == []
    assert faithful(s("In 2017, 34,596 items; 130 applications."), text, values) == []
    assert faithful(s("主动公开34596条。受理99999件。"), text, values) == ["受理99999件。"]
    assert faithful(s("2031年主动公开34596条。"), text, values) == ["2031年主动公开34596条。"]  # a year counts too
    assert faithful(s("标题。", ["人手不足。", "共有57件积压。"]), text, values) == ["共有57件积压。"]
    # A number the report writes, attached to the wrong subject: 34596 is the proactive total.
    wrong = "丽江市人民政府2017年受理依申请公开34596件。"
    assert faithful(s(wrong), text, values) == [wrong]
    assert faithful(s("In 2017, 99 applications."), text, values) == ["In 2017, 99 applications."]


# ------------------------------------------------------------------ the command line


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> CliRunner:
    for k in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "EXTRACTOR_MODEL"):
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("EXTRACTOR_CACHE_DIR", str(tmp_path / "cache"))
    return CliRunner()


def test_cli_markdown(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    r = runner.invoke(app, ["summarize", str(LIJIANG), str(LOST_TABLES), "--backend", "rules", "--format", "md",
                            "-o", str(out)])
    assert r.exit_code == 0, r.output
    md = out.read_text(encoding="utf-8")
    assert md.count("\n## ") == 2
    assert "## 丽江市人民政府 · 2017年" in md and "## 个旧市 · 2020年" in md
    assert "**丽江市人民政府2017年政府信息公开工作年度报告：主动公开政府信息34596条，受理依申请公开130件。**" in md
    assert "| 字段 | 数值 | 原文 |" in md
    assert "| 主动公开政府信息 `proactive.total` | 34596 | 主动公开政府信息34596条 |" in md
    assert "### 主要问题" in md and "### 下一步" in md and "- 进一步提高思想认识" in md


def test_cli_markdown_in_english(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["summarize", str(LIJIANG), "--backend", "rules", "--format", "md", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "| Field | Value | Quote |" in r.stdout and "### Next steps" in r.stdout
    assert "| items disclosed proactively `proactive.total` | 34,596 |" in r.stdout


def test_cli_jsonl_with_a_missing_path_exits_1_and_writes_the_others(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "summaries.jsonl"
    missing = str(tmp_path / "nope.txt")
    r = runner.invoke(app, ["summarize", str(LIJIANG), missing, str(LOST_TABLES), "--backend", "rules", "-o", str(out)])
    assert r.exit_code == 1
    # Written as documents finish: in input order here, one worker for two cores' worth of rules.
    order = [str(LIJIANG), missing, str(LOST_TABLES)]
    lines = sorted((json.loads(ln) for ln in out.read_text(encoding="utf-8").splitlines()),
                   key=lambda ln: order.index(ln["source"]))
    assert [ln["source"] for ln in lines] == order
    assert lines[1]["error"] and missing in lines[1]["error"] and "headline" not in lines[1]
    for ln in (lines[0], lines[2]):
        assert ln.pop("error") is None
        s = Summary.model_validate(ln)
        assert s.key_figures and s.headline
    assert lines[0]["key_figures"][1] == {
        "field": "proactive.total", "value": 34596,
        "evidence": rules_result(LIJIANG).evidence["proactive.total"].model_dump(mode="json")}


# ------------------------------------------------------------------ with a model (a fake server)


def is_summary(body: dict[str, Any]) -> bool:
    return any("执行摘要" in (m.get("content") or "") for m in body["messages"])


def scripted(summary_answer: dict[str, Any]) -> Any:
    """The summary prompt gets `summary_answer`; the extraction prompts get nothing (so the hybrid
    record is the rules record)."""

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        content = summary_answer if is_summary(body) else {}
        return 200, {}, completion(json.dumps(content, ensure_ascii=False))

    return script


def model_settings(server: FakeServer, tmp_path: Path) -> Settings:
    return Settings(base_url=server.base_url, model="test", api_key="x", cache_dir=tmp_path / "cache",
                    max_retries=1, retry_budget=10.0, timeout=5.0, concurrency=1)


def test_unfaithful_model_headline_is_reasked_once_then_dropped_with_a_warning(tmp_path: Path) -> None:
    answer = {"headline": "丽江市人民政府2017年主动公开政府信息99999条。",
              "problems": ["部分单位对政府信息公开的重要性认识不足。"],
              "next_steps": ["进一步提高思想认识。计划培训8888人次。"]}
    with FakeServer(scripted(answer)) as server:
        outcome = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
        asked = [b for b in server.requests if is_summary(b)]
    assert outcome.error is None and outcome.summary is not None
    s = outcome.summary
    assert len(asked) == 2  # the answer, and one re-ask naming the numbers
    reask = json.dumps(asked[1]["messages"][1:], ensure_ascii=False)
    assert "99999" in reask and "8888" in reask
    # Still wrong after the re-ask: the offending sentences go, the rest stays, each is named.
    assert "99999" not in s.headline
    assert s.headline == "丽江市人民政府2017年政府信息公开工作年度报告：主动公开政府信息34596条，受理依申请公开130件。"
    assert s.next_steps == ["进一步提高思想认识。"]
    assert s.problems == ["部分单位对政府信息公开的重要性认识不足。"]
    assert any(w.startswith("unfaithful") and "headline:" in w and "99999" in w for w in s.warnings)
    assert any(w.startswith("unfaithful") and "next_steps:" in w and "8888" in w for w in s.warnings)
    assert any("headline written from the record" in w for w in s.warnings)
    text = LIJIANG.read_text(encoding="utf-8")
    assert faithful(s, text, record_values(rules_result(LIJIANG))) == []
    assert s.backend == "hybrid" and [kf.field for kf in s.key_figures][:2] == ["applications.received", "proactive.total"]


def test_faithful_model_summary_is_kept_and_cached(tmp_path: Path) -> None:
    answer = {"headline": "丽江市人民政府2017年主动公开政府信息3.4596万条，受理依申请公开130件。",
              "problems": ["部分单位对政府信息公开重要性认识不足", "工作力量较为薄弱"],
              "next_steps": ["深入推进政策解读工作"]}
    with FakeServer(scripted(answer)) as server:
        first = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
        n_summary = sum(is_summary(b) for b in server.requests)
        again = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
        n_after = sum(is_summary(b) for b in server.requests)
    assert first.summary is not None and again.summary is not None
    assert n_summary == 1 and n_after == 1  # the second run is served from the cache
    s = first.summary
    assert (s.headline, s.problems, s.next_steps) == (answer["headline"], answer["problems"], answer["next_steps"])
    assert s.warnings == []
    assert again.summary == s
    # The extraction prompts, answered {}, are asked again: an empty answer is never cached.
    assert again.result.usage.cache_hits >= 1
    prompt = next(b for b in server.requests if is_summary(b))["messages"][-1]["content"]
    assert "主动公开政府信息（proactive.total）: 34596" in prompt and "未形成长效管理机制" in prompt
    assert "参考标题：丽江市人民政府2017年政府信息公开工作年度报告：主动公开政府信息34596条" in prompt


def test_a_pasted_paragraph_keeps_its_first_sentence(tmp_path: Path) -> None:
    long_step = "进一步提高思想认识。" + "把推进信息公开工作作为加强自身建设、提高服务水平的重要内容。" * 3
    answer = {"headline": "丽江市人民政府2017年政府信息公开工作年度报告。", "problems": [], "next_steps": [long_step]}
    with FakeServer(scripted(answer)) as server:
        outcome = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
    assert outcome.summary is not None
    assert outcome.summary.next_steps == ["进一步提高思想认识。"]
    assert outcome.summary.problems == rules_result(LIJIANG).record.problems  # none from the model: the record's


def test_english_model_summary_is_asked_for_in_english(tmp_path: Path) -> None:
    answer = {"headline": "Lijiang Municipal People's Government (丽江市人民政府) disclosed 34,596 items in 2017.",
              "problems": ["Some units underrate disclosure."], "next_steps": ["Deepen policy interpretation."]}
    with FakeServer(scripted(answer)) as server:
        outcome = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path), lang="en")
        prompt = next(b for b in server.requests if is_summary(b))["messages"][-1]["content"]
    assert "English" in prompt and "Lijiang Municipal People's Government" in prompt
    assert outcome.summary is not None and outcome.summary.lang == "en"
    assert outcome.summary.headline == answer["headline"] and outcome.summary.warnings == []


def test_a_headline_that_does_not_name_the_body_is_replaced_and_chinese_items_are_marked(tmp_path: Path) -> None:
    # What the bundled 0.5B model once answered in English mode: a schema title and Chinese items.
    answer = {"headline": "SummaryAnswer", "problems": ["部分单位对政府信息公开的重要性认识不足;"],
              "next_steps": ["Deepen policy interpretation."]}
    with FakeServer(scripted(answer)) as server:
        outcome = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path), lang="en")
    s = outcome.summary
    assert s is not None
    assert s.headline == rules_summary(LIJIANG, lang="en")[0].headline
    assert any("does not name 丽江市" in w for w in s.warnings)
    assert s.problems == ["“部分单位对政府信息公开的重要性认识不足” (in Chinese: not translated)"]
    assert s.next_steps == ["Deepen policy interpretation."]


def test_failed_model_summary_falls_back_to_the_deterministic_one(tmp_path: Path) -> None:
    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        if is_summary(body):
            return 400, {}, {"error": {"message": "context too long", "type": "invalid"}}
        return 200, {}, completion("{}")

    with FakeServer(script) as server:
        outcome = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
    s = outcome.summary
    assert outcome.error is None and s is not None
    assert s.headline == rules_summary(LIJIANG)[0].headline and s.problems
    assert any("model summary failed" in w and "HTTP 400" in w for w in s.warnings)


def test_cached_answer_validates_without_a_source() -> None:
    # A cached answer is re-validated without context: no source text, no check, no error.
    a = SummaryAnswer.model_validate({"headline": "共99999条。", "problems": [], "next_steps": []})
    assert a.headline == "共99999条。"
