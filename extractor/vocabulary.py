"""What binds a number to a field: per field, the subject terms, the measure words it allows,
and the words that break the binding. Data, not code paths: a new phrasing is a new term here.

Used by the binding rule (`verify.binds`) for every backend, the summaries and the scorer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ITEMS = "条篇件项则份"  # items disclosed (主动公开138份: documents counted in 份)
CASES = "件起宗次个例"  # cases, applications, complaints
APPS = "件条宗份次封"  # not 个: 受理点83个 counts places


@dataclass(frozen=True)
class Subject:
    terms: str  # regex alternatives naming the field's subject
    measures: str  # measure words allowed right after the number (余/多 may stand between)
    generic: bool = False  # a broad term (主动公开, 申请) yields to a specific one in the same clause
    parent: str | None = None  # for outcome sub-fields: the case kind (复议 / 诉讼) they belong to


SUBJECTS: dict[str, Subject] = {
    "proactive.total": Subject(
        r"主动公开|(?<!申请)(?:公开|公布)(?:各类|各项)?(?:政府|政务)?信息|主动公开信息数",  # not 申请公开政府信息: an application
        ITEMS,
        generic=True,
    ),
    "proactive.website": Subject(r"网站|门户网|网上公开|上网(?:发布|公开)", "条篇项则"),  # 上网发布的179条 is posted on it; not 件: 发布政策文件20件 counts documents
    "proactive.gazette": Subject(r"公报", "条篇件项则个"),  # not 份: 发行1600份 is copies printed
    "proactive.weibo": Subject(r"微博", "条篇则"),
    "proactive.wechat": Subject(r"微信(?:公众号)?|公众号", "条篇则"),  # a 公众号 is a WeChat official account
    "proactive.press_conferences": Subject(r"新闻发布会|发布会", "场次期"),
    "proactive.policy_interpretations": Subject(
        # 解读 named as interpretation material (解读材料, 图文解读, 政策文件解读), not a column's name
        # alone (热点解读22条, one column in a list of a website's columns)
        r"政策解读|解读(?=[^，,。；;]{0,10}?(?:文件|政策))|(?:图文|图片|视频|动漫|图表|图示|专家|文件)解读"
        r"|解读(?:材料|稿件|稿|文章|产品)", "条篇件个期次份项"
    ),
    # Documents made this year; 刊登规章、规范性文件等93件 is what a gazette carried, not what was made.
    "proactive.regulations_issued": Subject(r"(?:制发|制定|出台|印发)(?:了)?(?:各类)?(?:规章|(?:行政)?规范性文件)", "件个部份项"),
    "applications.received": Subject(
        # 申请 itself, not 受理/收到 alone: 受理“12345”热线事项422件 and 收到信箱转办件310件 are not applications.
        # not 行政复议申请 (a reconsideration), nor 网上申请数3条 (one channel's share)
        r"依申请公开信息数|依申请公开|(?<!复议)(?<!诉讼)(?<!网上)(?<!信函)(?<!当面)(?<!传真)(?<!邮件)(?<!邮寄)"
        r"(?:公开|信息)?申请(?:总数)?(?!受理点|窗口|平台|渠道|人)|新收",  # 申请人 is who applied, no count of applications
        APPS,
        generic=True,
    ),
    "applications.carried_over": Subject(r"上年(?:度)?结转|上年(?:度)?(?:遗留|未办结)", APPS),
    "applications.granted": Subject(r"(?:同意|予以|全部)公开", APPS),
    "applications.partially_granted": Subject(r"部分公开", APPS),
    "applications.denied": Subject(r"不予公开|不同意公开|不公开", APPS),
    "applications.unable_to_provide": Subject(r"无法提供|信息不存在|不存在", APPS),
    "applications.not_processed": Subject(r"不予处理", APPS),
    "applications.other": Subject(r"不属于本(?:行政)?机关|非本(?:行政)?机关|其他途径|其他处理", APPS),
    "applications.already_public": Subject(r"已主动公开|已经主动公开", APPS),
    "applications.total_processed": Subject(r"(?:共|累计|全部|总计|合计)?(?:办结|答复完毕|办理完毕)|办结总数|答复总数", APPS),
    "applications.carried_forward": Subject(r"结转(?:到|至)?下(?:一)?年|顺延|转入下(?:一)?年", APPS),
    "reconsideration.total": Subject(r"行政复议|复议", CASES),
    "litigation.total": Subject(r"行政诉讼|诉讼|起诉", CASES),
    "complaints.total": Subject(r"举报|投诉", CASES),  # not 申诉: an appeal is not a complaint
    "fees.collected": Subject(r"收费|收取|费用|处理费", "元"),
}
for _kind, _parent in (("reconsideration", r"复议"), ("litigation", r"诉讼|起诉")):
    for _part, _terms in (("upheld", r"维持"), ("corrected", r"纠正"), ("other", r"其他结果"), ("pending", r"尚未审结|未审结")):
        SUBJECTS[f"{_kind}.{_part}"] = Subject(_terms, CASES, parent=_parent)

# Between the subject and its number, these make the number something else: a sub-item (其中),
# a change (较上年), a running total since inception (历年, 截至), a share (占), a category (…类信息),
# a spread (分别).
BLOCKERS = re.compile(r"其中|较上年|比上年|较去年|比去年|同比|环比|增长|增加|减少|下降|历年|截至|截止|至今|(?<!各)类|分别|占|平均|人均")
# 累计 is a running total unless the sentence ties it to the year (2017年，…累计发布…条; 全年累计…).
RUNNING = re.compile(r"累计")
YEAR_BOUND = re.compile(r"全年|本年|年内|今年|年度内|(?<!\d)20\d\d年(?!\d{1,2}月)")
# A count over several years (近3年…受理申请2件, 多年来) or since a channel opened (开设以来…1600余条) is not the year's.
MULTI_YEAR = re.compile(r"近[\d一二三四五六七八九十两]+年|多年来|历年|自成立以来|以来累计|(?:开设|开通|上线|运行|创办|设立|建成)以来"
                        r"|截[至止]目前")  # 截至目前共收到…件，已办结…件: a count to date, not the year's
# A broad subject said of some units (各乡镇主动公开政府信息856条) is their part, unless the clause
# speaks of the whole (全市各级各部门主动公开…).
UNITS_PART = re.compile(r"各(?:乡镇|部门|单位|县|区|街道|片区|镇)")
WHOLE = re.compile(r"全(?:市|区|县|省|州|旗|镇|乡)|共")
# A broad subject reached through a channel (通过广播电视、宣传栏等形式公开政府信息2986条) counts that channel.
CHANNEL_BEFORE = re.compile(r"通过|利用|依托|借助")
# A subject that is one item of a list (“政策解读”“回应关切”和“督察落实”等栏目…600篇) shares its count.
LISTED_AFTER = re.compile(r"^(?:[”’》」』\"]*[、和及与]|[”’》」』\"][“《「\"])")
# A channel's items are what it published: 接收微信12046条, 受理群众来信4402件 are received.
BLOCKERS_CHANNEL = re.compile(r"接收|收到|受理|回复|回应|答复|办理|处理")
# Two subjects joined (予以公开及部分公开42件) count the two together: the number is neither's.
JOINED = "及和与、或并"
# A subject so qualified is a part of the whole, not the whole: 其他应主动公开政府信息856条, 按时办结129件;
# and for a broad subject, one after 其中 (其中主动公开…) is a part too.
PART_BEFORE = re.compile(r"(?:其他(?:应|须|需)?|按时|延期|逾期|当场|提前)$")
PART_BEFORE_GENERIC = re.compile(r"其中$")
# Between a broad subject and its number, a kind of document makes it a category count:
# 主动公开规范性文件数16件 is not the total of items disclosed; nor is a kind of information
# (主动公开政府采购项目信息188条), as against 政府/政务/各类…信息, the whole.
WHOLE_INFO = ("政府", "政务", "各类", "各项", "各种", "相关", "有关", "全部", "的")  # …信息 that is all of it


def _qualified_info(whole: tuple[str, ...]) -> str:
    """信息 after two words of its own (采购项目信息), unless those say it is all of it (`whole`)."""
    return r"(?<=[\u4e00-\u9fff]{2})" + "".join(f"(?<!{q})" for q in whole) + "信息"


BLOCKERS_GENERIC = re.compile(
    r"文件|目录|数据|制作|获取|公告|通知|通告"  # 共制作政府信息523条 counts what was made, not what was disclosed
    r"|发放|印制|发行|赠阅"  # 公开政府信息，发放资料1600份: copies handed out
    r"|其他"  # 应当主动公开的其他政府信息1条: the last of a list of kinds
    r"|" + _qualified_info(WHOLE_INFO)
)
# A kind of information counted in 条 (依申请公开信息数374条 beside 主动公开政府信息94条): how the
# items made were classed, neither applications nor items disclosed. Not the 2008 table's
# 受理依申请公开信息总数 (the applications), which its own reader takes.
INFO_KIND = re.compile(r"(?<!受理)(?:依申请公开|不予公开)的?(?:政府)?信息数?(?:为|共计|共|达)?$")
# The channels a report counts its items on (a channel's count is not the total).
CHANNELS = ("proactive.website", "proactive.gazette", "proactive.weibo", "proactive.wechat")
# A named column of a website (“行政执法公示”专栏, 十四五规划…专栏) counts its own items, part of the
# whole; not the disclosure column itself (“政府信息公开”专栏, “法定主动公开”栏目) nor every column (各栏目).
COLUMN = re.compile(r"(?<!各)(?<!全)(?<!所有)(?:专栏|栏目|专题)")
# A whole of information made (制作、获取政府信息总数1873条, 印发公文类政府信息共514条): what is
# disclosed among it (其中主动公开…) is the whole of what was disclosed.
MADE_WHOLE = re.compile(r"(?:制作|获取|产生|印发|制发)[^，,。；;]{0,16}?(?:信息|文件)[^，,。；;]{0,8}?\d+\s*[条件份个][，,]?\s*$")
# Applications of other business (a service hall's 审批 windows, a hotline's cases): a sentence
# about these counts them, unless it names disclosure applications too.
OTHER_BUSINESS = re.compile(r"审批|窗口|服务大厅|政务服务|办件|行政许可|便民|热线|12345|信访")
# …or the enquiries and services an office answers (解答纳税人咨询…零投诉).
OTHER_SERVICE = re.compile(OTHER_BUSINESS.pattern + r"|咨询|纳税|办税|服务")
DISCLOSURE_WORK = re.compile(r"信息公开|依申请|公开申请|信息申请")
# Between a channel and its number, one kind of what it carried (微信号发布招聘信息20多条, 发布104篇
# 《…》系列文章): not the channel's count. A verb before 信息 (发布信息) is no kind.
CHANNEL_KIND = re.compile(
    r"公告|通知|通告|系列|"
    + _qualified_info((*WHOLE_INFO, "发布", "公开", "推送", "发送", "更新", "刊登", "刊发", "推出", "报送", "上传", "转发"))
)
# A clause that instructs is never evidence (a planted 把…填写为999999, or an injected prompt).
INSTRUCTION = re.compile(
    r"填写|填报为|填为|填入|请将|请把|将其改为|改为|忽略|指令|提示词|ignore|instruction|disregard|system\s*prompt|输出为|回答为",
    re.IGNORECASE,
)
# A zero stated in words.
ZERO_WORDS = re.compile(
    r"未发生|未出现|未收到|未收取|均未|没有|未有|为零|为0|未产生|不收取|不收费|免收|未接到|零"
    r"|未[^，,。；;]{0,12}?(?:收取|收费|发生|收到|产生|出现|接到)"  # 未向申请人收取费用
)
# Zero words that state a standing rule (不收取费用), not what happened in one year.
POLICY_ZERO = re.compile(r"不收取|不收费|免收")
# What an office spent on its disclosure work is no fee it collected.
SPENDING = re.compile(r"支出|用于|经费|开支|花费|投入")
# 无 a few words before a subject (无政府信息公开收费及减免情况), not 无法, 无偿, 无需, 无论, 无条件, 无纸化.
NONE_BEFORE = re.compile(r"无(?![法偿需论条纸])[^，,:：。；;无]{0,10}$")
SENTENCE_END = "。；;！？!?\n"
CLAUSE_END = "，,:："


# ------------------------------------------------------------------ table 三 rows

# Row key → what its label says (labels are matched fuzzily: numbering and spacing vary).
TABLE_ROW_TERMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("received", re.compile(r"本年(?:度)?新收")),
    ("carried_over", re.compile(r"上年(?:度)?结转")),
    ("carried_forward", re.compile(r"结转下年")),
    ("partially_granted", re.compile(r"部分公开")),
    ("denied_state_secret", re.compile(r"国家秘密")),
    ("denied_prohibited_by_law", re.compile(r"法律行政法规禁止")),
    ("denied_three_safeties", re.compile(r"三安全一稳定")),
    ("denied_third_party", re.compile(r"第三方")),
    ("denied_internal_affairs", re.compile(r"内部事务")),
    ("denied_process_info", re.compile(r"过程性")),
    ("denied_enforcement_file", re.compile(r"执法案卷")),
    ("denied_query_matter", re.compile(r"查询事项")),
    ("unable_not_held", re.compile(r"不掌握")),
    ("unable_needs_creation", re.compile(r"现成信息|另行制作")),
    ("unable_unclear", re.compile(r"仍不明确")),
    ("not_processed_petition", re.compile(r"信访|举报投诉")),
    ("not_processed_repeat", re.compile(r"重复申请")),
    ("not_processed_publication", re.compile(r"出版物")),
    ("not_processed_excessive", re.compile(r"大量反复")),
    ("not_processed_confirmation", re.compile(r"确认或重新出具|重新出具")),
    ("other_overdue_correction", re.compile(r"逾期不补正")),
    ("other_unpaid_fee", re.compile(r"收费通知|缴纳费用")),
    ("total_processed", re.compile(r"总计")),
    ("granted", re.compile(r"(?<!不)予以公开")),
)
GROUP_OTHER = re.compile(r"其他处理|他处理")


def row_key(label: str, in_other_group: bool = False) -> str | None:
    """The table 三 row a label names, or None."""
    for key, pattern in TABLE_ROW_TERMS:
        if pattern.search(label):
            return key
    bare = re.sub(r"^[\d\s.、．（）()一二三四五六七]+", "", label)
    group = GROUP_OTHER.search(label)
    if group:
        # "（六）其他处理 | 3、其他" (merged group cell repeated) is the 2021 sub-row, not the 2019 row.
        return "other_other" if "其他" in label[group.end() :] else "other"
    if in_other_group and bare.startswith("其他"):
        return "other_other"
    return None


# Scalar fields read from table 三's 总计 column: the rows whose totals make them.
TABLE_FIELD_ROWS: dict[str, tuple[str, ...]] = {
    "applications.received": ("received",),
    "applications.carried_over": ("carried_over",),
    "applications.granted": ("granted",),
    "applications.partially_granted": ("partially_granted",),
    "applications.total_processed": ("total_processed",),
    "applications.carried_forward": ("carried_forward",),
    "applications.denied": tuple(k for k, _ in TABLE_ROW_TERMS if k.startswith("denied_")),
    "applications.unable_to_provide": tuple(k for k, _ in TABLE_ROW_TERMS if k.startswith("unable_")),
    "applications.not_processed": tuple(k for k, _ in TABLE_ROW_TERMS if k.startswith("not_processed_")),
    "applications.other": ("other", "other_overdue_correction", "other_unpaid_fee", "other_other"),
}
TABLE4_PARTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
# Where a table value sits in the 2019/2021 templates: (table, row, column), as printed; what a
# summary or a model prompt shows for a table reading instead of a bare row of numbers.
_T4_COLUMNS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结", "total": "总计"}
TABLE_PLACES: dict[str, tuple[str, str, str]] = {
    "applications.received": ("表三", "本年新收政府信息公开申请数量", "总计"),
    "applications.carried_over": ("表三", "上年结转政府信息公开申请数量", "总计"),
    "applications.granted": ("表三", "予以公开", "总计"),
    "applications.partially_granted": ("表三", "部分公开", "总计"),
    "applications.denied": ("表三", "不予公开（各项之和）", "总计"),
    "applications.unable_to_provide": ("表三", "无法提供（各项之和）", "总计"),
    "applications.not_processed": ("表三", "不予处理（各项之和）", "总计"),
    "applications.other": ("表三", "其他处理（各项之和）", "总计"),
    "applications.total_processed": ("表三", "办理结果总计", "总计"),
    "applications.carried_forward": ("表三", "结转下年度继续办理", "总计"),
    "proactive.regulations_issued": ("表二", "规章 + 规范性文件", "本年制发件数"),
    **{f"reconsideration.{k}": ("表四", "行政复议", c) for k, c in _T4_COLUMNS.items()},
    **{f"litigation.{k}": ("表四", "行政诉讼（未经复议起诉 + 复议后起诉）", c) for k, c in _T4_COLUMNS.items()},
}

TABLE2_ROWS = re.compile(r"^(?:规章|(?:行政)?规范性文件)$")


# ---------------------------------------------------------------- problems and next steps
# Where a report's part on problems turns to its measures (rules lists and summary items).
IMPROVE_MARK = re.compile(
    r"改进措施|改进举措|整改措施|改进情况|下一步|下一?阶段|今后|作进一步的?改进|以下[^。，,]{0,6}方面"
    r"|针对(?:以上|上述|存在的?|这些)?问题|(?:20\d\d年|明年)[,，]?[^。,，]{0,12}?将"
)
# A sub-heading that only names the part (（一）主要问题) is not an item.
PART_LABEL = re.compile(r"(?:主要问题|存在问题|改进措施|改进情况|工作措施|下一步工作)$")
# A report that speaks of its problems / its next steps anywhere, in a heading or a sentence:
# where these stand, "not stated" would be false even if no item could be read.
PROBLEMS_SPOKEN = re.compile(r"存在的?(?:主要)?问题|主要问题|问题(?:和|与|及)不足|不足之处|(?:存在|仍有|还有)[^。]{0,12}不足")
STEPS_SPOKEN = re.compile(r"改进措施|改进情况|下一步|今后(?:工作|一个时期|将)|(?:20\d\d年|明年)[,，]?[^。,，]{0,12}?将")
# A sentence of the problems part that states a shortcoming, and one of the measures part that
# states an action: the rest (lead-ins, praise, background) is not a summary item.
PROBLEM_WORDS = re.compile(
    r"问题|不足|有待|不够|欠缺|薄弱|滞后|不高|不强|差距|还需|仍需|尚需|尚未|不到位|不平衡|不充分|不规范|不及时"
    r"|不全面|不完善|不深入|不多|较少|偏少|单一|缺乏|缺少|亟待|亟需|待加强|待提高|待提升"
)
STEP_WORDS = re.compile(r"将|进一步|加强|继续|持续|推进|完善|提升|深化|强化|加大|做好|抓好|健全|规范|提高|落实|严格|扩大|拓展|丰富")


# ---------------------------------------------------------------- names of places and their governments
# A place name ends in its administrative unit; a government body is the place plus one of these.
# Used by the scorer's issuer identity and by the summaries' check for names the report lacks.
PLACE_END = r"自治区|自治州|自治县|省|市|县|区|州|盟|旗"
GOVERNMENT_BODY = r"人民政府|政府|管理委员会|管委会"


# ---------------------------------------------------------------- whose figures the report counts
# `scope` (FIELDS.md): region = the place's governments and departments together; organ = the
# issuing body alone. A quote states one only with these words (the binding rule, `verify`).
# The place speaking of itself (全区, 我区), and the body of itself (我局, 本机关): also the rules'
# words for a report that counts one or the other (`rules._COUNTED`).
SCOPE_PLACE = r"(?:全|我|本)(?:市|区|县|州|旗|省)(?![直属])"
SCOPE_SELF = r"(?:我|本)(?:局|办|委|中心|厅|署|机关|单位|部门)"
SCOPE_REGION = re.compile(
    SCOPE_PLACE + r"|各(?:县|区|市|乡|镇|街道|部门|工作部门|单位|有关|相关|级)|[市县区]直|[市县区]属|汇总"
)
SCOPE_ORGAN = re.compile(
    SCOPE_SELF + r"|机关|仅反映"
    # The report names itself a department's: 平潭县信访局2011年…报告, 现将…投资促进局2024年度…
    r"|(?:局|办公室|委员会|中心)(?:关于)?20\d\d\s*年"
    # …written from the body's own work: 结合金井片区管理局工作实际编制
    r"|结合[^，,。；;]{0,20}?(?:局|办公室|委员会|中心)(?:工作)?实际"
)
# A department's name ends so; a government's (GOVERNMENT_BODY) or a place's does not. A
# department reports on itself: it has no lower governments whose figures it could gather.
DEPARTMENT_END = re.compile(r"(?:局|办公室|委员会|中心|机关)$")

