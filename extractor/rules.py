"""Rules backend: the report's own sentences and tables → Claims. No model, no network.

Every pattern runs on a normalised view of one section (white space removed, NFKC), and every
match is mapped back to a verbatim span of Document.text, which becomes the claim's quote.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .align import Compact, compact, normalise
from .claims import Claim
from .mentions import mention_claims
from .numbers import NUM, is_approximate, parse_number
from .schema import Document, Section, SectionName
from .sections import detect_template, find_sections, measures_start
from .stats2008 import STAT_FIELDS, stat_claims
from .tables import table_four, table_three, table_three_scalars, table_two, table_two_glued
from .verify import binding_view, bound_mention_fields, check
from .vocabulary import DEPARTMENT_END, IMPROVE_MARK, PART_LABEL, SCOPE_PLACE, SCOPE_SELF

N = f"(?:超过|逾|近|约|达)?(?P<n>{NUM})"
GAP = r"[^。;,:!?]{0,%d}?"


def g(n: int) -> str:
    return GAP % n


@dataclass(frozen=True)
class Rule:
    field: str
    sections: tuple[SectionName, ...]
    patterns: tuple[re.Pattern[str], ...]
    reject_before: re.Pattern[str] | None = None  # context (≤12 chars) that disqualifies a match
    accounts: bool = False  # several accounts of one channel in one paragraph are summed


def R(field: str, sections: Iterable[SectionName], *patterns: str, reject: str | None = None,
      accounts: bool = False) -> Rule:
    return Rule(
        field,
        tuple(sections),
        tuple(re.compile(p.replace("{N}", N)) for p in patterns),
        re.compile(reject) if reject else None,
        accounts,
    )


PRO: tuple[SectionName, ...] = ("proactive", "overview")
APP: tuple[SectionName, ...] = ("applications", "overview")
REM: tuple[SectionName, ...] = ("remedies", "applications", "overview")
ITEM = r"(?:余|多)?(?:条|件|个|篇|份)"

RULES: tuple[Rule, ...] = (
    R(
        "proactive.total",
        PRO,
        rf"主动公开(?:各类)?(?:政府|政务)信息(?:共计|共|总计|合计|累计)?{{N}}{ITEM}",
        rf"(?:共|累计|共计)(?:主动)?公开(?:各类)?(?:政府|政务)信息(?:共计|共)?{{N}}{ITEM}",
        reject=r"网站|微博|微信|公报|平台|专栏$",
    ),
    R(
        "proactive.website",
        PRO,
        rf"网站(?:向社会)?{g(8)}(?:发布|公开|更新)+{g(10)}{{N}}(?:余|多)?条",
        reject=r"接收|收到|回复|受理",
    ),
    R(
        "proactive.gazette",
        ("proactive", "overview"),
        r"公报(?:[^。;]{0,12}?)(?:发布|刊登|刊发|公开)(?:各类)?(?:政务|政府)?(?:信息|文件){N}(?:余|多)?(?:条|件|个|篇)",
        # 《公报》…期，刊发规章、规范性文件等158条: the items after the issue count
        r"公报[^。;]{0,30}?(?:刊发|刊登|发布|公开)[^。;,]{0,20}?{N}(?:余|多)?(?:条|件|个|篇)",
    ),
    R("proactive.weibo", PRO, rf"微博{g(12)}{{N}}(?:余|多)?条", reject=r"接收|收到|回复", accounts=True),
    R("proactive.wechat", PRO, rf"微信(?:公众号)?{g(12)}{{N}}(?:余|多)?条", reject=r"接收|收到|回复", accounts=True),
    R(
        "proactive.press_conferences",
        PRO,
        r"新闻发布会(?:共|共计)?{N}(?:余|多)?(?:场|次)",
        r"(?:召开|举办|组织)新闻发布会(?:共|共计)?{N}(?:场|次)",
    ),
    R(
        "proactive.policy_interpretations",
        PRO,
        rf"政策解读{g(8)}{{N}}(?:余|多)?(?:条|篇|个|件|期|份)",
        rf"解读{g(10)}(?:文件|政策){{N}}(?:余|多)?(?:件|份|篇|个)",
    ),
    R(
        "applications.received",
        APP,
        rf"(?:受理|收到|办理|接收){g(14)}(?:公开申请|依申请公开|信息申请|申请)(?:共计|共)?{{N}}(?:件|份|条)",
        r"(?:受理|收到|接收)(?:了)?{N}(?:封|件|份)(?:政府信息)?(?:公开)?(?:依申请公开|申请)",
    ),
    R("applications.carried_over", APP, r"上年(?:度)?结转(?:的)?(?:申请)?{N}件"),
    R("applications.granted", APP, r"(?<![不])(?:同意|予以)公开(?:答复)?(?:的)?{N}件"),
    R("applications.partially_granted", APP, r"部分公开(?:答复)?(?:的)?{N}件"),
    R("applications.denied", APP, r"(?:不同意公开|不予公开)(?:答复)?(?:的)?{N}件"),
    R("applications.unable_to_provide", APP, r"(?:信息不存在|无法提供)(?:答复)?(?:的)?{N}件"),
    R("applications.not_processed", APP, r"不予处理(?:答复)?(?:的)?{N}件"),
    R(
        "applications.other",
        APP,
        r"不属于本(?:行政)?机关(?:公开)?(?:范围)?(?:的)?{N}件",
        r"告知(?:通过)?其他途径(?:获取)?(?:的)?{N}件",
    ),
    R("applications.already_public", APP, r"已主动公开(?:范围)?(?:的)?{N}件"),
    R("applications.total_processed", APP, r"(?:共|累计|共计|全部)办结(?:申请)?{N}件"),
    R(
        "applications.carried_forward",
        APP,
        r"结转(?:到|至)?下(?:一)?年度?(?:继续)?(?:办理)?{N}件",
        r"{N}件(?:顺延|结转)(?:到|至)下(?:一)?年度",
    ),
    R("reconsideration.total", REM, r"行政复议(?:案件|申请)?(?:共|共计)?{N}(?:件|起|宗|次)"),
    R("litigation.total", REM, r"行政诉讼(?:案件)?(?:共|共计)?{N}(?:件|起|宗|次)"),
    R("complaints.total", ("remedies",), r"(?:举报|投诉)(?:共|共计)?{N}(?:件|起|次)"),
    # Elsewhere only when the clause says the complaints are about disclosure work.
    R("complaints.total", ("other", "applications", "overview"),
      r"信息公开(?:工作)?(?:的|方面的?)?(?:举报|投诉){1,2}(?:共|共计)?{N}(?:件|起|次)"),
    R(
        "fees.collected",
        ("fees", "other", "applications", "overview", "remedies"),
        r"(?:收取|收费)[^。;]{0,24}?(?:信息处理费|费用|费)(?:共|共计)?{N}元",
    ),
)

# A zero stated in words: a negation, then (in the same clause) what did not happen.
_NEG = r"(?:未发生|未出现|未收到|没有发生|没有|未有|无)"
ZERO_RULES: tuple[tuple[str, tuple[SectionName, ...], re.Pattern[str]], ...] = (
    ("reconsideration.total", ("remedies",), re.compile(_NEG + r"[^。;]{0,30}?行政复议")),
    ("litigation.total", ("remedies",), re.compile(_NEG + r"[^。;]{0,40}?(?:行政)?诉讼")),
    ("complaints.total", ("remedies",), re.compile(_NEG + r"[^。;]{0,40}?(?:举报|投诉|申诉)")),
    ("complaints.total", ("other", "applications", "overview"),
     re.compile(_NEG + r"[^。;]{0,20}?信息公开(?:工作)?(?:的|方面的?)?(?:举报|投诉)")),
    (
        "fees.collected",
        ("fees", "applications", "other"),
        re.compile(r"(?:均未收取|未收取|没有收取|不收取|免收|未收费|未产生)[^。;]{0,12}?费"),
    ),
)


# ------------------------------------------------------------------ meta

_ORGAN_END = r"(?:人民政府|政府|机关|办公室|办公厅|委员会|局|厅|市|县|区|州|旗|盟|镇|乡|街道|管委会|中心)"
_NAME = r"(?P<issuer>[^《》。;,:!?\"]{2,30}?" + _ORGAN_END + r")"  # the body a title names
_TITLE = re.compile(_NAME + r"(?:关于)?(?P<year>20\d\d)年度?(?:政府)?信息公开(?:工作)?(?:年度)?报告")
_QUOTED_TITLE = re.compile(r"《" + _NAME + r"\s*(?P<year>20\d\d)\s*年度?(?:政府)?信息公开工作(?:情况|总结)》")
# The body that signs the report, just before its date (…行政诉讼数 件 0 0 平潭综合实验区市场监督管理局 2017年1月12日).
_SIGNER = re.compile(
    r"(?<![\u4e00-\u9fff])(?P<body>[\u4e00-\u9fff]{2,30}?" + _ORGAN_END + r")\s*"
    r"(?:20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|二[〇零○O][一二三四五六七八九〇零○]{2}年[元一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日)"
)
_LAST_SECTION = re.compile(r"(?:[\u4e00-\u9fff]*?事项)?(?:无|暂无|没有)")
_CONTACT = re.compile(r"请与(?P<issuer>[^,。;:()]{2,16}?(?:人民政府|政府))(?:办公室|办公厅|[^,。;]{0,14}?办公室)")
_YEAR = (
    re.compile(r"统计(?:时限|期限|时间|期间|区间)?(?:为|是|自|从)?(?P<year>20\d\d)年1月1日"),
    re.compile(r"(?:数据|统计)[^。]{0,6}?自(?P<year>20\d\d)年1月1日"),
    re.compile(r"(?P<year>20\d\d)年1月1日(?:起)?(?:至|到)"),
)
_DATE_LINE = re.compile(r"^\s*(?P<y>20\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*$", re.M)
_CN_DATE_LINE = re.compile(r"^\s*(?P<y>二[〇零○O][一二三四五六七八九〇零○]{2})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日\s*$", re.M)
_SIGNED = re.compile(
    r"(?:(?<=[局府会室区县市镇乡办委厅])|(?<=[。\s]))\s*(?P<date>"
    r"(?P<y>20\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?P<cy>二[〇零○O][一二三四五六七八九〇零○]{2})年(?P<cm>[元一二三四五六七八九十]{1,2})月(?P<cd>[一二三四五六七八九十]{1,3})日)"
    r"(?=\s|$|附|抄送|（|\()"
)
# 发布时间: or a page's bare 时间: (来源：平潭县人民政府 时间：2014-01-22 00:00)
_PUBLISHED = re.compile(r"(?:发布(?:时间|日期)|(?<![\u4e00-\u9fff])时间)\s*[:：]\s*(?P<y>20\d\d)[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})")
_REGION = re.compile(
    r"(?:综合|汇总|根据|由|涵盖|包括)[^。]{0,60}?(?:各县|各区|各乡镇|各乡|各街道|县\(区\)|县\(市\)|县市区|区县|市直|市属|各部门|各(?:有关)?单位)"
    r"[^。]{0,60}?(?:编制|汇总|综合|组成|工作情况)"
)
_ORGAN = re.compile(
    r"机关20\d\d年|本机关(?:20\d\d年)?政府信息公开|仅(?:反映|包括|涵盖|统计)[^。]{0,20}?(?:本机关|机关|本局|本单位|本部门)"
    # The report calls itself the organ's own: 结合我局实际，编制…; 现将我局…报告如下; 我局编制了…报告
    r"|(?:结合|现将)(?:我|本)(?:局|办|委|中心)[^。]{0,40}?(?:编制|报告)|(?:我|本)(?:局|办)(?:结合实际[，,]?)?编制"
    r"|(?:我|本)(?:局|办)20\d\d年度?政府信息公开(?:工作)?(?:年度)?报告"
)


def _meta_claims(doc: Document, sections: list[Section]) -> list[Claim]:
    text = doc.text
    head_end = sections[1].start if len(sections) > 1 else min(len(text), 1500)
    head = compact(text[:head_end])
    claims: list[Claim] = []

    def add(field: str, value: object, view: Compact, m: re.Match[str], group: str | int = 0) -> None:
        s, e = view.span(m.start(group), m.end(group))
        claims.append(Claim(field, value, text[s:e], near=s))

    # The report's own title, else one a cover letter quotes (关于报送《…公安局2017年政府信息公开工作情况》的函).
    titles = list(_TITLE.finditer(head.text)) or list(_QUOTED_TITLE.finditer(head.text))
    title = titles[0] if titles else None
    if title:
        # A page's title may shorten the name its report gives in full (平潭市场监督管理局 in a
        # crawler's 标题 line, 平潭综合实验区市场监督管理局 in the report's own title or signature).
        names = [_title_name(text, head, t) for t in titles] + _signers(text)
        issuer = names[0]
        for other in names[1:]:
            if _fuller(issuer.value, other.value):
                issuer = other
        claims.append(issuer)
        add("report_year", int(title.group("year")), head, title)
    else:
        contact = _CONTACT.search(head.text)
        if contact:
            add("issuer", contact.group("issuer"), head, contact, "issuer")
    if not title:
        for pattern in _YEAR:
            m = pattern.search(head.text)
            if m:
                add("report_year", int(m.group("year")), head, m)
                break
    claims.extend(publish_date(text))
    scope = _REGION.search(head.text)
    if scope:
        add("scope", "region", head, scope)
    else:
        organ = _ORGAN.search(head.text)
        if organ:
            add("scope", "organ", head, organ)
        else:
            claims.extend(_department_scope(claims, text) or _counted_scope(text))
    return claims


# Whose figures the report counts, where its opening does not say: 全区共主动公开政府信息…
# (the region) or 我局共收到…申请 (the organ). Both kinds counted: the report does not say one scope, so none.
_COUNTED = re.compile(
    rf"(?P<who>{SCOPE_PLACE}|{SCOPE_SELF})"
    r"[^，,。；;]{0,10}?(?:共|累计|全年)?(?:主动公开|公布|发布|收到|受理|未收到|办理|办结|答复)"
    r"[^，,。；;]{0,8}?(?:政府信息|申请)"  # disclosure counts: not 全市共受理“12345”热线事项
)


def _title_name(text: str, head: Compact, title: re.Match[str]) -> Claim:
    # The normalised view has no line breaks: a label on the line before the name
    # (测试文档\n某市人民政府…) must not become part of the issuer.
    s0, e0 = head.span(title.start("issuer"), title.end("issuer"))
    cut = max(text.rfind(ch, s0, e0) for ch in ("\n", " ", "\t", "\u3000"))
    s0 = cut + 1 if cut >= s0 else s0
    # Nor a path or a file name before it (本地目录: zwgk/…/80479_平潭市场监督管理局2016年度…).
    ascii_tail = re.search(r"[!-~](?=[^!-~]*$)", text[s0:e0].replace("(", "（").replace(")", "）"))
    s0 = s0 + ascii_tail.end() if ascii_tail else s0
    # Nor the words of a sentence that announces it (特向社会公布平潭综合实验区海坛片区管理局2024年度…).
    announced = list(re.finditer(r"公布|发布|印发|报送|现将", text[s0:e0]))
    s0 = s0 + announced[-1].end() if announced else s0
    name = normalise(text[s0:e0]).lstrip("《\"现公布")
    s0 = text.index(name[0], s0) if name and name[0] in text[s0:e0] else s0
    return Claim("issuer", name, text[s0:e0], near=s0)


def _signers(text: str) -> list[Claim]:
    """The signing body before the report's date, in its last third (not a date in its prose)."""
    found = [m for m in _SIGNER.finditer(text) if m.start() > len(text) * 2 // 3]
    if not found:
        return []
    m = found[-1]
    # A crawler dump runs the last section into the signature (…其他需要报告的事项无平潭…局 2020年1月2日):
    # its heading and its "nothing" are no part of the name.
    lead = _LAST_SECTION.match(m.group("body"))
    cut = lead.end() if lead and len(m.group("body")) - lead.end() >= 4 else 0
    return [Claim("issuer", m.group("body")[cut:], m.group(0)[cut:], near=m.start() + cut)]


def _fuller(short: object, long: object) -> bool:
    """`long` names the same body as `short` in full: same last character, and `short`'s characters
    in order within it (财金局 → 平潭综合实验区财政金融局)."""
    if not isinstance(short, str) or not isinstance(long, str) or len(long) <= len(short) or long[-1] != short[-1]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


def _department_scope(claims: list[Claim], text: str) -> list[Claim]:
    """A report a department names as its own (平潭县信访局2011年…报告) counts that department alone
    (FIELDS.md: organ), whatever wider figures it cites (全区…). The quote is the title naming it."""
    for c in claims:
        if c.field == "issuer" and DEPARTMENT_END.search(str(c.value)):
            m = re.compile(re.escape(c.quote) + r"\s*(?:关于)?20\d\d\s*年").search(text, c.near)
            if m:
                return [Claim("scope", "organ", m.group(0), near=m.start())]
    return []


_RUNNING_CLAUSE = re.compile(r"[^。；;！？!?\n，,]*累计[^。；;！？!?\n，,]*")


def _running_totals(text: str) -> dict[str, set[float | int]]:
    """Running totals the report states in words (历年累计主动公开政府信息2027条): with 累计 set
    aside, the clause binds its number to the field. They choose among the 2008 table's readings."""
    out: dict[str, set[float | int]] = {}
    for m in _RUNNING_CLAUSE.finditer(text):
        view = binding_view(m.group(0).replace("历年累计", "").replace("累计", ""))
        for value, _, fields in bound_mention_fields(view, STAT_FIELDS):
            for f in fields:
                out.setdefault(f, set()).add(value)
    return out


def _counted_scope(text: str) -> list[Claim]:
    found = list(_COUNTED.finditer(text))
    # 全区 or 我区 (a place speaking of itself) is the region; 我局, 本机关 the organ.
    kinds = {"region" if re.fullmatch(SCOPE_PLACE, m.group("who")) else "organ" for m in found}
    if len(kinds) != 1:
        return []
    m = found[0]
    return [Claim("scope", kinds.pop(), m.group(0), near=m.start())]


def publish_date(text: str) -> list[Claim]:
    """The date the report was signed or published: the last date line of its tail, else the date
    after its signing body, else a page's 发布时间."""
    tail_start = max(0, len(text) - 400)
    tail = text[tail_start:]
    for pattern, conv in ((_DATE_LINE, int), (_CN_DATE_LINE, _cn_date_part)):
        matches = list(pattern.finditer(tail))
        if matches:
            m = matches[-1]
            try:
                y, mo, d = conv(m.group("y")), conv(m.group("m")), conv(m.group("d"))
                value = f"{y:04d}-{mo:02d}-{d:02d}"
            except (TypeError, ValueError):
                continue
            quote = m.group(0).strip()
            start = tail_start + m.start() + m.group(0).index(quote)
            return [Claim("publish_date", value, quote, near=start)]
    # No line breaks (a crawler dump): the signed date follows the signing body and ends the
    # report's prose (…管理局 2020年1月2日 附表：…); a date inside a sentence is not it.
    # A cover letter before the report (关于报送…的函 … 公安局2016年1月4日) signs it too, where the
    # report itself signs nothing; the report's own signature, in its last two thirds, comes first.
    everywhere = list(_SIGNED.finditer(text))
    signed = [m for m in everywhere if m.start() <= len(text) // 3] + [m for m in everywhere if m.start() > len(text) // 3]
    for m in reversed(signed):
        arabic = m.group("y") is not None
        parts = (m.group("y"), m.group("m"), m.group("d")) if arabic else (m.group("cy"), m.group("cm"), m.group("cd"))
        conv = int if arabic else _cn_date_part
        try:
            y, mo, d = (conv(x) for x in parts)
            value = dt.date(y, mo, d).isoformat()
        except (KeyError, TypeError, ValueError):
            continue
        return [Claim("publish_date", value, m.group("date"), near=m.start("date"))]
    m = _PUBLISHED.search(text[:3000])
    if m:
        value = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
        return [Claim("publish_date", value, m.group(0), near=m.start())]
    return []


def _cn_date_part(s: str) -> int:
    if s == "元":  # 元月 is January
        return 1
    digits = {"〇": 0, "零": 0, "○": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return int("".join(str(digits[c]) for c in s))


# ------------------------------------------------------------------ narrative numbers


def _narrative_claims(doc: Document, sections: list[Section]) -> list[Claim]:
    text = doc.text
    views: dict[int, Compact] = {}

    def view(i: int) -> Compact:
        if i not in views:
            s = sections[i]
            views[i] = compact(text[s.body_start : s.end], base=s.body_start)
        return views[i]

    claims: list[Claim] = []
    for rule in RULES:
        claims.extend(_rule_claims(rule, sections, view, text))
    found = {c.field for c in claims}
    for field, names, pattern in ZERO_RULES:
        if field in found:
            continue
        for i, s in enumerate(sections):
            if s.name not in names:
                continue
            v = view(i)
            m = pattern.search(v.text)
            if m:
                st, en = v.span(m.start(), m.end())
                claims.append(Claim(field, 0, text[st:en], near=st))
                break
    return claims


def _rule_claims(rule: Rule, sections: list[Section], view, text: str) -> list[Claim]:  # type: ignore[no-untyped-def]
    """Every match of the rule in its sections, so that two different values for one field meet
    in the evidence check as a conflict instead of the first one winning."""
    out: list[Claim] = []
    for name in rule.sections:
        for i, s in enumerate(sections):
            if s.name != name:
                continue
            claims = list(_matches(rule, view(i), text))
            if not claims:
                continue
            if not rule.accounts:
                out.extend(claims)
                continue
            # Several accounts of one channel listed in one paragraph ("…”微博发布信息2362条;
            # “…”微博发布信息1945条") are the channel's count together.
            group = [claims[0]]
            for c in claims[1:]:
                prev = group[-1]
                if "\n" in text[(prev.near or 0) + len(prev.quote) : c.near or 0]:
                    break
                group.append(c)
            if len(group) == 1:
                out.append(group[0])
                continue
            first = group[0]
            lo = first.near or 0
            hi = (group[-1].near or 0) + len(group[-1].quote)
            parts = [c.value for c in group]
            out.append(Claim(rule.field, sum(parts), text[lo:hi], near=lo, parts=parts,
                             approximate=any(c.approximate for c in group),
                             note=f"{rule.field} summed over {len(group)} accounts listed together"))
        if out:
            return out  # the rule's first section that has matches (overview only when nothing else)
    return out


def _matches(rule: Rule, v: Compact, text: str) -> Iterator[Claim]:
    for pattern in rule.patterns:
        for m in pattern.finditer(v.text):
            before = v.text[max(0, m.start() - 12) : m.start()]
            if rule.reject_before and rule.reject_before.search(before + v.text[m.start() : m.start("n")]):
                continue
            after = v.text[m.end("n") : m.end("n") + 3]
            if after.startswith("%") or v.text[max(0, m.start("n") - 1) : m.start("n")] == "第":
                continue
            value = parse_number(m.group("n"))
            if value is None:
                continue
            st, en = v.span(m.start(), m.end())
            approx = is_approximate(v.text[max(0, m.start("n") - 4) : m.start("n")], after)
            # 1.8万条 is a rounded figure; money in 万元 is exact enough to be a value.
            approx = approx or (re.search(r"[万亿]$", m.group("n")) is not None and not rule.field.startswith("fees."))
            yield Claim(rule.field, value, text[st:en], near=st, approximate=approx)


# ------------------------------------------------------------------ problems / improvements

_ENUM = re.compile(r"(?:^|(?<=[。;；:：\s]))(?:[一二三四五六七八九十]是|[(（][一二三四五六七八九十][)）]|\d[、.．])")




def _list_items(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """(item text, start, end) for each enumerated item in text[lo:hi]."""
    chunk = text[lo:hi]
    marks = list(_ENUM.finditer(chunk))
    items: list[tuple[str, int, int]] = []
    for i, m in enumerate(marks):
        stop = marks[i + 1].start() if i + 1 < len(marks) else len(chunk)
        body_start = m.end()
        body = chunk[body_start:stop]
        cut = re.search(r"[。;；\n]", body)
        item = body[: cut.start()] if cut else body
        item = item.strip().rstrip("，,、 ").removesuffix("等")
        # A sub-heading that only names the part (（一）主要问题) is not an item.
        if PART_LABEL.search(item) and len(item) < 20:
            continue
        if 2 <= len(item) <= 120:
            s = lo + body_start + (len(body) - len(body.lstrip()))
            items.append((item, s, s + len(item)))
    return items


def _split_clauses(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Fallback for problems written as one sentence: 主要是A,B,C / 问题是A;B;C."""
    chunk = text[lo:hi]
    m = re.search(r"(?:主要是|主要表现在|问题是|问题主要是|不足是|主要有)[:：]?", chunk)
    if not m:
        return []
    end = chunk.find("。", m.end())
    end = len(chunk) if end == -1 else end
    body = chunk[m.end() : end]
    sep = "；" if "；" in body else (";" if ";" in body else ("，" if "，" in body else ","))
    out: list[tuple[str, int, int]] = []
    pos = m.end()
    for part in body.split(sep):
        item = part.strip().removesuffix("等方面").removesuffix("等")
        if len(item) >= 4:
            s = lo + pos + part.index(item[:1]) if item else lo + pos
            out.append((item, s, s + len(item)))
        pos += len(part) + 1
    return out


def _plain_measures(text: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
    """Measures written as one sentence joined by ；: the lead clause of each part."""
    out: list[tuple[str, int, int]] = []
    pos = lo
    for part in re.split(r"[；;。]", text[lo:hi]):
        seg_start = pos
        pos += len(part) + 1
        leads = list(IMPROVE_MARK.finditer(part))
        lead = leads[-1] if leads else None
        k = 0
        if lead:  # skip "针对存在问题，下一步，我市将"
            k = lead.end()
            m = re.match(r"[^，,]{0,12}?(?:将|要)", part[k:].lstrip("，,"))
            k = len(part) - len(part[k:].lstrip("，,")) + (m.end() if m else 0)
        clause = re.split(r"[，,]", part[k:], maxsplit=1)[0].strip()
        if 4 <= len(clause) <= 60:
            s = seg_start + k + part[k:].index(clause)
            out.append((clause, s, s + len(clause)))
    return out


def _list_claims(doc: Document, sections: list[Section]) -> list[Claim]:
    text = doc.text
    claims: list[Claim] = []
    for s in sections:
        if s.name != "problems":
            continue
        lo, hi = s.body_start, s.end
        turn = measures_start(text, lo, hi)
        split = hi if turn is None else turn
        problems = _list_items(text, lo, split) or _split_clauses(text, lo, split)
        improvements = (_list_items(text, split, hi) or _plain_measures(text, split, hi)) if turn is not None else []
        for field, items in (("problems", problems), ("improvements", improvements)):
            for k, (item, st, en) in enumerate(items):
                claims.append(Claim(f"{field}.{k}", item, text[st:en], near=st))
        break
    return claims


# ------------------------------------------------------------------ the backend


def extract_claims(doc: Document, sections: list[Section] | None = None) -> tuple[list[Claim], list[str]]:
    """All rules claims for one document, and the parsing warnings."""
    sections = sections if sections is not None else find_sections(doc.text)
    claims = _meta_claims(doc, sections)
    year = next((c.value for c in claims if c.field == "report_year"), None)
    template = detect_template(doc.text, year)
    if template is not None:
        claims.append(Claim("template", template, ""))
    warnings: list[str] = []
    table_claims: list[Claim] = []
    if template in ("2019", "2021"):
        table_claims = _table_claims(doc, sections, template, warnings)
    claims.extend(table_claims)
    taken = {c.field for c in table_claims}
    narrative = [c for c in _narrative_claims(doc, sections) if c.field not in taken]
    # Quantity mentions fill what neither the tables nor the report's usual phrasings gave.
    # Judged as the evidence check judges them, with their sentence: 其他应主动公开政府信息856条 binds
    # alone but not after its 其他应, and must not keep the sentence's own total (2599) out.
    holds = [c for c in narrative if not isinstance(check(doc, c), str)]
    found = taken | {c.field for c in holds}
    mentioned = [c for c in mention_claims(doc, sections) if c.field not in found]
    narrative += mentioned
    holds += [c for c in mentioned if not isinstance(check(doc, c), str)]  # what the tables' readings meet
    if template in ("2019", "2021") and "proactive.regulations_issued" not in taken:
        lo = min((s.body_start for s in sections if s.name == "proactive"), default=0)
        hi = max((s.end for s in sections if s.name == "proactive"), default=len(doc.text))
        stated = {c.value for c in holds if c.field == "proactive.regulations_issued"}
        glued, glued_warnings = table_two_glued(doc.text, lo, hi, stated)
        claims.extend(glued)
        warnings.extend(glued_warnings)
    if template != "2019" and template != "2021":
        stated: dict[str, set[float | int]] = {}
        for c in holds:
            stated.setdefault(c.field, set()).add(c.value)
        stat, stat_warnings = stat_claims(doc.text, stated, _running_totals(doc.text))
        # As with the 2019/2021 tables: the statistics table's one reading of a row is the field's
        # value, and prose that says otherwise (在…网站主动公开的425条政府信息中 beside 网站公开 418)
        # is said in warnings, not a conflict a model would then be asked to settle.
        single = {c.field: c.value for c in stat if sum(o.field == c.field for o in stat) == 1}
        for c in holds:  # prose the evidence check refuses (历年累计…2027条) says nothing to name
            if c.field in single and c.value != single[c.field]:
                warnings.append(f"{c.field}: the report's prose says {c.value!r} («{c.quote[:40]}»); its statistics table "
                                f"says {single[c.field]!r}, which is kept")
        narrative = [c for c in narrative if c.field not in single]
        claims.extend(stat)
        warnings.extend(stat_warnings)
    claims.extend(narrative)
    claims.extend(_list_claims(doc, sections))
    return claims, warnings


def _table_claims(doc: Document, sections: list[Section], template: str, warnings: list[str]) -> list[Claim]:
    text = doc.text

    def span(*names: SectionName) -> tuple[int, int]:
        chosen = [s for s in sections if s.name in names]
        if not chosen:
            return 0, len(text)
        return min(s.body_start for s in chosen), max(s.end for s in chosen)

    claims: list[Claim] = []
    claims.extend(table_two(text, *span("proactive")))
    rows, row_warnings = table_three(text, *span("applications"), template)
    warnings.extend(row_warnings)
    claims.extend(rows)
    claims.extend(table_three_scalars(text, rows))
    claims.extend(table_four(text, *span("remedies")))
    for c in claims:
        c.origin = "table"
    return claims
