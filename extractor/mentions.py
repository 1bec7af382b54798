"""Narrative values from quantity mentions: every number with a measure word in a section, given
to each field the section may state and kept where the binding rule binds it to that field.

No pattern per phrasing: the subjects, measure words and blockers are the vocabulary's, the
decision is `verify`'s. A zero comes from a negation and the field's subject in one clause. Two
different values for one field meet in the evidence check as a conflict.
"""

from __future__ import annotations

import re

from .claims import Claim
from .schema import Document, Section, SectionName
from .verify import binding_view, binds, bound_mention_fields, table_text, zero_stated
from .vocabulary import SUBJECTS

# Which fields a section may state: a number is read only where the report speaks of its subject.
# Channel counts (website, gazette, Weibo, WeChat) too: the binding rule refuses one column's or one
# kind's count (CHANNEL_KIND, COLUMN, a subject listed among contents), so a channel's own count stands.
SECTION_FIELDS: dict[SectionName, tuple[str, ...]] = {
    "proactive": tuple(f for f in SUBJECTS if f.startswith("proactive.")),
    "applications": tuple(f for f in SUBJECTS if f.startswith(("applications.", "fees.", "complaints.",
                                                                "reconsideration.", "litigation."))),
    "remedies": tuple(f for f in SUBJECTS if f.startswith(("reconsideration.", "litigation.", "complaints."))),
    "fees": ("fees.collected",),
    "other": ("fees.collected", "complaints.total"),
}
SECTION_FIELDS["overview"] = tuple(dict.fromkeys(f for names in SECTION_FIELDS.values() for f in names))
ZERO_FIELDS = ("applications.received", "reconsideration.total", "litigation.total", "complaints.total", "fees.collected")
_SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
_CLAUSE_END = re.compile(r"[，,：:。；;！？!?]")


def mention_claims(doc: Document, sections: list[Section]) -> list[Claim]:
    claims: list[Claim] = []
    text = doc.text
    only_preamble = len(sections) == 1
    for s in sections:
        name: SectionName = "overview" if only_preamble else s.name
        fields = SECTION_FIELDS.get(name, ())
        if not fields:
            continue
        for m in _SENTENCE.finditer(text, s.body_start, s.end):
            sentence, at = m.group(0), m.start()
            if table_text(sentence):  # the tables' own readers take those
                continue
            claims.extend(_sentence_claims(sentence, at, fields))
    return claims


def _sentence_claims(sentence: str, at: int, fields: tuple[str, ...]) -> list[Claim]:
    out: list[Claim] = []
    view = binding_view(sentence)
    for value, approximate, bound in bound_mention_fields(view, fields):
        for field in bound:
            quote = _shortest(sentence, field, value)
            if quote is not None:
                approx = approximate or (not field.startswith("fees.") and _wan(sentence, value))
                out.append(Claim(field, value, quote, near=at, approximate=approx))
    # Zeros in words, clause by clause: 未收到…申请, 无收取信息处理费情况.
    pos = 0
    for clause in re.split(r"(?<=[，,：:。；;！？!?])", sentence):
        for field in fields:
            if field in ZERO_FIELDS and zero_stated(field, binding_view(clause)):
                start = at + pos + (len(clause) - len(clause.lstrip()))
                out.append(Claim(field, 0, clause.strip().rstrip("，,：:。；;"), near=start))
        pos += len(clause)
    return out


def _shortest(sentence: str, field: str, value: float | int) -> str | None:
    """The sentence up to the end of the first clause that binds the value: its subject stays in."""
    for m in _CLAUSE_END.finditer(sentence):
        head = sentence[: m.start()].strip()
        if head and binds(field, value, head):
            return head
    whole = sentence.strip().rstrip("。；;！？!?")
    return whole if binds(field, value, whole) else None


def _wan(sentence: str, value: float | int) -> bool:
    """A figure in 万 (1.8万条) is a rounded one."""
    return "万" in sentence and isinstance(value, (int, float)) and value >= 10_000 and value % 100 == 0
