"""Executive summaries (schema.Summary): every sentence traceable to the report.

Headline and key figures come from the VERIFIED record, never re-extracted: the headline names
the issuer and the year or says that the report does not; each figure shows its label and where a
reader finds it (the quoted clause, or table · row · column). Problems and next steps are the
report's own sentences (`summary_items`), each carrying its quote: without a model, the record's
lists or the sentences of the problems part; with one (llm/hybrid), the model picks among the
numbered sentences and may shorten or translate them (prompts/summary.md), and a wording its
sentence does not support (`summary_checks`) gives way to the sentence. A zh summary is Chinese
throughout, warnings included.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from .align import normalise
from .config import Settings
from .export import Layout
from .ingest import IngestError, read_document
from .pipeline import MODEL_BACKENDS, extract_from, failure, model_endpoint, run_each
from .schema import (
    NUMERIC_FIELDS,
    Document,
    Evidence,
    ExtractionResult,
    KeyFigure,
    Number,
    ReportRecord,
    Summary,
    SummaryItem,
    Usage,
    get_field,
)
from .sections import find_sections
from .summary_checks import _CJK, foreign_names, item_problem, unstated
from .summary_items import Candidate, candidates, record_items, status
from .vocabulary import TABLE_PLACES

MIN_FIGURES, MAX_FIGURES = 3, 5
MAX_ITEMS = 5  # problems / next steps kept
HEADLINE_CLAUSES = 2
SUMMARY_MAX_TOKENS = 1024

# Key figures: the record's non-null numbers in this order of importance, then the rest of the
# contract's numeric fields in FIELDS.md order.
_IMPORTANT = (
    "applications.received", "proactive.total", "applications.granted", "reconsideration.total",
    "litigation.total", "proactive.website", "fees.collected", "complaints.total",
    "applications.total_processed", "proactive.policy_interpretations", "proactive.press_conferences",
    "proactive.regulations_issued", "proactive.weibo", "proactive.wechat", "proactive.gazette",
    "applications.partially_granted", "applications.denied",
)
FIGURE_ORDER: tuple[str, ...] = tuple(dict.fromkeys(_IMPORTANT + NUMERIC_FIELDS))

# field → (中文标签, English label, 量词/unit)
LABELS: dict[str, tuple[str, str, str]] = {
    "proactive.total": ("主动公开政府信息", "items disclosed proactively", "条"),
    "proactive.website": ("政府网站发布信息", "items published on government websites", "条"),
    "proactive.gazette": ("政府公报发布信息", "items published in the government gazette", "条"),
    "proactive.weibo": ("政务微博发布信息", "items on government Weibo", "条"),
    "proactive.wechat": ("政务微信发布信息", "items on government WeChat", "条"),
    "proactive.press_conferences": ("举办新闻发布会", "press conferences", "场"),
    "proactive.policy_interpretations": ("发布政策解读", "policy interpretations", "条"),
    "proactive.regulations_issued": ("制发规章和规范性文件", "rules and normative documents issued", "件"),
    "applications.received": ("受理依申请公开", "disclosure applications received", "件"),
    "applications.carried_over": ("上年结转申请", "applications carried over", "件"),
    "applications.granted": ("予以公开", "applications granted in full", "件"),
    "applications.partially_granted": ("部分公开", "applications granted in part", "件"),
    "applications.denied": ("不予公开", "applications refused", "件"),
    "applications.unable_to_provide": ("无法提供", "unable to provide", "件"),
    "applications.not_processed": ("不予处理", "not processed", "件"),
    "applications.other": ("其他处理", "otherwise handled", "件"),
    "applications.already_public": ("属于已主动公开范围", "already public", "件"),
    "applications.total_processed": ("办结申请", "applications processed", "件"),
    "applications.carried_forward": ("结转下年度办理", "carried forward to next year", "件"),
    "reconsideration.total": ("行政复议", "administrative reconsiderations", "件"),
    "reconsideration.upheld": ("行政复议维持", "reconsiderations upheld", "件"),
    "reconsideration.corrected": ("行政复议纠正", "reconsiderations corrected", "件"),
    "reconsideration.other": ("行政复议其他结果", "reconsiderations, other outcome", "件"),
    "reconsideration.pending": ("行政复议尚未审结", "reconsiderations pending", "件"),
    "litigation.total": ("行政诉讼", "lawsuits", "件"),
    "litigation.upheld": ("行政诉讼维持", "lawsuits upheld", "件"),
    "litigation.corrected": ("行政诉讼纠正", "lawsuits corrected", "件"),
    "litigation.other": ("行政诉讼其他结果", "lawsuits, other outcome", "件"),
    "litigation.pending": ("行政诉讼尚未审结", "lawsuits pending", "件"),
    "complaints.total": ("举报投诉", "reports and complaints", "件"),
    "fees.collected": ("收取费用", "yuan collected in fees", "元"),
}
# A zero said in words: a headline states no "0" the report may not write.
_ZERO_ZH: dict[str, str] = {
    "reconsideration.total": "未发生行政复议", "litigation.total": "未发生行政诉讼",
    "complaints.total": "未收到举报投诉", "fees.collected": "未收取费用",
}
_ZERO_EN: dict[str, str] = {
    "reconsideration.total": "no administrative reconsideration", "litigation.total": "no lawsuit",
    "complaints.total": "no report or complaint", "fees.collected": "no fees collected",
}
# English glosses of the kind of body, longest suffix first (the Chinese name is always kept).
_BODY_EN: tuple[tuple[str, str], ...] = (
    ("人民政府办公室", "People's Government General Office"), ("人民政府办公厅", "People's Government General Office"),
    ("省人民政府", "Provincial People's Government"), ("市人民政府", "Municipal People's Government"),
    ("州人民政府", "Prefectural People's Government"), ("县人民政府", "County People's Government"),
    ("区人民政府", "District People's Government"), ("人民政府机关", "People's Government offices"),
    ("人民政府", "People's Government"), ("市政府", "Municipal Government"), ("县政府", "County Government"),
    ("区政府", "District Government"), ("市", "City"), ("县", "County"), ("区", "District"),
)
_MD_TEXT = {
    "zh": {"figures": "主要数据", "problems": "主要问题", "next": "下一步", "field": "项目", "value": "数值",
           "quote": "出处", "not_stated": "（报告未写明）", "unread": "（报告有相关内容，但本工具未能读出，请查看原文）",
           "no_figures": "（记录中没有已核实的数据）", "warnings": "提示", "title": "政府信息公开工作年度报告摘要",
           "error": "失败", "source": "来源", "backend": "方法", "untranslated": "", "original": "原文"},
    "en": {"figures": "Key figures", "problems": "Main problems", "next": "Next steps", "field": "Field",
           "value": "Value", "quote": "Where", "not_stated": "(not stated in the report)",
           "unread": "(the report has such a part, but the tool could not read it: see the report)",
           "no_figures": "(no verified figure in the record)", "warnings": "Warnings",
           "title": "Executive summaries: government information disclosure annual reports",
           "error": "Failed", "source": "Source", "backend": "backend", "untranslated": "(not translated: no model) ",
           "original": "original"},
}
LANG_NAMES = {"zh": "中文，用原句的词语缩短", "en": "英文（English），把原句译成一句简短的英文"}


# ------------------------------------------------------------------ words in two languages

# Every message a reader sees, in the summary's language (a zh summary is Chinese throughout).
_MSG: dict[str, tuple[str, str]] = {
    "model_failed": ("模型摘要调用失败，问题与措施取自报告原句", "the model summary failed; problems and next steps are the report's own sentences"),
    "model_empty": ("模型未选出任何原句，问题与措施取自报告原句", "the model chose no sentence; problems and next steps are the report's own sentences"),
    "unknown_id": ("模型选了不存在的原句编号 {ids}，已忽略", "the model chose sentence numbers that do not exist ({ids}); ignored"),
    "item_kept_as_quote": ("模型对原句 {id} 的说法未获原文支持（{why}），改用原句", "the model's wording of sentence {id} is not supported by the report ({why}); the report's sentence is kept"),
    "item_untranslated": ("", "the model's translation of sentence {id} was rejected ({why}); the Chinese sentence is kept"),
    "item_dropped": ("摘要条目缺少原文支持，已删除：{item}", "summary item without support in the report dropped: {item}"),
    "few_figures": ("记录中仅有 {n} 个已核实数据", "only {n} verified figure(s) in the record"),
    "no_translation": ("", "no model: problems and next steps are the report's Chinese sentences, not translated"),
}
_WHY_ZH = {"its quote is not the report's text": "引文不在报告中", "its words are not its quote's": "用词超出原句",
           "its translation is not English": "译文不是英文"}


def _msg(key: str, lang: str, **kw: Any) -> str:
    zh, en = _MSG[key]
    if lang == "zh" and "why" in kw:
        kw["why"] = _WHY_ZH.get(kw["why"], "含原句没有的数字" if kw["why"].startswith("states") else "不符合原句")
    return (zh if lang == "zh" else en).format(**kw)


def record_values(result: ExtractionResult) -> dict[str, Number]:
    """The record's verified numbers by field: what a summary sentence may state."""
    out: dict[str, Number] = {}
    for name in (*NUMERIC_FIELDS, "report_year"):
        value = get_field(result.record, name)
        if value is not None and name in result.evidence and not isinstance(value, bool):
            out[name] = value
    return out


# ------------------------------------------------------------------ figures and headline


def _fmt(v: Number, lang: str = "zh") -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if lang == "en":
        return f"{v:,}"
    return str(v)


_TABLE_EN = {"表二": "Table 2", "表三": "Table 3", "表四": "Table 4", "统计表": "statistics table"}
_CLAUSE_END = "，,；;。：:\n|"


def _clause_of(quote: str, value: Number) -> str:
    """The clause of a sentence that states `value`, with enough before it to name its subject."""
    flat = " ".join(quote.split())
    hit = re.search(rf"(?<![\d.]){re.escape(_fmt(value))}(?![\d])", flat.replace(",", ""))
    if hit is None:
        return flat[:50]
    pos = hit.start()
    lo = max(flat.rfind(c, 0, pos) for c in _CLAUSE_END) + 1
    while lo > 0 and len(_CJK.findall(flat[lo:pos])) < 6:  # too short to say what is counted
        lo = max(flat.rfind(c, 0, lo - 1) for c in _CLAUSE_END) + 1
    ends = [i for c in _CLAUSE_END if (i := flat.find(c, hit.end())) != -1]
    clause = flat[lo:min(ends) if ends else len(flat)].strip()
    return clause if len(clause) <= 60 else "…" + clause[-59:]


def figure_where(field: str, ev: Evidence, template: str | None, lang: str, value: Number) -> str:
    """A pointer a person can follow: the quoted clause for a sentence; for a table value its
    table, row and column (never a bare row of numbers)."""
    if ev.origin in ("table", "sum") and template in ("2019", "2021") and field in TABLE_PLACES:
        table, row, col = TABLE_PLACES[field]
        if lang == "en":
            return f"{_TABLE_EN[table]}, row “{row}”, column “{col}”"
        return f"{table} · {row} · {col}"
    if ev.origin == "table":  # the 2008 statistics table: its row label stands before the cells
        label = re.sub(r"[\s|]+", " ", re.split(r"\d", ev.quote, maxsplit=1)[0]).strip(" |")
        label = re.sub(r"\s*(?:条|件|个|次|元|万元)$", "", label)
        if label:
            return (f"statistics table, row “{label}”, this year" if lang == "en" else f"统计表 · {label} · 本年度")
    if ev.origin == "sum":
        parts = "；".join(_clause_of(q, 0)[:24] for q in re.split(r"[;；\n]", ev.quote) if q.strip())[:70]
        return f"sum of: {parts}" if lang == "en" else f"合计：{parts}"
    return _clause_of(ev.quote, value)


def key_figures(result: ExtractionResult, lang: str = "zh") -> list[KeyFigure]:
    """Three to five of the record's non-null numbers (fewer if it has fewer), each with the
    record's evidence, its label and where a reader finds it: nothing is re-extracted."""
    found: list[KeyFigure] = []
    for name in FIGURE_ORDER:
        value = get_field(result.record, name)
        ev = result.evidence.get(name)
        if value is None or ev is None or isinstance(value, bool):
            continue
        zh, en, _ = LABELS.get(name, (name, name, ""))
        where = figure_where(name, ev, result.record.template, lang, value)
        found.append(KeyFigure(field=name, value=value, evidence=ev.model_copy(), label=zh if lang == "zh" else en,
                               where=where))
    # A stated zero (未发生行政复议) is a fact, but five of them say less than one count: zeros
    # only fill the places that non-zero figures leave; the order of importance stays.
    chosen = ([kf for kf in found if kf.value != 0] + [kf for kf in found if kf.value == 0])[:MAX_FIGURES]
    return [kf for kf in found if kf in chosen]


def issuer_name(record: ReportRecord, lang: str) -> str | None:
    name = record.issuer
    if not name or lang != "en":
        return name
    for suffix, gloss in _BODY_EN:
        if name.endswith(suffix):
            return f"{name} ({gloss})"
    return name


_QUANTIFIER = "条件份场次个期篇封项"


def _unit(default: str, value: Number, quote: str) -> str:
    """The report's own measure word for the value (解读政策文件12份 → 份), else the default."""
    if isinstance(value, float) and not value.is_integer():
        return default
    m = re.search(rf"(?<![\d.]){int(value)}\s*(?:余|多)?([{_QUANTIFIER}])", normalise(quote))
    return m.group(1) if m else default


def _clause(name: str, value: Number, lang: str, approximate: bool = False, quote: str = "") -> str:
    zh, en, unit = LABELS.get(name, (name, name, ""))
    unit = _unit(unit, value, quote) if unit in _QUANTIFIER else unit
    if value == 0:
        return (_ZERO_EN.get(name) or f"{en}: none") if lang == "en" else (_ZERO_ZH.get(name) or f"{zh}0{unit}")
    if lang == "en":
        return f"{'about ' if approximate else ''}{_fmt(value, 'en')} {en}"
    return f"{zh}{_fmt(value)}{'余' if approximate else ''}{unit}"


def headline(result: ExtractionResult, text: str, lang: str) -> str:
    """One sentence from verified values only, each number one the document writes; it names the
    issuer and the year, or says plainly that the report does not."""
    rec = result.record
    proactive = "proactive.total" if rec.proactive.total is not None else "proactive.website"
    order = [proactive, "applications.received"] + [kf.field for kf in key_figures(result, lang)]
    clauses: list[str] = []
    for name in dict.fromkeys(order):
        value = get_field(rec, name)
        if value is None or name not in result.evidence:
            continue
        ev = result.evidence[name]
        clause = _clause(name, value, lang, ev.approximate, ev.quote)
        if unstated(clause, text):  # e.g. a value summed from table cells
            continue
        clauses.append(clause)
        if len(clauses) == HEADLINE_CLAUSES:
            break
    issuer = issuer_name(rec, lang)
    year = rec.report_year if rec.report_year is not None and not unstated(str(rec.report_year), text) else None
    if lang == "en":
        who = issuer or "Issuer not stated in the report"
        when = f"{year}" if year else "year not stated"
        title = f"{who}, annual report on government information disclosure ({when})"
        return f"{title}: {'; '.join(clauses)}." if clauses else f"{title}: no figure could be verified."
    who = issuer or "（报告未写明发布机关）"
    when = f"{year}年" if year else "（报告未写明年度）"
    title = f"{who}{when}政府信息公开工作年度报告"
    return f"{title}：{'，'.join(clauses)}。" if clauses else f"{title}：未能核实任何数据。"


# ------------------------------------------------------------------ problems and next steps


def _from_candidates(cands: list[Candidate], kind: str) -> list[SummaryItem]:
    return [SummaryItem(text=c.plain, quote=c.quote, start=c.start, end=c.end) for c in cands if c.kind == kind]


def report_items(result: ExtractionResult, cands: list[Candidate]) -> tuple[list[SummaryItem], list[SummaryItem]]:
    """Without a model: the record's lists with their evidence; where a list is empty, the
    report's own sentences of its problems/measures part."""
    problems = record_items(result, "problems") or _from_candidates(cands, "problem")
    steps = record_items(result, "improvements") or _from_candidates(cands, "step")
    return problems[:MAX_ITEMS], steps[:MAX_ITEMS]


class Pick(BaseModel):
    id: int
    text: str = ""


class SummaryAnswer(BaseModel):
    """What the model answers: which of the report's numbered sentences are problems and next
    steps, each said briefly. Headline and figures are ours."""

    problems: list[Pick] = Field(default_factory=list)
    next_steps: list[Pick] = Field(default_factory=list)

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """Compact and untitled: instructor's JSON mode pastes the schema into the prompt."""
        pick = {"type": "object", "properties": {"id": {"type": "integer"}, "text": {"type": "string"}},
                "required": ["id", "text"]}
        items = {"type": "array", "items": pick}
        return {"type": "object", "properties": {"problems": items, "next_steps": items},
                "required": ["problems", "next_steps"]}

    @model_validator(mode="after")
    def _supported(self, info: ValidationInfo) -> SummaryAnswer:
        """First answer with an unknown number or an unsupported wording → re-ask once with the
        reasons; the second answer is kept as it is and settled by `_settle` (as a cached one is)."""
        ctx = info.context or {}
        cands: dict[int, Candidate] | None = ctx.get("candidates")
        if cands is None or ctx.get("strikes", 0) > 0:
            return self
        _, reasons = _settle(self, cands, ctx["text"], ctx["lang"])
        if reasons:
            ctx["strikes"] = 1
            raise ValueError("; ".join(reasons) + "。只用列出的编号，text 只说原句说的内容。")
        return self


def _settle(answer: SummaryAnswer, cands: dict[int, Candidate], text: str,
            lang: str) -> tuple[tuple[list[SummaryItem], list[SummaryItem]], list[str]]:
    """The model's picks as summary items, each checked against its sentence: an unknown number
    is ignored; a wording the sentence does not support gives way to the sentence itself."""
    warnings: list[str] = []
    unknown: list[int] = []
    out: list[list[SummaryItem]] = []
    for picks in (answer.problems, answer.next_steps):
        items: list[SummaryItem] = []
        for p in picks:
            c = cands.get(p.id)
            if c is None:
                unknown.append(p.id)
                continue
            if any(i.start == c.start for i in items):
                continue
            item = SummaryItem(text=p.text.strip(), quote=c.quote, start=c.start, end=c.end, translated=lang == "en")
            why = item_problem(item, text, lang) if item.text else "empty"
            if why is None and foreign_names(item.text, text):
                why = "names a body the report does not"
            if why is not None:
                key = "item_untranslated" if lang == "en" else "item_kept_as_quote"
                warnings.append(_msg(key, lang, id=p.id, why=why))
                item = SummaryItem(text=c.plain, quote=c.quote, start=c.start, end=c.end)
            items.append(item)
        out.append(items[:MAX_ITEMS])
    if unknown:
        warnings.insert(0, _msg("unknown_id", lang, ids=", ".join(map(str, unknown))))
    return (out[0], out[1]), warnings


def _candidates_block(cands: list[Candidate]) -> str:
    return "\n".join(f"[{c.id}]（{'问题' if c.kind == 'problem' else '措施'}）{c.quote}" for c in cands)


_EXAMPLE = {"zh": ("部分单位信息更新不够及时", "加强培训，提高信息发布质量"),
            "en": ("Some units do not update information promptly", "Strengthen training to improve the quality of releases")}


def model_items(doc: Document, cands: list[Candidate], settings: Settings, lang: str,
                usage: Usage) -> tuple[list[SummaryItem], list[SummaryItem], list[str]] | str:
    """The model's choice among the report's sentences, each item checked, and the warnings of
    that check; or the message key of why there is none."""
    from .endpoint import ModelCallError, client_for

    by_id = {c.id: c for c in cands}
    problem, step = _EXAMPLE[lang]
    try:
        answer, _ = client_for(settings).ask(
            "summary", SummaryAnswer,
            {"candidates": _candidates_block(cands), "lang_name": LANG_NAMES[lang],
             "example_problem": problem, "example_step": step},
            doc.text, usage, max_tokens=SUMMARY_MAX_TOKENS,
            context={"candidates": by_id, "text": doc.text, "lang": lang},
        )
    except ModelCallError:
        return "model_failed"
    assert isinstance(answer, SummaryAnswer)
    (problems, steps), warnings = _settle(answer, by_id, doc.text, lang)
    if not problems and not steps:
        return "model_empty"
    return problems, steps, warnings


# ------------------------------------------------------------------ one summary


def summarize_result(doc: Document, result: ExtractionResult, lang: str = "zh", settings: Settings | None = None,
                     usage: Usage | None = None) -> Summary:
    """The summary of an extracted document: headline and figures from the verified record;
    problems and next steps from the report's sentences (chosen by the model for llm/hybrid).
    A last check drops any item its quote does not support."""
    sections = find_sections(doc.text)
    cands = candidates(doc.text, sections)
    problems, steps = report_items(result, cands)
    warnings: list[str] = []
    if result.backend in MODEL_BACKENDS and settings is not None and cands:
        got = model_items(doc, cands, settings, lang, usage if usage is not None else result.usage)
        if isinstance(got, str):
            warnings.append(_msg(got, lang))
        else:
            problems, steps = got[0] or problems, got[1] or steps
            warnings += got[2]
    elif lang == "en" and (problems or steps):
        warnings.append(_msg("no_translation", lang))
    summary = Summary(
        source=result.source, lang=lang, headline=headline(result, doc.text, lang),
        key_figures=key_figures(result, lang), problems=problems, next_steps=steps,
        backend=result.backend, warnings=warnings,
    )
    for part in ("problems", "next_steps"):
        kept = []
        for item in getattr(summary, part):
            if item_problem(item, doc.text, lang) or foreign_names(item.text, doc.text):
                summary.warnings.append(_msg("item_dropped", lang, item=item.text[:40]))
            else:
                kept.append(item)
        setattr(summary, part, kept)
    summary.problems_status = status(doc.text, sections, "problem", summary.problems)
    summary.next_steps_status = status(doc.text, sections, "step", summary.next_steps)
    if len(summary.key_figures) < MIN_FIGURES:
        summary.warnings.append(_msg("few_figures", lang, n=len(summary.key_figures)))
    return summary


# ------------------------------------------------------------------ one document, a batch


@dataclass
class SummaryOutcome:
    """One document: its summary, or why there is none. `result` carries usage and error for the
    progress bar and the batch report."""

    source: str
    result: ExtractionResult
    summary: Summary | None = None

    @property
    def error(self) -> str | None:
        return self.result.error

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        if self.summary is not None:
            return {**self.summary.model_dump(mode="json"), "error": None}
        return {"source": self.source, "lang": lang, "backend": self.result.backend, "error": self.result.error}


def summarize_document(path: str, backend: str, settings: Settings, lang: str = "zh") -> SummaryOutcome:
    """Extract with `backend`, then summarise the verified record. Never raises for a bad input."""
    try:
        doc = read_document(path, settings.max_document_mb)
    except IngestError as exc:
        return SummaryOutcome(path, ExtractionResult(source=path, backend=backend, error=f"{path}: {exc}"))
    except Exception as exc:  # noqa: BLE001 - one document's failure must not end the batch
        return SummaryOutcome(path, ExtractionResult(source=path, backend=backend,
                                                     error=f"{path}: cannot read: {failure(exc, settings)}"))
    try:
        result = extract_from(doc, backend, settings)
    except Exception as exc:  # noqa: BLE001 - see above
        return SummaryOutcome(path, ExtractionResult(source=path, sha256=doc.sha256, backend=backend,
                                                     error=f"{path}: extraction failed: {failure(exc, settings)}"))
    if result.error:
        return SummaryOutcome(path, result)
    try:
        summary = summarize_result(doc, result, lang, settings, result.usage)
    except Exception as exc:  # noqa: BLE001 - see above
        result.error = f"{path}: summary failed: {failure(exc, settings)}"
        return SummaryOutcome(path, result)
    return SummaryOutcome(path, result, summary)


def summarize_batch(paths: list[str], backend: str, settings: Settings, lang: str = "zh",
                    on_done: Callable[[ExtractionResult], None] | None = None) -> Iterator[SummaryOutcome]:
    """Outcomes as documents finish, each isolated, the endpoint live throughout (as
    `pipeline.run_batch`)."""

    def failed(path: str, why: str) -> SummaryOutcome:
        return SummaryOutcome(path, ExtractionResult(source=path, backend=backend, error=f"{path}: {why}"))

    with model_endpoint(backend, settings) as live:
        yield from run_each(summarize_document, paths, (backend, live, lang), live, failed, on_done,
                            lambda o: o.result)


# ------------------------------------------------------------------ output


def _cell(s: str, limit: int = 48) -> str:
    """A quote shown in a table cell: one line, a table row's own pipes as spaces, shortened."""
    s = " / ".join(re.sub(r"[\s|]+", " ", part).strip() for part in s.splitlines() if part.strip("| \t"))
    return s if len(s) <= limit else s[: limit - 1] + "…"


def summary_markdown(outcome: SummaryOutcome, lang: str = "zh") -> str:
    t = _MD_TEXT[lang]
    s = outcome.summary
    if s is None:
        return f"## {outcome.source}\n\n**{t['error']}**: {outcome.error}\n"
    rec = outcome.result.record
    who = issuer_name(rec, lang) or outcome.source
    year = "" if rec.report_year is None else (f" · {rec.report_year}年" if lang == "zh" else f" · {rec.report_year}")
    out = [f"## {who}{year}", "", f"**{s.headline}**", "", f"_{t['source']}: `{s.source}` · {t['backend']}: {s.backend}_", ""]
    out += [f"### {t['figures']}", ""]
    if s.key_figures:
        out += [f"| {t['field']} | {t['value']} | {t['quote']} |", "|---|---:|---|"]
        for kf in s.key_figures:
            approx = "≈" if kf.evidence.approximate else ""
            out.append(f"| {kf.label} | {approx}{_fmt(kf.value, lang)} | {_cell(kf.where, 70)} |")
    else:
        out.append(t["no_figures"])
    for key, items, state in (("problems", s.problems, s.problems_status), ("next", s.next_steps, s.next_steps_status)):
        out += ["", f"### {t[key]}", ""]
        for i in items:
            quote = _cell(i.quote, 90)
            if lang == "en" and not i.translated:
                out.append(f"- {t['untranslated']}“{quote}”")
            elif lang == "zh" and normalise(i.text) in normalise(i.quote):
                out.append(f"- {i.text}")
            else:  # a shortening or translation: the report's sentence beside it
                out.append(f"- {i.text} — {t['original']}：“{quote}”")
        if not items:
            out.append(t["unread"] if state == "unread" else t["not_stated"])
    if s.warnings:
        out += ["", f"> {t['warnings']}:"] + [f"> - {w}" for w in s.warnings]
    return "\n".join(out) + "\n"


def summary_layout(markdown: bool, lang: str = "zh") -> Layout:
    """How summaries are appended to the output as documents finish (see `export.Sink`)."""
    if markdown:
        return Layout(f"# {_MD_TEXT[lang]['title']}\n", lambda o: "\n" + summary_markdown(o, lang))
    return Layout("", lambda o: json.dumps(o.to_json(lang), ensure_ascii=False) + "\n")
