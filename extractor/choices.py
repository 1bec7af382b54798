"""The report's own numbers, listed per field, for a model to choose among.

A model never writes a number of its own: for each numeric field it copies one of the numbers
listed under that field (or answers none), and the value and quote then come from the text. A
0.5B model copies a listed number reliably; asked for a line's id, it wrote the number anyway.
A choice is a reading of a table that the table readers made (a cell, a sum of rows, each
reading of an ambiguous glued run), or a quantity mention (a number with a measure word, or a
zero said in words) with the clause that holds it, offered only where it binds the field: a
small model chooses well among a few lines, badly among a whole section's numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .claims import Claim
from .numbers import same_number
from .schema import Document, Number
from .stats2008 import row_field, row_label
from .verify import binding_view, binds, check, mentions, origin_of, zero_stated
from .vocabulary import SUBJECTS, TABLE_PLACES

MAX_CHOICES = 6  # a field's list; a small model chooses well among a few lines
SHOWN_CHARS = 60
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
_CLAUSE = re.compile(r"[^，,：:。；;！？!?]+[，,：:。；;！？!?]?")
_NOTE = re.compile(r"（[^）]*）")


@dataclass(frozen=True)
class Choice:
    """One number of the report: its place in its field's list, `value`, the verbatim `quote`
    stating it, where it stands, and what the model reads beside it. A table reading keeps its claim (origin, parts) to be verified as
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
    if origin_of(claim) not in ("table", "sum"):
        return _shown(claim.quote)
    if row_field(claim.quote) == claim.field:  # a row of the 2008 statistics table, its year column
        return f"统计表 · {row_label(claim.quote)} · 本年度"
    if place:
        # The row's own words, without the template's notes in brackets: a small model reads
        # "（未经复议起诉 + 复议后起诉）" as one more thing to weigh.
        return " · ".join(_NOTE.sub("", p) for p in place)
    return _shown(claim.quote)


def build(doc: Document, spans: Iterable[tuple[int, int]], fields: tuple[str, ...],
          readings: Iterable[Claim] = ()) -> dict[str, list[Choice]]:
    """Per field, the numbers it may be: the table readings of that field first, then the
    sentence mentions whose quote states the number for that field (the binding rule: a line
    the evidence check would refuse is not worth a model's attention), each value once, at most
    MAX_CHOICES a field. A field with nothing to choose is left out."""
    readings = list(readings)
    mentioned = sentence_choices(doc, spans, fields)
    out: dict[str, list[Choice]] = {}
    for f in fields:
        found: list[Choice] = []
        mine = [c for c in readings if c.field == f and isinstance(c.value, (int, float)) and not isinstance(c.value, bool)]
        lines = [table_line(c) for c in mine]
        # Readings of one ambiguous run (规范性文件1027: 1 or 10) would read alike; the run itself
        # is what tells them apart, for a model and for the prompt's cache key.
        lines = [f"{line} · {_shown(c.quote)}" if lines.count(line) > 1 and line != _shown(c.quote) else line
                 for line, c in zip(lines, mine, strict=True)]
        offered = [(c.value, c.quote, c.near or 0, line, c) for c, line in zip(mine, lines, strict=True)]
        # A number the rules read as one part of this field's sum (one of three Weibo accounts)
        # is a part, not the field's value.
        parts = [p for c in readings if c.field == f for p in c.parts]
        offered += [(value, quote, start, _shown(quote), None) for value, quote, start in mentioned
                    if binds(f, value, quote) and not any(same_number(value, p) for p in parts)]
        for value, quote, start, shown, claim in offered:
            if len(found) >= MAX_CHOICES or any(same_number(c.value, value) for c in found):
                continue
            choice = Choice(len(found), value, quote, start, shown, claim)
            # Offered only as the evidence check will judge the model's choice of it: a sentence's
            # number after 其中 is refused there, and the same value read from a table is not.
            if not isinstance(check(doc, choice.as_claim(f)), str):
                found.append(choice)
        if found:
            out[f] = found
    return out


def number(v: object) -> str:
    """A value as the model reads and copies it: 12, not 12.0 (a model's answer cut short)."""
    text = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
    return text if len(text) <= 40 else text[:39] + "…"


def render(options: dict[str, list[Choice]], label: Callable[[str], str]) -> str:
    """The part of the prompt the model reads: each field, `label(field)`, then its numbers, one a
    line, each with where the report writes it."""
    blocks = []
    for f, found in options.items():
        lines = "\n".join(f"  {number(c.value)}（{c.shown}）" for c in found)
        blocks.append(f"{label(f)}：\n{lines}")
    return "\n".join(blocks)


def pick(found: list[Choice], value: object) -> Choice | None:
    """The listed number the model copied (None for a value that is not listed)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return next((c for c in found if same_number(c.value, value)), None)
