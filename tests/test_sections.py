"""Top-level headings → canonical sections, and the template family."""

from __future__ import annotations

import pytest
from conftest import EXAMPLES, HUAIAN_PDF, TEMPLATES

from extractor.ingest import read_document
from extractor.schema import Section
from extractor.sections import canonical_name, detect_template, find_sections

SIX_2019: list[tuple[str, str]] = [
    ("总体情况", "overview"),
    ("主动公开政府信息情况", "proactive"),
    ("收到和处理政府信息公开申请情况", "applications"),
    ("政府信息公开行政复议、行政诉讼情况", "remedies"),
    ("存在的主要问题及改进情况", "problems"),
    ("其他需要报告的事项", "other"),
]


# (heading as the report prints it after its numeral, canonical name), in document order, read by hand.
EXPECTED_HEADINGS: dict[str, list[tuple[str, str]]] = {
    "000_3594167f04f41521.txt": [
        ("概述", "overview"),
        ("主动公开政府信息情况", "proactive"),
        ("政府信息依申请公开办理情况", "applications"),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "remedies"),
        ("存在问题及改进措施", "problems"),
        ("需要说明的其他事项", "other"),
    ],
    "001_4e27ee25e39c86a7.txt": SIX_2019,
    # Seven parts, and the number 七 printed twice.
    "002_5cec5e21dad6abe7.txt": [
        ("概述", "overview"),
        ("2017年政务公开工作要点落实情况", "overview"),
        ("主动公开政府信息情况", "proactive"),
        ("依申请公开政府信息和不予公开政府信息情况", "applications"),
        ("政府信息公开收费和减免情况", "fees"),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "remedies"),
        ("政府信息公开工作存在的主要问题及改进情况", "problems"),
        ("其他需要报告的事项等内容进行编制。", "other"),
    ],
    "003_85db5123dd9c84fd.txt": [
        ("2016年政府信息公开工作落实情况", "overview"),
        ("主动公开政府信息情况", "proactive"),
        ("政府信息依申请公开工作完成情况", "applications"),
        ("政府信息公开收费及减免情况", "fees"),
        ("政府信息公开行政复议、提起行政诉讼情况", "remedies"),
        ("政府网站抽查和不合格网站关停情况", "other"),
        ("存在的主要问题及改进措施", "problems"),
    ],
    # "   一、 概述": leading spaces and a space after the 、.
    "004_9f2672fdddbd3341.txt": [
        ("概述", "overview"),
        ("工作开展情况", "overview"),
        ("政府信息公开发布情况", "proactive"),
        ("依申请公开工作情况", "applications"),
        ("人大代表建议和政协委员提案办理情况", "other"),
        ("存在的问题及下一步重点工作", "problems"),
    ],
}

SIX_DOCS = [
    HUAIAN_PDF,
    *sorted(TEMPLATES.glob("t*.txt")),
    *sorted(TEMPLATES.glob("t*.html")),
    *sorted(TEMPLATES.glob("t*.docx")),
]


def assert_partition(text: str, sections: list[Section]) -> None:
    """Sections tile the text: preamble first, each ends where the next starts, last ends at the end."""
    assert sections[0].name == "preamble" and sections[0].start == 0
    for a, b in zip(sections, sections[1:], strict=False):
        assert a.end == b.start
    assert sections[-1].end == len(text)
    for s in sections[1:]:
        head = text[s.start : s.body_start]
        assert s.heading in head
        assert "\n" not in head.strip()  # a heading is one line


@pytest.mark.parametrize("name", sorted(EXPECTED_HEADINGS))
def test_example_headings(name: str) -> None:
    text = read_document(EXAMPLES / name).text
    sections = find_sections(text)
    assert [(s.heading, s.name) for s in sections[1:]] == EXPECTED_HEADINGS[name]
    assert_partition(text, sections)


@pytest.mark.parametrize("path", SIX_DOCS, ids=lambda p: p.name)
def test_six_part_reports(path) -> None:  # type: ignore[no-untyped-def]
    text = read_document(path).text
    sections = find_sections(text)
    assert [(s.heading, s.name) for s in sections[1:]] == SIX_2019
    assert_partition(text, sections)


def test_empty_sections_of_a_scraped_2020_report() -> None:
    # 二、三、四 are headings with nothing under them (the tables were lost when scraped).
    text = read_document(EXAMPLES / "001_4e27ee25e39c86a7.txt").text
    by_name = {s.name: s for s in find_sections(text)}
    for name in ("proactive", "applications", "remedies"):
        s = by_name[name]
        assert text[s.body_start : s.end].strip() == ""


def test_sub_headings_are_not_top_level() -> None:
    text = read_document(EXAMPLES / "000_3594167f04f41521.txt").text
    headings = [s.heading for s in find_sections(text)]
    assert not any(h.startswith(("(", "（")) for h in headings)
    assert "进一步提高思想认识。" not in " ".join(headings)  # 一是… lines are items, not headings


# ------------------------------------------------------------------ punctuation and numbering


def names(text: str) -> list[tuple[str, str]]:
    return [(s.heading, s.name) for s in find_sections(text)[1:]]


@pytest.mark.parametrize(
    "line",
    [
        "二、主动公开政府信息情况",
        "二.主动公开政府信息情况",
        "二. 主动公开政府信息情况",
        "二．主动公开政府信息情况",
        "二 ． 主动公开政府信息情况",
        "  二、 主动公开政府信息情况",
        "\u3000\u3000二、主动公开政府信息情况\u3000",
        " 二 ，主动公开政府信息情况",
    ],
    ids=[
        "dunhao",
        "ascii-dot",
        "ascii-dot-space",
        "fullwidth-dot",
        "spaced-fullwidth-dot",
        "indented",
        "ideographic-space",
        "fullwidth-comma",
    ],
)
def test_heading_punctuation_and_spacing(line: str) -> None:
    text = f"某县人民政府2018年政府信息公开工作年度报告\n一、概述\n本年工作有序。\n{line}\n全年主动公开政府信息50条。\n"
    assert names(text) == [("概述", "overview"), ("主动公开政府信息情况", "proactive")]


def test_repeated_and_missing_numbers() -> None:
    text = (
        "一、概述\n正文。\n"
        "三、依申请公开情况\n正文。\n"  # 二 missing
        "三、因政府信息公开申请行政复议、提起行政诉讼的情况\n正文。\n"  # 三 repeated
        "七、存在的主要问题及改进措施\n正文。\n"  # jumps to 七
        "七、其他需要报告的事项\n无。\n"
    )
    assert names(text) == [
        ("概述", "overview"),
        ("依申请公开情况", "applications"),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "remedies"),
        ("存在的主要问题及改进措施", "problems"),
        ("其他需要报告的事项", "other"),
    ]


@pytest.mark.parametrize(
    "row",
    [
        "一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119",
        "一、本年新收政府信息公开申请数量\t3001\t53\t0\t0\t61\t4\t3119",
        "| 一、本年新收政府信息公开申请数量 | 3001 | 53 | 0 | 0 | 61 | 4 | 3119 |",
        "四、结转下年度继续办理 103 0 0 0 0 0 103",
        "二、上年结转政府信息公开申请数量 34 0 0 0 0 0 34",
    ],
    ids=["spaces", "tabs", "pipes", "carried-forward", "carried-over"],
)
def test_table_row_is_not_a_heading(row: str) -> None:
    text = f"三、收到和处理政府信息公开申请情况\n{row}\n四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    assert names(text) == [
        ("收到和处理政府信息公开申请情况", "applications"),
        ("政府信息公开行政复议、行政诉讼情况", "remedies"),
    ]


def test_sentence_is_not_a_heading() -> None:
    text = (
        "一、概述\n"
        "二、我市认真贯彻落实条例。全年主动公开信息100条。全年受理申请3件。\n"
        "三、主动公开政府信息情况\n正文。\n"
    )
    assert names(text) == [("概述", "overview"), ("主动公开政府信息情况", "proactive")]


def test_no_headings_is_all_preamble() -> None:
    text = "本机关全年主动公开政府信息50条。\n全年未收到政府信息公开申请。\n"
    sections = find_sections(text)
    assert len(sections) == 1
    assert sections[0].name == "preamble" and sections[0].end == len(text)


@pytest.mark.parametrize(
    "heading, name",
    [
        ("主动公开政府信息情况", "proactive"),
        ("收到和处理政府信息公开申请情况", "applications"),
        ("政府信息依申请公开办理情况", "applications"),
        ("政府信息公开收费及减免情况", "fees"),
        ("政府信息公开行政复议、行政诉讼情况", "remedies"),
        ("因政府信息公开申请行政复议、提起行政诉讼的情况", "remedies"),
        ("存在的主要问题及改进情况", "problems"),
        ("存在的问题及下一步重点工作", "problems"),
        ("其他需要报告的事项", "other"),
        ("总体情况", "overview"),
        ("概述", "overview"),
    ],
)
def test_canonical_names(heading: str, name: str) -> None:
    assert canonical_name(heading) == name


# ------------------------------------------------------------------ template family


@pytest.mark.parametrize(
    "year, template",
    [(2008, "2008"), (2016, "2008"), (2018, "2008"), (2019, "2019"), (2020, "2019"), (2021, "2021"), (2024, "2021")],
)
def test_template_by_year(year: int, template: str) -> None:
    assert detect_template("一、概述\n本年工作有序。\n", year) == template


@pytest.mark.parametrize(
    "wording, template",
    [
        ("| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |", "2021"),
        ("（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "2021"),
        ("信息内容 本年新制作数量 本年新公开数量 对外公开总数量", "2019"),
        ("信息内容 上一年项目数量 本年增/减 处理决定数量", "2019"),
    ],
)
def test_template_by_table_wording(wording: str, template: str) -> None:
    text = f"二、主动公开政府信息情况\n{wording}\n"
    assert detect_template(text, None) == template
    # Table wording wins over the year (it is unambiguous).
    assert detect_template(text, 2018) == template


@pytest.mark.parametrize(
    "path, template",
    [
        (TEMPLATES / "t2019_markdown.txt", "2019"),
        (TEMPLATES / "t2020_flat.txt", "2019"),
        (TEMPLATES / "t2021_pipe.txt", "2021"),
        (TEMPLATES / "t2021_html.html", "2021"),
        (TEMPLATES / "t2021_docx.docx", "2021"),
        (HUAIAN_PDF, "2021"),
    ],
    ids=lambda v: getattr(v, "name", v),
)
def test_template_of_real_tables_without_a_year(path, template: str) -> None:  # type: ignore[no-untyped-def]
    assert detect_template(read_document(path).text, None) == template


@pytest.mark.parametrize(
    "name, year",
    [
        ("000_3594167f04f41521.txt", 2017),
        ("002_5cec5e21dad6abe7.txt", 2017),
        ("003_85db5123dd9c84fd.txt", 2016),
        ("004_9f2672fdddbd3341.txt", 2017),
    ],
)
def test_2008_family_examples(name: str, year: int) -> None:
    text = read_document(EXAMPLES / name).text
    assert detect_template(text, year) == "2008"


@pytest.mark.parametrize(
    "name",
    ["000_3594167f04f41521.txt", "002_5cec5e21dad6abe7.txt", "003_85db5123dd9c84fd.txt", "004_9f2672fdddbd3341.txt"],
)
def test_2008_report_without_a_year_is_not_called_2019(name: str) -> None:
    # A 2008-family report has no 2019/2021 table; its year unknown, it must not be labelled 2019
    # (its table of contents repeating 主动公开政府信息情况 is not a 2019 template).
    text = read_document(EXAMPLES / name).text
    assert detect_template(text, None) in (None, "2008")


def test_2020_report_with_lost_tables_by_year() -> None:
    text = read_document(EXAMPLES / "001_4e27ee25e39c86a7.txt").text
    assert detect_template(text, 2020) == "2019"
