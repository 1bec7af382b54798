"""Is a summary true to its report? One place for the questions the summary writer, its model
validator and the scorer all ask:

- a number in the prose is the record's value for the field its sentence names (`unbound`, the
  binding rule of the evidence);
- a problem or next step carries a sentence of the report, and says nothing that sentence does
  not (`item_problem`);
- no body is named that the report does not name (`foreign_names`), in Chinese or in pinyin;
- a Chinese summary is Chinese throughout (`english_words`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from .align import normalise
from .numbers import numbers_in, same_number
from .schema import Number, Summary, SummaryItem
from .verify import binding_view, binds, mentions
from .vocabulary import GOVERNMENT_BODY, PLACE_END

Values = Mapping[str, Number]
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPLIT = re.compile(r"(?<=[。！？!?；;\n])|(?<=\.)\s+(?=\S)")
SUPPORT = 0.8  # share of an item's Chinese characters that must be its quote's own


def sentences(text: str) -> list[str]:
    """Sentences as written (Chinese or English punctuation); each a substring of `text`."""
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip()]


def _key(v: float | int) -> float:
    return round(float(v), 4)


@lru_cache(maxsize=32)
def _source_numbers(text: str) -> frozenset[float]:
    return frozenset(_key(v) for v in numbers_in(text))


def _list_commas(sentence: str) -> str:
    # "130, 910" in prose is two numbers, not 130910: the normalised view drops the space.
    return re.sub(r"(?<=\d),(?=\s)", ";", sentence)


def unstated(sentence: str, text: str) -> list[float | int]:
    """The numbers of `sentence` that the source `text` never writes (34596 = 3.4596万 = 34,596)."""
    have = _source_numbers(text)
    return [n for n in numbers_in(_list_commas(sentence)) if _key(n) not in have]


def unbound(sentence: str, text: str, values: Values) -> list[float | int]:
    """The numbers of a summary sentence that are not the record's value of a field the sentence
    names (the binding rule, as for evidence). A number with no measure word (a year) must at
    least be one the report writes. English prose has no Chinese subjects to bind: there each
    number must be one of the record's values."""
    bad: list[float | int] = []
    chinese = _CJK.search(sentence) is not None
    have = _source_numbers(text)
    for m in mentions(binding_view(_list_commas(sentence))):
        if m.measure and chinese:
            ok = any(same_number(v, m.value) and binds(f, v, sentence) for f, v in values.items())
        elif not chinese:
            ok = any(same_number(v, m.value) for v in values.values()) or (
                1900 < m.value < 2100 and _key(m.value) in have)
        else:
            ok = _key(m.value) in have
        if not ok:
            bad.append(m.value)
    return bad


def item_problem(item: SummaryItem, text: str, lang: str) -> str | None:
    """Why `item` is not supported by the report, or None. Its quote must be the report's text at
    its offsets; every number it states must be its quote's; in Chinese, its words must be its
    quote's (a shortening, not a rewrite); in English, no Chinese may remain in it."""
    if not item.quote.strip() or text[item.start:item.end] != item.quote:
        return "its quote is not the report's text"
    quoted = numbers_in(_list_commas(item.quote))
    stray = [n for n in numbers_in(_list_commas(item.text)) if not any(same_number(n, q) for q in quoted)]
    if stray:
        return f"states {', '.join(str(n) for n in stray)}, which its quote does not"
    if lang == "zh" or not item.translated:
        chars = _CJK.findall(item.text)
        own = set(normalise(item.quote))
        if not chars or sum(c in own for c in chars) < SUPPORT * len(chars):
            return "its words are not its quote's"
    elif _CJK.search(item.text):
        return "its translation is not English"
    return None


# ---------------------------------------------------------------- names of bodies

_PLACE_ZH = re.compile(rf"([\u4e00-\u9fff]{{2,8}}?(?:{PLACE_END}))(?={GOVERNMENT_BODY})")
_PLACE_ANY = re.compile(rf"[\u4e00-\u9fff]{{1,8}}?(?:{PLACE_END}|镇|乡)")
_BODY_EN = re.compile(
    r"\b([A-Z][a-z]+)[ -](?=(?:Municipal|City|County|District|Prefecture|Province|Provincial|"
    r"Town|Township|People's|Government|Comprehensive|Experimental|New Area|Zone)\b)"
)


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    from pypinyin import Style, pinyin
    from pypinyin.constants import PINYIN_DICT  # every character with a reading

    out: set[str] = set()
    for code in PINYIN_DICT:
        for reading in pinyin(chr(code), style=Style.NORMAL, heteronym=True)[0]:
            out.add(reading)
    return frozenset(s for s in out if s.isascii() and s.isalpha())


def _is_pinyin(word: str) -> bool:
    """`word` splits into two or more pinyin syllables (Lijiang, Pingtan), so it may be a place."""
    word = word.lower()
    syl = _syllables()
    ends = {0: 0}  # position → fewest syllables to reach it
    for i in range(len(word)):
        if i not in ends:
            continue
        for j in range(i + 1, min(len(word), i + 6) + 1):
            if word[i:j] in syl:
                ends[j] = min(ends.get(j, 99), ends[i] + 1)
    return ends.get(len(word), 0) >= 2


@lru_cache(maxsize=32)
def _report_places(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """The places the report names: as written, and romanised (every tail of each name, as a
    greedy match may have taken words before the place)."""
    from pypinyin import lazy_pinyin

    zh = {m.group(0) for m in _PLACE_ANY.finditer(text)}
    roman: set[str] = set()
    for name in zh:
        bare = re.sub(rf"(?:{PLACE_END}|镇|乡)$", "", name)
        for k in range(len(bare)):
            roman.add("".join(lazy_pinyin(bare[k:])))
    return frozenset(zh), frozenset(roman)


def foreign_names(prose: str, text: str) -> list[str]:
    """Bodies or places a summary's prose names that the report does not: a Chinese place before
    人民政府/政府/管委会, or a pinyin word before Municipal/County/…."""
    zh, roman = _report_places(text)
    source = normalise(text)
    out = [m.group(1) for m in _PLACE_ZH.finditer(prose) if normalise(m.group(1)) not in source]
    out += [m.group(1) for m in _BODY_EN.finditer(prose) if _is_pinyin(m.group(1)) and m.group(1).lower() not in roman]
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------- one language

_LATIN = re.compile(r"[A-Za-z]{2,}")


def english_words(s: str) -> list[str]:
    """Latin words in a Chinese summary's prose (none allowed)."""
    return _LATIN.findall(s)


def summary_prose(summary: Summary) -> list[str]:
    """Everything a reader of the summary reads as prose: headline, items, figures, warnings."""
    return [summary.headline, *(i.text for i in summary.problems), *(i.text for i in summary.next_steps),
            *(k.label for k in summary.key_figures), *(k.where for k in summary.key_figures), *summary.warnings]


def faithful(summary: Summary, text: str, values: Values) -> list[str]:
    """What is untrue in a summary, one line each; [] for a faithful one: a headline number not
    bound to the record, an item its quote does not support, a name the report does not hold."""
    out = [f"headline: {s[:60]!r} states {', '.join(map(str, unbound(s, text, values)))}"
           for s in sentences(summary.headline) if unbound(s, text, values)]
    for part, items in (("problems", summary.problems), ("next_steps", summary.next_steps)):
        for item in items:
            why = item_problem(item, text, summary.lang)
            if why:
                out.append(f"{part}: {item.text[:60]!r}: {why}")
    for prose in (summary.headline, *(i.text for i in summary.problems), *(i.text for i in summary.next_steps)):
        out += [f"names {name}, which the report does not" for name in foreign_names(prose, text)]
    return out
