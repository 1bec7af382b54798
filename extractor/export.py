"""JSONL and CSV, written whole: to a temporary file first, renamed into place at the end."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from .schema import CSV_COLUMNS, ExtractionResult, get_field

LIST_JOIN = "；"


def result_to_json(result: ExtractionResult) -> dict[str, Any]:
    """The JSONL line: source, sha256, backend, the fields nested by their dots, evidence, …"""
    out: dict[str, Any] = {"source": result.source, "sha256": result.sha256, "backend": result.backend}
    out.update(result.record.model_dump(mode="json"))
    out["evidence"] = {k: v.model_dump() for k, v in result.evidence.items()}
    out["warnings"] = list(result.warnings)
    out["usage"] = result.usage.model_dump()
    out["error"] = result.error
    return out


def csv_row(result: ExtractionResult) -> list[str]:
    row = [result.source]
    for name in CSV_COLUMNS[1:]:
        value = get_field(result.record, name)
        if value is None:
            row.append("")
        elif isinstance(value, list):
            row.append(LIST_JOIN.join(str(v) for v in value))
        else:
            row.append(str(value) if not hasattr(value, "isoformat") else value.isoformat())
    return row


@contextmanager
def atomic_writer(path: str | Path, bom: bool = False) -> Iterator[IO[str]]:
    """Yield a text file that replaces `path` only when complete (an interrupted run leaves the old
    file, or none, never half a file)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            yield fh
        os.replace(tmp, target)
    except KeyboardInterrupt:
        # Whole lines written so far are kept: a long run interrupted keeps its finished records.
        os.replace(tmp, target)
        raise
    except BaseException:
        os.unlink(tmp)
        raise


def write_jsonl(results: Iterable[ExtractionResult], fh: IO[str]) -> int:
    n = 0
    for r in results:
        fh.write(json.dumps(result_to_json(r), ensure_ascii=False) + "\n")
        fh.flush()
        n += 1
    return n


def write_csv(results: Iterable[ExtractionResult], fh: IO[str]) -> int:
    """UTF-8 with BOM (set by the opener) so Excel and WPS show the Chinese intact."""
    w = csv.writer(fh, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    n = 0
    for r in results:
        w.writerow(csv_row(r))
        n += 1
    return n


def to_csv_text(results: Iterable[ExtractionResult]) -> str:
    buf = io.StringIO()
    write_csv(results, buf)
    return buf.getvalue()
