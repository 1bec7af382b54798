"""Warnings say what finally happened to their field: in hybrid, a model answer dropped while the
rules value stands says that the record keeps the rules value, not "left null"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fakeserver import FakeServer, choice_prompt, completion
from test_llm import REPORT, settings

from extractor.pipeline import extract_document
from extractor.schema import ExtractionResult


def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    """A model that writes a year the text does not state and chooses an unlisted number."""
    found = choice_prompt(body)
    if found is not None:
        return 200, {}, completion(json.dumps(dict.fromkeys(found[0], 99)))
    return 200, {}, completion(json.dumps({"report_year": 2099, "report_year_quote": "2099年政府信息公开工作年度报告"},
                                          ensure_ascii=False))


def run(tmp_path: Path, backend: str) -> ExtractionResult:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")
    with FakeServer(script) as server:
        return extract_document(str(report), backend, settings(server, tmp_path))


def test_hybrid_says_the_rules_value_stands_where_the_model_answer_was_dropped(tmp_path: Path) -> None:
    # The rules verified the year; the model is asked the meta fields for the date they left
    # open, and its year is dropped.
    r = run(tmp_path, "hybrid")
    assert r.record.report_year == 2023
    about = [w for w in r.warnings if w.startswith("report_year:")]
    assert about, r.warnings
    assert all("left null" not in w for w in about), about
    assert any("2099" in w and "the record keeps 2023 from the rules («" in w for w in about), about


def test_llm_alone_still_says_left_null(tmp_path: Path) -> None:
    r = run(tmp_path, "llm")
    assert r.record.reconsideration.total is None and r.record.report_year is None
    assert "reconsideration.total: model reconsideration: chose 99, which is not listed; left null" in r.warnings
    assert any(w.startswith("report_year: model meta:") and w.endswith("; left null") for w in r.warnings)
