"""Table 三 (2019/2021 templates) read from running text: a crawler dump puts the whole table on
one line and glues cells together (`一、本年新收政府信息公开申请数量21710000218`).

The official row labels are found in order, each row's digits are what stands between its label
and the next, and a glued run is split into the row's seven cells under the template's own
arithmetic: no leading zeros, the six applicant columns sum to 总计, every column obeys 本年新收 +
上年结转 = （七）总计 + 结转下年度 and the outcome rows sum to （七）总计. A cell every consistent
reading agrees on is recovered; any other cell stays null. Pure functions, shared by the table
reader and the binding rule.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

COLUMNS = 7
# Row key → its label as the templates print it (matched with any white space between characters).
LABELS: tuple[tuple[str, str], ...] = (
    ("received", "本年新收政府信息公开申请数量"),
    ("carried_over", "上年结转政府信息公开申请数量"),
    ("granted", "予以公开"),
    ("partially_granted", "部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "属于国家秘密"),
    ("denied_prohibited_by_law", "其他法律行政法规禁止公开"),
    ("denied_three_safeties", "危及“三安全一稳定”"),
    ("denied_third_party", "保护第三方合法权益"),
    ("denied_internal_affairs", "属于三类内部事务信息"),
    ("denied_process_info", "属于四类过程性信息"),
    ("denied_enforcement_file", "属于行政执法案卷"),
    ("denied_query_matter", "属于行政查询事项"),
    ("unable_not_held", "本机关不掌握相关政府信息"),
    ("unable_needs_creation", "没有现成信息需要另行制作"),
    ("unable_unclear", "补正后申请内容仍不明确"),
    ("not_processed_petition", "信访举报投诉类申请"),
    ("not_processed_repeat", "重复申请"),
    ("not_processed_publication", "要求提供公开出版物"),
    ("not_processed_excessive", "无正当理由大量反复申请"),
    ("not_processed_confirmation", "要求行政机关确认或重新出具已获取信息"),
    ("other_overdue_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
    ("other", "其他处理"),
    ("total_processed", "总计"),
    ("carried_forward", "结转下年度继续办理"),
)
OUTCOMES = tuple(k for k, _ in LABELS if k not in ("received", "carried_over", "total_processed", "carried_forward"))
MAX_READINGS = 200_000  # joint readings examined at most; past that only each row's own arithmetic is used


def _pattern(label: str) -> re.Pattern[str]:
    # 3.其他 is printed 3、其他 or 3．其他 as well.
    return re.compile(r"\s*".join("[.．、]" if c == "." else re.escape(c) for c in label))


_PATTERNS = [(k, _pattern(lab)) for k, lab in LABELS]


@dataclass
class GluedRow:
    key: str
    start: int  # the label's start
    end: int  # after the row's digits
    run: str  # the digits as printed (white space kept)
    readings: list[tuple[int | None, ...]]  # seven cells each, first six summing to the seventh (if balanced)
    # False: the run's printing leaves one reading only, and its cells do not add up (or one is
    # blank): the cells the report states, kept out of the table's joint arithmetic.
    balanced: bool = True


def splits(run: str, n: int = COLUMNS) -> list[tuple[int, ...]]:
    """Every reading of `run` as n cells: white space separates cells, a glued token is cut
    anywhere, no cell has a leading zero."""
    tokens = run.split()
    if not tokens or sum(len(t) for t in tokens) < n or len(tokens) > n or len("".join(tokens)) > 4 * n:
        return []  # longer than n cells of four digits: not one row
    out: list[tuple[int, ...]] = []

    def cut(token: str, k: int) -> list[tuple[int, ...]]:
        res = []
        for points in itertools.combinations(range(1, len(token)), k - 1):
            parts = [token[a:b] for a, b in zip((0, *points), (*points, len(token)), strict=True)]
            if all(p == "0" or p[0] != "0" for p in parts):
                res.append(tuple(int(p) for p in parts))
        return res

    def go(i: int, left: int, acc: tuple[int, ...]) -> None:
        if i == len(tokens):
            if left == 0:
                out.append(acc)
            return
        remaining = len(tokens) - i - 1
        for k in range(1, min(len(tokens[i]), left - remaining) + 1):
            for piece in cut(tokens[i], k):
                go(i + 1, left - k, acc + piece)

    go(0, n, ())
    return out


MAX_NODES = 200_000  # search steps for one run at the most: past that the run is left unread


def summed_readings(run: str, blocks: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Readings of `run` as consecutive blocks of cells where each block's last cell is the sum of
    the others (table 三: one block of 7; table 四: three of 5). White space separates cells, no
    cell has a leading zero. The sum cell is forced by the cells before it, so the search stays
    small; a run that would take more than MAX_NODES steps gets no reading."""
    tokens = run.split()
    digits = "".join(tokens)
    cuts: set[int] = set()
    pos = 0
    for t in tokens:
        pos += len(t)
        cuts.add(pos)
    limit = {i: min(c for c in cuts if c > i) for i in range(len(digits))}  # a cell never crosses a space
    out: list[tuple[int, ...]] = []
    steps = 0

    def cell_ok(a: int, b: int) -> bool:
        return b <= limit[a] and (b - a == 1 or digits[a] != "0")

    def block(i: int, p: int, acc: tuple[int, ...]) -> None:
        nonlocal steps
        if i == len(blocks):
            if p == len(digits):
                out.append(acc)
            return
        free(i, p, acc, blocks[i] - 1, 0)

    def free(i: int, p: int, acc: tuple[int, ...], left: int, total: int) -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_NODES or p >= len(digits):
            return
        if left == 0:  # the block's sum cell: forced
            text = str(total)
            b = p + len(text)
            if digits.startswith(text, p) and b <= len(digits) and cell_ok(p, b):
                block(i + 1, b, acc + (total,))
            return
        later = sum(blocks[i + 1 :])  # at least one digit for every cell of the blocks after this one
        for b in range(p + 1, limit[p] + 1):
            if not cell_ok(p, b):
                break
            value = int(digits[p:b])
            # What must still fit: a digit for each free cell left, the sum cell (no shorter than
            # the sum so far), the later blocks. A longer cell only needs more: stop there.
            if b + (left - 1) + len(str(total + value)) + later > len(digits):
                break
            free(i, b, acc + (value,), left - 1, total + value)

    if digits:
        block(0, 0, ())
    return out if steps <= MAX_NODES else []


def row_readings(run: str) -> list[tuple[int, ...]]:
    """The readings of a table 三 row whose six applicant cells sum to its 总计."""
    return summed_readings(run, (COLUMNS,))


def printed_reading(run: str) -> tuple[int | None, ...] | None:
    """The seven cells of a run that its printing alone decides: seven digits glued or seven apart
    (8100008, whether they add up or not), or six glued digits with one gap where a blank cell
    stood, adding up (0 00000)."""
    tokens = run.split()
    digits = "".join(tokens)
    if len(digits) == COLUMNS and len(tokens) in (1, COLUMNS):
        return tuple(int(d) for d in digits)
    if len(digits) == COLUMNS - 1 and len(tokens) == 2:
        cells = (*(int(d) for d in tokens[0]), None, *(int(d) for d in tokens[1]))
        return cells if adds_up(cells) else None
    return None


def adds_up(cells: tuple[int | None, ...] | list[int | None]) -> bool:
    """Do the six applicant cells (a blank as none) add up to the row's printed 总计?"""
    return cells[-1] is not None and sum(c or 0 for c in cells[:-1]) == cells[-1]


def find_rows(text: str, lo: int = 0, hi: int | None = None, anchored: bool = True) -> list[GluedRow]:
    """Table 三's rows in [lo, hi), found by their labels in the official order; `anchored`: the
    table starts at its first row (本年新收), else anywhere (a quote of some of its rows)."""
    hi = len(text) if hi is None else hi
    start = text.find("本年新收", lo, hi)
    if start == -1:
        start = text.find("本年度新收", lo, hi)
    if start == -1:
        if anchored:
            return []
        start = lo
    found: list[tuple[str, int, int]] = []
    pos = max(lo, start - 4)
    for key, pattern in _PATTERNS:
        m = pattern.search(text, pos, min(hi, pos + 400))
        if m is None:
            continue
        found.append((key, m.start(), m.end()))
        pos = m.end()
    rows: list[GluedRow] = []
    for i, (key, s, e) in enumerate(found):
        stop = found[i + 1][1] if i + 1 < len(found) else min(hi, e + 60)
        m = re.match(r"[\s|]*(\d[\d\s|]*)", text[e:stop])
        run = m.group(1) if m else ""
        run_end = e + (m.end(1) if m else 0)
        if run and re.match(r"\s*[.．、]", text[run_end : run_end + 2]):
            run = run[:-1]  # the next row's index (…00000002.其他法律…)
            run_end -= 1
        if re.match(r"\s*年", text[run_end : run_end + 2]) and re.search(r"20\d\d$", run) and len(run) > 4:
            run = run[:-4]  # the next sentence's year (…继续办理20000022025年，我局…)
            run_end -= 4
        run = run.replace("|", " ").rstrip()
        readings: list[tuple[int | None, ...]] = list(row_readings(run)) if run else []
        balanced = True
        if run and not readings:
            printed = printed_reading(run)
            readings, balanced = ([printed], False) if printed else ([], True)
        rows.append(GluedRow(key, s, e + len(text[e:run_end].rstrip()), run, readings, balanced))
    return rows


def solve(rows: list[GluedRow]) -> dict[str, list[int | None]]:
    """Each row's seven cells, a cell null unless every reading consistent with the table's
    arithmetic agrees on it."""
    printed = {r.key: list(r.readings[0]) for r in rows if r.readings and not r.balanced}
    by_key = {r.key: r for r in rows if r.readings and r.balanced}
    keys = list(by_key)
    choices = [by_key[k].readings for k in keys]
    total = 1
    for c in choices:
        total *= len(c)
    if total > MAX_READINGS:
        return {**{k: _agree(by_key[k].readings) for k in keys}, **printed}
    solutions = []
    for combo in itertools.product(*choices):
        cells = dict(zip(keys, combo, strict=True))
        if _consistent(cells, {r.key for r in rows}):
            solutions.append(cells)
    if not solutions:  # the printed table does not balance: each row as its own arithmetic reads it
        return {**{k: _agree(by_key[k].readings) for k in keys}, **printed}
    return {**{k: _agree([s[k] for s in solutions]) for k in keys}, **printed}


def _agree(readings: list[tuple[int, ...]]) -> list[int | None]:
    return [col[0] if len(set(col)) == 1 else None for col in zip(*readings, strict=True)]


def _consistent(cells: dict[str, tuple[int, ...]], printed: set[str]) -> bool:
    """The column equations, wherever every row they name was read."""
    flow = ("received", "carried_over", "total_processed", "carried_forward")
    if all(k in cells for k in flow):
        for c in range(COLUMNS):
            if cells["received"][c] + cells["carried_over"][c] != cells["total_processed"][c] + cells["carried_forward"][c]:
                return False
    outcomes = [k for k in OUTCOMES if k in printed]
    if "total_processed" in cells and outcomes and all(k in cells for k in outcomes):
        for c in range(COLUMNS):
            if sum(cells[k][c] for k in outcomes) != cells["total_processed"][c]:
                return False
    return True


# ------------------------------------------------------------------ table 四

T4_HEAD = re.compile(r"审\s*结\s*总\s*计")


def table4_readings(run: str) -> list[tuple[int, ...]]:
    """Table 四's one data row as fifteen cells: three blocks (复议, 直接起诉, 复议后起诉) whose
    维持 + 纠正 + 其他 + 尚未审结 = 总计."""
    return summed_readings(run, (5, 5, 5))


def table4_run(text: str, lo: int = 0, hi: int | None = None) -> tuple[int, int, str] | None:
    """(start, end, run): the digits after table 四's last header cell (…尚未审结 总计), the quote
    running from that header cell, or None."""
    hi = len(text) if hi is None else hi
    for head in reversed(list(T4_HEAD.finditer(text, lo, hi))):
        m = re.match(r"[\s|]*(\d[\d\s|]*)", text[head.end() : hi])
        if m:
            run = m.group(1).replace("|", " ").rstrip()
            return head.start(), head.end() + m.start(1) + len(m.group(1).rstrip(" |\t\n")), run
    return None


# ------------------------------------------------------------------ table 二

T2_ROW = re.compile(r"(规\s*章|(?:行\s*政\s*)?规\s*范\s*性\s*文\s*件)[\s|]*(\d[\d\s|]*)")


def _table2_law(header: str, cells: tuple[int, ...]) -> bool:
    """The arithmetic of table 二's three columns, as its header names them. 2021 (本年制发 |
    本年废止 | 现行有效): what was made this year is still in force or was repealed, so made ≤
    repealed + in force. 2019 (本年新制作 | 本年新公开 | 对外公开总数): this year's newly published are
    among all published, so new ≤ total. Without a header, every reading stands."""
    made, second, third = cells
    if "现行有效" in header:
        return made <= second + third
    if "对外公开总数" in header:
        return second <= third
    return True


@dataclass(frozen=True)
class Table2Row:
    """One of table 二's 规章 and 规范性文件 rows read from a glued run: its label as printed, where
    it stands, the header above it, and every reading of its three cells that the table's
    arithmetic allows (all of them where none does)."""

    label: str
    start: int
    end: int
    header: str
    readings: tuple[tuple[int, ...], ...]

    @property
    def firsts(self) -> set[int]:
        """This year's count (本年制发 / 本年新制作) under every reading."""
        return {r[0] for r in self.readings}


def table2_readings(text: str, lo: int = 0, hi: int | None = None) -> list[Table2Row]:
    """Table 二's 规章 and 规范性文件 rows between `lo` and `hi`, each with its lawful readings."""
    hi = len(text) if hi is None else hi
    out: list[Table2Row] = []
    for m in T2_ROW.finditer(text, lo, hi):
        run = m.group(2).replace("|", " ").rstrip()
        if re.match(r"\s*[.．、]", text[m.end(2) : m.end(2) + 2]):
            run = run[:-1].rstrip()  # the next row's index
        header = text[max(0, m.start() - 160) : m.start()]
        readings = splits(run, 3)
        lawful = [r for r in readings if _table2_law(header, r)]
        if (lawful or readings) and len(re.sub(r"\s", "", run)) >= 3:
            label = re.sub(r"\s", "", m.group(1))
            out.append(Table2Row(label, m.start(1), m.start(2) + len(run), header, tuple(lawful or readings)))
    return out


def table2_key(label: str) -> str:
    """The row a label names: 规章, or 规范性文件 (行政规范性文件 too)."""
    return "规章" if label == "规章" else "规范性文件"


def table2_by_row(rows: list[Table2Row]) -> dict[str, Table2Row]:
    """The first 规章 row and the first 规范性文件 row, by `table2_key`."""
    by_key: dict[str, Table2Row] = {}
    for r in rows:
        by_key.setdefault(table2_key(r.label), r)
    return by_key


def table2_sums(rows: list[Table2Row]) -> set[int]:
    """proactive.regulations_issued under every reading: 规章 + 规范性文件 (one row of each at most)."""
    by_label = {k: r.firsts for k, r in table2_by_row(rows).items()}
    return {sum(c) for c in itertools.product(*by_label.values())} if by_label else set()

