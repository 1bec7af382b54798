"""The report's own numbers, numbered, for a model to choose among.

A model never writes a number: for each numeric field it picks one of these choices (or none),
and the value and quote then come from the text. A choice is a quantity mention (a number with a
measure word, or a zero said in words) with the clause that holds it, or a reading of a table
that the table readers made (a cell, a sum of rows, each reading of an ambiguous glued run).
Only mentions whose sentence names a subject of an asked field are offered: a small model chooses
well among a few lines, badly among a whole section's numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .claims import Claim
from .schema import Document, Number
from .verify import binding_view, mentions, origin_of, zero_stated
from .vocabulary import SUBJECTS, TABLE_PLACES

MAX_CHOICES = 30
SHOWN_CHARS = 60
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
_CLAUSE = re.compile(r"[^，,：:。；;！？!?]+[，,：:。；;！？!?]?")


@dataclass(frozen=True)
class Choice:
    """One number of the report: `value`, the verbatim `quote` stating it, where it stands, and
    the line the model reads. A table reading keeps its claim (origin, parts) to be verified as
    the table reader's claim would be."""

    id: int
    value: Number
    quote: str
    start: int
    shown: str
    claim: Claim | None = field(default=None, compare=False)

    def as_claim(self, field_name: str) -> Claim:
        """The model's choice as a claim for `field_name`: the text's value and quote, marked as the
        model's; a table reading keeps its parts so the sum is checked row by row."""
        base = self.claim
        table = base is not None and (base.origin == "table" or bool(base.parts))
        return Claim(field_name, self.value, self.quote, near=self.start, origin="llm_table" if table else "llm",
                     approximate=base.approximate if base else bool(re.search(r"余|多|超过|近|约", self.quote)),
                     parts=list(base.parts) if base else [])


def _subject_near(fields: Iterable[str], text: str) -> bool:
    return any(re.search(SUBJECTS[f].terms, text) for f in fields if f in SUBJECTS)


def sentence_choices(doc: Document, spans: Iterable[tuple[int, int]], fields: tuple[str, ...]) -> list[tuple[Number, str, int]]:
    """(value, quote, start) for every quantity mention in `spans` whose sentence, up to the
    mention, names a subject of `fields`; the quote runs from the sentence start through the
    mention's clause, so its subject stays in."""
    text = doc.text
    measures = "".join(SUBJECTS[f].measures for f in fields if f in SUBJECTS)
    out: list[tuple[Number, str, int]] = []
    seen: set[tuple[int, float]] = set()
    for lo, hi in spans:
        for s in _SENTENCE.finditer(text, lo, hi):
            pos = s.start()
            for c in _CLAUSE.finditer(text, s.start(), s.end()):
                clause_end = c.end()
                head = text[s.start():clause_end].strip()
                view = binding_view(c.group(0))
                found = [(m.value) for m in mentions(view) if m.measure and m.measure in measures]
                found += [0 for f in fields if zero_stated(f, view)]
                for value in found:
                    key = (c.start(), float(value))
                    if key in seen or not _subject_near(fields, head):
                        continue
                    seen.add(key)
                    out.append((value, head, pos))
    return out


def _shown(quote: str) -> str:
    flat = " ".join(quote.split())
    return flat if len(flat) <= SHOWN_CHARS else "…" + flat[-(SHOWN_CHARS - 1):]


def table_line(claim: Claim) -> str:
    """A table reading as a person reads it: table · row · column = value (never a row of bare
    numbers); a 2008 statistics row by its own label."""
    place = TABLE_PLACES.get(claim.field)
    if place and origin_of(claim) in ("table", "sum"):
        return " · ".join(place)
    return _shown(claim.quote)


def build(doc: Document, spans: Iterable[tuple[int, int]], fields: tuple[str, ...],
          readings: Iterable[Claim] = ()) -> list[Choice]:
    """The numbered choices for one passage: the table readings of `fields` first, then the
    sentence mentions, at most MAX_CHOICES, each value once per quote."""
    out: list[Choice] = []
    keys: set[tuple[str, float]] = set()

    def add(value: Number, quote: str, start: int, shown: str, claim: Claim | None = None) -> None:
        key = (quote, float(value))
        if key in keys or len(out) >= MAX_CHOICES:
            return
        keys.add(key)
        out.append(Choice(len(out), value, quote, start, shown, claim))

    for claim in readings:
        if claim.field in fields and isinstance(claim.value, (int, float)) and not isinstance(claim.value, bool):
            add(claim.value, claim.quote, claim.near or 0, table_line(claim), claim)
    for value, quote, start in sentence_choices(doc, spans, fields):
        add(value, quote, start, _shown(quote))
    return out


def render(choices: list[Choice]) -> str:
    """The lines the model reads: `[id] value ← where it is written`."""
    def num(v: Number) -> str:
        return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)

    return "\n".join(f"[{c.id}] {num(c.value)} ← {c.shown}" for c in choices)
