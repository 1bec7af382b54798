"""The report's own sentences a summary may state as problems and next steps, and whether the
report speaks of them at all.

A summary item is never written from nothing: it is one of these sentences (a model may pick
among them and shorten or translate them), and it keeps the sentence as its quote. "Not stated"
is said only when the report has no such part and no such sentence; when it has one that no item
could be read from, the summary says so instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .schema import ExtractionResult, Section, SummaryItem
from .sections import find_sections, measures_start
from .vocabulary import PART_LABEL, PROBLEM_WORDS, PROBLEMS_SPOKEN, STEP_WORDS, STEPS_SPOKEN

Kind = Literal["problem", "step"]
Status = Literal["stated", "not_stated", "unread"]
MAX_CANDIDATES = 24
MAX_QUOTE = 150  # a longer sentence is cut at a clause boundary: a summary item is one point
PART_CHARS = 2500  # a problems part found by its words alone (no heading) is read this far

_SENTENCE = re.compile(r"[^。；;！？!?:：\n]+[。；;！？!?:：]?")
_LEAD = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[一二三四五六七八九十]+、)\s*")
_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Candidate:
    """One sentence of the report: `text[start:end] == quote`; `kind` by where it stands (before or
    after the turn to measures) and what it says."""

    id: int
    kind: Kind
    start: int
    end: int
    quote: str

    @property
    def plain(self) -> str:
        """The sentence without its list mark (一是, （二）, 3、) and final stop."""
        return _LEAD.sub("", self.quote).rstrip("。；;，, ")


def _parts(text: str, sections: list[Section]) -> list[tuple[int, int]]:
    """(start, end) of the report's problems/measures part: its section, else from the first
    sentence that speaks of problems or next steps, a bounded stretch."""
    spans = [(s.body_start, s.end) for s in sections if s.name == "problems"]
    if spans:
        return spans
    marks = [m.start() for pat in (PROBLEMS_SPOKEN, STEPS_SPOKEN) if (m := pat.search(text))]
    if not marks:
        return []
    lo = min(marks)
    lo = max(text.rfind("。", 0, lo), text.rfind("\n", 0, lo)) + 1
    return [(lo, min(len(text), lo + PART_CHARS))]


def _clip(text: str, start: int, end: int) -> tuple[int, int]:
    """A sentence cut to MAX_QUOTE characters at its last clause boundary."""
    if end - start <= MAX_QUOTE:
        return start, end
    cut = max(text.rfind(c, start, start + MAX_QUOTE) for c in "，,、：:")
    return start, (cut if cut > start + 10 else start + MAX_QUOTE)


def candidates(text: str, sections: list[Section] | None = None) -> list[Candidate]:
    """The sentences of the problems/measures part that state a shortcoming (before the turn to
    measures) or an action (after it), in the report's order."""
    sections = sections if sections is not None else find_sections(text)
    out: list[Candidate] = []
    for lo, hi in _parts(text, sections):
        turn = measures_start(text, lo, hi)
        split = hi if turn is None else turn
        for m in _SENTENCE.finditer(text, lo, hi):
            start = m.start() + len(m.group()) - len(m.group().lstrip())
            end = m.end()
            body = text[start:end].strip()
            plain = _LEAD.sub("", body).rstrip("。；;，, ")
            if len(_CJK.findall(plain)) < 6 or (PART_LABEL.search(plain) and len(plain) < 20):
                continue
            if body.endswith((":", "：")):  # a lead-in (存在以下问题：), not an item
                continue
            kind: Kind = "problem" if start < split else "step"
            words = PROBLEM_WORDS if kind == "problem" else STEP_WORDS
            if not words.search(plain):
                continue
            s, e = _clip(text, start, start + len(body))
            out.append(Candidate(len(out), kind, s, e, text[s:e]))
            if len(out) == MAX_CANDIDATES:
                return out
    return out


def record_items(result: ExtractionResult, name: Literal["problems", "improvements"]) -> list[SummaryItem]:
    """The record's own list items with their verified evidence, in order."""
    items: list[SummaryItem] = []
    for k, value in enumerate(getattr(result.record, name) or []):
        ev = result.evidence.get(f"{name}.{k}")
        if ev is not None:
            items.append(SummaryItem(text=value, quote=ev.quote, start=ev.start, end=ev.end))
    return items


def status(text: str, sections: list[Section], kind: Kind, items: list[SummaryItem]) -> Status:
    """`stated` when there are items; `not_stated` only when the report has no problems part and
    no sentence that speaks of this kind; else `unread` (the report speaks of it, no item read)."""
    if items:
        return "stated"
    spoken = PROBLEMS_SPOKEN if kind == "problem" else STEPS_SPOKEN
    if any(s.name == "problems" for s in sections) or spoken.search(text):
        return "unread"
    return "not_stated"
