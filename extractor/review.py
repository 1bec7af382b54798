"""`extractor review`: an offline HTML site to check records by hand. One page per report (its
text with every value's evidence highlighted, the record beside it, tables 二/三/四, warnings
linked into the text) and an index of all reports. Self-contained: inline CSS and JS, no network."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from .align import locate
from .config import Settings
from .highlight import Range, marked_html
from .pipeline import run_batch
from .records import SourceText, read_records, source_text
from .schema import FIELD_NAMES, TABLE_COLUMNS, TABLE_ROWS, Evidence, ExtractionResult, evidence_value, get_field
from .tables import table_marks

ORIGINS = ("sentence", "table", "sum", "model")
_GROUPS = ("report", "proactive", "applications", "reconsideration", "litigation", "complaints", "fees")
_SCALARS = [n for n in FIELD_NAMES if n not in ("applications.table", "problems", "improvements")]
_T4_PARTS = (("upheld", "维持"), ("corrected", "纠正"), ("other", "其他"), ("pending", "尚未审结"), ("total", "总计"))
_T3_HEADS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


@dataclass
class Cell:
    value: str
    key: str | None = None  # the evidence's number on the page
    css: str = ""
    title: str = ""


@dataclass
class FieldRow:
    name: str
    value: str
    key: str | None
    origin: str | None
    quote: str | None
    null: bool


@dataclass
class WarningRow:
    text: str
    key: str | None  # a field's number, or "w<i>" for a range of its own in the text
    anchor: str | None = None  # else a place on the page (a table)


@dataclass
class IndexRow:
    n: int
    source: str
    href: str
    issuer: str
    year: int | None
    family: str
    filled: int
    warnings: int
    error: str | None
    problem: str | None


@dataclass
class Page:
    result: ExtractionResult
    source: SourceText
    keys: dict[str, str] = field(default_factory=dict)  # evidence name → its number on the page


def display(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _shown(value: Any) -> str:
    """A value as the popup shows it; a table row as its seven cells."""
    if isinstance(value, dict):
        return " ".join(display(value.get(c)) for c in TABLE_COLUMNS)
    return display(value)


def filled(result: ExtractionResult) -> int:
    return sum(1 for n in FIELD_NAMES if get_field(result.record, n) is not None)


# ------------------------------------------------------------------ inputs


def _is_records(path: str) -> bool:
    return path.lower().endswith(".jsonl")


def count_inputs(files: list[str]) -> int:
    """How many pages the inputs make: one per report, one per JSONL line."""
    n = 0
    for f in files:
        if not _is_records(f):
            n += 1
            continue
        try:
            with open(f, encoding="utf-8-sig") as fh:
                n += sum(1 for line in fh if line.strip())
        except (OSError, UnicodeDecodeError):
            n += 1  # an unreadable file: one error record
    return n


def review_inputs(files: list[str], backend: str, settings: Settings,
                  on_done: Callable[[ExtractionResult], None] | None = None) -> Iterator[tuple[ExtractionResult, Path | None]]:
    """(result, folder its source is relative to) for every input: first the records `extract`
    wrote in the JSONL files, then the reports extracted now, as they finish (the model, if any,
    only started for them)."""
    for f in files:
        if _is_records(f):
            for result in read_records(f):
                if on_done:
                    on_done(result)
                yield result, Path(f).parent
    reports = [f for f in files if not _is_records(f)]
    if reports:
        yield from ((result, None) for result in run_batch(reports, backend, settings, on_done))


# ------------------------------------------------------------------ one page


def _valid(ev: Evidence, text: str | None) -> bool:
    return text is not None and 0 <= ev.start < ev.end <= len(text) and text[ev.start : ev.end] == ev.quote


def _field_rows(page: Page) -> list[tuple[str, list[FieldRow]]]:
    record, evidence = page.result.record, page.result.evidence
    groups: dict[str, list[FieldRow]] = {g: [] for g in _GROUPS}
    for name in _SCALARS:
        group = name.split(".")[0] if "." in name else "report"
        value = get_field(record, name)
        ev = evidence.get(name)
        shown = display(value) if ev is None or not ev.approximate else f"≈ {display(value)}"
        groups[group].append(FieldRow(name, shown, page.keys.get(name), ev.origin if ev else None,
                                      ev.quote if ev else None, value is None))
    out = [(g, rows) for g, rows in groups.items()]
    for name in ("problems", "improvements"):
        items = getattr(record, name) or []
        rows = []
        for i, item in enumerate(items):
            ev = evidence.get(f"{name}.{i}")
            rows.append(FieldRow(f"{name}.{i}", item, page.keys.get(f"{name}.{i}"), ev.origin if ev else None,
                                 ev.quote if ev else None, False))
        out.append((name, rows or [FieldRow(name, "—", None, None, None, True)]))
    return out


def _cell(page: Page, name: str, value: Any, mark: str = "", title: str = "") -> Cell:
    ev = page.result.evidence.get(name)
    origin = f"o-{ev.origin}" if ev and value is not None else ""
    return Cell(display(value), page.keys.get(name), " ".join(c for c in (origin, mark) if c), title)


def _tables(page: Page) -> dict[str, Any]:
    """Tables 二, 三 and 四 of the 2019/2021 templates, each cell linked to its evidence and marked
    as the readers read it (split from a glued run, a recovered blank, ambiguous or unread)."""
    record = page.result.record
    if record.template not in ("2019", "2021"):
        return {}
    marks = table_marks(page.result.warnings)
    table = record.applications.table or {}
    three = []
    for key, label in TABLE_ROWS.items():
        name = f"applications.table.{key}"
        if key not in table and name not in marks:
            continue
        mark, why = marks.get(name, ("", ""))
        row = table.get(key) or {}
        cells = []
        for col in TABLE_COLUMNS:
            cell_mark = mark if mark != "recovered" or col == "total" else ""
            cells.append(_cell(page, name, row.get(col), cell_mark, why if cell_mark else ""))
        three.append({"label": label, "key": page.keys.get(name), "mark": mark, "why": why, "cells": cells})
    four = []
    split = marks.get("litigation")
    for group, label in (("reconsideration", "行政复议"), ("litigation", "行政诉讼（未经复议 + 复议后）")):
        cells = []
        for part, _ in _T4_PARTS:
            name = f"{group}.{part}"
            value = get_field(record, name)
            ev = page.result.evidence.get(name)
            glued = split is not None and ev is not None and ev.origin in ("table", "sum")
            cells.append(_cell(page, name, value, "split" if glued else "", split[1] if glued and split else ""))
        four.append({"label": label, "cells": cells})
    reg = record.proactive.regulations_issued
    mark, why = marks.get("proactive.regulations_issued", ("", ""))
    two = _cell(page, "proactive.regulations_issued", reg, mark if reg is None else "", why if reg is None else "")
    return {"three": three, "three_heads": _T3_HEADS, "four": four, "four_heads": [h for _, h in _T4_PARTS],
            "two": two}


def _warning_rows(page: Page, text: str | None, ranges: list[Range]) -> list[WarningRow]:
    """Each warning linked to what it is about: the field it names (its evidence), else the quote
    it cites («…») found in the text, else the table it is about."""
    by_length = sorted(page.keys, key=len, reverse=True)
    rows = []
    cited_at: dict[tuple[int, int], str] = {}  # two warnings about one run (a reader's, a conflict's) share its mark
    for i, w in enumerate(page.result.warnings):
        row_label = re.match(r"^(?:check: )?table 三 row (.+?): ", w)
        label_key = next((f"applications.table.{k}" for k, lab in TABLE_ROWS.items() if row_label and lab == row_label.group(1)), None)
        named = label_key if label_key in page.keys else next(
            (k for k in by_length if w.startswith(k) and w[len(k) : len(k) + 1] in (":", " ")), None)
        if named is not None:
            rows.append(WarningRow(w, page.keys[named]))
            continue
        cited = re.search(r"«([^»]+)»", w)
        span = locate(text, cited.group(1).rstrip("…")) if text is not None and cited else None
        if span is not None and span[1] > span[0]:
            if span not in cited_at:
                cited_at[span] = f"w{i}"
                ranges.append(Range(span[0], span[1], f"w{i}", "warn"))
            rows.append(WarningRow(w, cited_at[span]))
            continue
        anchor = "table-3" if "table 三" in w else "table-4" if re.search(r"table 四|reconsideration|litigation", w) else None
        rows.append(WarningRow(w, None, anchor))
    return rows


def render_page(env: Environment, page: Page, index_href: str) -> str:
    result, text = page.result, page.source.text
    bad = []
    for name, ev in result.evidence.items():  # without the text, quotes are shown beside their values
        if text is not None and _valid(ev, text):
            page.keys[name] = str(len(page.keys))
        elif text is not None:
            bad.append(name)
    ranges = [Range(result.evidence[n].start, result.evidence[n].end, k, f"o-{result.evidence[n].origin}")
              for n, k in page.keys.items()]
    warnings = _warning_rows(page, text, ranges)
    fields = {k: {"n": n, "v": _shown(evidence_value(result.record, n)), "o": result.evidence[n].origin}
              for n, k in page.keys.items()}
    said: dict[str, list[str]] = {}
    for w in warnings:
        if w.key and w.key.startswith("w"):
            said.setdefault(w.key, []).append(w.text)
    data = {"fields": fields, "warnings": {k: "\n".join(texts) for k, texts in said.items()}}
    problem = page.source.problem
    if bad:
        problem = (problem + " " if problem else "") + f"evidence not found at its offsets in the text: {', '.join(bad)}"
    return env.get_template("report.html").render(
        result=result, text_html=Markup(marked_html(text, ranges)) if text is not None else None,
        groups=_field_rows(page), tables=_tables(page), warnings=warnings, problem=problem,
        origins=ORIGINS, index_href=index_href, found=page.source.path,
        data_json=Markup(json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")),
        highlights=len(ranges),
    )


# ------------------------------------------------------------------ the site


def environment() -> Environment:
    return Environment(loader=PackageLoader("extractor", "templates"), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


def _page_name(n: int, source: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", Path(source).stem).strip("_")[:60] or "report"
    return f"{n:04d}-{stem}.html"


def write_site(items: Iterable[tuple[ExtractionResult, Path | None]], out_dir: Path) -> Path:
    """One page per result under `out_dir/reports/`, then `out_dir/index.html`; pages left from an
    earlier run into the same folder are removed. Returns the index's path."""
    env = environment()
    pages_dir = out_dir / "reports"
    pages_dir.mkdir(parents=True, exist_ok=True)
    rows: list[IndexRow] = []
    written: set[str] = set()
    for n, (result, base) in enumerate(items, start=1):
        page = Page(result, source_text(result, base))
        name = _page_name(n, result.source)
        (pages_dir / name).write_text(render_page(env, page, "../index.html"), encoding="utf-8")
        written.add(name)
        rec = result.record
        rows.append(IndexRow(n, result.source, f"reports/{name}", rec.issuer or "", rec.report_year,
                             rec.template or "", filled(result), len(result.warnings), result.error,
                             page.source.problem))
    for old in pages_dir.glob("[0-9][0-9][0-9][0-9]-*.html"):
        if old.name not in written:
            old.unlink()
    index = out_dir / "index.html"
    index.write_text(env.get_template("index.html").render(rows=rows, total=len(FIELD_NAMES)), encoding="utf-8")
    return index
