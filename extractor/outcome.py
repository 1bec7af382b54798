"""Warnings that say what finally happened to their field.

A warning is written while one reading is judged ("…left null", "…dropped"), before the other
readings are: in `hybrid` a dropped or conflicting model answer says "left null" although the
record holds the rules value. Once the record is whole, each such warning is ended with the
field's final state."""

from __future__ import annotations

import re

from .schema import FIELD_NAMES, ExtractionResult, get_field

_FIELD = re.compile(r"^(" + "|".join(re.escape(n) for n in sorted(FIELD_NAMES, key=len, reverse=True)) + r"):")
_LEFT_NULL = "; left null"
_DROPPED = re.compile(r"^[\w.]+: (?:rules|llm) value .* dropped: ")


def _short(quote: str) -> str:
    q = " ".join(quote.split())
    return q if len(q) <= 30 else q[:29] + "…"


def _final_state(result: ExtractionResult, field: str) -> str | None:
    """"the record keeps 57 from the rules («…»)", or None when the field is null."""
    value = get_field(result.record, field)
    if value is None:
        return None
    ev = result.evidence.get(field)
    if ev is None:
        return f"the record keeps {value!r}"
    side = "the model" if ev.origin == "model" else "the rules"
    return f"the record keeps {value!r} from {side} («{_short(ev.quote)}»)"


def settle_warnings(result: ExtractionResult) -> list[str]:
    """`result.warnings` with every field warning that was written before the outcome was known
    ended with that outcome."""
    out: list[str] = []
    for warning in result.warnings:
        m = _FIELD.match(warning)
        if m is None or m.group(1) in ("problems", "improvements", "applications.table"):
            out.append(warning)
            continue
        final = _final_state(result, m.group(1))
        if warning.endswith(_LEFT_NULL):
            out.append(warning if final is None else warning[: -len(_LEFT_NULL)] + "; " + final)
        elif _DROPPED.match(warning):
            out.append(warning + "; " + (final or "the field is left null"))
        else:
            out.append(warning)
    return out
