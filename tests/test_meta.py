"""Who reports, and whose figures the report counts: the issuer and the scope as real reports of
the corpus (dev split) give them: a crawler's 标题 line, the report's own title, its signature."""

from __future__ import annotations

import pytest
from conftest import ROOT, rules_result

from extractor.config import Settings
from extractor.ingest import parse_bytes
from extractor.pipeline import extract_from
from extractor.schema import ExtractionResult
from extractor.verify import binds

CORPUS = ROOT / "eval" / "corpus"


def from_text(text: str) -> ExtractionResult:
    return extract_from(parse_bytes(text.encode("utf-8"), "report.txt"), "rules", Settings())


@pytest.mark.parametrize(
    ("name", "issuer"),
    [
        # The crawler's 标题 says 平潭市场监督管理局; the report's own title gives the name in full.
        ("050_pingtansyq-scjgj_2016.txt", "平潭综合实验区市场监督管理局"),
        # The title's 财金局 is the body that signs: 平潭综合实验区财政金融局2017年1月13日.
        ("053_pingtansyq-czjrj_2016.txt", "平潭综合实验区财政金融局"),
        # …财政金融局关于2015年度政府信息公开工作年度报告
        ("055_pingtansyq-czjrj_2015.txt", "平潭综合实验区财政金融局"),
        # …地方税务局2013年信息公开年度报告 (no 政府)
        ("049_pingtansyq-dsj_2013.txt", "平潭综合实验区地方税务局"),
        # 特向社会公布平潭综合实验区海坛片区管理局2024年度…: the announcing words are no part of it
        ("073_pingtansyq-htpq_2024.txt", "平潭综合实验区海坛片区管理局"),
        # …六、其他需要报告的事项无平潭综合实验区行政审批局 2020年1月2日: the section's 无 is no part of it
        ("090_pingtansyq-xzspj_2019.txt", "平潭综合实验区行政审批局"),
        ("091_pingtansyq-xzspj_2020.txt", "平潭综合实验区行政审批局"),
    ],
)
def test_the_issuer_is_the_name_the_report_gives_in_full(name: str, issuer: str) -> None:
    r = rules_result(CORPUS / name)
    assert r.record.issuer == issuer
    assert issuer in r.evidence["issuer"].quote


def test_a_name_is_not_read_from_a_path_and_another_signer_is_not_the_issuer() -> None:
    r = from_text(
        "本地目录: zwgk/zfxxgknb/201701/80479_某县教育局2016年度政府信息公开工作年度报告\n"
        "根据《条例》，结合我局实际，编制本报告。我局2016年主动公开政府信息12条。\n"
        "某县人民政府办公室\n2017年1月10日\n"
    )
    assert r.record.issuer == "某县教育局"


@pytest.mark.parametrize(
    ("value", "quote", "stated"),
    [
        ("region", "2018年全区主动公开政府信息2069条", True),
        ("region", "汇总平潭综合实验区各有关单位政府信息公开工作情况编制而成", True),
        ("region", "我区政府信息公开单位共公布政府信息2599条", True),
        ("organ", "结合我局实际，编制完成本报告", True),
        ("organ", "平潭县信访局2011年政府信息公开工作年度报告", True),
        ("organ", "结合金井片区管理局工作实际编制而成", True),
        # A quote must say whose figures: a count with no one named, or the other kind, states neither.
        ("region", "主动公开政府信息2069条", False),
        ("organ", "2018年全区主动公开政府信息2069条", False),
        ("region", "结合我局实际，编制完成本报告", False),
        ("organ", "本报告由概述、主动公开政府信息情况等部分组成", False),
        ("region", "平潭综合实验区2019年政府信息公开工作年度报告", False),
    ],
)
def test_a_scope_quote_says_whose_figures(value: str, quote: str, stated: bool) -> None:
    assert binds("scope", value, quote) is stated


def test_a_departments_report_counts_the_department_whatever_wider_figures_it_cites() -> None:
    r = from_text(
        "某县教育局2016年度政府信息公开工作年度报告\n"
        "一、概述\n全县共主动公开政府信息3000条，其中教育类信息120条。今年教育工作稳步推进。\n"
    )
    assert r.record.scope == "organ"
    assert r.evidence["scope"].quote.startswith("某县教育局2016")


def test_a_place_speaking_of_itself_is_the_region() -> None:
    # 047: the zone's 2019 report, 我区政府信息公开单位共公布政府信息2599条
    r = rules_result(CORPUS / "047_pingtansyq_2019.txt")
    assert r.record.scope == "region"
    # …and the sentence's own total is not kept out by the category after it (其他应主动公开政府信息856条)
    assert r.record.proactive.total == 2599


def test_a_cover_letter_quoting_the_reports_title_names_issuer_and_year() -> None:
    # 074: the page holds only 关于报送《平潭综合实验区公安局2017年政府信息公开工作情况》的函 and a link
    # to its attachment: who and which year are read from the quoted title, and no figure at all.
    r = rules_result(CORPUS / "074_pingtansyq-gaj_2017.txt")
    assert (r.record.issuer, r.record.report_year, r.record.scope) == ("平潭综合实验区公安局", 2017, "organ")
    assert r.record.proactive.total is None and r.record.applications.received is None



def test_a_pages_bare_time_label_dates_a_report_that_signs_no_date() -> None:
    # 004: 来源：平潭县人民政府 时间：2014-01-22 00:00, and no date at the report's end.
    r = rules_result(ROOT / "eval" / "corpus" / "004_pingtanxian_2013.html")
    assert str(r.record.publish_date) == "2014-01-22"


def test_a_cover_letters_signature_dates_a_report_that_signs_none_itself() -> None:
    # 058: 关于报送《…公安局2015年政府信息公开年度报告》的函 … 平潭综合实验区公安局2016年1月4日, then the
    # report, which ends unsigned; the page's 发布时间: 2016-01-07 is when the site posted it.
    r = rules_result(CORPUS / "058_pingtansyq-gaj_2015.txt")
    assert str(r.record.publish_date) == "2016-01-04"
    assert r.evidence["publish_date"].quote == "2016年1月4日"
