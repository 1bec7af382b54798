"""The 2008-family statistics table (指标名称 | 计量单位 | 本年度 | 历年累计) read from real reports of
the corpus (dev split) in each form: cells apart, `|` rows, and digits glued into one run."""

from __future__ import annotations

from conftest import ROOT, rules_result

from extractor.ingest import read_document
from extractor.stats2008 import stat_claims, stat_rows
from extractor.verify import binds

CORPUS = ROOT / "eval" / "corpus"


def values_of(text: str, stated: dict[str, set[float | int]] | None = None) -> dict[str, object]:
    claims, _ = stat_claims(text, stated or {})
    return {c.field: c.value for c in claims}


def values(name: str, stated: dict[str, set[float | int]] | None = None) -> dict[str, object]:
    return values_of(read_document(CORPUS / name).text, stated)


def test_cells_apart_and_pipe_rows() -> None:
    spaced = values("001_pingtansyq_2011.txt")
    assert spaced["proactive.total"] == 425 and spaced["proactive.website"] == 418
    assert spaced["proactive.gazette"] == 7 and spaced["applications.received"] == 0
    assert spaced["reconsideration.total"] == 0 and spaced["litigation.total"] == 0
    page = values("004_pingtanxian_2013.html")  # the saved page: | 主动公开信息数 | 条 | 1853 | 5395 |
    assert page["proactive.total"] == 1853 and page["proactive.website"] == 1713
    assert page["applications.received"] == 7 and page["applications.total_processed"] == 3


def test_glued_runs_are_split_by_the_tables_own_arithmetic() -> None:
    text = read_document(CORPUS / "002_pingtanxian_2011.txt").text
    assert "主动公开信息数条4251516" in text and "网站公开条41815092.政府公报公开条77" in text
    rows = {r.field: r.cells for r in stat_rows(text)}
    # Alone, 4251516 reads as 4|251516, 42|51516 or 425|1516; 41815092 (its last 2 may be the
    # next row's index) as seven pairs.
    assert rows["proactive.total"] == [[4, 251516], [42, 51516], [425, 1516]]
    assert len(rows["proactive.website"]) == 7
    # The website is part of the total, column by column: only 418|1509 inside 425|1516 fits both.
    decided, warnings = stat_claims(text, {})
    got = {c.field: c.value for c in decided}
    assert got["proactive.total"] == 425 and got["proactive.website"] == 418 and got["proactive.gazette"] == 7
    assert not [w for w in warnings if "proactive" in w]


def test_a_run_the_table_cannot_decide_gives_every_reading() -> None:
    text = "指标名称计量单位2012年度历年累计主动公开信息数条2626其中：1、网站公开条26262、政府公报公开条00"
    claims, warnings = stat_claims(text, {})
    assert sorted(c.value for c in claims if c.field == "proactive.total") == [2, 26]
    assert any("proactive.total" in w and "reads as any of [2, 26]" in w for w in warnings)


def test_rows_bind_their_year_cell_only() -> None:
    assert binds("proactive.website", 418, "网站公开 条 418 1509")
    assert not binds("proactive.website", 1509, "网站公开 条 418 1509")  # the running total
    assert binds("proactive.total", 425, "主动公开信息数条4251516")  # one reading of the run
    assert not binds("proactive.total", 1516, "主动公开信息数条4251516")
    assert not binds("proactive.website", 425, "主动公开信息数条4251516")  # another row's field


def test_a_run_that_reads_two_ways_is_left_null_with_its_readings() -> None:
    # 022: the table's run 2626 reads 2|626 or 26|26, and the prose does not decide: its
    # 制作、获取政府信息总数38条，其中主动公开政府信息38条 counts what was made, then a part of it.
    r = rules_result(CORPUS / "022_pingtansyq-czjrj_2012.txt")
    assert r.record.proactive.total is None
    assert any(w.startswith("proactive.total: conflict: the rules found 2") and "26" in w for w in r.warnings)


def test_single_column_table() -> None:
    rows = stat_rows(read_document(CORPUS / "019_pingtanxian-jyj_2011.txt").text)  # 年末统计 only
    assert [(r.field, r.cells) for r in rows[:3]] == [
        ("proactive.total", [[20]]), ("proactive.website", [[14]]), ("proactive.gazette", [[0]])]


def test_a_header_with_unit_alone_still_opens_the_table() -> None:
    # 030 heads its table 指标名称 单位 2018年 历年累计 (no 计量): every row was missed before.
    rows = values("030_pingtansyq-jjfzj_2018.txt")
    assert rows["proactive.total"] == 94 and rows["proactive.website"] == 94 and rows["proactive.gazette"] == 0
    assert rows["applications.received"] == 0 and rows["complaints.total"] == 0
    # 028 spaces its header out (指 标 名 称单位).
    r = rules_result("eval/corpus/028_pingtansyq-ncfzj_2016.txt")
    assert r.record.proactive.gazette == 0 and r.record.complaints.total == 0


def test_a_sentence_may_choose_a_reading_whose_running_total_is_smaller() -> None:
    # 028 left 历年累计 at 0: «主动公开文件数条740» is 74 | 0, which the year ≤ running total order
    # excludes (it allows only 7 | 40); its sentence 主动公开政府信息74条 says which, and the part
    # 政府网站公开数条740 follows its whole. «…条00 2.同意部分…»: the 2 is the next row's index.
    r = rules_result("eval/corpus/028_pingtansyq-ncfzj_2016.txt")
    assert (r.record.proactive.total, r.record.proactive.website) == (74, 74)
    a = r.record.applications
    assert (a.granted, a.partially_granted, a.denied, a.other) == (0, 0, 0, 0)
    assert not any(w.startswith("proactive.total: conflict") for w in r.warnings)


def test_a_single_zero_cell_is_the_years_zero() -> None:
    # 005_pingtansyq_2013 leaves 历年累计 blank in one row: 2、政府公报公开 条 0 受理依申请… Whichever
    # column the 0 stands in, this year's count is 0 (it is no larger than the running total).
    text = read_document(CORPUS / "005_pingtansyq_2013.txt").text
    assert "2、政府公报公开 条 0 受理" in text
    assert values("005_pingtansyq_2013.txt")["proactive.gazette"] == 0
    # A single nonzero cell could be either column: it gives no value.
    assert "proactive.gazette" not in values_of("指标名称 计量单位 本年度 历年累计 主动公开信息数 条 12 30 其中：1、网站公开 条 12 30 2、政府公报公开 条 5 受理依申请公开信息总数 条 0 0")


def test_the_tables_one_reading_stands_over_prose_that_says_otherwise() -> None:
    # 001 (dev): the prose says 在…网站主动公开的425条政府信息中, the table 网站公开 条 418 1509. As
    # with the 2019/2021 tables, the table's value is kept and the disagreement is said.
    r = rules_result(CORPUS / "001_pingtansyq_2011.txt")
    assert r.record.proactive.website == 418 and r.evidence["proactive.website"].quote.startswith("网站公开")
    assert any(w.startswith("proactive.website: the report's prose says 425") for w in r.warnings), r.warnings


def test_a_running_total_the_report_states_chooses_the_split() -> None:
    # 062: 主动公开文件数条6262027 reads 6|262027, 62|62027 or 626|2027; the prose says 历年累计主动公开
    # 政府信息2027条 (and 733 for the year, which the table does not hold), so 626; the website row
    # (…6262027 2.政府公报…) is a part no larger than its whole, column by column: 626 too.
    r = rules_result(CORPUS / "062_pingtansyq-hjgtj_2017.txt")
    assert r.record.proactive.total == 626 and r.record.proactive.website == 626
    assert any("733" in w for w in r.warnings)  # the prose that disagrees is named, not taken
    assert not any("2027" in w and "prose says" in w for w in r.warnings)  # a running total is no year's figure


def test_one_column_with_the_next_rows_index_glued() -> None:
    # 065 (年末统计 only): 网站公开条1382、政府公报公开条0 is 138 (the 2 is the next row's 2、), which
    # the whole (主动公开信息数条138) allows and 1382 does not.
    assert values("065_pingtansyq-czjrj_2018.txt")["proactive.website"] == 138
    # …while a cell apart from its index stays whole (053: 网站公开条86 2、政府公报公开条0).
    assert values("053_pingtansyq-czjrj_2016.txt")["proactive.website"] == 86


def test_the_fee_and_waiver_row_states_only_no_fee() -> None:
    # 060: 政府信息公开收费减免金额 元 0 0 is no fee collected; a sum of fees and waivers is no fee count.
    assert rules_result(CORPUS / "060_pingtansyq-shsyj_2018.txt").record.fees.collected == 0
    assert binds("fees.collected", 0, "政府信息公开收费减免金额元00")
    assert not binds("fees.collected", 500, "政府信息公开收费减免金额 元 500 800")


def test_a_part_the_whole_cannot_hold_is_read_as_it_prints_and_the_contradiction_said() -> None:
    # 086: 对申请的答复总数条00 above 其中：1.同意公开答复数条132.同意部分…: 13 reads only 1|3 (the 2. is
    # the next row's index), which no reading of 0|0 holds. The table contradicts itself; the row
    # still says 1, and the check says the outcomes exceed the total.
    r = rules_result(CORPUS / "086_pingtansyq-gaj_2018.txt")
    assert r.record.applications.granted == 1 and r.record.applications.total_processed == 0
    assert "check: outcomes add up to 1, more than total_processed 0" in r.warnings
