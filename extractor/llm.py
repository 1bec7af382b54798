"""Model backend: what to ask an OpenAI-compatible endpoint (`endpoint`), one routed section at a time.

Each prompt in prompts/ asks for 1–4 fields with their verbatim quotes. A quote that is not in the
section, or does not state its value, goes back to the model once (instructor re-ask); if it is
still wrong the field is nulled with a warning. The evidence check in `verify` has the last word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, create_model, model_validator

from .align import locate, normalise
from .claims import Claim
from .config import Settings
from .endpoint import BackendFailure, ModelCallError, client_for
from .rules import extract_claims
from .schema import Document, Section, SectionName, Usage

CHUNK_CHARS = 700
LIST_MAX_TOKENS = 1024  # a list of problems and measures is longer than a few numbers
PIECE_CHARS = 320  # ~250 tokens of Chinese: fast and accurate on a 0.5B model
CHUNK_OVERLAP = 120
MAX_CHUNKS_PER_TASK = 3  # a long overview is skimmed where the keywords are, not read whole


# ------------------------------------------------------------------ response models


class Item(BaseModel):
    text: str = Field(description="简短的一条，照原文用词")
    quote: str | None = Field(default=None, description="逐字复制的原文句子")


def _pairs(answer: BaseModel) -> list[tuple[str, Any, str | None]]:
    """(name, value, quote) for the flat `x` / `x_quote` fields a small model answers reliably."""
    data = dict(answer)
    return [(k, v, data.get(f"{k}_quote")) for k, v in data.items() if not k.endswith("_quote") and not isinstance(v, list)]


_CLAUSE = re.compile(r"[^。;；\n]+")


def ground(chunk: str, name: str, value: Any, quote: str | None) -> str | None:
    """The quote for a model's value, judged by the binding rule: the model's own quote when it is
    in the chunk and binds the value to the field; else the one sentence of the chunk that does,
    when exactly one does (two would be a guess); else None."""
    from .verify import binds

    field = FIELD_OF.get(name, name)

    def ok(q: str) -> bool:
        try:
            return binds(field, value, q)
        except (TypeError, ValueError):  # e.g. a date the model wrote in no ISO form
            return False

    if quote and locate(chunk, quote) is not None and ok(quote):
        return quote
    found = {m.group(0).strip() for m in _CLAUSE.finditer(chunk) if m.group(0).strip() and ok(m.group(0).strip())}
    return found.pop() if len(found) == 1 else None


def _short(value: Any, limit: int = 60) -> str:
    """A model's value in a message, cut short: an answer can be a megabyte of nonsense."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _grounded(self: BaseModel, info: ValidationInfo) -> BaseModel:
    """Each value needs a quote from the section that states it: the model's, or a clause we find.
    First failure → re-ask with the reasons; second → the field is nulled and named."""
    ctx = info.context or {}
    chunk = ctx.get("chunk")
    if chunk is None:
        return self
    bad: dict[str, str] = {}
    for name, value, quote in _pairs(self):
        if value is None:
            continue
        found = ground(chunk, name, value, quote)
        if found is None:
            bad[name] = f"{name}: {_short(value)} is not stated in the text next to its subject"
        else:
            setattr(self, f"{name}_quote", found)
    bad_items: list[tuple[str, int]] = []
    for name in ("problems", "improvements"):
        for i, it in enumerate(getattr(self, name, None) or []):
            quote = it.quote if it.quote and locate(chunk, it.quote) is not None else None
            if quote is None and locate(chunk, it.text) is not None:
                it.quote = it.text  # the item is itself verbatim
            elif quote is None or normalise(it.text) not in normalise(quote):
                bad[f"{name}[{i}]"] = f"{name}: item {it.text[:20]!r} is not verbatim text"
                bad_items.append((name, i))
    if not bad:
        return self
    if ctx.get("strikes", 0) == 0:
        ctx["strikes"] = 1
        raise ValueError("; ".join(bad.values()) + ". Answer only numbers written in the text, or null.")
    ctx.setdefault("dropped", []).extend(bad.values())
    for name in bad:
        if "[" not in name:
            setattr(self, name, None)
            setattr(self, f"{name}_quote", None)
    for name in {n for n, _ in bad_items}:
        drop = {i for n, i in bad_items if n == name}
        setattr(self, name, [it for i, it in enumerate(getattr(self, name)) if i not in drop])
    return self


_JSON_TYPES = {int: "integer", float: "number", str: "string"}


class FlatAnswer(BaseModel):
    """A flat answer whose JSON schema is written compactly: instructor's JSON mode pastes the
    schema into the prompt, and on a small local model every prompt token costs time."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:  # type: ignore[override]
        props: dict[str, Any] = {}
        for name, info in cls.model_fields.items():
            base = next((t for t in getattr(info.annotation, "__args__", ()) if t is not type(None)), str)
            props[name] = {"type": [_JSON_TYPES.get(base, "string"), "null"]}
        return {"type": "object", "properties": props, "required": list(props)}


def answer_model(name: str, fields: dict[str, type]) -> type[BaseModel]:
    spec: dict[str, Any] = {}
    for f, typ in fields.items():
        spec[f] = (typ | None, None)
        spec[f"{f}_quote"] = (str | None, None)
    return create_model(  # type: ignore[call-overload, no-any-return]
        name, __base__=FlatAnswer, __validators__={"grounded": model_validator(mode="after")(_grounded)}, **spec
    )


class ListsAnswer(BaseModel):
    problems: list[Item] = Field(default_factory=list)
    improvements: list[Item] = Field(default_factory=list)

    _grounded = model_validator(mode="after")(_grounded)


# ------------------------------------------------------------------ routing


@dataclass(frozen=True)
class Task:
    prompt: str
    fields: dict[str, str]  # answer key → dotted field name
    sections: tuple[SectionName, ...]
    keywords: re.Pattern[str]

    @property
    def response_model(self) -> type[BaseModel]:
        return _MODELS[self.prompt]


TASKS: tuple[Task, ...] = (
    Task("proactive_totals", {"total": "proactive.total", "website": "proactive.website", "gazette": "proactive.gazette"},
         ("proactive", "overview"), re.compile(r"主动公开|网站|公报")),
    Task("proactive_channels", {"weibo": "proactive.weibo", "wechat": "proactive.wechat",
                                "press_conferences": "proactive.press_conferences",
                                "policy_interpretations": "proactive.policy_interpretations"},
         ("proactive", "overview"), re.compile(r"微博|微信|发布会|解读")),
    Task("applications_counts", {"received": "applications.received", "carried_over": "applications.carried_over",
                                 "total_processed": "applications.total_processed",
                                 "carried_forward": "applications.carried_forward"},
         ("applications",), re.compile(r"申请|受理|办结|结转")),
    Task("applications_outcomes", {"granted": "applications.granted", "partially_granted": "applications.partially_granted",
                                   "denied": "applications.denied", "already_public": "applications.already_public"},
         ("applications",), re.compile(r"公开")),
    Task("remedies", {"reconsideration": "reconsideration.total", "litigation": "litigation.total",
                      "complaints": "complaints.total"},
         ("remedies",), re.compile(r"复议|诉讼|举报|投诉|申诉")),
    Task("fees", {"collected": "fees.collected"}, ("fees", "other", "applications"), re.compile(r"收费|费用|收取|处理费")),
    Task("meta", {"issuer": "issuer", "report_year": "report_year", "publish_date": "publish_date"},
         ("preamble",), re.compile(r".")),
)

FIELD_OF: dict[str, str] = {k: v for t in TASKS for k, v in t.fields.items()}
_TYPES: dict[str, type] = {"issuer": str, "report_year": int, "publish_date": str, "collected": float}
_MODELS: dict[str, type[BaseModel]] = {
    t.prompt: answer_model(t.prompt.title().replace("_", "") + "Answer", {k: _TYPES.get(k, int) for k in t.fields})
    for t in TASKS
}
_MODELS["problems"] = ListsAnswer
_DIGIT_OR_ZERO = re.compile(r"\d|[一二三四五六七八九十百千万两零]|未发生|未出现|没有|均未|未收")


def chunks(text: str, size: int = CHUNK_CHARS, overlap: int = CHUNK_OVERLAP) -> list[tuple[int, str]]:
    """(offset, text) windows; split at a line or sentence end where one is near."""
    if len(text) <= size:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + size)
        if end < len(text):
            cut = max(text.rfind("\n", pos + size // 2, end), text.rfind("。", pos + size // 2, end))
            end = cut + 1 if cut > pos else end
        out.append((pos, text[pos:end]))
        if end >= len(text):
            break
        pos = max(end - overlap, pos + 1)
    return out


_SENTENCE = re.compile(r"[^。；;\n]+[。；;\n]?")


def pieces(text: str, base: int, keep: re.Pattern[str], limit: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """Sentences of `text` that match `keep` and hold a number (or a zero in words), packed in
    order into pieces of at most `limit` characters: a small model reads 100–350 tokens fast and
    well, a whole section slowly and badly."""
    out: list[tuple[int, str]] = []
    cur_start, cur_end = -1, -1
    for m in _SENTENCE.finditer(text):
        sent = m.group(0)
        if not (keep.search(sent) and _DIGIT_OR_ZERO.search(sent)):
            continue
        start, end = m.start(), m.end()
        if len(sent) > limit:  # one very long sentence: its own windows
            for off, w in chunks(sent, size=limit, overlap=60):
                out.append((base + start + off, w))
            continue
        if cur_start >= 0 and end - cur_start <= limit:
            cur_end = end
        else:
            if cur_start >= 0:
                out.append((base + cur_start, text[cur_start:cur_end]))
            cur_start, cur_end = start, end
    if cur_start >= 0:
        out.append((base + cur_start, text[cur_start:cur_end]))
    return out


def route(doc: Document, sections: list[Section], task: Task) -> list[tuple[int, str]]:
    """The pieces of the report this prompt should see: the sentences of its sections (the first
    section kind that has any wins) that mention the task's subjects and hold a number."""
    if task.prompt == "meta":
        head_end = sections[1].start if len(sections) > 1 else 300
        head = doc.text[: min(head_end, 300)]
        tail_start = max(len(head), len(doc.text) - 120)
        found = [(0, head)] + ([(tail_start, doc.text[tail_start:])] if tail_start < len(doc.text) else [])
        return [p for p in found if p[1].strip()]
    for name in task.sections:
        found = []
        for s in sections:
            if s.name == name:
                found.extend(pieces(doc.text[s.body_start : s.end], s.body_start, task.keywords))
        if found:
            return found[:MAX_CHUNKS_PER_TASK]
    return []


# ------------------------------------------------------------------ backends


def model_claims(doc: Document, sections: list[Section], settings: Settings, usage: Usage) -> tuple[list[Claim], list[str]]:
    """Claims from the model for every routed (task, chunk); raises BackendFailure when all calls fail."""
    try:
        client = client_for(settings)
    except ModelCallError as exc:
        usage.model_errors += 1
        raise BackendFailure(str(exc)) from None
    claims: list[Claim] = []
    warnings: list[str] = []
    calls = failures = 0
    last_error = ""
    plan = [(t, off, piece) for t in TASKS for off, piece in route(doc, sections, t)]
    plan += [(None, off, piece) for off, piece in _problem_pieces(doc, sections)]
    for i, (task, off, piece) in enumerate(plan):
        calls += 1
        name = task.prompt if task else "problems"
        model = task.response_model if task else ListsAnswer
        try:
            answer, dropped = client.ask(name, model, {"text": piece}, piece, usage,
                                         max_tokens=LIST_MAX_TOKENS if task is None else None)
        except ModelCallError as exc:
            failures += 1
            last_error = str(exc)
            warnings.append(f"model call {name} failed: {exc}")
            if exc.unreachable and i + 1 < len(plan):
                # The endpoint itself failed (refused, timed out): the other prompts would too.
                usage.model_errors += len(plan) - i - 1
                warnings.append(f"the other {len(plan) - i - 1} model calls of this document were not sent")
                failures, calls = failures + len(plan) - i - 1, len(plan)
                break
            continue
        warnings.extend(_dropped_warning(task, name, d) for d in dropped)
        claims.extend(_to_claims(task, answer, off))
    if calls and failures == calls:
        raise BackendFailure(f"all {calls} model calls failed; last: {last_error}")
    return claims, warnings


def _dropped_warning(task: Task | None, prompt: str, reason: str) -> str:
    """Led by the dotted field, so that the outcome can be told once the record is whole
    (outcome.settle_warnings: in hybrid the rules value may stand)."""
    key, _, why = reason.partition(": ")
    if task is None:
        return f"{key}: model {prompt}: {why}; item left out"
    return f"{task.fields.get(key, key)}: model {prompt}: {why}; left null"


def _problem_pieces(doc: Document, sections: list[Section]) -> list[tuple[int, str]]:
    for s in sections:
        if s.name == "problems" and doc.text[s.body_start : s.end].strip():
            return chunks(doc.text[s.body_start : s.end], size=1200)[:2]
    return []


def _to_claims(task: Task | None, answer: BaseModel, offset: int) -> list[Claim]:
    out: list[Claim] = []
    if task is None:
        for list_name in ("problems", "improvements"):
            for k, it in enumerate(getattr(answer, list_name)):
                out.append(Claim(f"{list_name}.{k}", it.text, it.quote, near=offset, origin="llm"))
        return out
    for key, field in task.fields.items():
        value: Any = getattr(answer, key)
        quote = getattr(answer, f"{key}_quote")
        if value is None or not quote:
            continue
        if field == "report_year":
            value = int(value) if str(value).isdigit() else None
        elif field in ("issuer", "publish_date"):
            value = str(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if value is None:
            continue
        out.append(Claim(field, value, quote, near=offset, origin="llm",
                         approximate=bool(re.search(r"余|多|超过|近|约", quote))))
    return out


def llm_backend(doc: Document, sections: list[Section], settings: Settings, usage: Usage) -> tuple[list[Claim], list[str]]:
    rules, rule_warnings = extract_claims(doc, sections)
    try:
        claims, warnings = model_claims(doc, sections, settings, usage)
    except BackendFailure as exc:
        if not settings.allow_model_failure:
            raise
        return rules, rule_warnings + [f"model failed for this document, rules only (--allow-model-failure): {exc}"]
    # The template family is derived, not extracted: the same derivation as the rules.
    claims += [c for c in rules if c.field == "template"]
    return claims, warnings


def hybrid_backend(doc: Document, sections: list[Section], settings: Settings, usage: Usage) -> tuple[list[Claim], list[str]]:
    """Rules and model both run; `verify.assemble` keeps the first verified value (rules first)
    and warns where a verified model value disagrees."""
    rules, rule_warnings = extract_claims(doc, sections)
    try:
        model, model_warnings = model_claims(doc, sections, settings, usage)
    except Exception as exc:  # noqa: BLE001 - the rules result stands; say why the model did not help
        return rules, rule_warnings + [f"model unavailable for this document, rules only: {exc}"]
    # A model list replaces nothing when the rules found the list: lists are not merged item by item.
    have_lists = {c.field.split(".")[0] for c in rules if c.field.startswith(("problems.", "improvements."))}
    model = [c for c in model if c.field.split(".")[0] not in have_lists]
    return rules + model, rule_warnings + model_warnings
