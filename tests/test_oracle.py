"""The plumbing between the model and the record, checked with an oracle model (tests/oracle.py)
that answers every prompt with the gold choice: over a handful of gold documents of every form
(a seed text, a crawler dump, a PDF, an HTML page, a synthetic template), whatever the oracle
chose reaches the record, and nothing it chose becomes a wrong value."""

from __future__ import annotations

from conftest import GOLD_DIR
from oracle import oracle_results

from extractor.evalrun import select
from extractor.evaluate import score
from extractor.gold import load_gold

DOCUMENTS = ["000_3594167f04f41521", "003_85db5123dd9c84fd", "huaian_2024_report", "t2021_html",
             "076_pingtansyq-zrzyj_2019", "030_pingtansyq-jjfzj_2018", "026_pingtansyq-shsyj_2014"]


def test_the_oracle_brings_llm_to_the_gold_record() -> None:
    golds = select(load_gold(GOLD_DIR), DOCUMENTS)
    assert len(golds) == len(DOCUMENTS)
    report = score(oracle_results(golds, GOLD_DIR))
    o = report.overall
    assert o.wrong_value == 0 and o.hallucination == 0, {r.document: r.mistakes for r in report.documents}
    # Every reading of an ambiguous glued run is offered (076's table 二, 规范性文件121212: 1, 12, 121
    # or 1212 under the table's arithmetic and the prose), so the oracle's choice reaches the record there too.
    assert o.f1 == 1.0, {r.document: r.mistakes for r in report.documents}
