"""Pydantic models: the FIELDS.md contract. Nothing else in the package is imported here."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Template = Literal["2008", "2019", "2021"]
Scope = Literal["region", "organ"]
SectionName = Literal[
    "preamble", "overview", "proactive", "applications", "fees", "remedies", "problems", "other"
]
Number = int | float

# Table 三: the seven applicant columns, in the order the official templates print them.
TABLE_COLUMNS: tuple[str, ...] = (
    "natural_person",  # 自然人
    "commercial_enterprise",  # 商业企业
    "research_institution",  # 科研机构
    "social_welfare_org",  # 社会公益组织
    "legal_service_org",  # 法律服务机构
    "other_org",  # 其他
    "total",  # 总计
)

# Table 三 rows: stable key → the template's wording (the 2019 template has a single 其他处理 row,
# the 2021 template splits it in three).
TABLE_ROWS: dict[str, str] = {
    "received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开",
    "partially_granted": "（二）部分公开",
    "denied_state_secret": "（三）不予公开 1.属于国家秘密",
    "denied_prohibited_by_law": "（三）不予公开 2.其他法律行政法规禁止公开",
    "denied_three_safeties": "（三）不予公开 3.危及“三安全一稳定”",
    "denied_third_party": "（三）不予公开 4.保护第三方合法权益",
    "denied_internal_affairs": "（三）不予公开 5.属于三类内部事务信息",
    "denied_process_info": "（三）不予公开 6.属于四类过程性信息",
    "denied_enforcement_file": "（三）不予公开 7.属于行政执法案卷",
    "denied_query_matter": "（三）不予公开 8.属于行政查询事项",
    "unable_not_held": "（四）无法提供 1.本机关不掌握相关政府信息",
    "unable_needs_creation": "（四）无法提供 2.没有现成信息需要另行制作",
    "unable_unclear": "（四）无法提供 3.补正后申请内容仍不明确",
    "not_processed_petition": "（五）不予处理 1.信访举报投诉类申请",
    "not_processed_repeat": "（五）不予处理 2.重复申请",
    "not_processed_publication": "（五）不予处理 3.要求提供公开出版物",
    "not_processed_excessive": "（五）不予处理 4.无正当理由大量反复申请",
    "not_processed_confirmation": "（五）不予处理 5.要求行政机关确认或重新出具已获取信息",
    "other": "（六）其他处理",
    "other_overdue_correction": "（六）其他处理 1.申请人无正当理由逾期不补正",
    "other_unpaid_fee": "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用",
    "other_other": "（六）其他处理 3.其他",
    "total_processed": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
}

ApplicationsTable = dict[str, dict[str, int | None]]


class Evidence(BaseModel):
    """Where a value came from: `text[start:end] == quote` in the decoded document text."""

    quote: str
    start: int
    end: int
    approximate: bool = False
    # How the value was found (a rules sentence, a table cell, a sum of cells or accounts, a model)
    # and whether the quote was in the text as given or only after normalising white space/NFKC.
    origin: Literal["sentence", "table", "sum", "model"] = "sentence"
    alignment: Literal["exact", "normalised"] = "exact"


class Proactive(BaseModel):
    total: int | None = None
    website: int | None = None
    gazette: int | None = None
    weibo: int | None = None
    wechat: int | None = None
    press_conferences: int | None = None
    policy_interpretations: int | None = None
    regulations_issued: int | None = None


class Applications(BaseModel):
    received: int | None = None
    carried_over: int | None = None
    granted: int | None = None
    partially_granted: int | None = None
    denied: int | None = None
    unable_to_provide: int | None = None
    not_processed: int | None = None
    other: int | None = None
    already_public: int | None = None
    total_processed: int | None = None
    carried_forward: int | None = None
    table: ApplicationsTable | None = None


class Outcomes(BaseModel):
    total: int | None = None
    upheld: int | None = None
    corrected: int | None = None
    other: int | None = None
    pending: int | None = None


class Complaints(BaseModel):
    total: int | None = None


class Fees(BaseModel):
    collected: Number | None = Field(default=None, description="元")


class ReportRecord(BaseModel):
    """The typed record of one report; every field null until a verified value fills it."""

    issuer: str | None = None
    report_year: int | None = None
    publish_date: dt.date | None = None
    template: Template | None = None
    scope: Scope | None = None
    proactive: Proactive = Field(default_factory=Proactive)
    applications: Applications = Field(default_factory=Applications)
    reconsideration: Outcomes = Field(default_factory=Outcomes)
    litigation: Outcomes = Field(default_factory=Outcomes)
    complaints: Complaints = Field(default_factory=Complaints)
    fees: Fees = Field(default_factory=Fees)
    problems: list[str] | None = None
    improvements: list[str] | None = None


def _walk(model: type[BaseModel], prefix: str = "") -> list[str]:
    names: list[str] = []
    for name, info in model.model_fields.items():
        ann = info.annotation
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            names.extend(_walk(ann, f"{prefix}{name}."))
        else:
            names.append(f"{prefix}{name}")
    return names


# The public contract: every dotted field name, in FIELDS.md order.
FIELD_NAMES: tuple[str, ...] = tuple(_walk(ReportRecord))
LIST_FIELDS: frozenset[str] = frozenset({"problems", "improvements"})
TABLE_FIELDS: frozenset[str] = frozenset({"applications.table"})
# Fields that need no quote (derived from others).
DERIVED_FIELDS: frozenset[str] = frozenset({"template"})
NUMERIC_FIELDS: tuple[str, ...] = tuple(
    n
    for n in FIELD_NAMES
    if n not in LIST_FIELDS | TABLE_FIELDS
    and n not in {"issuer", "report_year", "publish_date", "template", "scope"}
)
# After the fields: why a document has no record, what to check, and what `--resume` compares.
CSV_COLUMNS: tuple[str, ...] = (
    ("source",) + tuple(n for n in FIELD_NAMES if n not in TABLE_FIELDS)
    + ("error", "warnings", "sha256", "backend", "settings")
)


def get_field(record: ReportRecord, name: str) -> Any:
    obj: Any = record
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def evidence_value(record: ReportRecord, name: str) -> Any:
    """What an evidence entry stands for: a field's value, a list item (`problems.<i>`) or a table
    row's cells (`applications.table.<row>`, a dict)."""
    head, _, tail = name.rpartition(".")
    if head == "applications.table":
        return (record.applications.table or {}).get(tail)
    if head in LIST_FIELDS:
        items = getattr(record, head) or []
        return items[int(tail)] if tail.isdigit() and int(tail) < len(items) else None
    return get_field(record, name)


def set_field(record: ReportRecord, name: str, value: Any) -> None:
    *parents, last = name.split(".")
    obj: Any = record
    for part in parents:
        obj = getattr(obj, part)
    setattr(obj, last, value)


class Section(BaseModel):
    """A top-level part of a report, found by its own heading."""

    name: SectionName
    heading: str
    start: int  # offset of the heading (or 0 for the preamble)
    end: int  # exclusive
    body_start: int  # first offset after the heading line


class Document(BaseModel):
    """Decoded input. `text` is what every offset points into."""

    model_config = ConfigDict(frozen=True)

    source: str
    text: str
    sha256: str
    format: Literal["txt", "html", "docx", "pdf"]
    encoding: str | None = None


class Usage(BaseModel):
    model_config = ConfigDict(protected_namespaces=())  # `model_calls` is ours, not pydantic's

    model_calls: int = 0
    cache_hits: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_errors: int = 0  # model calls that failed for good (the model did not help there)

    def add(self, other: Usage) -> None:
        self.model_errors += other.model_errors
        self.model_calls += other.model_calls
        self.cache_hits += other.cache_hits
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens


class ExtractionResult(BaseModel):
    """One document's outcome: a JSONL line once flattened by `export`."""

    source: str
    sha256: str | None = None
    backend: str
    record: ReportRecord = Field(default_factory=ReportRecord)
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    error: str | None = None
    # What made this record besides the document (version, model, sampling), as a short hash:
    # `--resume` redoes a document whose record was made otherwise.
    settings: str | None = None


class KeyFigure(BaseModel):
    field: str
    value: Number
    evidence: Evidence
    label: str = ""  # the field's name in the summary's language
    where: str = ""  # a reader's pointer: the quoted clause, or table · row · column


class SummaryItem(BaseModel):
    """A problem or next step: the report's sentence (`text[start:end] == quote`) and what the
    summary says of it (the sentence itself, shortened, or translated)."""

    text: str
    quote: str
    start: int
    end: int
    translated: bool = False


ListStatus = Literal["stated", "not_stated", "unread"]


class Summary(BaseModel):
    """An executive summary; figures come from the verified record, never re-extracted; every
    problem and next step carries the report's sentence it came from."""

    source: str
    lang: Literal["zh", "en"] = "zh"
    headline: str
    key_figures: list[KeyFigure] = Field(default_factory=list)
    problems: list[SummaryItem] = Field(default_factory=list)
    next_steps: list[SummaryItem] = Field(default_factory=list)
    # stated; not_stated (the report has no such part or sentence); unread (it has, none was read)
    problems_status: ListStatus = "stated"
    next_steps_status: ListStatus = "stated"
    backend: str = "rules"
    warnings: list[str] = Field(default_factory=list)
