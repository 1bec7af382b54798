"""Shared paths and a per-session cache of rules-backend results (each document is extracted once)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest

from extractor.align import locate
from extractor.config import Settings
from extractor.pipeline import extract_document
from extractor.schema import ExtractionResult

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOLD_DIR = ROOT / "eval" / "gold"
TEMPLATES = ROOT / "tests" / "fixtures" / "templates"
FIXTURES = ROOT / "tests" / "fixtures"
HUAIAN_PDF = EXAMPLES / "huaian_2024_report.pdf"


def gold_files() -> list[Path]:
    """The gold files the rules were written alongside (examples and template fixtures). The
    corpus's blind gold (eval/corpus/) is scored by `extractor eval`, dev and test apart: its test
    split is never looked at document by document while writing code."""
    return sorted(p for p in GOLD_DIR.glob("*.json") if not load_gold(p)["document"].startswith("eval/corpus/"))


def load_gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def find_ws_insensitive(text: str, quote: str) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text`, white space and table-cell bars ignored: how gold quotes
    are compared (extractor.align.locate)."""
    return locate(text, quote)


def progress(config: pytest.Config, message: str) -> None:
    """A line on the terminal now, past output capture: slow fixtures (the model tests) say what
    they are doing instead of sitting silent for minutes."""
    capture = config.pluginmanager.getplugin("capturemanager")
    reporter = config.pluginmanager.getplugin("terminalreporter")
    if reporter is None:
        return
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        reporter.write_line(message)


_CACHE: dict[str, ExtractionResult] = {}


def rules_result(path: str | Path) -> ExtractionResult:
    """The rules backend's result for a document, as the pipeline gives it (cached per session).

    Documents are addressed relative to the repository root, as the gold files name them."""
    p = Path(path)
    key = str(p.relative_to(ROOT)) if p.is_absolute() else str(p)
    if key not in _CACHE:
        _CACHE[key] = extract_document(str(ROOT / key), "rules", Settings())
    return _CACHE[key]
