"""One table row as text prints it: a label and its numeric cells, whatever the separators
(`|` cells, tabs, or white space). Pure functions, shared by the table reader and the binding rule."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    # Numbers apart by white space (a glued run is one token): no nested repeats, so a long digit
    # run followed by text cannot make the match backtrack exponentially.
    m = re.match(r"^(.*?)(-?\d+(?:\.\d+)?(?:\s+-?\d+(?:\.\d+)?)*)\s*$", stripped)
    if not m:
        return None
    label = m.group(1).strip()
    tokens = m.group(2).split()
    # A label holding numbers past its own index is several rows run together (a table flattened
    # onto one line), not one row.
    if re.search(r"\d+(?![\d.．、])", label[3:]):  # a number that is no row index (1.属于…)
        return None
    if label and label[-1].isdigit():  # "1.属于国家秘密" is fine; "第3" glued to digits is not a row
        return None
    # A flattened row needs at least two numbers: one number after words is a sentence.
    if len(tokens) < 2 and label:
        return None
    return Row(label=label, cells=[_num(t) for t in tokens], start=start, end=end, exact=False)


def iter_rows(text: str, lo: int, hi: int) -> list[Row]:
    rows: list[Row] = []
    pos = lo
    previous, previous_start = "", lo  # a label-only line: a wrapped label printed above its numbers
    for line in text[lo:hi].split("\n"):
        row = parse_row(line, pos)
        if row is not None:
            if not row.label and previous:
                # The row's span takes its label line in, so its quote names the row.
                row.label, row.start = previous, previous_start
            rows.append(row)
            previous = ""
        else:
            previous, previous_start = line.strip(), pos + len(line) - len(line.lstrip())
        pos += len(line) + 1
    return rows
