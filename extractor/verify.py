"""The one evidence check: a claim survives only if its quote is in the document and states it.

Offsets come from aligning the quote to the text, never from the backend. A claim that fails is
dropped to null and named in the warnings.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from typing import Any, Literal

from .align import locate, normalise
from .claims import Claim
from .glued import T4_HEAD, adds_up, find_rows, table2_readings, table2_sums, table4_readings, table4_run
from .numbers import date_numbers, parse_number, same_number
from .rows import Row, iter_rows
from .schema import (
    DERIVED_FIELDS,
    TABLE_COLUMNS,
    Document,
    Evidence,
    ExtractionResult,
    ReportRecord,
    get_field,
    set_field,
)
from .stats2008 import row_field, row_label, run_holds
from .vocabulary import (
    BLOCKERS,
    BLOCKERS_CHANNEL,
    BLOCKERS_GENERIC,
    CHANNEL_BEFORE,
    CHANNEL_KIND,
    CHANNELS,
    CLAUSE_END,
    COLUMN,
    DISCLOSURE_WORK,
    GROUP_OTHER,
    INFO_KIND,
    INSTRUCTION,
    JOINED,
    LISTED_AFTER,
    MADE_WHOLE,
    MULTI_YEAR,
    NONE_BEFORE,
    OTHER_BUSINESS,
    OTHER_SERVICE,
    PART_BEFORE,
    PART_BEFORE_GENERIC,
    POLICY_ZERO,
    RUNNING,
    SCOPE_ORGAN,
    SCOPE_REGION,
    SENTENCE_END,
    SPENDING,
    SUBJECTS,
    TABLE2_ROWS,
    TABLE4_PARTS,
    TABLE_FIELD_ROWS,
    UNITS_PART,
    WHOLE,
    YEAR_BOUND,
    ZERO_WORDS,
    row_key,
)


def place(doc: Document, claim: Claim) -> tuple[int, int] | None:
    """(start, end) of the claim's quote in the document, preferring the spot it points at."""
    q = claim.quote
    if claim.near is not None and doc.text[claim.near : claim.near + len(q)] == q and q:
        return claim.near, claim.near + len(q)
    return locate(doc.text, q, claim.near)


# ------------------------------------------------------------------ the binding rule

_TOKEN = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:万|亿)?|[零〇两一二三四五六七八九十百千]+(?:万|亿)?")
_APPROX_AFTER = re.compile(r"余万|余|多")
_ALL_MEASURES = "".join(sorted({m for s in SUBJECTS.values() for m in s.measures} | set("场次期个部份人")))
_TERMS: list[tuple[str, re.Pattern[str]]] = [(f, re.compile(s.terms)) for f, s in SUBJECTS.items()]
_PARENTS = re.compile(r"复议|诉讼|起诉")


@dataclass(frozen=True)
class Mention:
    """A number written as a quantity: the token, then (after 余/多) its measure word."""

    value: float | int
    start: int  # in the binding view of the quote
    end: int  # after the measure word ("" measure: after the token)
    measure: str
    # Written in Chinese numerals or counted in 个 and followed by more words: 四个全面, 两个维护,
    # 3个部门 name things, so only a subject right after (两场新闻发布会) makes them a count.
    phrase: bool = False


def binding_view(quote: str) -> str:
    """The quote as the rule reads it: NFKC, white space gone, but two numbers apart stay apart."""
    return normalise(re.sub(r"(?<=\d)[\s|]+(?=\d)", "|", quote))


# A label that names a count of items or applications, the number right after it (信息数130, 申请数3).
_COUNT_LABEL = re.compile(r"(?:信息|申请|文件|件|条)总?数(?:量)?(?:为|是)?$")


def mentions(view: str) -> list[Mention]:
    """Every standalone number token of the view with its measure word ('' when none follows).

    Not quantities, so never given a measure: a numeral inside a word (进一步, 一是, 第一),
    a year, date or document number (2017年, 〔2018〕3号), a list or row index (2., （三）)."""
    out: list[Mention] = []
    for m in _TOKEN.finditer(view):
        s, e = m.span()
        value = parse_number(m.group(0))
        if value is None:
            continue
        prev = view[s - 1] if s else ""
        measure = ""
        if prev not in "第[(（〔.":
            k = e
            approx = _APPROX_AFTER.match(view, k)
            if approx:
                k = approx.end()
            ch = view[k : k + 1]
            if ch and ch in _ALL_MEASURES and view[k + 1 : k + 2] != "性":  # 一次性 is not a count
                measure, e = ch, k + 1
            elif view.startswith("万元", k) or view.startswith("亿元", k):
                value, measure, e = value * (10_000 if view[k] == "万" else 100_000_000), "元", k + 2
            elif _COUNT_LABEL.search(view, 0, s) and (e == len(view) or view[e] in "，,。；;"):
                measure = "条"  # a count named by its label, with no measure word: 其中主动公开信息数130，
        phrase = bool(measure) and (not m.group(0)[0].isdigit() or measure == "个") and bool(
            re.match(r"[\u4e00-\u9fff]", view[e : e + 1]))
        out.append(Mention(value, s, e, measure, phrase))
    return out


def _subjects(window: str) -> list[tuple[int, int, set[str]]]:
    """(start, end, fields) of every subject term in `window`; a term inside a longer one is not a term."""
    spans: dict[tuple[int, int], set[str]] = {}
    for field, pattern in _TERMS:
        for m in pattern.finditer(window):
            if m.end() > m.start():
                spans.setdefault(m.span(), set()).add(field)
    keep = [
        (s, e, f) for (s, e), f in spans.items()
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for (s2, e2) in spans)
    ]
    return sorted(keep)


def _governing(window: str) -> tuple[int, int, set[str]] | None:
    """The subject a number at the end of `window` belongs to: the nearest specific term, else the
    nearest generic one (通过政府网站主动公开…条 counts for the website, not the total)."""
    # A term listed among contents (…发布片区工作动态、政策解读、答复群众咨询等内容) names what was
    # carried, not what counts: it governs nothing, so the channel before the list does.
    found = [t for t in _subjects(window) if not _listed_content(window, t[0], t[1])]
    specific = [t for t in found if any(not SUBJECTS[f].generic for f in t[2])]
    pool = specific or found
    return pool[-1] if pool else None


_QUOTE_MARKS = "“”‘’「」『』《》\""


def _listed_content(window: str, start: int, end: int) -> bool:
    """Is the term at window[start:end] one item of a 、 list closed by 等 in its clause?"""
    head = window[:start].rstrip(_QUOTE_MARKS)
    tail = window[end:].lstrip(_QUOTE_MARKS)
    return (head.endswith("、") or tail.startswith("、")) and bool(re.match(r"[^，,:：。；;]*?等", tail))


_SPREAD_JOIN = re.compile(r"^[^，,:：。；;]{0,4}?[、和及与/][^，,:：。；;]{0,4}$")
_SPREAD_GAP = 6  # the last subject listed stands this close before 分别 (微博、微信分别发布…)


def _spread(view: str, mention: Mention, found: list[Mention]) -> set[str] | None:
    """A spread (分别): 微博、微信分别发布信息495条和632条 gives each subject listed before 分别
    the number in its place after it. The fields of this mention's subject, or None where the
    mention is not in a spread whose subjects and numbers pair one to one."""
    sent = max(view.rfind(c, 0, mention.start) for c in SENTENCE_END) + 1
    at = view.rfind("分别", sent, mention.start)
    if at == -1:
        return None
    lead = view[max([sent] + [view.rfind(c, sent, at) + 1 for c in CLAUSE_END]) : at]
    listed = _subjects(lead)
    if not listed or len(lead) - listed[-1][1] > _SPREAD_GAP:
        return None
    chain = [listed[-1]]
    for prev in reversed(listed[:-1]):
        if not _SPREAD_JOIN.match(lead[prev[1] : chain[0][0]]):
            break
        chain.insert(0, prev)
    end = min([len(view)] + [i for i in (view.find(c, at) for c in SENTENCE_END) if i != -1])
    numbers = [m for m in found if m.measure and at < m.start < end]
    if len(chain) < 2 or len(numbers) != len(chain) or mention not in numbers:
        return None
    if BLOCKERS.search(view[at + 2 : mention.start].replace("分别", "")):
        return None  # 分别较上年增长5条和6条: a change, not the counts
    return chain[numbers.index(mention)][2]


def _bound_here(field: str, view: str, mention: Mention, all_mentions: list[Mention]) -> bool:
    """Is this mention a quantity of `field`: its subject ahead in the clause, nothing between?"""
    subject = SUBJECTS[field]
    spread = _spread(view, mention, all_mentions)
    if spread is not None:
        return field in spread
    sent = max(view.rfind(c, 0, mention.start) for c in SENTENCE_END) + 1
    # Another quantity of this kind earlier in the sentence closes the region (受理130件，91件同意公开);
    # one counted in another measure does not (《公报》11期，共发布各类政府文件98个).
    region = max([sent] + [m.end for m in all_mentions
                           if m.measure and m.measure in subject.measures and m.end <= mention.start])
    window = view[region : mention.start]
    cuts = [i + 1 for i, ch in enumerate(window) if ch in CLAUSE_END]
    starts = [c for c in reversed(cuts)][:3] + [0]  # this clause, then up to three before it
    governing = None
    at = -1
    for at, st in enumerate(starts if not mention.phrase else ()):
        # A clause before that says none of its subject (未收到…申请，收到1份…行政复议申请) does not
        # govern this number: it cannot count what the report says did not happen.
        if at and ZERO_WORDS.search(window[st : starts[at - 1]]):
            break
        governing = _governing(window[st:])
        if governing is not None:
            g_start, g_end, fields = governing[0] + st, governing[1] + st, governing[2]
            break
    if governing is not None and at == 0 and len(starts) > 1 and all(SUBJECTS[f].generic for f in fields):
        # 通过…门户网站的…专栏主动公开，共公开政府信息34条: a broad subject summed (共…) right after a
        # clause that names one channel it went through counts that channel, as in one clause.
        prev = window[starts[1] : starts[0]]
        via = CHANNEL_BEFORE.search(prev)
        named = [t for t in _subjects(prev[via.end() :]) if set(t[2]) & set(CHANNELS)] if via else []
        # …，共公开政府信息34条 or …，全年公开政府信息共228条 (061): the clause sums the year.
        if len(named) == 1 and re.match(r"\s*(?:共计|共|合计|全年|本年度?|今年)", window[starts[0] :]):
            off = starts[1] + via.end()  # type: ignore[union-attr]
            g_start, g_end, fields = named[0][0] + off, named[0][1] + off, named[0][2]
    if governing is None:
        # The subject right after the measure: 共有2件行政复议案件, 召开12场新闻发布会; not one in
        # a note on the number (答复3050件（含上年度结转申请34件）: 3050 is not the carried-over).
        tail = view[mention.end : mention.end + 10]
        tail = re.split(f"[{SENTENCE_END}{CLAUSE_END}（(]", tail)[0]
        after = _subjects(tail)
        if MULTI_YEAR.search(view[sent : mention.start]):  # 近3年我局共收到2件信息公开申请
            return False
        return bool(after) and after[0][0] <= 2 and field in after[0][2] and not INSTRUCTION.search(tail)
    if field not in fields:
        return False
    if INFO_KIND.search(view[sent : mention.start]):
        return False
    if field in ("proactive.total", "proactive.website") and _in_named_column(view[sent : mention.start]):
        return False
    before = window[max(0, g_start - 4) : g_start]
    between = window[g_end:]
    if not subject.generic:
        # 政策解读类10条: the category named by the field's own subject is the field's count.
        between = re.sub(r"^[”’」』\"]?类(?:信息)?", "", between)
    if BLOCKERS.search(between) or PART_BEFORE.search(before):
        return False
    if RUNNING.search(window[g_end:]) and not YEAR_BOUND.search(view[sent : mention.start]):
        return False
    # …累计主动公开…1770条，其中2019年度我局共主动公开政府信息202条: the year's share of a running
    # total is counted over the year, whatever the sentence said of all years before it.
    since = view[sent : mention.start]
    if MULTI_YEAR.search(since[since.rfind("其中") :] if _years_share(since) else since):
        return False
    if before[-1:] and before[-1] in JOINED and any(e == g_start - 1 and field not in f for _, e, f in _subjects(window[: g_start - 1])):
        return False
    if subject.generic:
        lead = view[sent : region + g_start]
        clause = re.split(f"[{CLAUSE_END}]", lead)[-1]
        # 其中 earlier in the sentence: a breakdown of the whole, not the whole; unless what
        # follows it is the year's share of a running total (…累计805条，其中2014年度…360条).
        breakdown = "其中" in lead and not _years_share(lead)
        # …制作、获取政府信息总数1873条，其中主动公开政府信息425条: the whole is what was made, and
        # the items disclosed among it are all of them, not a part of the disclosed.
        made = field == "proactive.total" and bool(MADE_WHOLE.search(lead[: lead.rfind("其中")]))
        if (breakdown and not made) or BLOCKERS_GENERIC.search(window[g_end:]) or (UNITS_PART.search(clause) and not WHOLE.search(clause)):
            return False
        if PART_BEFORE_GENERIC.search(before) and not YEAR_BOUND.search(clause) and not made:
            return False
    clause_lead = re.split(f"[{CLAUSE_END}]", view[sent : mention.start])[-1]
    if field.startswith("proactive.") and not subject.generic and BLOCKERS_CHANNEL.search(clause_lead):
        return False
    if field in CHANNELS and (CHANNEL_KIND.search(window[g_end:]) or re.match(r"[^，,。；;]{0,40}?系列", view[mention.end :])):
        return False  # 微信号发布招聘信息20多条, 发布104篇《…》系列文章: one kind of what the channel carried
    if subject.generic and CHANNEL_BEFORE.search(window[:g_start]):
        return False
    if LISTED_AFTER.search(window[g_end:]):
        return False
    if subject.parent:
        kinds = list(_PARENTS.finditer(view, sent, region + g_start))
        if kinds and not re.fullmatch(subject.parent, kinds[-1].group(0)):
            return False
    return True


_APPROX_BEFORE = re.compile(r"(?:超过|逾|近|约|将近|大约)$")


def _years_share(lead: str) -> bool:
    """Is what follows the last 其中 of `lead` the year's share (…累计805条，其中2014年度…)?"""
    return "其中" in lead and bool(YEAR_BOUND.search(lead[lead.rfind("其中") :]))


def bound_mention_fields(view: str, fields: tuple[str, ...]) -> list[tuple[float | int, bool, list[str]]]:
    """Each quantity of the view with the fields (of `fields`) it binds to: (value, approximate,
    fields). The mention finder's question, answered by the same rule as every quote."""
    found = mentions(view)
    out: list[tuple[float | int, bool, list[str]]] = []
    for m in found:
        if not m.measure:
            continue
        bound = [f for f in fields if m.measure in SUBJECTS[f].measures and _bound_here(f, view, m, found)]
        if bound:
            approx = bool(_APPROX_BEFORE.search(view[: m.start])) or view[m.end - 2 : m.end - 1] in ("余", "多")
            out.append((m.value, approx, bound))
    return out


def _binds_sentence(field: str, value: float | int, view: str) -> bool:
    subject = SUBJECTS[field]
    if field == "complaints.total" and "信息公开" not in view and (value != 0 or OTHER_SERVICE.search(view)):
        # 投诉89件 on a hotline, 解答纳税人咨询…零投诉 at a tax window: not complaints about disclosure
        # work. A zero in the report's remedies part may leave its subject unsaid (本机关…未收到举报).
        return False
    if field == "fees.collected" and SPENDING.search(view) and not re.search(r"收取|收费|收缴", view):
        return False  # 用于…公开栏等产生的政府信息公开费用1万元: what the office spent
    if field.startswith("applications.") and value != 0 and OTHER_BUSINESS.search(view) and not DISCLOSURE_WORK.search(view):
        return False  # 开设窗口24个，共受理申请136437件: a service hall's applications
    found = mentions(view)
    for m in found:
        if m.measure and m.measure in subject.measures and same_number(m.value, value) and _bound_here(field, view, m, found):
            return True
    return value == 0 and zero_stated(field, view)


def _in_named_column(lead: str) -> bool:
    """A column of the website named before the number, other than the disclosure column or the
    body's own column on a shared site (门户网站本局栏目)."""
    # The disclosure column is named for disclosure itself (“政府信息公开”专栏, 政务公开栏目); a topic
    # with 公开 inside its name (“基层政务公开标准化规范化建设”专题专栏) is another column.
    return any(not (re.search(r"公开(?:目录)?[”」\"]?\s*$", lead[: c.start()])
                    or re.search(r"[本我][局委办处]|本(?:单位|机关|部门)", lead[max(0, c.start() - 20) : c.start()]))
               for c in COLUMN.finditer(lead))


def table_text(text: str) -> bool:
    """Cells of a table run into the prose (| cells, or three or more numbers with no measure word,
    as a glued 0000000 run is): a row label is no sentence, and 没有现成信息需要另行制作 … 信访举报
    投诉类申请 0000000 says nothing of complaints."""
    if "|" in text or "\t" in text:
        return True
    # Numbers in a name are no cells: “110宣传日”, 626“国际禁毒日”, 《…2020…》.
    text = re.sub(r"\d*[“「《\"][^”」》\"]{0,30}[”」》\"]", "", text)
    bare = re.findall(r"\d+(?![\d.]*\s*[条件场次期篇个元项份起宗例封年月日号%％万亿人])", text)  # 139.7万 is no cell
    return len(bare) >= 3


def zero_stated(field: str, view: str) -> bool:
    """A zero in words: a negation and the field's subject in one clause (未发生…行政复议)."""
    for clause in re.split(f"[{SENTENCE_END}{CLAUSE_END}]", view):
        # A table row's zeros are cells, read by the table readers: its label (…未按收费通知…)
        # is not a sentence saying that nothing happened.
        if table_text(clause) or any(m.measure for m in mentions(clause)):
            continue
        subjects = [(s, fields) for s, _, fields in _subjects(clause) if field in fields]
        zero = ZERO_WORDS.search(clause)
        if zero and POLICY_ZERO.fullmatch(zero.group(0)) and not YEAR_BOUND.search(view):
            # 依申请提供政府信息，不收取费用 is the office's rule, not what this year collected;
            # 2014年…暂不收费 is the year's.
            zero = None
        if subjects and zero and _zeroed(field, clause, zero.end()):
            return True
        # 无 before the subject, with no other subject between: 无收费及减免情况, 无行政复议,
        # 无政府信息公开收费及减免情况 (not 无法提供, 无偿, 无需)
        for s, _ in subjects:
            none = NONE_BEFORE.search(clause, 0, s)
            if none and not _subjects(clause[none.start() + 1 : s]):
                return True
    return False


def _zeroed(field: str, clause: str, at: int) -> bool:
    """Does a zero word ending at `at` speak of `field`? For a broad subject (公开政府信息, 申请),
    only when it is the first subject after the zero word (or stands before it): 未收到申请公开政府
    信息 is no application, not no item disclosed; 未接到关于不予公开政府信息的…咨询 is no refusal."""
    if not SUBJECTS[field].generic:
        return True
    after = [fields for start, _, fields in _subjects(clause) if start >= at]
    mine = next((i for i, fields in enumerate(after) if field in fields), None)
    return mine is None or mine == 0


def _rows(quote: str) -> list[Row]:
    return iter_rows(quote, 0, len(quote))


def _glued_total_holds(field: str, value: float | int, quote: str) -> bool:
    """Table 三 rows quoted as a crawler dump prints them (cells glued): the rows the field names,
    every one of its group, and a reading of each whose 总计 cells add up to the value."""
    allowed = TABLE_FIELD_ROWS[field]
    rows = [r for r in find_rows(quote, anchored=False) if r.readings and all(adds_up(x) for x in r.readings)]
    keys = {r.key for r in rows}
    if not rows or not keys <= set(allowed) or len(keys) != len(rows):
        return False
    whole = keys == set(allowed) or (field == "applications.other" and keys in ({"other"}, set(allowed) - {"other"}))
    if len(allowed) > 1 and not whole:
        return False
    totals = [{r_[-1] for r_ in r.readings} for r in rows]
    return any(same_number(sum(combo), value) for combo in itertools.product(*totals))


def _binds_table(field: str, value: float | int, quote: str) -> bool:
    """A value read from a table: the cell in the row and column the field names."""
    if row_field(quote) == field and run_holds(quote, value):  # a row of the 2008 statistics table
        # 收费减免金额 adds fees and waivers: only its 0 says that no fee was collected.
        return not (field == "fees.collected" and value != 0 and "减免" in (row_label(quote) or ""))
    rows = _rows(quote)
    if field in TABLE_FIELD_ROWS and not any(len(r.cells) >= 7 for r in rows):
        return _glued_total_holds(field, value, quote)
    if not rows and not T4_HEAD.search(quote) and not table2_readings(quote):
        return False
    if field in TABLE_FIELD_ROWS:
        allowed = TABLE_FIELD_ROWS[field]
        total, keys, in_other = 0, set(), False
        for r in rows:
            in_other = in_other or bool(GROUP_OTHER.search(r.label))
            key = row_key(r.label, in_other or field == "applications.other")
            if key not in allowed or key in keys or len(r.cells) < 7 or r.cells[-1] is None:
                return False
            keys.add(key)
            total += r.cells[-1]
        # A sum over a group of rows (the eight 不予公开 rows) needs every row of the group.
        whole = keys == set(allowed) or (field == "applications.other" and keys in ({"other"}, set(allowed) - {"other"}))
        return (len(allowed) == 1 or whole) and same_number(total, value)
    kind, _, part = field.partition(".")
    if kind in ("reconsideration", "litigation") and part in TABLE4_PARTS and not any(len(r.cells) >= 15 for r in rows):
        found = table4_run(quote)  # glued: …尚未审结总计000003001410001
        if found is None:
            return False
        i = TABLE4_PARTS.index(part)
        got = {r[i] if kind == "reconsideration" else r[5 + i] + r[10 + i] for r in table4_readings(found[2])}
        return got == {value}
    if kind in ("reconsideration", "litigation") and part in TABLE4_PARTS:
        i = TABLE4_PARTS.index(part)
        for r in rows:
            cells = r.cells[-15:]
            if len(cells) < 15 or any(c is None or isinstance(c, float) for c in cells):
                continue
            got = cells[i] if kind == "reconsideration" else cells[5 + i] + cells[10 + i]  # type: ignore[operator]
            if same_number(got, value):  # type: ignore[arg-type]
                return True
        return False
    if field == "proactive.regulations_issued" and not any(TABLE2_ROWS.match(re.sub(r"\s|\|", "", r.label)) for r in rows):
        glued = table2_readings(quote)  # cells glued: 行政规范性文件693665
        return bool(glued) and all(r.start < len(quote) for r in glued) and value in table2_sums(glued)
    if field == "proactive.regulations_issued":
        firsts = [r.cells[0] for r in rows if TABLE2_ROWS.match(re.sub(r"\s|\|", "", r.label))]
        return len(firsts) == len(rows) and all(c is not None for c in firsts) and same_number(sum(firsts), value)  # type: ignore[arg-type]
    return False


_DATE_WRITTEN = re.compile(
    r"(?:20\d\d|二[〇零○O][一二三四五六七八九〇零○]{2})\s*年\s*[\d元一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日"
    r"|20\d\d\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}"
)
_PERIOD = re.compile(r"[自从][^。；;]{0,20}?起|至[^。；;]{0,20}?止|统计(?:期限|时限|时间|期间|区间)")


def binds(field: str, value: Any, quote: str, parts: list[float | int] | None = None) -> bool:
    """THE binding rule: does `quote` state `value` as the quantity of `field`?

    Used by every backend, the summaries and the scorer. A number binds only as a standalone
    quantity with a measure word the field allows and the field's subject ahead of it in the same
    clause (nothing such as 其中, 较上年, 累计 or another subject between), or as the cell of the
    row and column the field names. A clause that instructs binds nothing."""
    if not quote or not quote.strip() or INSTRUCTION.search(quote):
        return False
    if isinstance(value, dt.date):
        value = value.isoformat()
    if field.startswith("applications.table."):
        return _row_stated(field.rsplit(".", 1)[1], value, quote)
    if field.startswith(("problems.", "improvements.")) or field in ("problems", "improvements"):
        return bool(value) and normalise(str(value)) in normalise(quote)
    if field == "issuer":
        return bool(value) and normalise(str(value)) in normalise(quote)
    if field == "scope":
        # The quote must say whose figures these are: the place's units together, or the body alone.
        view = binding_view(quote)
        return (value == "region" and bool(SCOPE_REGION.search(view))) or (
            value == "organ" and bool(SCOPE_ORGAN.search(view)))
    if field == "report_year":
        # The statistical year: the report's title (2017年政府信息公开…报告) or its period (自2017年1月1日);
        # not any year, and never a document number (〔2018〕3号).
        view = binding_view(quote)
        return isinstance(value, int) and bool(
            re.search(rf"(?<![\d\[〔(（]){value}年度?[^。；;]{{0,24}}?(?:政府信息公开|年度报告|工作报告)", view)
            or re.search(rf"(?<![\d\[〔(（]){value}年1月1日", view)
        )
    if field == "publish_date":
        try:
            d = dt.date.fromisoformat(str(value))
        except ValueError:
            return False
        # A date written as one (2017年4月15日, 二○一二年二月二十日, 2014-01-10), not a year beside a
        # list index (一、2016年…); and not the period counted (自2016年1月1日起至…止).
        if _PERIOD.search(binding_view(quote)):
            return False
        # The year, month and day of one written date: not a year from elsewhere in the quote
        # (平潭…局 2019年1月18日 …2018年政府信息公开情况统计表 is not 2018-01-18).
        for written in _DATE_WRITTEN.finditer(quote):
            nums = date_numbers(written.group(0))
            if all(any(n == p for n in nums) for p in (d.year, d.month, d.day)):
                return True
        return False
    if isinstance(value, bool) or not isinstance(value, (int, float)) or field not in SUBJECTS:
        return False
    if parts:  # a sum: rows of one table, or accounts of one channel listed together
        return same_number(sum(parts), value) and (_binds_table(field, value, quote) or _parts_bound(field, parts, binding_view(quote)))
    view = binding_view(quote)
    if _binds_sentence(field, value, view) or _binds_table(field, value, quote):
        return True
    # A sum the quote shows as its addends (accounts of one channel listed together).
    found = mentions(view)
    addends = [m.value for m in found if m.measure and m.measure in SUBJECTS[field].measures
               and _bound_here(field, view, m, found)]
    return len(addends) > 1 and same_number(sum(addends), value) and _parts_bound(field, addends, view)


def _parts_bound(field: str, parts: list[float | int], view: str) -> bool:
    """A sum over accounts listed together: every addend binds, and none is a sub-item of another
    (其中) or a change (较上年)."""
    if re.search(r"其中|较上年|同比|合计|共计", view):
        return False
    found = mentions(view)
    used: set[int] = set()
    for p in parts:
        hit = next((i for i, m in enumerate(found) if i not in used and m.measure in SUBJECTS[field].measures
                    and m.measure and same_number(m.value, p) and _bound_here(field, view, m, found)), None)
        if hit is None:
            return False
        used.add(hit)
    return True


def value_stated(claim: Claim, quote: str) -> bool:
    """Does the verbatim quote state this claim's value for its field? (the binding rule)"""
    return binds(claim.field, claim.value, quote, claim.parts or None)


def _row_stated(key: str, row: Any, quote: str) -> bool:
    """A table 三 row claim: the quote is that row (its label names it) and holds its cells in order."""
    if not isinstance(row, dict):
        return False
    rows = _rows(quote)
    if len(rows) != 1 or len(rows[0].cells) < len(TABLE_COLUMNS):
        glued = [g for g in find_rows(quote, anchored=False) if g.readings]
        cells = tuple(row.get(c) for c in TABLE_COLUMNS)
        if len(glued) != 1 or glued[0].key not in (key, "other_other" if key == "other" else key):
            return False
        # One reading of the run, or the cells all its readings agree on (the others null).
        return cells in glued[0].readings or (any(v is not None for v in cells) and all(
            v is None or v == r[i] for r in glued[0].readings for i, v in enumerate(cells)))
    r = rows[0]
    label_key = row_key(r.label, key in ("other_other",))
    if label_key != key and not (key == "other" and label_key == "other_other"):
        return False
    cells = [row.get(c) for c in TABLE_COLUMNS]
    got = r.cells[-len(TABLE_COLUMNS) :]
    if len(got) != len(TABLE_COLUMNS):
        return False
    for i, v in enumerate(cells):
        if v is None:
            continue
        if got[i] != v:
            # A blank 总计 may be summed from the six readable cells (noted in warnings).
            if i == len(cells) - 1 and got[i] is None and all(c is not None for c in cells[:-1]) \
                    and v == sum(cells[:-1]):  # type: ignore[arg-type]
                continue
            return False
    return any(v is not None for v in cells)


def _sentence_around(text: str, start: int, end: int) -> str:
    lo = _sentence_start(text, start)
    stop = min(len(text), end + _LEAD_MAX)  # bounded: a 20 MB text has no "？" to find
    his = [i for i in (text.find(c, end, stop) for c in SENTENCE_END) if i != -1]
    return text[lo : min(his) if his else stop]


def origin_of(claim: Claim) -> str:
    """Where a value came from, as its evidence says: a model, a sum, a table cell or a sentence."""
    if claim.origin in ("llm", "llm_table"):  # a model's answer, or its choice of a table reading
        return "model"
    if claim.parts:
        return "sum"
    return "table" if claim.origin == "table" else "sentence"


def check(doc: Document, claim: Claim) -> Evidence | str:
    """Evidence for a claim, or the reason it fails."""
    span = place(doc, claim)
    if span is None:
        return "quote not found in the document"
    start, end = span
    quote = doc.text[start:end]
    if INSTRUCTION.search(_sentence_around(doc.text, start, end)):
        return "the quote stands in a sentence that gives instructions"
    alignment: Literal["exact", "normalised"] = "exact" if quote == claim.quote else "normalised"
    if claim.field in SUBJECTS and claim.origin != "llm_table" and origin_of(claim) in ("sentence", "model"):
        # A sentence's number is judged with what stands before the quote in its sentence: a quote
        # cut after 其中 or after 予以公开及 would otherwise hide what the number counts.
        lead = _sentence_start(doc.text, start)
        context = doc.text[lead:end]
        if not value_stated(claim, context):
            return f"the sentence does not bind the value {claim.value!r} to the field"
        if not value_stated(claim, quote):
            start, quote = lead, context  # the quote needs its sentence's subject (2017年，…累计…条)
    elif not value_stated(claim, quote):
        return f"quote does not bind the value {claim.value!r} to the field"
    return Evidence(quote=quote, start=start, end=end, approximate=claim.approximate, origin=origin_of(claim),
                    alignment=alignment)


_LEAD_MAX = 160  # how far back a sentence start is looked for


def _sentence_start(text: str, start: int) -> int:
    lo = max(0, start - _LEAD_MAX)
    return max([lo] + [text.rfind(c, lo, start) + 1 for c in SENTENCE_END if text.rfind(c, lo, start) != -1])


def _short(quote: str) -> str:
    q = " ".join(quote.split())
    return q if len(q) <= 40 else q[:39] + "…"


def assemble(doc: Document, claims: list[Claim], backend: str) -> ExtractionResult:
    """Verify every claim. Two verified values for one field from the same side are a conflict
    (null, and said in warnings), never settled by order; a model value that differs from a
    verified rules value is a conflict too, and the rules value stays."""
    result = ExtractionResult(source=doc.source, sha256=doc.sha256, backend=backend)
    record = ReportRecord()
    tables: dict[str, dict[str, int | None]] = {}
    lists: dict[str, dict[int, str]] = {"problems": {}, "improvements": {}}
    verified: dict[str, list[tuple[Claim, Evidence]]] = {}
    for claim in claims:
        if claim.field in DERIVED_FIELDS:
            if get_field(record, claim.field) is None:
                set_field(record, claim.field, claim.value)
            continue
        ev = check(doc, claim)
        if isinstance(ev, str):
            result.warnings.append(f"{claim.field}: {claim.origin} value {claim.value!r} dropped: {ev}")
            continue
        verified.setdefault(claim.field, []).append((claim, ev))
    for field, found in verified.items():
        if field.startswith(("applications.table.", "problems.", "improvements.")):
            chosen: tuple[Claim, Evidence] | None = found[0]  # one row / item per key: the first reading
        else:
            chosen = _settle(field, found, result.warnings)
        if chosen is None:
            continue
        claim, ev = chosen
        result.evidence[field] = ev
        if claim.note:
            result.warnings.append(claim.note)
        _apply(record, claim, tables, lists)
    if tables:
        record.applications.table = tables
    for name, items in lists.items():
        if items:
            setattr(record, name, [items[k] for k in sorted(items)])
    result.record = record
    return result


def _settle(field: str, found: list[tuple[Claim, Evidence]], warnings: list[str]) -> tuple[Claim, Evidence] | None:
    rules = [(c, e) for c, e in found if origin_of(c) != "model"]
    model = [(c, e) for c, e in found if origin_of(c) == "model"]

    def distinct(pairs: list[tuple[Claim, Evidence]]) -> list[tuple[Claim, Evidence]]:
        out: list[tuple[Claim, Evidence]] = []
        for c, e in pairs:
            if all(c.value != o.value for o, _ in out):
                out.append((c, e))
        return out

    rules, model = distinct(rules), distinct(model)
    if len(rules) > 1 and len(model) == 1 and any(c.value == model[0][0].value for c, _ in rules):
        # The rules could not decide; the model chose one of their own readings.
        said = "; ".join(f"{c.value!r} («{_short(e.quote)}»)" for c, e in rules)
        warnings.append(f"{field}: the rules found {said}; the model chose {model[0][0].value!r}")
        return model[0]
    for side, pairs in (("rules", rules), ("model", model)):
        if len(pairs) > 1:
            said = "; ".join(f"{c.value!r} («{_short(e.quote)}»)" for c, e in pairs)
            warnings.append(f"{field}: conflict: the {side} found {said}; left null")
            if side == "rules":
                return None
    if len(rules) == 1:
        for c, e in model:
            if c.value != rules[0][0].value:
                warnings.append(
                    f"{field}: conflict: the model chose {c.value!r} («{_short(e.quote)}»); "
                    f"the rules value {rules[0][0].value!r} is kept"
                )
        return rules[0]
    return model[0] if len(model) == 1 else None


def _apply(record: ReportRecord, claim: Claim, tables: dict[str, Any], lists: dict[str, dict[int, str]]) -> None:
    field = claim.field
    if field.startswith("applications.table."):
        tables[field.rsplit(".", 1)[1]] = dict(claim.value)
    elif field.startswith(("problems.", "improvements.")):
        name, idx = field.split(".")
        lists[name][int(idx)] = str(claim.value)
    elif field == "publish_date":
        set_field(record, field, dt.date.fromisoformat(str(claim.value)))
    else:
        set_field(record, field, claim.value)
