"""The model backend against a local fault server (our own tiny HTTP app on 127.0.0.1):
retries, re-asks, nulls, clear errors, and the cache. No real model here; see test_model.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakeserver import FakeServer, completion

from extractor.cache import cache_key, schema_hash
from extractor.config import Settings
from extractor.llm import TASKS, ground, route
from extractor.pipeline import extract_document
from extractor.prompts import load_prompt
from extractor.schema import Document
from extractor.sections import find_sections

REPORT = """测试区人民政府2023年政府信息公开工作年度报告（测试文档）
一、总体情况
2023年，本区稳步推进政务公开。
五、政府信息公开行政复议、行政诉讼情况
全区因政府信息公开引起的行政复议57件，行政诉讼33件。
"""
REMEDY_ANSWER = {"reconsideration": 57, "reconsideration_quote": "行政复议57件", "litigation": 33,
                 "litigation_quote": "行政诉讼33件", "complaints": None, "complaints_quote": None}


@pytest.fixture
def report(tmp_path: Path) -> str:
    p = tmp_path / "report.txt"
    p.write_text(REPORT, encoding="utf-8")
    return str(p)


def settings(server: FakeServer, tmp_path: Path, **kw: Any) -> Settings:
    base = dict(base_url=server.base_url, model="test", api_key="x", cache_dir=tmp_path / "cache",
                max_retries=3, retry_budget=20.0, timeout=2.0)
    base.update(kw)
    return Settings(**base)


def is_remedies(body: dict[str, Any]) -> bool:
    return "行政复议的件数" in body["messages"][-1]["content"] or any(
        "行政复议的件数" in m["content"] for m in body["messages"])


def answer(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    return 200, {}, completion(json.dumps(REMEDY_ANSWER if is_remedies(body) else {}, ensure_ascii=False))


def test_routing_sends_only_the_remedies_sentence_to_the_remedies_prompt() -> None:
    doc = Document(source="x", text=REPORT, sha256="0", format="txt")
    task = next(t for t in TASKS if t.prompt == "remedies")
    pieces = route(doc, find_sections(REPORT), task)
    assert [p for _, p in pieces] == ["全区因政府信息公开引起的行政复议57件，行政诉讼33件。"]
    assert all(REPORT[off : off + len(p)] == p for off, p in pieces)


def test_values_come_with_verified_evidence(tmp_path: Path, report: str) -> None:
    with FakeServer(answer) as server:
        r = extract_document(report, "llm", settings(server, tmp_path))
    assert r.error is None
    assert r.record.reconsideration.total == 57 and r.record.litigation.total == 33
    assert r.record.complaints.total is None  # the model said null: stays null, never 0
    text = Path(report).read_text(encoding="utf-8")
    for ev in r.evidence.values():
        assert text[ev.start : ev.end] == ev.quote
    assert r.usage.model_calls >= 1 and r.usage.prompt_tokens > 0


def test_429_is_retried_honouring_retry_after(tmp_path: Path, report: str) -> None:
    calls = {"n": 0}

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        calls["n"] += 1
        if calls["n"] == 1:
            return 429, {"retry-after": "0.2"}, {"error": {"message": "slow down", "type": "rate_limit"}}
        return answer(body)

    with FakeServer(script) as server:
        r = extract_document(report, "llm", settings(server, tmp_path))
    assert r.record.reconsideration.total == 57
    assert calls["n"] >= 2


def test_500_is_retried_then_succeeds(tmp_path: Path, report: str) -> None:
    seen: dict[str, int] = {}

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        key = json.dumps(body["messages"], ensure_ascii=False)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= 2:
            return 500, {}, {"error": {"message": "boom", "type": "server_error"}}
        return answer(body)

    with FakeServer(script) as server:
        r = extract_document(report, "llm", settings(server, tmp_path))
    assert r.record.reconsideration.total == 57
    assert all(n == 3 for n in seen.values())


def test_timeouts_exhaust_retries_and_the_document_gets_an_error(tmp_path: Path, report: str) -> None:
    with FakeServer(lambda body: (0, {}, 1.5)) as server:
        r = extract_document(report, "llm", settings(server, tmp_path, timeout=0.3, max_retries=1))
    assert r.error is not None and "timed out" in r.error and report in r.error
    assert r.record.reconsideration.total is None


def test_400_fails_at_once_with_a_clear_message(tmp_path: Path, report: str) -> None:
    with FakeServer(lambda body: (400, {}, {"error": {"message": "bad model name", "type": "invalid"}})) as server:
        r = extract_document(report, "llm", settings(server, tmp_path))
        n_requests = len(server.requests)
    assert r.error is not None and "HTTP 400" in r.error and "bad model name" in r.error
    # One request per routed prompt, none repeated: a 4xx other than 429 is not retried.
    assert n_requests == len({json.dumps(b["messages"], ensure_ascii=False) for b in server.requests})


def test_malformed_json_is_reasked_once_then_the_document_fails_clearly(tmp_path: Path, report: str) -> None:
    with FakeServer(lambda body: (200, {}, completion("{not json"))) as server:
        r = extract_document(report, "llm", settings(server, tmp_path))
        prompts = {json.dumps(b["messages"][:2], ensure_ascii=False) for b in server.requests}
        n_requests = len(server.requests)
    # Every prompt was sent back once with the parse error (a re-ask), then given up.
    assert n_requests == 2 * len(prompts)
    assert r.error is not None and "did not validate after a re-ask" in r.error
    assert r.record.reconsideration.total is None


def test_malformed_answer_for_one_prompt_nulls_only_its_fields(tmp_path: Path, report: str) -> None:
    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        return (200, {}, completion("{not json")) if is_remedies(body) else answer(body)

    with FakeServer(script) as server:
        r = extract_document(report, "llm", settings(server, tmp_path))
    assert r.error is None
    assert r.record.reconsideration.total is None
    assert any("remedies failed" in w and "did not validate" in w for w in r.warnings)


def test_value_without_quote_is_grounded_in_its_clause(tmp_path: Path, report: str) -> None:
    bare = {"reconsideration": 57, "reconsideration_quote": None, "litigation": None}

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        return 200, {}, completion(json.dumps(bare if is_remedies(body) else {}))

    with FakeServer(script) as server:
        r = extract_document(report, "llm", settings(server, tmp_path))
    assert r.record.reconsideration.total == 57
    assert "57" in r.evidence["reconsideration.total"].quote


def test_value_not_in_the_text_is_reasked_then_nulled_with_a_warning(tmp_path: Path, report: str) -> None:
    invented = {"reconsideration": 99, "reconsideration_quote": "行政复议99件", "litigation": 0,
                "litigation_quote": None}
    reasks = {"n": 0}

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        if is_remedies(body):
            if len(body["messages"]) > 2:
                reasks["n"] += 1
            return 200, {}, completion(json.dumps(invented, ensure_ascii=False))
        return 200, {}, completion("{}")

    with FakeServer(script) as server:
        r = extract_document(report, "llm", settings(server, tmp_path))
    assert reasks["n"] == 1  # told once what was wrong
    assert r.record.reconsideration.total is None
    assert r.record.litigation.total is None  # an invented 0 is not kept either
    assert any("reconsideration" in w and "left null" in w for w in r.warnings)


def test_second_run_is_served_from_cache(tmp_path: Path, report: str) -> None:
    with FakeServer(answer) as server:
        first = extract_document(report, "llm", settings(server, tmp_path))
        n = len(server.requests)
        answered = sum(1 for b in server.requests if is_remedies(b))
        second = extract_document(report, "llm", settings(server, tmp_path))
        again = server.requests[n:]
    # The answer with values is served from the cache; the empty answers ({}) were never cached,
    # so only those prompts are asked again.
    assert answered == 1 and not any(is_remedies(b) for b in again)
    assert len(again) == n - answered
    assert first.usage.model_calls == n
    assert second.usage.cache_hits == answered and second.usage.model_calls == n - answered
    assert second.record == first.record


def test_no_cache_calls_again(tmp_path: Path, report: str) -> None:
    with FakeServer(answer) as server:
        extract_document(report, "llm", settings(server, tmp_path))
        n = len(server.requests)
        extract_document(report, "llm", settings(server, tmp_path, use_cache=False))
        assert len(server.requests) == 2 * n


def test_cache_key_changes_with_prompt_schema_model_text_and_sampling(tmp_path: Path) -> None:
    a = load_prompt("remedies")
    other = tmp_path / "remedies.md"
    other.write_text(a.template + "\n补充一句。", encoding="utf-8")
    b = load_prompt("remedies", tmp_path)
    assert a.sha != b.sha
    base = dict(model="m", prompt=a.sha, schema=schema_hash(TASKS[0].response_model), text="t", temperature=0.0,
                max_tokens=512)
    k = cache_key(**base)
    assert cache_key(**{**base, "prompt": b.sha}) != k
    assert cache_key(**{**base, "schema": schema_hash(TASKS[1].response_model)}) != k
    assert cache_key(**{**base, "model": "m2"}) != k
    assert cache_key(**{**base, "text": "u"}) != k
    assert cache_key(**{**base, "temperature": 0.7}) != k
    assert cache_key(**base) == k


def test_hybrid_keeps_rules_value_and_warns_on_disagreement(tmp_path: Path, report: str) -> None:
    wrong = {"reconsideration": 33, "reconsideration_quote": "行政诉讼33件"}

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        return 200, {}, completion(json.dumps(wrong if is_remedies(body) else {}, ensure_ascii=False))

    with FakeServer(script) as server:
        r = extract_document(report, "hybrid", settings(server, tmp_path))
    assert r.record.reconsideration.total == 57  # the rules value
    # The model's 33 is not next to 复议, so grounding rejects it before any disagreement arises.
    assert r.error is None


def test_ground_finds_the_stating_clause() -> None:
    chunk = "2017年,全市未发生涉及政府信息公开工作的行政复议和行政诉讼案件,也未收到有关的举报、投诉。"
    assert ground(chunk, "reconsideration", 0, None) is not None
    assert ground(chunk, "reconsideration", 5, None) is None
    assert ground("通过政府网站发布政务信息23239条;通过政府公报发布政务信息62条", "gazette", 23239, None) is None
    assert ground("通过政府网站发布政务信息23239条;通过政府公报发布政务信息62条", "gazette", 62, None) == "通过政府公报发布政务信息62条"
