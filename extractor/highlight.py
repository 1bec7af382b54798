"""A document's text as HTML with ranges highlighted: overlapping ranges are cut into
non-overlapping marks, each naming every range that covers it, so that a page with thousands of
highlights is plain inline markup (no work in the browser) and the text stays verbatim."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# \r and the C0 controls other than tab and newline: written as character references, because an
# HTML parser folds a raw \r\n into \n and the marks' text must stay text[start:end].
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")


@dataclass(frozen=True)
class Range:
    start: int
    end: int
    key: str  # what the mark names (a field's number on the page, or a warning's "w<i>")
    css: str  # the class a mark gets where this is the innermost range


def escape_text(text: str) -> str:
    return _CONTROL.sub(lambda m: f"&#{ord(m.group())};", html.escape(text, quote=False))


def cut(length: int, ranges: list[Range]) -> list[tuple[int, int, list[Range]]]:
    """(start, end, covering ranges) for every stretch of [0, length) that some range covers,
    in order and without overlap; covering ranges innermost (shortest) first."""
    events: dict[int, list[tuple[int, Range]]] = {}
    for r in ranges:
        if 0 <= r.start < r.end <= length:
            events.setdefault(r.start, []).append((1, r))
            events.setdefault(r.end, []).append((-1, r))
    out: list[tuple[int, int, list[Range]]] = []
    active: dict[int, Range] = {}
    points = sorted(events)
    for here, nxt in zip(points, points[1:] + [length], strict=True):
        for sign, r in events[here]:
            if sign > 0:
                active[id(r)] = r
            else:
                active.pop(id(r), None)
        if active and nxt > here:
            out.append((here, nxt, sorted(active.values(), key=lambda r: (r.end - r.start, r.start))))
    return out


def marked_html(text: str, ranges: list[Range]) -> str:
    """The text, escaped, with `<mark data-k="…" data-s="start">` over every covered stretch."""
    parts: list[str] = []
    pos = 0
    for start, end, covering in cut(len(text), ranges):
        if start > pos:
            parts.append(escape_text(text[pos:start]))
        fields = [r for r in covering if not r.key.startswith("w")]
        css = (fields or covering)[0].css + (" multi" if len(fields) > 1 else "")
        keys = " ".join(r.key for r in covering)
        parts.append(f'<mark class="{css}" data-k="{keys}" data-s="{start}">{escape_text(text[start:end])}</mark>')
        pos = end
    parts.append(escape_text(text[pos:]))
    return "".join(parts)
