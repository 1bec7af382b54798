"""Table 三 from running text with glued cells (crawler dumps): rows found by their labels, cells
split by the template's arithmetic, never a guess. Generated tables in every spacing, the issue's
runs, and real reports (Huai'an collapsed to one line; corpus dev documents)."""

from __future__ import annotations

import json
import re

from conftest import EXAMPLES, GOLD_DIR, ROOT, rules_result
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.config import Settings
from extractor.glued import LABELS, find_rows, row_readings, solve, table4_readings
from extractor.ingest import read_document
from extractor.pipeline import extract_document
from extractor.schema import TABLE_COLUMNS
from extractor.tables import table_four, table_three_glued

ROWS_2021 = [k for k, _ in LABELS if k != "other"]
OUTCOME_ROWS = [k for k in ROWS_2021 if k not in ("received", "carried_over", "total_processed", "carried_forward")]
PRINTED = dict(LABELS)


def test_the_issues_runs() -> None:
    assert row_readings("21710000218") == [(217, 1, 0, 0, 0, 0, 218)]
    assert row_readings("0000000") == [(0, 0, 0, 0, 0, 0, 0)]
    # Two readings satisfy the row's own sum: only the rest of the table can decide.
    assert sorted(row_readings("110000011")) == [(1, 10, 0, 0, 0, 0, 11), (11, 0, 0, 0, 0, 0, 11)]


@st.composite
def tables(draw: st.DrawFn) -> dict[str, list[int]]:
    """A valid 2021 table 三: outcome rows sum to （七）总计, the flow equation holds per column."""
    count = st.integers(0, 30)
    cells: dict[str, list[int]] = {}
    for key in OUTCOME_ROWS:
        six = [draw(count) if draw(st.booleans()) else 0 for _ in range(6)]
        cells[key] = six
    processed = [sum(cells[k][c] for k in OUTCOME_ROWS) for c in range(6)]
    carried_over = [draw(st.integers(0, p)) for p in processed]
    forward = [draw(st.integers(0, 5)) for _ in range(6)]
    cells["carried_over"] = carried_over
    cells["received"] = [p + f - o for p, f, o in zip(processed, forward, carried_over, strict=True)]
    cells["total_processed"] = processed
    cells["carried_forward"] = forward
    return {k: v + [sum(v)] for k, v in cells.items()}


def render(table: dict[str, list[int]], glue: list[bool]) -> str:
    parts = ["三、收到和处理政府信息公开申请情况 一、"]
    for i, key in enumerate(ROWS_2021):
        label = PRINTED[key].removeprefix("3.")
        index = {"other_other": "3.", "denied_state_secret": "（三）不予公开 1.", "granted": "三、本年度办理结果（一）"}
        sep = "" if glue[i % len(glue)] else " "
        parts.append(f"{index.get(key, '')}{label}{sep.join(str(v) for v in table[key])}")
    return "".join(parts) + " 四、政府信息公开行政复议、行政诉讼情况"


@settings(max_examples=1000, deadline=None)
@given(tables(), st.lists(st.booleans(), min_size=1, max_size=5))
def test_every_recovered_cell_is_the_original_and_the_rest_is_null(table: dict[str, list[int]], glue: list[bool]) -> None:
    text = render(table, glue)
    rows = find_rows(text)
    assert [r.key for r in rows] == ROWS_2021
    claims, warnings = table_three_glued(text, 0, len(text))
    got = {c.field.rsplit(".", 1)[1]: c.value for c in claims}
    for key in ROWS_2021:
        if key in got:  # a claimed row holds the original's cells, a cell its readings differ on null
            row = [got[key][c] for c in TABLE_COLUMNS]
            assert all(v is None or v == table[key][i] for i, v in enumerate(row)), key
            if None in row:  # and says so, with the readings it could not choose between
                assert any(PRINTED[key][:4] in w and "reads several ways" in w for w in warnings), key
        else:  # not claimed: said, with the readings it could not choose between
            assert any(PRINTED[key][:4] in w or key in w for w in warnings) or any(
                "rows recovered" in w for w in warnings), key
    cells = solve(rows)
    for key, values in cells.items():
        assert all(v is None or v == table[key][i] for i, v in enumerate(values)), key


def test_huaian_collapsed_to_one_line_keeps_all_175_cells(tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = read_document(EXAMPLES / "huaian_2024_report.pdf").text
    one_line = tmp_path / "huaian_one_line.txt"
    one_line.write_text(re.sub(r"\s*\n\s*", " ", text).replace("|", " "), encoding="utf-8")
    gold = json.loads((GOLD_DIR / "huaian_2024_report.json").read_text(encoding="utf-8"))
    expected = gold["fields"]["applications.table"]["value"]
    r = extract_document(str(one_line), "rules", Settings())
    assert r.record.applications.table == expected
    assert r.record.applications.received == 3119 and r.record.applications.denied == 178


def test_crawler_dump_tables_of_the_dev_split() -> None:
    # 011: 一、本年新收政府信息公开申请数量 713000074 … （七）总计 723000075
    r = rules_result(ROOT / "eval" / "corpus" / "011_pingtansyq_2022.txt")
    table = r.record.applications.table or {}
    assert [table["received"][c] for c in TABLE_COLUMNS] == [71, 3, 0, 0, 0, 0, 74]
    assert r.record.applications.received == 74 and r.record.applications.total_processed == 75
    assert r.evidence["applications.received"].origin == "table"
    # 038: rows （六）2 and 3 are printed with no cells at all: those rows stay null.
    r = rules_result(ROOT / "eval" / "corpus" / "038_pingtansyq-scjgj_2021.txt")
    table = r.record.applications.table or {}
    assert "other_unpaid_fee" not in table and "other_other" not in table
    assert r.record.applications.other is None and r.record.applications.received == 5


def test_a_row_its_printing_decides_is_read_as_printed_and_gives_no_count_it_contradicts() -> None:
    # 075: 0 00000 (six digits, a gap where a blank cell stood): read, and its 总计 counts.
    r = rules_result(ROOT / "eval" / "corpus" / "075_pingtansyq-gaj_2019.txt")
    table = r.record.applications.table or {}
    assert [table["received"][c] for c in TABLE_COLUMNS] == [0, None, 0, 0, 0, 0, 0]
    assert r.record.applications.received == 0
    # 072: （七）总计1000000, seven digits that do not add up: the cells as printed, no total count.
    r = rules_result(ROOT / "eval" / "corpus" / "072_pingtansyq-htpq_2021.txt")
    table = r.record.applications.table or {}
    assert [table["total_processed"][c] for c in TABLE_COLUMNS] == [1, 0, 0, 0, 0, 0, 0]
    assert r.record.applications.total_processed is None
    assert any("read as printed" in w for w in r.warnings)


def test_the_cells_every_reading_of_a_row_agrees_on_are_read() -> None:
    # 081: （二）部分公开…110000011 is 1|10|0|0|0|0|11 or 11|0|0|0|0|0|11 (the outcome rows do not add
    # up to the printed 总计 19, so the rest of the table cannot say which): 总计 11 either way.
    r = rules_result(ROOT / "eval" / "corpus" / "081_pingtansyq-scjgj_2025.txt")
    table = r.record.applications.table or {}
    assert [table["partially_granted"][c] for c in TABLE_COLUMNS] == [None, None, 0, 0, 0, 0, 11]
    assert r.record.applications.partially_granted == 11
    assert any("部分公开" in w and "reads several ways" in w for w in r.warnings)


def test_the_next_sentences_year_is_no_cell() -> None:
    # 081: 四、结转下年度继续办理20000022025年，我局共收到… : the row is 2000002.
    rows = find_rows("一、本年新收政府信息公开申请数量2000002四、结转下年度继续办理20000022025年，我局共收到申请21件")
    assert [r.run for r in rows] == ["2000002", "2000002"]


@st.composite
def table4(draw: st.DrawFn) -> tuple[int, ...]:
    cells: list[int] = []
    for _ in range(3):
        four = [draw(st.integers(0, 400)) if draw(st.booleans()) else 0 for _ in range(4)]
        cells += four + [sum(four)]
    return tuple(cells)


@settings(max_examples=1000, deadline=None)
@given(table4(), st.lists(st.booleans(), min_size=1, max_size=4))
def test_table_four_runs_hold_the_original_and_a_single_reading_is_it(cells: tuple[int, ...], glue: list[bool]) -> None:
    run = "".join(str(v) + ("" if glue[i % len(glue)] else " ") for i, v in enumerate(cells)).strip()
    readings = table4_readings(run)
    assert cells in readings
    if len(readings) == 1:
        assert readings[0] == cells
    text = f"行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 {run} 五、存在的主要问题"
    claims = {c.field: c.value for c in table_four(text, 0, len(text))}
    for i, part in enumerate(("upheld", "corrected", "other", "pending", "total")):
        if f"reconsideration.{part}" in claims:  # claimed only when every reading agrees
            assert claims[f"reconsideration.{part}"] == cells[i]
        if f"litigation.{part}" in claims:
            assert claims[f"litigation.{part}"] == cells[5 + i] + cells[10 + i]


def test_the_issues_table_four_run() -> None:
    assert table4_readings("21317000001324019") == [(2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19)]


FORMS = ("pipe", "tab", "spaces", "label_above", "one_line_spaced", "one_line_glued")


def render_form(table: dict[str, list[int]], form: str, order: list[str]) -> str:
    """Table 三 as converters print it: | cells, tabs, white space, the label on the line above its
    numbers, or the whole table on one line (cells apart or glued)."""
    lines = ["三、收到和处理政府信息公开申请情况"]
    for key in order:
        label = PRINTED[key] if key != "other_other" else "3.其他"
        label = {"denied_state_secret": "（三）不予公开 1.属于国家秘密"}.get(key, label)
        cells = [str(v) for v in table[key]]
        if form == "pipe":
            lines.append("| " + " | ".join([label, *cells]) + " |")
        elif form == "tab":
            lines.append("\t".join([label, *cells]))
        elif form == "spaces":
            lines.append(label + " " + " ".join(cells))
        elif form == "label_above":
            lines += [label, " ".join(cells)]
        else:
            lines.append(label + ("".join(cells) if form == "one_line_glued" else " " + " ".join(cells)))
    sep = "" if form.startswith("one_line") else "\n"
    return sep.join(lines) + sep + "四、政府信息公开行政复议、行政诉讼情况\n"


@settings(max_examples=300, deadline=None)
@given(tables(), st.sampled_from(FORMS), st.randoms(use_true_random=False))
def test_every_form_recovers_the_cells_it_prints(table: dict[str, list[int]], form: str, rnd) -> None:  # type: ignore[no-untyped-def]
    order = list(ROWS_2021)
    if not form.startswith("one_line"):
        rnd.shuffle(order)  # rows found by their labels, not by their place
    text = render_form(table, form, order)
    from extractor.tables import table_three

    claims, _ = table_three(text, 0, len(text), "2021")
    got = {c.field.rsplit(".", 1)[1]: c.value for c in claims}
    assert got, form
    for key, row in got.items():  # cells glued: a cell the row's readings differ on is null
        cells = [row[c] for c in TABLE_COLUMNS]
        if form == "one_line_glued":
            assert all(v is None or v == table[key][i] for i, v in enumerate(cells)), (form, key)
        else:
            assert cells == table[key], (form, key)
    if form != "one_line_glued":  # cells apart: every row is read, but a bare 3.其他 taken out of its
        # （六）其他处理 group by the shuffle names no row, and stays null
        assert set(got) >= set(ROWS_2021) - {"other_other"}, form
