"""JSONL records written by `extract`, read back into ExtractionResults (export.result_to_json's
inverse), and the source text their evidence offsets point into, found again and checked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .ingest import IngestError, read_document
from .schema import ExtractionResult, ReportRecord

_RECORD_KEYS = frozenset(ReportRecord.model_fields)


def result_from_json(line: dict[str, Any]) -> ExtractionResult:
    """One JSONL line → the ExtractionResult it was written from (ValidationError if it is not one)."""
    record = {k: v for k, v in line.items() if k in _RECORD_KEYS}
    rest = {k: v for k, v in line.items() if k not in _RECORD_KEYS}
    return ExtractionResult.model_validate({**rest, "record": record})


def read_records(path: str | Path) -> Iterator[ExtractionResult]:
    """Every record of a JSONL file; a line that is not one, or a file that cannot be read, becomes
    a result with its error."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    yield result_from_json(json.loads(line))
                except (json.JSONDecodeError, ValidationError) as exc:
                    reason = str(exc).splitlines()[0][:200]
                    yield ExtractionResult(source=f"{path}:{n}", backend="?",
                                           error=f"{path} line {n}: not a record written by extract: {reason}")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        yield ExtractionResult(source=str(path), backend="?", error=f"{path}: cannot read records: {reason}")


@dataclass
class SourceText:
    """The decoded text of a record's source, or why it cannot be shown."""

    text: str | None
    path: Path | None = None
    problem: str | None = None


def source_text(result: ExtractionResult, base: Path | None = None) -> SourceText:
    """The text a record's offsets point into: its source file read again (as given, else relative
    to `base`, the folder of the JSONL file), accepted only if its sha256 is the one recorded."""
    if result.sha256 is None:
        return SourceText(None)  # never read: the error says why
    given = Path(result.source)
    candidates = [given] if given.is_absolute() or base is None else [given, base / given]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        where = " or ".join(str(p.resolve()) for p in candidates)
        return SourceText(None, problem=f"source file not found (looked for {where}): the record is shown without its text")
    try:
        doc = read_document(found)
    except IngestError as exc:
        return SourceText(None, found, f"source file {found} cannot be read any more: {exc}")
    if doc.sha256 != result.sha256:
        return SourceText(None, found, f"source file {found} has changed since it was extracted (sha256 "
                          f"{doc.sha256[:12]}…, recorded {result.sha256[:12]}…): its offsets no longer "
                          "apply; run extract again")
    return SourceText(doc.text, found)
