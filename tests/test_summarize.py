"""Executive summaries: headline and figures from the verified record, every problem and next
step a sentence of the report with its quote, one language per summary; deterministic without a
model, chosen among the report's sentences with one (a fake server)."""

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
from extractor.pipeline import extract_from
from extractor.schema import NUMERIC_FIELDS, Document, Summary, SummaryItem, get_field
from extractor.sections import find_sections
from extractor.summarize import FIGURE_ORDER, record_values, summarize_document, summarize_result
from extractor.summary_checks import english_words, faithful, foreign_names, item_problem, summary_prose
from extractor.summary_items import status

TXT = sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".txt")
ALL = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".pdf"))
LIJIANG = EXAMPLES / "000_3594167f04f41521.txt"
LOST_TABLES = EXAMPLES / "001_4e27ee25e39c86a7.txt"
CHUXIONG = EXAMPLES / "002_5cec5e21dad6abe7.txt"
HUAIAN = EXAMPLES / "huaian_2024_report.pdf"


def rules_summary(path: Path, lang: str = "zh") -> tuple[Summary, str]:
    doc = read_document(str(path))
    return summarize_result(doc, rules_result(path), lang), doc.text


def prose(summary: Summary) -> list[str]:
    return [summary.headline, *(i.text for i in summary.problems), *(i.text for i in summary.next_steps)]


# ------------------------------------------------------------------ without a model


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name[:6])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rules_summary_is_traceable_and_its_figures_are_the_records(path: Path, lang: str) -> None:
    summary, text = rules_summary(path, lang)
    result = rules_result(path)
    assert Summary.model_validate(summary.model_dump(mode="json")) == summary
    assert summary.lang == lang and summary.backend == "rules"
    assert faithful(summary, text, record_values(result)) == []
    # Every problem and next step is a sentence of the report, at its offsets, and says only it.
    assert summary.problems and summary.next_steps
    for item in [*summary.problems, *summary.next_steps]:
        assert text[item.start:item.end] == item.quote and item_problem(item, text, lang) is None
    assert summary.problems_status == summary.next_steps_status == "stated"
    # Key figures: the record's own values and evidence, in the order of importance, each with
    # its label and a pointer a person can read (never a bare row of numbers).
    assert 3 <= len(summary.key_figures) <= 5
    for kf in summary.key_figures:
        assert kf.value == get_field(result.record, kf.field) is not None
        assert kf.evidence == result.evidence[kf.field]
        assert kf.label and re.search(r"[\u4e00-\u9fff]", kf.where), kf.where
        assert not re.fullmatch(r"[\d\s|.,]+", kf.where)
    fields = [kf.field for kf in summary.key_figures]
    assert fields == sorted(fields, key=FIGURE_ORDER.index)
    if lang == "zh":  # Chinese throughout, warnings included
        assert [w for s in summary_prose(summary) for w in english_words(s)] == []


def test_lijiang_headline_and_items_are_the_reports() -> None:
    summary, _ = rules_summary(LIJIANG)
    assert summary.headline == "丽江市人民政府2017年政府信息公开工作年度报告：主动公开政府信息34596条，受理依申请公开130件。"
    assert [kf.field for kf in summary.key_figures][:3] == ["applications.received", "proactive.total", "applications.granted"]
    assert summary.key_figures[1].where == "主动公开政府信息34596条"
    assert summary.problems[0].text == "部分单位对政府信息公开的重要性认识不足,未形成长效管理机制"
    assert summary.problems[0].quote == summary.problems[0].text  # the record's item and its evidence
    assert summary.warnings == []


def test_a_table_figure_shows_its_table_row_and_column() -> None:
    summary, _ = rules_summary(HUAIAN)
    where = {kf.field: kf.where for kf in summary.key_figures}
    assert where["applications.received"] == "表三 · 本年新收政府信息公开申请数量 · 总计"
    assert where["reconsideration.total"] == "表四 · 行政复议 · 总计"
    en, _ = rules_summary(HUAIAN, "en")
    assert en.key_figures[0].where == "Table 3, row “本年新收政府信息公开申请数量”, column “总计”"


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
    assert summary.headline == "个旧市2020年政府信息公开工作年度报告：政府网站发布信息3354条，受理依申请公开4封。"
    stated = {float(get_field(record, f)) for f in fields} | {2020.0}
    assert {float(n) for n in re.findall(r"\d+(?:\.\d+)?", summary.headline)} <= stated


def test_english_rules_summary_keeps_chinese_names_and_quotes() -> None:
    summary, text = rules_summary(LIJIANG, lang="en")
    assert summary.headline.startswith(
        "丽江市人民政府 (Municipal People's Government), annual report on government information disclosure (2017)")
    assert "34,596 items disclosed proactively" in summary.headline
    # No model, no translation: each item is the report's sentence, marked as not translated.
    assert summary.problems and not any(i.translated for i in summary.problems)
    assert summary.problems[0].quote.startswith("部分单位对政府信息公开的重要性认识不足")
    assert summary.warnings == ["no model: problems and next steps are the report's Chinese sentences, not translated"]


def test_items_come_from_the_problems_part_when_the_record_has_no_list() -> None:
    # The rules could not split the lists: the part's own sentences stand in, never "not stated".
    doc = read_document(str(CHUXIONG))
    result = rules_result(CHUXIONG).model_copy(deep=True)
    result.record.problems = result.record.improvements = None
    summary = summarize_result(doc, result, "zh")
    assert [i.text for i in summary.problems][:3] == [
        "2017年,楚雄市政府信息和政务公开工作中存在的主要问题是政务公开标准体系不健全,公开不规范",
        "政务公开载体建设不完善,公开不全面", "业务培训不足,政务公开人员队伍服务水平还有差距等方面"]
    # "2018年,楚雄市将…从四个方面着力,加强政务公开工作:" leads in to the items: not one of them.
    assert summary.next_steps[0].text == "强化政务公开标准体系建设"
    assert summary.next_steps[1].text.startswith("以基层政务公开标准化规范化试点工作为契机")
    assert summary.problems_status == "stated"


def test_not_stated_only_for_a_report_without_the_part() -> None:
    # Sections 二–四 of a real report: no problems part, no sentence about one.
    text = LIJIANG.read_text(encoding="utf-8")
    sections = find_sections(text)
    lo = next(s.start for s in sections if s.name == "proactive")
    hi = next(s.end for s in sections if s.name == "remedies")
    doc = Document(source="part.txt", text=text[lo:hi], sha256="0" * 64, format="txt")
    result = extract_from(doc, "rules", Settings())
    summary = summarize_result(doc, result, "zh")
    assert (summary.problems, summary.problems_status, summary.next_steps_status) == ([], "not_stated", "not_stated")
    # The whole report names the part (in its overview and its heading): when nothing could be
    # read from it, the summary says so instead of "not stated".
    assert status(text, sections, "problem", []) == status(text, [], "step", []) == "unread"


def test_faithful_binds_headline_numbers_and_checks_items_against_their_quotes() -> None:
    text = "2017年主动公开政府信息34596条，受理申请130件。存在的问题：一是人手不足。"
    values = {"proactive.total": 34596, "applications.received": 130, "report_year": 2017}
    start = text.index("一是人手不足。")
    quote = SummaryItem(text="人手不足", quote="一是人手不足。", start=start, end=start + 7)

    def s(headline: str, *items: SummaryItem, lang: str = "zh") -> Summary:
        return Summary(source="x", headline=headline, problems=list(items), lang=lang)

    assert faithful(s("2017年主动公开3.4596万条。", quote), text, values) == []
    assert faithful(s("In 2017, 34,596 items; 130 applications.", lang="en"), text, values) == []
    assert faithful(s("主动公开34596条。受理99999件。"), text, values) == ["headline: '受理99999件。' states 99999"]
    # A number the report writes, attached to the wrong subject: 34596 is the proactive total.
    assert faithful(s("丽江市人民政府2017年受理依申请公开34596件。"), text, values)
    invented = quote.model_copy(update={"text": "实验设施、设备和人员管理不足"})
    assert faithful(s("标题。", invented), text, values) == [
        "problems: '实验设施、设备和人员管理不足': its words are not its quote's"]
    moved = quote.model_copy(update={"start": 0})
    assert faithful(s("标题。", moved), text, values) == ["problems: '人手不足': its quote is not the report's text"]
    counted = quote.model_copy(update={"text": "人手不足57人"})
    assert faithful(s("标题。", counted), text, values) == ["problems: '人手不足57人': states 57, which its quote does not"]


def test_names_the_report_does_not_hold_are_foreign() -> None:
    text = CHUXIONG.read_text(encoding="utf-8")
    assert foreign_names("the Lijiang Municipal People's Government has not verified the data", text) == ["Lijiang"]
    assert foreign_names("丽江市人民政府尚未核实数据", text) == ["丽江市"]
    assert foreign_names("Chuxiong City will strengthen training", text) == []
    assert foreign_names("楚雄市人民政府将加强培训", text) == []
    assert foreign_names("Strengthen the standard system of open government", text) == []


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
    assert "| 项目 | 数值 | 出处 |" in md
    assert "| 主动公开政府信息 | 34596 | 主动公开政府信息34596条 |" in md
    assert "### 主要问题" in md and "### 下一步" in md and "- 进一步提高思想认识" in md
    # Chinese throughout: no English word outside the source paths of the header lines.
    assert not re.findall(r"[A-Za-z]{2,}", "\n".join(ln for ln in md.splitlines() if not ln.startswith("_")))


def test_cli_markdown_in_english(runner: CliRunner, tmp_path: Path) -> None:
    r = runner.invoke(app, ["summarize", str(LIJIANG), "--backend", "rules", "--format", "md", "--lang", "en"])
    assert r.exit_code == 0, r.output
    assert "| Field | Value | Where |" in r.stdout and "### Next steps" in r.stdout
    assert "| items disclosed proactively | 34,596 | 主动公开政府信息34596条 |" in r.stdout
    assert "- (not translated: no model) “部分单位对政府信息公开的重要性认识不足" in r.stdout


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
        "field": "proactive.total", "value": 34596, "label": "主动公开政府信息", "where": "主动公开政府信息34596条",
        "evidence": rules_result(LIJIANG).evidence["proactive.total"].model_dump(mode="json")}


# ------------------------------------------------------------------ with a model (a fake server)


def is_summary(body: dict[str, Any]) -> bool:
    return any("编了号的原句" in (m.get("content") or "") for m in body["messages"])


def scripted(*answers: dict[str, Any]) -> Any:
    """The summary prompt gets `answers` in turn (the last one again after that); the extraction
    prompts get nothing, so the hybrid record is the rules record."""
    queue = list(answers)

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        if not is_summary(body):
            return 200, {}, completion("{}")
        content = queue.pop(0) if len(queue) > 1 else queue[0]
        return 200, {}, completion(json.dumps(content, ensure_ascii=False))

    return script


def model_settings(server: FakeServer, tmp_path: Path) -> Settings:
    return Settings(base_url=server.base_url, model="test", api_key="x", cache_dir=tmp_path / "cache",
                    max_retries=1, retry_budget=10.0, timeout=5.0, concurrency=1)


def test_the_model_chooses_among_the_reports_sentences_and_shortens_them(tmp_path: Path) -> None:
    answer = {"problems": [{"id": 0, "text": "部分单位重要性认识不足"}, {"id": 1, "text": "工作力量较为薄弱"}],
              "next_steps": [{"id": 8, "text": "深入推进政策解读工作"}]}
    with FakeServer(scripted(answer)) as server:
        first = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
        calls = sum(is_summary(b) for b in server.requests)
        again = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
        calls_after = sum(is_summary(b) for b in server.requests)
        prompt = next(b for b in server.requests if is_summary(b))["messages"][-1]["content"]
    s = first.summary
    assert s is not None and s.warnings == []
    text = LIJIANG.read_text(encoding="utf-8")
    assert [i.text for i in s.problems] == ["部分单位重要性认识不足", "工作力量较为薄弱"]
    assert s.problems[0].quote == text[s.problems[0].start:s.problems[0].end]
    assert s.problems[0].quote.startswith("一是部分单位对政府信息公开的重要性认识不足")
    assert s.next_steps[0].quote == "三是深入推进政策解读工作。"
    # Headline and figures are the record's, whatever the model says.
    assert s.headline == rules_summary(LIJIANG)[0].headline
    assert "[0]（问题）一是部分单位对政府信息公开的重要性认识不足" in prompt and "丽江" not in prompt.split("原句：")[0]
    assert calls == 1 and calls_after == 1 and again.summary == s  # the second run from the cache


def test_invented_problems_give_way_to_the_reports_sentence_after_one_reask(tmp_path: Path) -> None:
    # What the bundled model once wrote for an "experimental zone": problems the report never has.
    bad = {"problems": [{"id": 0, "text": "实验设施、设备和人员管理不到位"}, {"id": 99, "text": "实验安全和隐私保护"}],
           "next_steps": [{"id": 3, "text": "进一步提高思想认识"}]}
    with FakeServer(scripted(bad)) as server:
        outcome = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
        asked = [b for b in server.requests if is_summary(b)]
    s = outcome.summary
    assert s is not None and len(asked) == 2  # the answer, and one re-ask naming what was wrong
    assert "99" in json.dumps(asked[1]["messages"][1:], ensure_ascii=False)
    assert [i.text for i in s.problems] == ["部分单位对政府信息公开的重要性认识不足,未形成长效管理机制"]
    assert [i.text for i in s.next_steps] == ["进一步提高思想认识"]
    assert s.warnings == ["模型选了不存在的原句编号 99，已忽略", "模型对原句 0 的说法未获原文支持（用词超出原句），改用原句"]
    assert [w for x in summary_prose(s) for w in english_words(x)] == []


def test_english_items_are_translations_beside_their_chinese_quotes(tmp_path: Path) -> None:
    answer = {"problems": [{"id": 0, "text": "Standards for open government are incomplete."},
                           {"id": 1, "text": "The Lijiang Municipal People's Government has not verified the data."}],
              "next_steps": [{"id": 4, "text": "Strengthen the standard system."}]}
    with FakeServer(scripted(answer)) as server:
        outcome = summarize_document(str(CHUXIONG), "hybrid", model_settings(server, tmp_path), lang="en")
    s = outcome.summary
    assert s is not None and s.lang == "en"
    assert [(i.text, i.translated) for i in s.problems] == [
        ("Standards for open government are incomplete.", True), ("政务公开载体建设不完善,公开不全面", False)]
    assert s.problems[0].quote.startswith("2017年,楚雄市政府信息和政务公开工作中存在的主要问题")
    assert any("sentence 1 was rejected (names a body the report does not)" in w for w in s.warnings)
    assert "Lijiang" not in json.dumps(s.model_dump(), ensure_ascii=False)


def test_failed_model_summary_falls_back_to_the_reports_sentences(tmp_path: Path) -> None:
    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        if is_summary(body):
            return 400, {}, {"error": {"message": "context too long", "type": "invalid"}}
        return 200, {}, completion("{}")

    with FakeServer(script) as server:
        outcome = summarize_document(str(LIJIANG), "hybrid", model_settings(server, tmp_path))
    s = outcome.summary
    assert outcome.error is None and s is not None
    assert s.problems == rules_summary(LIJIANG)[0].problems
    assert s.warnings == ["模型摘要调用失败，问题与措施取自报告原句"]
