"""Table 二's glued rows read with the report's own sentences (crawler dumps of the dev split):
a reading the prose bears out is taken, readings it bears out alike stay null, and a sentence that
contradicts every reading decides nothing."""

from __future__ import annotations

from conftest import GOLD_DIR

from extractor.corroborate import witnesses
from extractor.ingest import read_document
from extractor.rules import extract_claims
from extractor.sections import find_sections
from extractor.verify import assemble

CORPUS = GOLD_DIR.parent / "corpus"


def _read(name: str) -> tuple[int | None, list[str]]:
    doc = read_document(CORPUS / name)
    claims, warnings = extract_claims(doc, find_sections(doc.text))
    return assemble(doc, claims, "rules").record.proactive.regulations_issued, warnings


def test_a_verb_names_the_column_a_sentence_counts() -> None:
    # 规章000行政规范性文件8855698 under 本年制发 | 本年废止 | 现行有效: 8|85|5698, 88|5|5698, 88|55|698
    # all hold; the report says 698 in force and 88 made this year, which only 88|55|698 has.
    text = read_document(CORPUS / "011_pingtansyq_2022.txt").text
    said = {(w.value, w.column) for w in witnesses(text, in_force_table=True)}
    assert said == {(698, 2), (88, 0)}
    value, warnings = _read("011_pingtansyq_2022.txt")
    assert value == 88
    assert any("bear out 88" in w and "«动态更新本年度制发的规范性文件88件»" in w for w in warnings), warnings


def test_a_count_of_rules_and_norms_together_is_read_against_both_rows() -> None:
    # 规章000规范性文件1077 under 本年新制作 | 本年新公开 | 对外公开总数: 1|0|77 or 10|7|7. The overview's
    # 地方性法规、政府规章和规范性文件类信息10条 names no column, and only 10|7|7 (with 规章 0|0|0) has a 10.
    value, warnings = _read("032_pingtansyq-czjrj_2019.txt")
    assert value == 10
    assert not any("read as any of" in w for w in warnings)


def test_a_sentence_two_readings_bear_out_alike_decides_nothing() -> None:
    # 规范性文件3336: 3|3|36 and 33|3|6 both have the 3 of 政策、规范性文件类信息3条.
    value, warnings = _read("070_pingtansyq-gwhbgs_2020.txt")
    assert value is None
    assert any("read as any of [3, 33]" in w for w in warnings), warnings
    # 规章1411规范性文件666: 1|4|11 + 6|6|6 = 7|10|17 and 14|1|1 + 6|6|6 = 20|7|7 both have the 7 of
    # 行政法规、规章和规范性文件7条.
    value, warnings = _read("096_pingtansyq-gyzcj_2019.txt")
    assert value is None
    assert any("read as any of [7, 20]" in w for w in warnings), warnings


def test_a_sentence_no_reading_has_neither_decides_nor_vetoes() -> None:
    # 012: the prose's 现行有效…393件 is no reading's third cell (the table prints 470); its 制发的…77件 is.
    value, _ = _read("012_pingtansyq_2023.txt")
    assert value == 77
    # 071: 梳理历年…印发的行政规范性文件228份 is no reading of 2159165; 500余份 is no count at all.
    value, warnings = _read("071_pingtansyq-gwhbgs_2023.txt")
    assert value is None
    assert any("read as any of [2, 21, 215]" in w for w in warnings), warnings
