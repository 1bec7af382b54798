"""Headings → canonical sections; the template family. Pure functions over Document.text."""

from __future__ import annotations

import re

from .schema import Section, SectionName, Template
from .vocabulary import IMPROVE_MARK

# A top-level heading: 一、… (also 一. 一． 一, with spaces), alone on its line and short.
_TOP = re.compile(r"^[ \t\u3000]*([一二三四五六七八九十]{1,3})[ \t\u3000]*[、.．,，][ \t\u3000]*(\S.*?)[ \t\u3000]*$", re.M)
_MAX_HEADING = 60

# Order matters: the first rule that matches names the section.
_RULES: tuple[tuple[SectionName, re.Pattern[str]], ...] = (
    ("problems", re.compile(r"问题|改进|不足|下一步")),
    ("fees", re.compile(r"收费|减免")),
    ("remedies", re.compile(r"复议|诉讼|申诉")),
    ("applications", re.compile(r"依申请|收到和处理|申请公开|申请情况|申请办理")),
    ("proactive", re.compile(r"主动公开|信息发布|公开发布|发布情况")),
    ("other", re.compile(r"其他|其它|人大代表|政协|网站抽查|附表|附件")),
    ("overview", re.compile(r"概述|概况|总体情况|基本情况|工作开展|落实情况|工作情况|开展情况|主要工作")),
)


def canonical_name(heading: str) -> SectionName:
    for name, pattern in _RULES:
        if pattern.search(heading):
            return name
    return "other"


def _is_table_row(line: str) -> bool:
    # 一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119 is a table row, not a heading.
    return "|" in line or "\t" in line.strip() or len(re.findall(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])", line)) >= 3


# Inline: a top-level numeral after a sentence end, a space or the start, when the text has no
# line breaks to speak of (a crawler dump puts the whole report on one line).
_INLINE = re.compile(r"([一二三四五六七八九十]{1,2})[、.．]")
_BOUNDARY = "。；;！？!?>）)"
_CN_ORDINAL = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")}
# Rows of the official tables that are numbered like top-level headings (四、结转下年度继续办理).
_TABLE_LABEL = re.compile(r"本年新收|本年度新收|上年结转|结转下年|本年度办理结果|年度办理结果")
_INLINE_TITLE = 24
_RUN_ON_LINE = 1000  # a line this long holds paragraphs run together: look for headings inside it


def _ordinal(numeral: str) -> int:
    if len(numeral) == 1:
        return _CN_ORDINAL.get(numeral, 0)
    return 10 + _CN_ORDINAL.get(numeral[1], 0) if numeral[0] == "十" else 0


def _inline_heads(text: str) -> list[tuple[int, int, str]]:
    """Top-level headings found inside running text: 一、 二、 三、 … in sequence (a skipped number
    is allowed once), never a numbered row of a table."""
    heads: list[tuple[int, int, str]] = []
    expected = 1
    for m in _INLINE.finditer(text):
        n = _ordinal(m.group(1))
        if n not in (expected, expected + 1):
            continue
        after = text[m.end() : m.end() + _INLINE_TITLE].lstrip(" \u3000")
        if not after or after[0].isdigit() or _TABLE_LABEL.match(after):
            continue  # 四、结转下年度继续办理0000000 is a table row
        # A heading runs into its text: 六、其他需要报告的事项2023年度…
        title = re.split(r"[。；;，,（(\s\d]", after)[0]
        if not title or _TABLE_LABEL.search(title):
            continue
        # After a sentence end or a space any section title will do; glued to the text before it
        # (…采购215419886元三、收到和处理…), only a title that names a section.
        before = text[m.start() - 1 : m.start()] if m.start() else ""
        if before and not (before.isspace() or before in _BOUNDARY) and canonical_name(title) == "other" \
                and not title.startswith("其他"):
            continue
        heads.append((m.start(), m.end(), title))
        expected = n + 1
    return heads


def find_sections(text: str) -> list[Section]:
    """Split by the report's own top-level headings; the text before the first is the preamble."""
    heads: list[tuple[int, int, str]] = []
    for m in _TOP.finditer(text):
        line = m.group(0)
        title = m.group(2)
        if len(title) > _MAX_HEADING or _is_table_row(line):
            continue
        # A heading does not run on into a sentence: 一、概述 yes, 一、我市…。…。 no.
        if title.count("。") > 1 or (title.endswith("。") and len(title) > 30):
            continue
        heads.append((m.start(), m.end(), title.strip()))
    if len(heads) < 3 and max(map(len, text.splitlines()), default=0) >= _RUN_ON_LINE:
        inline = _inline_heads(text)
        if len(inline) > len(heads):
            heads = inline
    sections: list[Section] = []
    first = heads[0][0] if heads else len(text)
    sections.append(Section(name="preamble", heading="", start=0, end=first, body_start=0))
    for i, (start, end, title) in enumerate(heads):
        stop = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        sections.append(
            Section(name=canonical_name(title), heading=title, start=start, end=stop, body_start=end)
        )
    return sections


def section_text(text: str, section: Section) -> str:
    return text[section.body_start : section.end]


def sections_named(sections: list[Section], *names: SectionName) -> list[Section]:
    return [s for s in sections if s.name in names]


_T2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|逾期不补正|逾期未按收费通知|本年收费金额")
_T2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/减|本年增减")
_TEMPLATE_HEADS = re.compile(r"收到和处理政府信息公开申请情况|政府信息公开行政复议、?行政诉讼情况|主动公开政府信息情况")


def detect_template(text: str, report_year: int | None) -> Template | None:
    """2008 / 2019 / 2021 family: table wording first (it is unambiguous), then the year."""
    if _T2021.search(text):
        return "2021"
    if _T2019.search(text):
        return "2019"
    if report_year is not None:
        if report_year >= 2021:
            return "2021"
        if report_year >= 2019:
            return "2019"
        return "2008"
    # Distinct headings: a 2008 preamble may list a part's name that its heading repeats.
    if len(set(_TEMPLATE_HEADS.findall(text))) >= 2:
        return "2019"
    return None


# "问题及改进措施" names both parts (a heading, an overview's list): it is not the turn to measures.
_BOTH_PARTS = re.compile(r"(?:问题|不足)(?:及|和|与|以及)?$")


def measures_start(text: str, lo: int, hi: int) -> int | None:
    """Where a problems part turns to its measures: the start of the sentence or heading holding
    the first turn word (改进措施, 下一步, 20xx年…将) that is not part of a name of both parts;
    None when it never turns."""
    for mark in IMPROVE_MARK.finditer(text, lo, hi):
        if _BOTH_PARTS.search(text[max(lo, mark.start() - 6):mark.start()]):
            continue
        prev = max(text.rfind(c, lo, mark.start()) for c in "。\n:：")
        return prev + 1 if prev >= lo else lo
    return None
