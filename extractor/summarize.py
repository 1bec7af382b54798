"""Executive summaries (schema.Summary) written from the VERIFIED record, never re-extracted.

Key figures are the record's non-null numbers in a fixed order of importance, each with the
record's own evidence. The prose (headline, problems, next steps) comes from the model when a
model backend is in use (prompts/summary.md), else it is written deterministically from the record
and the report's own sentences. Either way every number in the prose must occur in the source
document (`faithful`): a model that states one the report lacks is re-asked once, then the
offending sentence is dropped and named in `Summary.warnings`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, Any

from pydantic import BaseModel, Field, ValidationInfo, model_validator

from .align import normalise
from .config import Settings
from .export import Layout
from .ingest import IngestError, read_document
from .numbers import numbers_in, same_number
from .pipeline import MODEL_BACKENDS, extract_from, failure, model_endpoint, run_each
from .schema import (
    NUMERIC_FIELDS,
    Document,
    ExtractionResult,
    KeyFigure,
    Number,
    ReportRecord,
    Summary,
    Usage,
    get_field,
)
from .sections import find_sections, section_text
from .verify import binding_view, binds, mentions

MIN_FIGURES, MAX_FIGURES = 3, 5
MAX_ITEMS = 5  # problems / next steps kept
HEADLINE_CLAUSES = 2
ITEM_CHARS = 40  # a model's list item longer than this keeps its first sentence
SUMMARY_MAX_TOKENS = 1024
SECTION_CHARS = 1800  # of the problems section sent to the model

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
    "zh": {"figures": "主要数据", "problems": "主要问题", "next": "下一步", "field": "字段", "value": "数值",
           "quote": "原文", "none": "（报告未写明）", "warnings": "提示", "title": "政府信息公开工作年度报告摘要",
           "error": "失败", "source": "来源"},
    "en": {"figures": "Key figures", "problems": "Main problems", "next": "Next steps", "field": "Field",
           "value": "Value", "quote": "Quote", "none": "(not stated in the report)", "warnings": "Warnings",
           "title": "Executive summaries: government information disclosure annual reports",
           "error": "Failed", "source": "Source"},
}
LANG_NAMES = {
    "zh": "中文",
    "en": "英文（English）。机构名称写英文译名，并在括号中保留中文原名，例如 Lijiang Municipal People's Government"
          "（丽江市人民政府）；problems 和 next_steps 也用英文",
}


# ------------------------------------------------------------------ faithfulness


_SPLIT = re.compile(r"(?<=[。！？!?；;\n])|(?<=\.)\s+(?=\S)")


def sentences(text: str) -> list[str]:
    """Sentences as written (Chinese or English punctuation); each a substring of `text`."""
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip()]


def _key(v: float | int) -> float:
    return round(float(v), 4)


@lru_cache(maxsize=32)
def _source_numbers(text: str) -> frozenset[float]:
    return frozenset(_key(v) for v in numbers_in(text))


def _list_commas(sentence: str) -> str:
    # "130, 910" in prose is two numbers, not 130910: the normalised view drops the space.
    return re.sub(r"(?<=\d),(?=\s)", ";", sentence)


def _numbers(sentence: str) -> list[float | int]:
    return numbers_in(_list_commas(sentence))


def unstated(sentence: str, text: str) -> list[float | int]:
    """The numbers of `sentence` that the source `text` never writes (34596 = 3.4596万 = 34,596)."""
    have = _source_numbers(text)
    return [n for n in _numbers(sentence) if _key(n) not in have]


Values = Mapping[str, Number]
_CJK = re.compile(r"[\u4e00-\u9fff]")


def record_values(result: ExtractionResult) -> dict[str, Number]:
    """The record's verified numbers by field: what a summary sentence may state."""
    out: dict[str, Number] = {}
    for name in (*NUMERIC_FIELDS, "report_year"):
        value = get_field(result.record, name)
        if value is not None and name in result.evidence and not isinstance(value, bool):
            out[name] = value
    return out


def unbound(sentence: str, text: str, values: Values) -> list[float | int]:
    """The numbers of a summary sentence that are not the record's value of a field the sentence
    names (the binding rule, as for evidence). A number with no measure word (a year) must at
    least be one the report writes. English prose has no Chinese subjects to bind: there each
    number must be one of the record's values."""
    bad: list[float | int] = []
    chinese = _CJK.search(sentence) is not None
    have = _source_numbers(text)
    for m in mentions(binding_view(_list_commas(sentence))):
        if m.measure and chinese:
            ok = any(same_number(v, m.value) and binds(f, v, sentence) for f, v in values.items())
        elif not chinese:
            ok = any(same_number(v, m.value) for v in values.values()) or (
                1900 < m.value < 2100 and _key(m.value) in have)
        else:
            ok = _key(m.value) in have
        if not ok:
            bad.append(m.value)
    return bad


def _prose(summary: Summary | BaseModel, text: str) -> list[tuple[str, str]]:
    """The summary's own sentences; an item that is the report's text word for word is a quote, and
    its numbers are the report's."""
    out = [("headline", getattr(summary, "headline", "") or "")]
    source = normalise(text)
    for part in ("problems", "next_steps"):
        out += [(part, p) for p in getattr(summary, part, []) if normalise(p) not in source]
    return out


def _offending(summary: Summary | BaseModel, text: str, values: Values) -> list[tuple[str, str]]:
    return [(part, s) for part, item in _prose(summary, text) for s in sentences(item) if unbound(s, text, values)]


def faithful(summary: Summary | BaseModel, text: str, values: Values) -> list[str]:
    """The sentences of the summary's prose (headline, problems, next steps) that state a number
    which is not the record's value for a field the sentence names; [] for a faithful summary."""
    return [s for _, s in _offending(summary, text, values)]


def _drop(summary: Any, bad: Iterable[str]) -> None:
    """Remove the offending sentences in place; a list item left empty goes."""
    bad = set(bad)

    def clean(item: str) -> str:
        for s in sentences(item):
            if s in bad:
                item = item.replace(s, "", 1)
        return item.strip()

    summary.headline = clean(summary.headline)
    summary.problems = [c for c in (clean(p) for p in summary.problems) if c]
    summary.next_steps = [c for c in (clean(p) for p in summary.next_steps) if c]


def _reasons(bad: list[tuple[str, str]], text: str, values: Values) -> list[str]:
    return [f"{part}: {s[:60]!r} states {', '.join(_fmt(n) for n in unbound(s, text, values))}, "
            "which is not the record's value for what the sentence names"
            for part, s in bad]


# ------------------------------------------------------------------ the model's answer


class SummaryAnswer(BaseModel):
    """What the model writes; the figures are ours."""

    headline: str = Field(description="一句话标题")
    problems: list[str] = Field(default_factory=list, description="主要问题，每条一句")
    next_steps: list[str] = Field(default_factory=list, description="下一步措施，每条一句")

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        """Compact and untitled: instructor's JSON mode pastes the schema into the prompt, and a
        small model echoes a title ("SummaryAnswer") as its headline."""
        items = {"type": "array", "items": {"type": "string"}}
        return {"type": "object", "properties": {"headline": {"type": "string"}, "problems": items,
                                                 "next_steps": items},
                "required": ["headline", "problems", "next_steps"]}

    @model_validator(mode="after")
    def _numbers_in_source(self, info: ValidationInfo) -> SummaryAnswer:
        """Every number must be in the source (context `chunk`): first failure → re-ask with the
        sentences named; second → those sentences are dropped and listed in `dropped`."""
        ctx = info.context or {}
        text = ctx.get("chunk")
        if text is None:  # a cached answer: checked when it was made
            return self
        values = ctx.get("values", {})
        bad = _offending(self, text, values)
        if not bad:
            return self
        reasons = _reasons(bad, text, values)
        if ctx.get("strikes", 0) == 0:
            ctx["strikes"] = 1
            raise ValueError("; ".join(reasons) + ". Use only numbers written in the material, or write no number.")
        ctx.setdefault("dropped", []).extend(f"unfaithful sentence dropped after a re-ask: {r}" for r in reasons)
        _drop(self, [s for _, s in bad])
        return self


# ------------------------------------------------------------------ figures and deterministic prose


def _fmt(v: Number, lang: str = "zh") -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if lang == "en":
        return f"{v:,}"
    return str(v)


def key_figures(result: ExtractionResult) -> list[KeyFigure]:
    """Three to five of the record's non-null numbers (fewer if it has fewer), each with the
    record's evidence: nothing is re-extracted."""
    found: list[KeyFigure] = []
    for name in FIGURE_ORDER:
        value = get_field(result.record, name)
        ev = result.evidence.get(name)
        if value is None or ev is None or isinstance(value, bool):
            continue
        found.append(KeyFigure(field=name, value=value, evidence=ev.model_copy()))
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
    """One sentence from verified values only, each number one the document writes."""
    rec = result.record
    proactive = "proactive.total" if rec.proactive.total is not None else "proactive.website"
    order = [proactive, "applications.received"] + [kf.field for kf in key_figures(result)]
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
        who = f"{issuer}, " if issuer else ""
        title = f"{who}{f'{year} ' if year else ''}annual report on government information disclosure"
        title = title[0].upper() + title[1:]
        return f"{title}: {'; '.join(clauses)}." if clauses else f"{title}: no figure could be verified."
    title = f"{issuer or '本报告'}{f'{year}年' if year else ''}政府信息公开工作年度报告"
    return f"{title}：{'，'.join(clauses)}。" if clauses else f"{title}：未能核实任何数据。"


def _items(items: list[str] | None, lang: str) -> list[str]:
    kept = list(items or [])[:MAX_ITEMS]
    if lang == "en":  # no translation without a model: the report's words, marked as such
        return [f"“{s}” (quoted from the report, in Chinese)" for s in kept]
    return kept


def rules_summary(result: ExtractionResult, text: str, lang: str) -> Summary:
    return Summary(
        source=result.source, lang=lang, headline=headline(result, text, lang), key_figures=key_figures(result),
        problems=_items(result.record.problems, lang), next_steps=_items(result.record.improvements, lang),
        backend=result.backend,
    )


# ------------------------------------------------------------------ with a model


def _figures_block(result: ExtractionResult) -> str:
    rec = result.record
    lines = [f"- 发布机关（issuer）: {rec.issuer}" if rec.issuer else "- 发布机关（issuer）: 未写明",
             f"- 报告年度（report_year）: {rec.report_year}" if rec.report_year else "- 报告年度（report_year）: 未写明"]
    for name in FIGURE_ORDER:
        value = get_field(rec, name)
        if value is not None and name in result.evidence:
            zh, _, unit = LABELS.get(name, (name, name, ""))
            lines.append(f"- {zh}（{name}）: {_fmt(value)} {unit}")
    return "\n".join(lines)


def problems_text(doc: Document, result: ExtractionResult) -> str:
    """The report's own problems/improvements section; else the record's lists."""
    parts = [section_text(doc.text, s).strip() for s in find_sections(doc.text) if s.name == "problems"]
    text = "\n".join(p for p in parts if p)
    if not text:
        rec = result.record
        text = "\n".join([*(rec.problems or []), *(rec.improvements or [])])
    return text[:SECTION_CHARS] or "（报告未写明问题与改进措施）"


def _brief(item: str, lang: str = "zh") -> str:
    """One sentence per item (a small model tends to paste a whole paragraph); in an English
    summary an item the model left in Chinese is marked as such."""
    item = item.strip()
    first = sentences(item)[0] if item else item
    item = first if len(item) > ITEM_CHARS and len(first) < len(item) else item
    if lang == "en" and not re.search(r"[A-Za-z]{2}", item):
        return f"“{item.rstrip('。；;')}” (in Chinese: not translated)"
    return item


_PLACE = re.compile(r"^.+?[省市县区州旗盟]")


def _place(issuer: str | None) -> str | None:
    """The place a body is named after (丽江市人民政府 → 丽江市), which any headline must name."""
    if not issuer:
        return None
    m = _PLACE.match(issuer)
    return m.group(0) if m else issuer


def model_summary(doc: Document, result: ExtractionResult, settings: Settings, lang: str, usage: Usage) -> Summary:
    """The model writes the prose; a failed call falls back to the deterministic summary."""
    from .endpoint import ModelCallError, client_for

    base = rules_summary(result, doc.text, lang)
    try:
        answer, dropped = client_for(settings).ask(
            "summary", SummaryAnswer,
            {"figures": _figures_block(result), "text": problems_text(doc, result), "lang_name": LANG_NAMES[lang],
             "draft": base.headline},
            doc.text, usage, max_tokens=SUMMARY_MAX_TOKENS, context={"values": record_values(result)},
        )
    except ModelCallError as exc:
        base.warnings.append(f"model summary failed, written from the record instead: {exc}")
        return base
    assert isinstance(answer, SummaryAnswer)
    warnings = list(dropped)
    head = answer.headline.strip()
    place = _place(result.record.issuer)
    if not head:
        warnings.append("model headline dropped; headline written from the record")
        head = base.headline
    elif place and normalise(place) not in normalise(head):
        warnings.append(f"model headline {head[:40]!r} does not name {place}; headline written from the record")
        head = base.headline
    problems = [_brief(p, lang) for p in answer.problems if p.strip()][:MAX_ITEMS] or base.problems
    steps = [_brief(p, lang) for p in answer.next_steps if p.strip()][:MAX_ITEMS] or base.next_steps
    return base.model_copy(update={"headline": head, "problems": problems, "next_steps": steps, "warnings": warnings})


# ------------------------------------------------------------------ one document, a batch


def summarize_result(doc: Document, result: ExtractionResult, lang: str = "zh", settings: Settings | None = None,
                     usage: Usage | None = None) -> Summary:
    """The summary of an extracted document: the model's prose for llm/hybrid, else deterministic.
    A last faithfulness pass drops any sentence that states a number the document lacks."""
    if result.backend in MODEL_BACKENDS and settings is not None:
        summary = model_summary(doc, result, settings, lang, usage if usage is not None else result.usage)
    else:
        summary = rules_summary(result, doc.text, lang)
    values = record_values(result)
    bad = _offending(summary, doc.text, values)
    if bad:
        summary.warnings.extend(f"unfaithful sentence dropped: {r}" for r in _reasons(bad, doc.text, values))
        _drop(summary, [s for _, s in bad])
        if not summary.headline:
            summary.headline = headline(result, doc.text, lang)
    if len(summary.key_figures) < MIN_FIGURES:
        summary.warnings.append(f"only {len(summary.key_figures)} verified figure(s) in the record")
    return summary


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


def write_summaries_jsonl(outcomes: Iterable[SummaryOutcome], fh: IO[str], lang: str = "zh") -> int:
    n = 0
    for o in outcomes:
        fh.write(json.dumps(o.to_json(lang), ensure_ascii=False) + "\n")
        fh.flush()
        n += 1
    return n


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
    out = [f"## {who}{year}", "", f"**{s.headline}**", "", f"_{t['source']}: `{s.source}` · backend: {s.backend}_", ""]
    out.append(f"### {t['figures']}")
    out.append("")
    if s.key_figures:
        out += [f"| {t['field']} | {t['value']} | {t['quote']} |", "|---|---:|---|"]
        for kf in s.key_figures:
            zh, en, unit = LABELS.get(kf.field, (kf.field, kf.field, ""))
            label = zh if lang == "zh" else en
            approx = "≈" if kf.evidence.approximate else ""
            out.append(f"| {label} `{kf.field}` | {approx}{_fmt(kf.value, lang)} | {_cell(kf.evidence.quote)} |")
    else:
        out.append(t["none"])
    for key, items in (("problems", s.problems), ("next", s.next_steps)):
        out += ["", f"### {t[key]}", ""]
        out += [f"- {i}" for i in items] or [t["none"]]
    if s.warnings:
        out += ["", f"> {t['warnings']}:"] + [f"> - {w}" for w in s.warnings]
    return "\n".join(out) + "\n"


def summary_layout(markdown: bool, lang: str = "zh") -> Layout:
    """How summaries are appended to the output as documents finish (see `export.Sink`)."""
    if markdown:
        return Layout(f"# {_MD_TEXT[lang]['title']}\n", lambda o: "\n" + summary_markdown(o, lang))
    return Layout("", lambda o: json.dumps(o.to_json(lang), ensure_ascii=False) + "\n")


def write_summaries_markdown(outcomes: Iterable[SummaryOutcome], fh: IO[str], lang: str = "zh") -> int:
    fh.write(f"# {_MD_TEXT[lang]['title']}\n")
    n = 0
    for o in outcomes:
        fh.write("\n" + summary_markdown(o, lang))
        fh.flush()
        n += 1
    return n
