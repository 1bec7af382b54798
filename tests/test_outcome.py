"""Warnings say what finally happened to their field: in hybrid, a model answer dropped or in
conflict while the rules value stands says that the record keeps the rules value, not "left null"."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fakeserver import FakeServer, completion
from test_llm import REPORT, is_remedies, settings

from extractor.pipeline import extract_document
from extractor.schema import ExtractionResult

INVENTED = {"reconsideration": 99, "reconsideration_quote": "行政复议99件", "litigation": 33,
            "litigation_quote": "行政诉讼33件", "complaints": None, "complaints_quote": None}


def run(tmp_path: Path, backend: str) -> ExtractionResult:
    report = tmp_path / "report.txt"
    report.write_text(REPORT, encoding="utf-8")

    def script(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        return 200, {}, completion(json.dumps(INVENTED if is_remedies(body) else {}, ensure_ascii=False))

    with FakeServer(script) as server:
        return extract_document(str(report), backend, settings(server, tmp_path))


def test_hybrid_says_the_rules_value_stands_where_the_model_answer_was_dropped(tmp_path: Path) -> None:
    r = run(tmp_path, "hybrid")
    assert r.record.reconsideration.total == 57
    about = [w for w in r.warnings if w.startswith("reconsideration.total:")]
    assert about, r.warnings
    assert all("left null" not in w for w in about), about
    assert any("99" in w and "the record keeps 57 from the rules («行政复议57件" in w for w in about), about


def test_llm_alone_still_says_left_null(tmp_path: Path) -> None:
    r = run(tmp_path, "llm")
    assert r.record.reconsideration.total is None
    assert any(w.startswith("reconsideration.total: model remedies:") and w.endswith("; left null") for w in r.warnings)
