"""The 2019/2021 tables (二, 三, 四) from rows in any form: `|` cells (HTML, DOCX, PDF, Markdown,
spreadsheet exports), tab-separated, or whitespace-flattened text. Pure functions → Claims."""

from __future__ import annotations

import re

from .claims import Claim
from .corroborate import borne_out, witnesses
from .glued import adds_up, find_rows, solve, table2_readings, table2_sums, table4_readings, table4_run
from .rows import Row, iter_rows
from .schema import TABLE_COLUMNS, TABLE_ROWS
from .vocabulary import GROUP_OTHER, row_key

# ------------------------------------------------------------------ table 三

AS_PRINTED = "read as printed"  # a glued row whose printing alone decides its cells


def table_three_glued(text: str, lo: int, hi: int) -> tuple[list[Claim], list[str]]:
    """Table 三 from running text with cells glued (a crawler dump): rows by their labels, cells
    by the template's arithmetic; only fully recovered rows are claimed."""
    rows = find_rows(text, lo, hi)
    if not rows:
        return [], []
    cells = solve(rows)
    claims: list[Claim] = []
    warnings: list[str] = []
    recovered = 0
    for r in rows:
        got = cells.get(r.key)
        if got is None:
            if r.run:
                warnings.append(f"table 三 row {TABLE_ROWS[r.key]}: «{r.run}» has no reading consistent with the table; row left null")
            continue
        if any(v is None for v in got) and r.balanced:
            # The cells every reading agrees on are the row's (110000011: 1|10|…|11 or 11|0|…|11,
            # 总计 11 either way); the others stay null, and the row is not counted as recovered.
            options = sorted({tuple(x) for x in r.readings})[:6]
            warnings.append(f"table 三 row {TABLE_ROWS[r.key]}: «{r.run}» reads several ways {options}; undecided cells left null")
            if all(v is None for v in got):
                continue
            note = None
        else:
            recovered += 1
            note = None if len(r.readings) == 1 and len(r.run.split()) == len(TABLE_COLUMNS) else \
                f"table 三 row {TABLE_ROWS[r.key]}: cells split from «{r.run}» by the table's arithmetic"
        if not r.balanced:
            why = "a blank cell where the gap is" if None in got else "its cells do not add up to its 总计"
            note = f"table 三 row {TABLE_ROWS[r.key]}: «{r.run}» {AS_PRINTED} ({why})"
        claims.append(Claim(f"applications.table.{r.key}", dict(zip(TABLE_COLUMNS, got, strict=True)),
                            text[r.start : r.end], near=r.start, note=note))
    if recovered < len(rows):
        warnings.append(f"table 三: {recovered} of {len(rows)} rows recovered from glued cells")
    return claims, warnings


def table_three(text: str, lo: int, hi: int, template: str | None) -> tuple[list[Claim], list[str]]:
    """Claims for `applications.table.<row>` (the row's seven cells) from the rows in [lo, hi)."""
    claims, warnings = _table_three_rows(text, lo, hi, template)
    if len(claims) < 3:  # no table on its own lines: read it from running text
        glued, glued_warnings = table_three_glued(text, lo, hi)
        if len(glued) > len(claims):
            return glued, glued_warnings
    return claims, warnings


def _table_three_rows(text: str, lo: int, hi: int, template: str | None) -> tuple[list[Claim], list[str]]:
    claims: list[Claim] = []
    warnings: list[str] = []
    rows = iter_rows(text, lo, hi)
    in_other = False
    seen: set[str] = set()
    for row in rows:
        label = row.label
        if GROUP_OTHER.search(label):
            in_other = True
        elif re.search(r"总计|结转下年|不予处理|无法提供|不予公开", label):
            in_other = False
        key = row_key(label, in_other)
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
    # A glued row read as printed whose cells do not add up gives no count: its digits may hide a
    # blank cell, so which of them is the 总计 would be a guess. (A row in cells states its 总计;
    # the checks warn where it does not add up.)
    by_key = {c.field.rsplit(".", 1)[-1]: c for c in rows
              if AS_PRINTED not in (c.note or "") or adds_up([c.value.get(col) for col in TABLE_COLUMNS])}
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


def table_four_glued(text: str, lo: int, hi: int) -> list[Claim]:
    """Table 四 in running text (…尚未审结总计000003001410001): the fifteen cells by the blocks'
    sums; a field only where every consistent reading gives it the same value."""
    found = table4_run(text, lo, hi)
    if found is None:
        return []
    start, end, run = found
    readings = table4_readings(run)
    if not readings:
        return []
    quote = text[start:end]
    claims: list[Claim] = []
    for i, part in enumerate(_T4_PARTS):
        recon = {r[i] for r in readings}
        lit = {r[5 + i] + r[10 + i] for r in readings}
        if len(recon) == 1:
            claims.append(Claim(f"reconsideration.{part}", recon.pop(), quote, near=start))
        if len(lit) == 1:
            claims.append(Claim(f"litigation.{part}", lit.pop(), quote, near=start,
                                note=None if i else f"litigation.* summed from the two lawsuit blocks of «{run}»"))
    return claims


def table_four(text: str, lo: int, hi: int) -> list[Claim]:
    """reconsideration.* and litigation.* from the one data row of fifteen cells."""
    return _table_four_rows(text, lo, hi) or table_four_glued(text, lo, hi)


def _table_four_rows(text: str, lo: int, hi: int) -> list[Claim]:
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


def table_two_glued(text: str, lo: int, hi: int, stated: set[float | int]) -> tuple[list[Claim], list[str]]:
    """Table 二's 规章 and 规范性文件 rows with cells glued (规范性文件1077 = 10|7|7 or 1|0|77): this
    year's count where every reading agrees, where the report's sentence (`stated`) says which, or
    where the report's other sentences on those rows bear out one reading (`corroborate`)."""
    rows = table2_readings(text, lo, hi)[:2]
    sums = table2_sums(rows)
    if not sums:
        return [], []
    start, end = min(r.start for r in rows), max(r.end for r in rows)
    quote = text[start:end]
    notes: list[str] = []
    if len(sums) > 1 and sums & stated:
        sums = sums & stated
    if len(sums) > 1:
        agreed, said = borne_out(rows, witnesses(text, any("现行有效" in r.header for r in rows)))
        if len(agreed) == 1:
            sums = agreed
            notes.append(f"proactive.regulations_issued: table 二's rows «{quote}» read several ways; the report's "
                         f"own words ({'; '.join(f'«{w.quote}»' for w in said)}) bear out {next(iter(agreed))}")
    if len(sums) > 1:
        # Every reading is a claim: among themselves a conflict (null), and for a model the numbers
        # this row may be, each of which the evidence check accepts from this quote.
        return ([Claim("proactive.regulations_issued", v, quote, near=start, origin="table") for v in sorted(sums)],
                [f"proactive.regulations_issued: table 二's rows «{quote}» read as any of {sorted(sums)}; left null"])
    return [Claim("proactive.regulations_issued", sums.pop(), quote, near=start, origin="table")], notes



# ------------------------------------------------------------------ marks, for the review page

_ROW_BY_LABEL = {label: key for key, label in TABLE_ROWS.items()}
_ROW_NOTE = re.compile(r"^table 三 row (.+?): (.*)$", re.S)


def table_marks(warnings: list[str]) -> dict[str, tuple[str, str]]:
    """How the readers above read a table row or field, told back from their warnings (which a
    JSONL record keeps): key → (mark, warning). Keys are `applications.table.<row>`, `litigation`
    (table 四 split from one glued run) and `proactive.regulations_issued`; marks are "split" (cells
    split from a glued run by the table's arithmetic), "recovered" (a blank 总计 summed from its
    row), "ambiguous" (several readings, left null) and "unread" (no reading, left null)."""
    marks: dict[str, tuple[str, str]] = {}
    for w in warnings:
        row = _ROW_NOTE.match(w)
        if row and row.group(1) in _ROW_BY_LABEL:
            note = row.group(2)
            mark = ("split" if "by the table's arithmetic" in note else
                    "recovered" if note.startswith("blank 总计 summed") else
                    "ambiguous" if "reads several ways" in note else "unread")
            marks[f"applications.table.{_ROW_BY_LABEL[row.group(1)]}"] = (mark, w)
        elif w.startswith("litigation.* summed from the two lawsuit blocks of «"):
            marks["litigation"] = ("split", w)
        elif w.startswith("proactive.regulations_issued: table 二's rows «") and " read as any of " in w:
            marks["proactive.regulations_issued"] = ("ambiguous", w)
    return marks
