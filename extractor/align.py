"""Quote → (start, end) in Document.text. Pure functions.

Quotes from a model, or matches found on a normalised view, are mapped back to offsets in the
original text, so that `text[start:end]` is always a verbatim slice the user can open.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Punctuation that NFKC leaves alone but people (and models) type either way.
_EXTRA_FOLD = str.maketrans({"—": "-", "–": "-", "－": "-", "〔": "[", "〕": "]", "“": '"', "”": '"'})


def _fold_char(ch: str) -> str:
    out = unicodedata.normalize("NFKC", ch).translate(_EXTRA_FOLD)
    return "".join(c for c in out if not c.isspace())


@dataclass(frozen=True)
class Compact:
    """A view of `text` with white space removed and NFKC applied, mapped back char by char."""

    text: str
    offsets: tuple[int, ...]  # offsets[i] = index in the original of compact char i
    source_len: int

    def span(self, cstart: int, cend: int) -> tuple[int, int]:
        """Original (start, end) covering compact chars [cstart, cend)."""
        if cend <= cstart:
            pos = self.offsets[cstart] if cstart < len(self.offsets) else self.source_len
            return pos, pos
        return self.offsets[cstart], self.offsets[cend - 1] + 1


def compact(text: str, base: int = 0, cell_breaks: bool = False) -> Compact:
    """Build the normalised view. `base` shifts offsets, for a slice of a larger text.

    With `cell_breaks`, the `|` between table cells counts as white space too, so a quote of a row
    as a text layer prints it ("行政规范性文件 8 26 66") aligns to the row as ingest writes it
    ("| 行政规范性文件 | 8 | 26 | 66 |")."""
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if cell_breaks and ch == "|":
            continue
        folded = ch if ch.isascii() and not ch.isspace() else _fold_char(ch)
        for c in folded:
            chars.append(c)
            offsets.append(base + i)
    return Compact("".join(chars), tuple(offsets), base + len(text))


@lru_cache(maxsize=8)
def _compact_cached(text: str) -> Compact:
    return compact(text, cell_breaks=True)


def normalise(s: str) -> str:
    return compact(s).text


def locate(text: str, quote: str, near: int | None = None) -> tuple[int, int] | None:
    """Find `quote` in `text`: exactly first, then on the normalised view; None if absent.

    With several matches, the one nearest `near` wins (a model's quote of "0件" should land in the
    section it was asked about, not the first 0件 of the report).
    """
    if not quote or not quote.strip():
        return None
    hits = _all_exact(text, quote)
    if hits:
        start = _nearest(hits, near)
        return start, start + len(quote)
    view = _compact_cached(text)
    needle = compact(quote, cell_breaks=True).text
    if not needle:
        return None
    chits = _all_exact(view.text, needle)
    if not chits:
        return None
    cstart = _nearest(chits, None if near is None else _to_compact(view, near))
    return view.span(cstart, cstart + len(needle))


def _to_compact(view: Compact, pos: int) -> int:
    import bisect

    return bisect.bisect_left(view.offsets, pos)


def _all_exact(hay: str, needle: str, limit: int = 64) -> list[int]:
    hits: list[int] = []
    i = hay.find(needle)
    while i != -1 and len(hits) < limit:
        hits.append(i)
        i = hay.find(needle, i + 1)
    return hits


def _nearest(hits: list[int], near: int | None) -> int:
    if near is None:
        return hits[0]
    return min(hits, key=lambda h: abs(h - near))
