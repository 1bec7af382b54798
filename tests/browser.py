"""Headless Chromium for the review-site tests and benchmark: Debian's `chromium` driven by
Playwright's Python package (no browser download), and a report page with many highlights built
from real report text."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from extractor.export import result_to_json
from extractor.ingest import read_document
from extractor.schema import Evidence, ExtractionResult, ReportRecord

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("EXTRACTOR_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed: pip install playwright (no `playwright install`)"
    if not Path(CHROMIUM).is_file():
        return f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set EXTRACTOR_CHROMIUM)"
    return None


@contextmanager
def chromium(width: int = 1400, height: int = 900) -> Iterator[Any]:
    """A fresh headless Chromium profile; yields the Playwright browser context."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport={"width": width, "height": height})
        try:
            yield context
        finally:
            context.close()


def many_highlights(folder: Path, n: int) -> Path:
    """A JSONL record with `n` evidence entries over real report text (the corpus reports joined):
    every clause a `problems` item, and one in ten spans of three clauses an `improvements` item
    overlapping them. Returns the JSONL file; its source sits beside it."""
    text = "\n".join(read_document(p).text for p in sorted((ROOT / "eval" / "corpus").glob("*.txt")))
    source = folder / "joined_reports.txt"
    source.write_text(text, encoding="utf-8")
    doc = read_document(source)
    clauses = [(m.start(), m.end()) for m in re.finditer(r"[^，。；\n]{4,}[，。；]", doc.text)]
    wide = n // 10
    if len(clauses) < n - wide:
        raise ValueError(f"the corpus has only {len(clauses)} clauses")
    items = clauses[: n - wide]
    spans = [(items[i][0], items[i + 2][1]) for i in range(0, len(items) - 2, max(1, (len(items) - 2) // wide))][:wide]
    evidence = {f"problems.{i}": Evidence(quote=doc.text[a:b], start=a, end=b) for i, (a, b) in enumerate(items)}
    evidence |= {f"improvements.{i}": Evidence(quote=doc.text[a:b], start=a, end=b, origin="model")
                 for i, (a, b) in enumerate(spans)}
    record = ReportRecord(problems=[doc.text[a:b] for a, b in items], improvements=[doc.text[a:b] for a, b in spans])
    result = ExtractionResult(source=source.name, sha256=doc.sha256, backend="rules", record=record, evidence=evidence)
    out = folder / "many.jsonl"
    out.write_text(json.dumps(result_to_json(result), ensure_ascii=False) + "\n", encoding="utf-8")
    return out
