"""Gold files (eval/gold/*.json, see eval/gold/FORMAT.md): models, loading and the quote check.

A gold file is written by a person reading the document; the quote check here is what keeps
the gold itself honest (every quote must be in the document and state its value).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from .align import locate
from .numbers import numbers_in
from .schema import DERIVED_FIELDS, FIELD_NAMES, LIST_FIELDS, TABLE_COLUMNS, TABLE_FIELDS, TABLE_ROWS
from .verify import binds

# The keys every gold file's `fields` must hold: the contract minus the two text lists.
GOLD_FIELD_NAMES: tuple[str, ...] = tuple(n for n in FIELD_NAMES if n not in LIST_FIELDS)

# Values summed from several table rows; FORMAT.md lets the gold quote just one of those rows,
# so such a quote cannot be expected to state the sum.
SUMMED_FIELDS: frozenset[str] = frozenset(
    {
        "applications.denied",
        "applications.unable_to_provide",
        "applications.not_processed",
        "applications.other",
        "proactive.regulations_issued",
        # several accounts of one channel listed together (…微博2362条;…微博1945条)
        "proactive.weibo",
        "proactive.wechat",
        "litigation.total",
        "litigation.upheld",
        "litigation.corrected",
        "litigation.other",
        "litigation.pending",
    }
)

GoldScalar = int | float | str
GoldTable = dict[str, dict[str, int | None]]



class GoldValue(BaseModel):
    # extra="forbid": a misspelt key (e.g. "qoute") would otherwise pass silently.
    model_config = ConfigDict(extra="forbid")

    value: GoldTable | GoldScalar
    quote: str | None = None
    approximate: bool = False


class GoldItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str
    quote: str


Table4Block = Literal["reconsideration", "litigation_direct", "litigation_after_reconsideration"]
Table4Cell = Literal["upheld", "corrected", "other", "pending", "total"]


class GoldTables(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # row label as printed → column header as printed → value (None for a blank cell)
    table_2: dict[str, dict[str, int | float | None]] | None = None
    table_4: dict[Table4Block, dict[Table4Cell, int | None]] | None = None


class GoldFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    document: str
    labelled_by: str | None = None
    fields: dict[str, GoldValue | None]
    problems: list[GoldItem] | None
    improvements: list[GoldItem] | None
    notes: list[str] = []
    # Optional cell labels of tables 二 and 四 (2019/2021 families), see FORMAT.md.
    tables: GoldTables | None = None

    @field_validator("fields")
    @classmethod
    def _exact_field_names(cls, v: dict[str, GoldValue | None]) -> dict[str, GoldValue | None]:
        missing = [n for n in GOLD_FIELD_NAMES if n not in v]
        extra = [n for n in v if n not in GOLD_FIELD_NAMES]
        if missing or extra:
            raise ValueError(f"fields must hold exactly the contract names; missing {missing}, unknown {extra}")
        for name in TABLE_FIELDS:
            gv = v[name]
            if gv is not None:
                _check_table(gv.value)
        for name, gv in v.items():
            if gv is not None and name not in TABLE_FIELDS and isinstance(gv.value, dict):
                raise ValueError(f"{name}: a table value is only allowed for {sorted(TABLE_FIELDS)}")
        return v

    def value(self, field: str) -> Any:
        """The gold value of a dotted field, None when the field is null."""
        gv = self.fields.get(field)
        return None if gv is None else gv.value


def _check_table(value: Any) -> None:
    if not isinstance(value, dict):
        raise ValueError("applications.table: value must be {row: {column: int|null}}")
    bad_rows = [r for r in value if r not in TABLE_ROWS]
    bad_cols = sorted({c for row in value.values() for c in row if c not in TABLE_COLUMNS})
    if bad_rows or bad_cols:
        raise ValueError(f"applications.table: unknown rows {bad_rows}, unknown columns {bad_cols}")


class GoldError(ValueError):
    """A gold file that cannot be read; the message names the file."""


def load_gold(directory: Path) -> list[GoldFile]:
    """Every *.json gold file in `directory`, sorted by file name."""
    out: list[GoldFile] = []
    for path in sorted(Path(directory).glob("*.json"), key=lambda p: p.name):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise GoldError(f"{path}: invalid JSON: {exc}") from None
        try:
            out.append(GoldFile.model_validate(data))
        except ValidationError as exc:
            raise GoldError(f"{path}: does not match the gold format:\n{exc}") from None
    return out


def _holds_value(field: str, value: Any, quote: str) -> bool:
    """A person's quote holds the labelled value: the binding rule, or, for a table cell a person
    copied as printed (`政府信息公开行政复议 351`, a glued run `21710000218`), the number among
    the quote's cells or digits. This checks labels, not extraction: the scorer judges
    predictions with the binding rule alone."""
    if binds(field, value, quote):
        return True
    if field in ("issuer", "scope", "report_year", "publish_date") or not isinstance(value, (int, float)):
        return False
    cells = [n for tok in quote.split() for n in numbers_in(tok)]
    if any(abs(float(n) - float(value)) < 1e-6 for n in cells):
        return True
    return isinstance(value, int) and any(str(value) in run for run in re.findall(r"\d{2,}", quote))


def gold_quote_ok(text: str, field: str, gv: GoldValue | None) -> bool:
    """The gold quote occurs in `text` (white space / NFKC ignored) and holds the gold value."""
    if gv is None or field in DERIVED_FIELDS or field in TABLE_FIELDS:
        return True  # nothing stated, or no quote required by FORMAT.md
    if not gv.quote or locate(text, gv.quote) is None:
        return False
    if field in SUMMED_FIELDS and isinstance(gv.value, (int, float)):
        return True  # one row of the sum is an allowed quote
    return _holds_value(field, gv.value, gv.quote)


def gold_quote_problems(text: str, gold: GoldFile) -> list[str]:
    """Human-readable reasons for every failing quote of one gold file (fields and list items)."""
    out: list[str] = []
    for field, gv in gold.fields.items():
        if gold_quote_ok(text, field, gv):
            continue
        assert gv is not None
        if not gv.quote:
            why = "no quote"
        elif locate(text, gv.quote) is None:
            why = "quote not found in the document"
        else:
            why = f"quote does not state the value {gv.value!r}"
        out.append(f"{field}: {why}: {gv.quote!r}")
    for name in ("problems", "improvements"):
        for item in getattr(gold, name) or []:
            if locate(text, item.quote) is None:
                out.append(f"{name}: quote not found in the document: {item.quote!r}")
    return out
