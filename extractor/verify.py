"""The one evidence check: a claim survives only if its quote is in the document and states it.

Offsets come from aligning the quote to the text, never from the backend. A claim that fails is
dropped to null and named in the warnings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .align import locate, normalise
from .claims import Claim
from .numbers import date_numbers, numbers_in, states_value
from .schema import (
    DERIVED_FIELDS,
    TABLE_COLUMNS,
    Document,
    Evidence,
    ExtractionResult,
    ReportRecord,
    set_field,
)


def place(doc: Document, claim: Claim) -> tuple[int, int] | None:
    """(start, end) of the claim's quote in the document, preferring the spot it points at."""
    q = claim.quote
    if claim.near is not None and doc.text[claim.near : claim.near + len(q)] == q and q:
        return claim.near, claim.near + len(q)
    return locate(doc.text, q, claim.near)


def _contains_number(quote: str, value: int) -> bool:
    return any(n == value for n in numbers_in(quote)) or str(value) in normalise(quote)


def value_stated(claim: Claim, quote: str) -> bool:
    """Does the verbatim quote state this claim's value?"""
    field, value = claim.field, claim.value
    if field.startswith("applications.table."):
        return _row_stated(value, quote)
    if field.startswith(("problems.", "improvements.")):
        return bool(value) and normalise(str(value)) in normalise(quote)
    if field == "issuer":
        return normalise(str(value)) in normalise(quote)
    if field == "scope":
        return value in ("region", "organ") and bool(quote.strip())
    if field == "report_year":
        return _contains_number(quote, int(value))
    if field == "publish_date":
        d = dt.date.fromisoformat(str(value))
        nums = date_numbers(quote)
        return all(any(n == part for n in nums) for part in (d.year, d.month, d.day))
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    if claim.parts:
        nums = numbers_in(quote)
        return abs(sum(claim.parts) - value) < 1e-9 and all(any(n == p for n in nums) for p in claim.parts)
    return states_value(quote, value)


def _row_stated(row: dict[str, int | None], quote: str) -> bool:
    nums = numbers_in(quote)
    cells = [row.get(c) for c in TABLE_COLUMNS]
    for i, v in enumerate(cells):
        if v is None:
            continue
        if not any(n == v for n in nums):
            # A blank 总计 may be summed from the six readable cells (noted in warnings).
            if i == len(cells) - 1 and all(c is not None for c in cells[:-1]) and v == sum(cells[:-1]):  # type: ignore[arg-type]
                continue
            return False
    return any(v is not None for v in cells)


def check(doc: Document, claim: Claim) -> Evidence | str:
    """Evidence for a claim, or the reason it fails."""
    span = place(doc, claim)
    if span is None:
        return "quote not found in the document"
    start, end = span
    quote = doc.text[start:end]
    if not value_stated(claim, quote):
        return f"quote does not state the value {claim.value!r}"
    return Evidence(quote=quote, start=start, end=end, approximate=claim.approximate)


def assemble(doc: Document, claims: list[Claim], backend: str) -> ExtractionResult:
    """Verify every claim; the first verified claim of a field wins (callers order them)."""
    result = ExtractionResult(source=doc.source, sha256=doc.sha256, backend=backend)
    record = ReportRecord()
    kept: dict[str, Claim] = {}
    tables: dict[str, dict[str, int | None]] = {}
    lists: dict[str, dict[int, str]] = {"problems": {}, "improvements": {}}
    for claim in claims:
        if claim.field in DERIVED_FIELDS:
            if claim.field not in kept:
                set_field(record, claim.field, claim.value)
                kept[claim.field] = claim
            continue
        if claim.field in kept:
            first = kept[claim.field]
            if first.value != claim.value and claim.origin != first.origin:
                ev = check(doc, claim)
                if isinstance(ev, Evidence):
                    result.warnings.append(
                        f"{claim.field}: {first.origin} value {first.value!r} kept; {claim.origin} said {claim.value!r}"
                    )
            continue
        ev = check(doc, claim)
        if isinstance(ev, str):
            result.warnings.append(f"{claim.field}: {claim.origin} value {claim.value!r} dropped: {ev}")
            continue
        kept[claim.field] = claim
        result.evidence[claim.field] = ev
        if claim.note:
            result.warnings.append(claim.note)
        _apply(record, claim, tables, lists)
    if tables:
        record.applications.table = tables
    for name, items in lists.items():
        if items:
            setattr(record, name, [items[k] for k in sorted(items)])
    result.record = record
    return result


def _apply(record: ReportRecord, claim: Claim, tables: dict[str, Any], lists: dict[str, dict[int, str]]) -> None:
    field = claim.field
    if field.startswith("applications.table."):
        tables[field.rsplit(".", 1)[1]] = dict(claim.value)
    elif field.startswith(("problems.", "improvements.")):
        name, idx = field.split(".")
        lists[name][int(idx)] = str(claim.value)
    elif field == "publish_date":
        set_field(record, field, dt.date.fromisoformat(str(claim.value)))
    else:
        set_field(record, field, claim.value)
