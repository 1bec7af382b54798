"""The statistics table of the 2008-family reports (指标名称 | 计量单位 | 本年度 | 历年累计), in any
form: cells apart, `|` rows, or glued into one run (`主动公开信息数条4251516`).

Each row is a label, a unit and one or two numbers. A glued run is split by what the table
itself allows (this year's cell is no larger than the running total, a part no larger than its
whole, no leading zeros) and by the report's own sentences where they state the same figure;
exactly one consistent split gives the value, several give none and a warning. Pure functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .claims import Claim

# Row label → field (the year's column). Order matters: the first pattern that matches wins.
ROW_FIELDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"部分公开"), "applications.partially_granted"),
    (re.compile(r"(?:否决|不予|不同意)公开"), "applications.denied"),
    (re.compile(r"同意公开"), "applications.granted"),
    (re.compile(r"其他类型答复|其它类型答复"), "applications.other"),
    (re.compile(r"答复(?:总)?数"), "applications.total_processed"),
    (re.compile(r"网站公开"), "proactive.website"),
    (re.compile(r"公报公开"), "proactive.gazette"),
    (re.compile(r"新闻发布会"), "proactive.press_conferences"),
    (re.compile(r"主动公开(?:信息|文件)数"), "proactive.total"),
    (re.compile(r"(?:受理)?(?:依申请公开信息|政府信息公开申请)总数|依申请公开信息数"), "applications.received"),
    (re.compile(r"行政复议数"), "reconsideration.total"),
    (re.compile(r"^行政诉讼数"), "litigation.total"),
    (re.compile(r"举报"), "complaints.total"),
    # 政府信息公开收费减免金额 sums fees and waivers: only its 0 is a fee count (the binding rule).
    (re.compile(r"收费"), "fees.collected"),
)
STAT_FIELDS: tuple[str, ...] = tuple(dict.fromkeys(f for _, f in ROW_FIELDS))
# Parts and their whole: a part's cell is never larger than the whole's.
PARENT = {"proactive.website": "proactive.total", "proactive.gazette": "proactive.total",
          "applications.granted": "applications.total_processed",
          "applications.partially_granted": "applications.total_processed",
          "applications.denied": "applications.total_processed",
          "applications.other": "applications.total_processed"}

# The header as offices write it: 指标名称 | 计量单位, or spaced out and with 单位 alone (指 标 名 称单位).
_HEADER = re.compile(r"指\s*标\s*名\s*称\s*\|?\s*(?:计\s*量\s*)?单\s*位")
_ROW = re.compile(
    r"(?:其中[:：]?\s*)?(?:\d{1,2}\s*[.．、]\s*)?(?P<label>[\u4e00-\u9fff、，,（）()]{2,30}?)[\s|]*"
    r"(?P<unit>条|件|元|次|场)[\s|]*(?P<run>\d[\d\s|]*)"
)


@dataclass
class StatRow:
    label: str
    field: str | None
    cells: list[list[int]]  # candidate (this year, running total) readings; one when unambiguous
    # Readings of a glued run with this year's cell larger than the running total: an office that
    # left 历年累计 at 0 (主动公开文件数条740 = 74 | 0). Taken only where a sentence states the value.
    unordered: list[list[int]]
    start: int
    end: int


def _index_follows(text: str, end: int) -> bool:
    """The run's last digit is the next row's index (…条41815092.政府公报公开…)."""
    return bool(re.match(r"\s*[.．、]", text[end : end + 2]))


def _splits(run: str, columns: int, ordered: bool = True) -> list[list[int]]:
    """Every reading of a glued digit run as `columns` cells: no leading zeros, and (`ordered`)
    the year's cell no larger than the running total."""
    if columns == 1:
        return [[int(run)]] if not (len(run) > 1 and run[0] == "0") else []
    out: list[list[int]] = []
    for i in range(1, len(run)):
        a, b = run[:i], run[i:]
        if (len(a) > 1 and a[0] == "0") or (len(b) > 1 and b[0] == "0"):
            continue
        if int(a) <= int(b) or not ordered:
            out.append([int(a), int(b)])
    return out


def _readings(raw: str, columns: int, index_next: bool, ordered: bool = True) -> list[list[int]]:
    cells = [c for c in re.split(r"[\s|]+", raw.strip()) if c]
    glued_index = index_next and len(cells) == 1  # the index is the run's last digit, not a cell apart
    if index_next and len(cells) > 1:  # …条 72804 76424 2、政府公报公开, …条740 2.政府公报…: the 2 is an index
        cells = cells[:-1]
    if len(cells) == columns:
        if columns == 1 and glued_index and len(cells[0]) > 1:  # 年末统计 only: 网站公开条1382、政府公报… is 138 or 1382
            return [[int(cells[0])], [int(cells[0][:-1])]]
        return [[int(c) for c in cells]]
    if len(cells) != 1:
        return []
    run = cells[0]
    if run == "0" and columns == 2:
        # One cell written, 0: the year's count if it is the year's cell, and no larger than the
        # running total (0) if it is that one. Either way the year's count is 0.
        return [[0, 0]]
    readings = _splits(run, columns, ordered)
    if index_next and len(run) > columns:
        readings += _splits(run[:-1], columns, ordered)
    return readings


def stat_rows(text: str) -> list[StatRow]:
    """The rows of the 2008 statistics table, or [] when the report has none."""
    head = _HEADER.search(text)
    if head is None:
        return []
    header = text[head.end() : head.end() + 40]
    columns = 2 if "累计" in header else 1
    words = list(re.finditer(r"历年累计|累计|年末统计|本年度|\d{4}\s*年度?", header))
    start = head.end() + (words[-1].end() if words else 0)
    rows: list[StatRow] = []
    pos = start
    for m in _ROW.finditer(text, start):
        if m.start() - pos > 40:  # the table has ended: prose follows
            break
        label = m.group("label").lstrip("、，,")
        field = next((f for pat, f in ROW_FIELDS if pat.search(label)), None)
        index_next = _index_follows(text, m.end("run"))
        readings = _readings(m.group("run"), columns, index_next)
        unordered = [r for r in _readings(m.group("run"), columns, index_next, ordered=False) if r not in readings]
        end = m.end("run")
        if index_next:
            tail = re.search(r"[\s|]+\d{1,2}$", m.group("run"))
            # The next row's index: left out of the quote when it stands apart, kept with its
            # punctuation when glued to the run (the quote then shows why it was split off).
            end = m.start("run") + tail.start() if tail else end + 1
        end = m.start("run") + len(text[m.start("run") : end].rstrip(" |\t"))
        rows.append(StatRow(label, field, readings, unordered, m.start("label"), end))
        pos = m.end()
    return rows


def _within(part: list[int], whole: list[int]) -> bool:
    return len(part) == len(whole) and all(a <= b for a, b in zip(part, whole, strict=True))


def stat_claims(text: str, stated: dict[str, set[float | int]],
                running: dict[str, set[float | int]] | None = None) -> tuple[list[Claim], list[str]]:
    """Claims for the year's column. `stated`: values the report's sentences bind to each field,
    used to choose among the readings of a glued run; `running`: the running totals they state
    (历年累计主动公开政府信息2027条), which choose among them too."""
    rows = stat_rows(text)
    by_field: dict[str, StatRow] = {}
    for r in rows:
        if r.field and r.field not in by_field:
            by_field[r.field] = r
    readings: dict[str, list[list[int]]] = {f: list(r.cells) for f, r in by_field.items()}
    unordered: set[str] = set()  # fields whose sentence chose a reading the year ≤ total order excludes
    for field, values in stated.items():  # the report's own sentence decides between readings
        if field in readings:
            said = [c for c in readings[field] if c[0] in values]
            if not said:
                said = [c for c in by_field[field].unordered if c[0] in values]
                if said:
                    unordered.add(field)
            readings[field] = said or readings[field]
    for field, values in (running or {}).items():  # …and the running total it states: 626 | 2027
        if field in readings and len(readings[field]) > 1 and len(readings[field][0]) == 2:
            readings[field] = [c for c in readings[field] if c[1] in values] or readings[field]
    # A part is no larger than its whole, column by column: prune both ways until nothing changes.
    # Under a whole read against the order, its parts may be read so too (74 | 0 holds 74 | 0).
    for _ in range(3):
        for part, whole in PARENT.items():
            if readings.get(part) and readings.get(whole):
                pool = readings[part] + (by_field[part].unordered if whole in unordered else [])
                fits = [p for p in pool if any(_within(p, w) for w in readings[whole])]
                readings[whole] = [w for w in readings[whole] if any(_within(p, w) for p in fits)] or readings[whole]
                # Where no reading of the part fits any of the whole's, the table contradicts itself
                # (答复总数条00 above 同意公开答复数条13): the part is read as it prints, as the whole is.
                readings[part] = fits or readings[part]
    claims: list[Claim] = []
    warnings: list[str] = []
    for field, r in by_field.items():
        values = sorted({c[0] for c in readings[field]})
        quote = text[r.start : r.end]
        if len(values) == 1:
            note = None if len(r.cells) == 1 else f"{field}: split from the glued run «{quote.strip()}» by the table's arithmetic"
            claims.append(Claim(field, values[0], quote, near=r.start, origin="table", note=note))
        elif values:
            # Every reading is a candidate: they meet the sentences' value in the evidence check as
            # a conflict, so a sentence that disagrees with the table is not taken either.
            warnings.append(f"{field}: the statistics table's run «{quote.strip()}» reads as any of {values}")
            claims.extend(Claim(field, v, quote, near=r.start, origin="table") for v in values)
    return claims, warnings


def run_holds(quote: str, value: int | float) -> bool:
    """Does a row of the 2008 table, as quoted, hold `value` in its year column under some
    reading (cells apart, or a glued run split as the table allows)? The binding rule's check
    for such a row: the label names the field (checked by the caller), the year cell is the value."""
    m = _ROW.search(quote)
    if m is None or not isinstance(value, int):
        return False
    index_next = _index_follows(quote, m.end("run"))
    readings = _readings(m.group("run"), 2, index_next, ordered=False) + _readings(m.group("run"), 1, False)
    return any(r[0] == value for r in readings)


def row_label(quote: str) -> str | None:
    """The label of the 2008 table row a quote holds (主动公开信息数 of 主动公开信息数条4251516)."""
    m = _ROW.search(quote)
    return None if m is None else m.group("label").lstrip("、，,")


def row_field(quote: str) -> str | None:
    label = row_label(quote)
    if label is None:
        return None
    return next((f for pat, f in ROW_FIELDS if pat.search(label)), None)
