"""Table 二's glued rows read with the report's own sentences.

A crawler dump glues table 二's cells (规范性文件1077: 10|7|7 or 1|0|77) and the table's
arithmetic often leaves several readings. The report's prose often states some of those counts
too: 地方性法规、政府规章和规范性文件类信息10条, 动态更新本年度制发的规范性文件88件. Such a sentence
is a witness: the number it gives for the row (or for 规章 and 规范性文件 together) stands in the
column its verb names (制发 → this year's, 现行有效 → in force), or in some column where it names
none. The readings that agree with the most witnesses are the ones the report bears out; where
none agrees, or readings that differ in this year's count agree alike, nothing is decided.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .glued import Table2Row, table2_by_row, table2_key
from .verify import table_text

RULES, NORMS = "规章", "规范性文件"
_TERM = r"(?P<term>(?:行政)?规范性文件|规章(?!制度))"
_MEASURE = r"(?:件|条|份|个|篇)(?![余多])"
# The row's term then its number (规范性文件类信息10条), or the number then the term (印发的22条规范性文件).
_AFTER = re.compile(_TERM + r"(?:类)?(?:政府)?(?:信息)?(?:共计|共|计|合计|总计)?(?:有|为|达)?(?<![\d.])(?P<n>\d+)" + _MEASURE)
_BEFORE = re.compile(r"(?<![\d.])(?P<n>\d+)" + _MEASURE + r"(?:的)?" + _TERM)
_CLAUSE = re.compile(r"[^，,：:。；;！？!?\n]+")
# Where the clause says which count it gives: the nearest of these before the number.
_MADE = r"制发|制定|出台|印发|制作"
_KINDS_2021 = ((0, _MADE), (1, r"废止|失效"), (2, r"现行有效"))
_KINDS_2019 = ((0, _MADE),)
_HEADER_WORDS = re.compile(r"本年制发|本年新制作|现行有效件数|对外公开总数|本年废止件数")
_APPROX = re.compile(r"(?:近|约|超过|逾)$")


@dataclass(frozen=True)
class Witness:
    """A number the prose gives for table 二's `rows` (one row, or both together), in `column`
    (None: the sentence does not say which), with the clause that says it."""

    value: int
    rows: frozenset[str]
    column: int | None
    quote: str


def witnesses(text: str, in_force_table: bool) -> list[Witness]:
    """Every clause of the prose that gives a count of 规章 or 规范性文件. `in_force_table`: the
    2021 header (本年制发 | 本年废止 | 现行有效), whose second and third columns a verb can name too."""
    kinds = _KINDS_2021 if in_force_table else _KINDS_2019
    out: list[Witness] = []
    for c in _CLAUSE.finditer(text):
        clause = c.group(0)
        if table_text(clause) or _HEADER_WORDS.search(clause):  # the table itself, not a sentence about it
            continue
        for m in itertools.chain(_AFTER.finditer(clause), _BEFORE.finditer(clause)):
            lead = clause[: m.start("n")]
            if _APPROX.search(lead):
                continue
            term_at = m.start("term")
            rows = {table2_key(m.group("term"))}
            if NORMS in rows and re.search(r"规章(?!制度)", clause[:term_at]):
                rows.add(RULES)  # 行政法规、规章和规范性文件7条: the two rows together
            said = [(k.end(), col) for col, words in kinds for k in re.finditer(words, clause[: max(term_at, m.start("n"))])]
            column = max(said)[1] if said else None
            out.append(Witness(int(m.group("n")), frozenset(rows), column, clause.strip()))
    return out


def _agrees(w: Witness, joint: dict[str, tuple[int, ...]]) -> bool:
    present = [joint[r] for r in w.rows if r in joint]
    if not present:
        return False
    cells = tuple(sum(col) for col in zip(*present, strict=True))
    return cells[w.column] == w.value if w.column is not None else w.value in cells


def borne_out(rows: Sequence[Table2Row], found: Sequence[Witness]) -> tuple[set[int], list[Witness]]:
    """This year's count (规章 + 规范性文件, first column) under the joint readings of `rows` that
    agree with the most witnesses, and those witnesses; every reading's count, and no witness,
    where no reading agrees with any."""
    by_key = table2_by_row(list(rows))
    keys = list(by_key)
    best: list[tuple[dict[str, tuple[int, ...]], list[Witness]]] = []
    top = 0
    for combo in itertools.product(*(by_key[k].readings for k in keys)):
        joint = dict(zip(keys, combo, strict=True))
        agreeing = [w for w in found if _agrees(w, joint)]
        if len(agreeing) > top:
            top, best = len(agreeing), []
        if len(agreeing) == top:
            best.append((joint, agreeing))
    sums = {sum(j[k][0] for k in keys) for j, _ in best}
    return sums, (list(dict.fromkeys(w for _, ws in best for w in ws)) if top else [])
