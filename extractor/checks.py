"""The consistency checks of FIELDS.md, as warnings (never silent fixes)."""

from __future__ import annotations

from .schema import TABLE_COLUMNS, TABLE_ROWS, ReportRecord

_OUTCOME_ROWS = [
    k for k in TABLE_ROWS if k not in {"received", "carried_over", "total_processed", "carried_forward"}
]


def run_checks(record: ReportRecord) -> list[str]:
    warnings: list[str] = []
    table = record.applications.table
    if table:
        warnings.extend(_table_three(table))
    for name in ("reconsideration", "litigation"):
        o = getattr(record, name)
        parts = [o.upheld, o.corrected, o.other, o.pending]
        if o.total is not None and all(p is not None for p in parts) and sum(parts) != o.total:  # type: ignore[arg-type]
            warnings.append(f"check: {name} 总计 {o.total} ≠ 维持+纠正+其他+尚未审结 {sum(parts)}")  # type: ignore[arg-type]
    a = record.applications
    outcomes = [a.granted, a.partially_granted, a.denied, a.unable_to_provide, a.not_processed, a.other]
    known = [v for v in outcomes if v is not None]
    if a.total_processed is not None and known and sum(known) > a.total_processed:
        warnings.append(f"check: outcomes add up to {sum(known)}, more than total_processed {a.total_processed}")
    return warnings


def _table_three(table: dict[str, dict[str, int | None]]) -> list[str]:
    out: list[str] = []
    for key, row in table.items():
        cells = [row.get(c) for c in TABLE_COLUMNS[:-1]]
        total = row.get("total")
        if total is not None and all(c is not None for c in cells) and sum(cells) != total:  # type: ignore[arg-type]
            out.append(f"check: table 三 row {TABLE_ROWS[key]}: 总计 {total} ≠ sum of applicant columns {sum(cells)}")  # type: ignore[arg-type]
    rows_present = [k for k in _OUTCOME_ROWS if k in table]
    # In a 2021 table the three 其他处理 sub-rows replace the single 其他处理 row.
    if any(k.startswith("other_") for k in table):
        rows_present = [k for k in rows_present if k != "other"]
    for col in TABLE_COLUMNS:
        def cell(k: str, col: str = col) -> int | None:
            return table.get(k, {}).get(col)

        total_row = cell("total_processed")
        vals = [cell(k) for k in rows_present]
        if total_row is not None and vals and all(v is not None for v in vals) and sum(vals) != total_row:  # type: ignore[arg-type]
            out.append(f"check: table 三 column {col}: （七）总计 {total_row} ≠ sum of outcome rows {sum(vals)}")  # type: ignore[arg-type]
        flow = [cell("received"), cell("carried_over"), total_row, cell("carried_forward")]
        if all(v is not None for v in flow) and flow[0] + flow[1] != flow[2] + flow[3]:  # type: ignore[operator]
            out.append(
                f"check: table 三 column {col}: 本年新收 {flow[0]} + 上年结转 {flow[1]} ≠ 总计 {flow[2]} + 结转下年度 {flow[3]}"
            )
    return out


_APPLICATION_SCALARS = ("received", "granted", "partially_granted", "denied", "total_processed")


def missing_parts(record: ReportRecord, sections: set[str]) -> list[str]:
    """Say what could not be read, so that a null means "not said", not "not found": a part of
    the report (or a table of its family's template) that exists but yielded nothing."""
    out: list[str] = []
    family = record.template
    if family is None:
        return out
    a = record.applications
    if family in ("2019", "2021") and a.table is None:
        out.append(f"not found: table 三 of the {family} template (applications by applicant); its figures are null")
    if all(getattr(a, f) is None for f in _APPLICATION_SCALARS):
        where = "its applications section" if "applications" in sections else "the report (no applications section found)"
        out.append(f"not found: no application figure could be read from {where}")
    if record.reconsideration.total is None and record.litigation.total is None:
        if family in ("2019", "2021"):
            out.append(f"not found: table 四 of the {family} template (reconsiderations and lawsuits); its figures are null")
        elif "remedies" in sections:
            out.append("not found: the section on reconsiderations and lawsuits yielded no figure")
    return out

