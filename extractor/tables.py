"""The 2019/2021 tables (二, 三, 四) from rows in any form: `|` cells (HTML, DOCX, PDF, Markdown,
spreadsheet exports), tab-separated, or whitespace-flattened text. Pure functions → Claims."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .claims import Claim
from .schema import TABLE_COLUMNS, TABLE_ROWS

_NUMERIC = re.compile(r"^-?\d+(?:\.\d+)?$")
_SEPARATOR = re.compile(r"^\|?[\s:|-]+\|?$")


@dataclass
class Row:
    label: str
    cells: list[int | float | None]  # value cells after the label; None = blank
    start: int  # offsets of the whole line in the document text
    end: int
    exact: bool  # cell positions known (cells were delimited); False for flattened text


def _num(cell: str) -> int | float | None:
    c = cell.replace(",", "").replace("，", "").strip()
    if not _NUMERIC.match(c):
        return None
    v = float(c)
    return int(v) if v.is_integer() else v


def parse_row(line: str, start: int) -> Row | None:
    """A table row: a label and at least one numeric cell, or None."""
    stripped = line.strip()
    if not stripped or _SEPARATOR.match(stripped) and "-" in stripped:
        return None
    end = start + len(line)
    if "|" in stripped or "\t" in stripped:
        sep = "|" if "|" in stripped else "\t"
        parts = stripped.strip("|").split(sep) if sep == "|" else stripped.split("\t")
        parts = [p.strip() for p in parts]
        # Label = every cell up to the last non-numeric, non-blank one.
        last_label = -1
        for i, p in enumerate(parts):
            if p and _num(p) is None:
                last_label = i
        label = "".join(parts[: last_label + 1])
        values = [_num(p) for p in parts[last_label + 1 :]]
        if not any(v is not None for v in values):
            return None
        return Row(label=label, cells=values, start=start, end=end, exact=True)
    m = re.match(r"^(.*?)((?:\s*-?\d+(?:\.\d+)?)+)\s*$", stripped)
    if not m:
        return None
    label = m.group(1).strip()
    tokens = m.group(2).split()
    if label and label[-1].isdigit():  # "1.属于国家秘密" is fine; "第3" glued to digits is not a row
        return None
    # A flattened row needs at least two numbers: one number after words is a sentence.
    if len(tokens) < 2 and label:
        return None
    return Row(label=label, cells=[_num(t) for t in tokens], start=start, end=end, exact=False)


def iter_rows(text: str, lo: int, hi: int) -> list[Row]:
    rows: list[Row] = []
    pos = lo
    previous = ""  # a label-only line: a wrapped label printed above its numbers
    for line in text[lo:hi].split("\n"):
        row = parse_row(line, pos)
        if row is not None:
            if not row.label and previous:
                row.label = previous
            rows.append(row)
            previous = ""
        else:
            previous = line.strip()
        pos += len(line) + 1
    return rows


# ------------------------------------------------------------------ table 三

_ROW_KEYS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("received", re.compile(r"本年(?:度)?新收")),
    ("carried_over", re.compile(r"上年(?:度)?结转")),
    ("carried_forward", re.compile(r"结转下年")),
    ("partially_granted", re.compile(r"部分公开")),
    ("denied_state_secret", re.compile(r"国家秘密")),
    ("denied_prohibited_by_law", re.compile(r"法律行政法规禁止")),
    ("denied_three_safeties", re.compile(r"三安全一稳定")),
    ("denied_third_party", re.compile(r"第三方")),
    ("denied_internal_affairs", re.compile(r"内部事务")),
    ("denied_process_info", re.compile(r"过程性")),
    ("denied_enforcement_file", re.compile(r"执法案卷")),
    ("denied_query_matter", re.compile(r"查询事项")),
    ("unable_not_held", re.compile(r"不掌握")),
    ("unable_needs_creation", re.compile(r"现成信息|另行制作")),
    ("unable_unclear", re.compile(r"仍不明确")),
    ("not_processed_petition", re.compile(r"信访|举报投诉")),
    ("not_processed_repeat", re.compile(r"重复申请")),
    ("not_processed_publication", re.compile(r"出版物")),
    ("not_processed_excessive", re.compile(r"大量反复")),
    ("not_processed_confirmation", re.compile(r"确认或重新出具|重新出具")),
    ("other_overdue_correction", re.compile(r"逾期不补正")),
    ("other_unpaid_fee", re.compile(r"收费通知|缴纳费用")),
    ("total_processed", re.compile(r"总计")),
    ("granted", re.compile(r"(?<!不)予以公开")),
)
_GROUP_OTHER = re.compile(r"其他处理|他处理")


def _row_key(label: str, in_other_group: bool, template: str | None) -> str | None:
    for key, pattern in _ROW_KEYS:
        if pattern.search(label):
            return key
    bare = re.sub(r"^[\d\s.、（）()一二三四五六七]+", "", label)
    group = _GROUP_OTHER.search(label)
    if group:
        # "（六）其他处理 | 3、其他" (merged group cell repeated) is the 2021 sub-row, not the 2019 row.
        return "other_other" if "其他" in label[group.end() :] else "other"
    if in_other_group and bare.startswith("其他"):
        return "other_other"
    return None


def table_three(text: str, lo: int, hi: int, template: str | None) -> tuple[list[Claim], list[str]]:
    """Claims for `applications.table.<row>` (the row's seven cells) from the rows in [lo, hi)."""
    claims: list[Claim] = []
    warnings: list[str] = []
    rows = iter_rows(text, lo, hi)
    in_other = False
    seen: set[str] = set()
    for row in rows:
        label = row.label
        if _GROUP_OTHER.search(label):
            in_other = True
        elif re.search(r"总计|结转下年|不予处理|无法提供|不予公开", label):
            in_other = False
        key = _row_key(label, in_other, template)
        if key is None or key in seen:
            continue
        if key == "other" and template == "2021" and re.search(r"[1１][、.]|申请人", label):
            continue
        cells = row.cells
        if len(cells) < len(TABLE_COLUMNS) or (not row.exact and len(cells) != len(TABLE_COLUMNS)):
            warnings.append(
                f"table 三 row {TABLE_ROWS[key]}: {len(cells)} readable cells, not 7; row left null"
            )
            seen.add(key)
            continue
        values = cells[-len(TABLE_COLUMNS) :]
        if any(isinstance(v, float) for v in values):
            warnings.append(f"table 三 row {TABLE_ROWS[key]}: a cell is not a whole number; row left null")
            seen.add(key)
            continue
        row_map: dict[str, int | None] = dict(zip(TABLE_COLUMNS, values, strict=False))  # type: ignore[arg-type]
        note = None
        if row_map["total"] is None and all(row_map[c] is not None for c in TABLE_COLUMNS[:-1]):
            row_map["total"] = sum(row_map[c] or 0 for c in TABLE_COLUMNS[:-1])
            note = f"table 三 row {TABLE_ROWS[key]}: blank 总计 summed from its six readable cells"
        seen.add(key)
        claims.append(
            Claim(
                field=f"applications.table.{key}",
                value=row_map,
                quote=text[row.start : row.end],
                near=row.start,
                note=note,
            )
        )
    return claims, warnings


_SINGLE = {
    "received": "applications.received",
    "carried_over": "applications.carried_over",
    "granted": "applications.granted",
    "partially_granted": "applications.partially_granted",
    "total_processed": "applications.total_processed",
    "carried_forward": "applications.carried_forward",
}
_GROUPS = {
    "applications.denied": [k for k in TABLE_ROWS if k.startswith("denied_")],
    "applications.unable_to_provide": [k for k in TABLE_ROWS if k.startswith("unable_")],
    "applications.not_processed": [k for k in TABLE_ROWS if k.startswith("not_processed_")],
}
_OTHER_2021 = ["other_overdue_correction", "other_unpaid_fee", "other_other"]


def table_three_scalars(text: str, rows: list[Claim]) -> list[Claim]:
    """The applications.* scalars from table 三's 总计 column; group sums quote all their rows."""
    by_key = {c.field.rsplit(".", 1)[-1]: c for c in rows}
    out: list[Claim] = []
    for key, name in _SINGLE.items():
        c = by_key.get(key)
        if c is not None and c.value["total"] is not None:
            out.append(Claim(name, c.value["total"], c.quote, near=c.near))
    groups = dict(_GROUPS)
    groups["applications.other"] = ["other"] if "other" in by_key else _OTHER_2021
    for name, keys in groups.items():
        members = [by_key.get(k) for k in keys]
        if any(m is None or m.value["total"] is None for m in members):
            continue
        totals = [m.value["total"] for m in members]  # type: ignore[union-attr]
        first = min(members, key=lambda m: m.near or 0)  # type: ignore[union-attr]
        last = max(members, key=lambda m: m.near or 0)  # type: ignore[union-attr]
        lo = first.near or 0  # type: ignore[union-attr]
        hi = (last.near or 0) + len(last.quote)  # type: ignore[union-attr]
        out.append(
            Claim(
                name,
                sum(totals),
                text[lo:hi],
                near=lo,
                parts=totals,
                note=None if len(keys) == 1 else f"{name} summed from {len(keys)} rows of table 三",
            )
        )
    return out


# ------------------------------------------------------------------ table 四

_T4_PARTS = ("upheld", "corrected", "other", "pending", "total")


def table_four(text: str, lo: int, hi: int) -> list[Claim]:
    """reconsideration.* and litigation.* from the one data row of fifteen cells."""
    for row in iter_rows(text, lo, hi):
        if len(row.cells) < 15 or (not row.exact and len(row.cells) != 15):
            continue
        cells = row.cells[-15:]
        if any(isinstance(c, float) for c in cells):
            continue
        quote = text[row.start : row.end]
        claims: list[Claim] = []
        for i, part in enumerate(_T4_PARTS):
            rv = cells[i]
            if rv is not None:
                claims.append(Claim(f"reconsideration.{part}", rv, quote, near=row.start))
            direct, after = cells[5 + i], cells[10 + i]
            if direct is not None and after is not None:
                claims.append(
                    Claim(
                        f"litigation.{part}",
                        direct + after,
                        quote,
                        near=row.start,
                        parts=[direct, after],
                    )
                )
        return claims
    return []


# ------------------------------------------------------------------ table 二

_REG = re.compile(r"^规章$")
_NORM = re.compile(r"^(?:行政)?规范性文件$")


def table_two(text: str, lo: int, hi: int) -> list[Claim]:
    """proactive.regulations_issued = 规章 + 规范性文件, first value column (本年制发/新制作)."""
    found: dict[str, Row] = {}
    for row in iter_rows(text, lo, hi):
        label = re.sub(r"\s", "", row.label)
        for name, pat in (("rules", _REG), ("norms", _NORM)):
            if pat.match(label) and name not in found:
                found[name] = row
    if len(found) < 2:
        return []
    a, b = found["rules"].cells[0], found["norms"].cells[0]
    if a is None or b is None or isinstance(a, float) or isinstance(b, float):
        return []
    first, last = sorted((found["rules"], found["norms"]), key=lambda r: r.start)
    return [
        Claim(
            "proactive.regulations_issued",
            a + b,
            text[first.start : last.end],
            near=first.start,
            parts=[a, b],
        )
    ]
