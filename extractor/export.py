"""JSONL and CSV records, appended to the output as documents finish (whole lines, flushed), so an
interrupted run keeps every finished record; the output path checked before any work; what a
previous run already wrote, read back for `--resume`."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from .schema import CSV_COLUMNS, FIELD_NAMES, TABLE_FIELDS, ExtractionResult, get_field

LIST_JOIN = "；"
_FIELD_COLUMNS = frozenset(n for n in FIELD_NAMES if n not in TABLE_FIELDS)
STDOUT = "-"


def result_to_json(result: ExtractionResult) -> dict[str, Any]:
    """The JSONL line: source, sha256, backend, the fields nested by their dots, evidence, …"""
    out: dict[str, Any] = {"source": result.source, "sha256": result.sha256, "backend": result.backend}
    out.update(result.record.model_dump(mode="json"))
    out["evidence"] = {k: v.model_dump() for k, v in result.evidence.items()}
    out["warnings"] = list(result.warnings)
    out["usage"] = result.usage.model_dump()
    out["error"] = result.error
    out["settings"] = result.settings
    return out


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_JOIN.join(str(v) for v in value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def csv_row(result: ExtractionResult) -> list[str]:
    beside = {"source": result.source, "error": result.error, "warnings": result.warnings, "sha256": result.sha256,
              "backend": result.backend, "settings": result.settings}
    return [_cell(get_field(result.record, n) if n in _FIELD_COLUMNS else beside[n]) for n in CSV_COLUMNS]


def _csv_line(row: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(row)
    return buf.getvalue()


def write_jsonl(results: Iterable[ExtractionResult], fh: IO[str]) -> int:
    n = 0
    for r in results:
        fh.write(JSONL.render(r))
        fh.flush()
        n += 1
    return n


def write_csv(results: Iterable[ExtractionResult], fh: IO[str]) -> int:
    """UTF-8 with BOM (set by the opener) so Excel and WPS show the Chinese intact."""
    fh.write(CSV.header)
    n = 0
    for r in results:
        fh.write(CSV.render(r))
        n += 1
    return n


def to_csv_text(results: Iterable[ExtractionResult]) -> str:
    buf = io.StringIO()
    write_csv(results, buf)
    return buf.getvalue()


# ------------------------------------------------------------------ formats and the output file


@dataclass(frozen=True)
class Layout:
    """How a kind of output is written: what opens the file, one item's text, and for `--resume`
    how a finished record is read back (None: that format cannot be resumed)."""

    header: str
    render: Callable[[Any], str]
    bom: bool = False
    read_back: Callable[[str], list[tuple[str, dict[str, Any] | None]]] | None = None


def _jsonl_back(text: str) -> list[tuple[str, dict[str, Any] | None]]:
    out: list[tuple[str, dict[str, Any] | None]] = []
    for line in text.splitlines(keepends=True):
        try:
            rec = json.loads(line) if line.endswith("\n") else None  # a torn last line is no record
        except ValueError:
            rec = None
        out.append((line, rec if isinstance(rec, dict) else None))
    return out


def _csv_back(text: str) -> list[tuple[str, dict[str, Any] | None]]:
    lines = text.splitlines(keepends=True)
    if not lines:
        return []
    header = next(csv.reader([lines[0]]))
    if header != list(CSV_COLUMNS):
        raise OutputError("its CSV header is not this version's; cannot resume into it")
    out: list[tuple[str, dict[str, Any] | None]] = [(lines[0], None)]
    for line in lines[1:]:
        row = next(csv.reader([line]), [])
        whole = line.endswith("\r\n") and len(row) == len(CSV_COLUMNS)
        rec = dict(zip(CSV_COLUMNS, row, strict=True)) if whole else None
        if rec is not None:
            rec = {k: (v or None) for k, v in rec.items()}
        out.append((line, rec))
    return out


JSONL = Layout("", lambda r: json.dumps(result_to_json(r), ensure_ascii=False) + "\n", read_back=_jsonl_back)
CSV = Layout(_csv_line(CSV_COLUMNS), lambda r: _csv_line(csv_row(r)), bom=True, read_back=_csv_back)


class OutputError(Exception):
    """The output path cannot be used; the message says why."""


def check_output(path: str, inputs: Iterable[str]) -> None:
    """Refuse, before any work, an output that would destroy an input or cannot hold records:
    one of the inputs, a directory, anything but a regular file (a device, a pipe, a link to
    one), or a folder that cannot be written."""
    if path == STDOUT:
        return
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{path} is a directory; give a file name (or - for standard output)")
    if target.exists() and not stat.S_ISREG(target.stat().st_mode):
        raise OutputError(f"{path} is not a regular file (a device, pipe or link to one); "
                          "use -o - for standard output")
    if target.exists():
        for p in inputs:
            try:
                same = os.path.samefile(p, target)
            except OSError:
                continue
            if same:
                raise OutputError(f"{path} is one of the inputs; writing there would destroy it")
    parent = target.parent if str(target.parent) else Path(".")
    folder = next((d for d in (parent, *parent.parents) if d.exists()), Path("."))
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write {path}: {folder} is not a writable folder")
    if target.exists() and not os.access(target, os.W_OK):
        raise OutputError(f"cannot write {path}: permission denied")


class Sink:
    """Items appended as they come, each whole and flushed. The file is created (mode 0666 less
    the umask; an existing file keeps its mode) at the first item, so a run stopped before any
    leaves an earlier output as it was; `append` continues a file instead of starting afresh."""

    def __init__(self, path: str, layout: Layout, append: bool = False) -> None:
        self.path = path
        self.layout = layout
        self.append = append
        self.written = 0
        self._fh: IO[str] | None = None

    def _open(self) -> IO[str]:
        if self._fh is not None:
            return self._fh
        if self.path == STDOUT:
            import sys

            self._fh = sys.stdout
            self._fh.write(self.layout.header)
            return self._fh
        target = Path(self.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        keep = self.append and target.exists() and target.stat().st_size > 0
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if keep else os.O_TRUNC)
        fd = os.open(target, flags, 0o666)
        encoding = "utf-8-sig" if self.layout.bom and not keep else "utf-8"
        self._fh = os.fdopen(fd, "w", encoding=encoding, newline="")
        if not keep:
            self._fh.write(self.layout.header)
        return self._fh

    def write(self, item: Any) -> None:
        fh = self._open()
        fh.write(self.layout.render(item))
        fh.flush()
        self.written += 1

    def finish(self) -> None:
        """A run that ends normally leaves a whole output, even of zero records."""
        self._open()
        self.close()

    def close(self) -> None:
        if self._fh is not None and self.path != STDOUT:
            self._fh.close()
        elif self._fh is not None:
            self._fh.flush()
        self._fh = None


def resume_point(path: str, layout: Layout, is_done: Callable[[dict[str, Any]], bool]) -> set[str]:
    """The sources whose finished records in `path` stand (`is_done`); every other line (an error
    record, a stale record, a torn last line from a killed run) is removed from the file first,
    so the resumed run appends each document once. Nothing there: nothing done."""
    if path == STDOUT or not Path(path).is_file():
        return set()
    if layout.read_back is None:
        raise OutputError("this output format cannot be resumed")
    raw = Path(path).read_bytes()
    text = raw.decode("utf-8-sig" if layout.bom else "utf-8", errors="replace")
    try:
        lines = layout.read_back(text)
    except OutputError as exc:
        raise OutputError(f"{path}: {exc}") from None
    done: set[str] = set()
    kept: list[str] = []
    for line, rec in lines:
        if rec is None:
            if not kept and line == layout.header:
                kept.append(line)
            continue
        if is_done(rec) and rec["source"] not in done:
            done.add(rec["source"])
            kept.append(line)
    if "".join(kept) != text:
        _rewrite(Path(path), "".join(kept), layout.bom)
    return done


def _rewrite(target: Path, text: str, bom: bool) -> None:
    """Replace the file's content in one step (a visible work file beside it, renamed over it),
    keeping its mode; a kill during this leaves the old file and a `.resume-tmp` the next run
    removes."""
    work = target.with_name(target.name + ".resume-tmp")
    mode = stat.S_IMODE(target.stat().st_mode)
    fd = os.open(work, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        fh.write(text)
    os.chmod(work, mode)
    os.replace(work, target)


def clean_leftovers(path: str) -> None:
    """A work file left by a run killed while resuming."""
    if path != STDOUT:
        Path(path + ".resume-tmp").unlink(missing_ok=True)


class Collected:
    """An output written whole, not line by line (a workbook, the review site): items are gathered
    as documents finish and `write_all` writes them when the batch ends, or when it is stopped, so
    that finished work is kept either way. The same calls as `Sink`."""

    def __init__(self, write_all: Callable[[list[Any]], object]) -> None:
        self.items: list[Any] = []
        self._write_all = write_all
        self._done = False
        self.order: Callable[[Any], int] | None = None  # written in this order (documents finish in any)

    @property
    def written(self) -> int:
        return len(self.items)

    def write(self, item: Any) -> None:
        self.items.append(item)

    def finish(self) -> None:
        self._done = True
        self._write_all(sorted(self.items, key=self.order) if self.order else self.items)

    def close(self) -> None:
        if not self._done and self.items:  # stopped part-way: what finished is still written
            self.finish()
