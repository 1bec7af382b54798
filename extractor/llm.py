"""Model backend: what to ask an OpenAI-compatible endpoint (`endpoint`) and how to read the answers.

Numeric fields are chosen, not written: a group of related fields is asked once per document, each
field with the numbers of the report it may be listed under it (`choices`), and the model copies
one per field or answers null; the value and quote then come from the text. A number not listed
under its field goes back to the model once, then the field is null. Issuer, year, date and the problem lists are written answers with verbatim
quotes: a quote that is not in the section, or does not state its value, goes back once too. The
evidence check in `verify` has the last word.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, create_model, model_validator

from . import choices
from .align import locate, normalise
from .choices import Choice
from .claims import Claim
from .config import Settings
from .endpoint import BackendFailure, ModelCallError, client_for
from .prompts import load_prompt
from .rules import extract_claims, publish_date
from .schema import Document, Section, SectionName, Usage
from .verify import binds

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
    in the chunk and binds the value to the field; else the first clause of the chunk that does
    (a title said twice, on a page's header and above the text, states one year); else None."""
    field = FIELD_OF.get(name, name)

    def ok(q: str) -> bool:
        try:
            return binds(field, value, q)
        except (TypeError, ValueError):  # e.g. a date the model wrote in no ISO form
            return False

    if quote and locate(chunk, quote) is not None and ok(quote):
        return quote
    return next((c for m in _CLAUSE.finditer(chunk) if (c := m.group(0).strip()) and ok(c)), None)


# A page dump's label (标题: 平潭综合实验区…): the 0.5B model, reading ": 平" as one token, wrote the
# name from its second character (潭综合实验区…) on three of twelve dev reports.
_AFTER_LABEL = re.compile(r"[:：]\s*([\u4e00-\u9fff])$")


def whole_name(chunk: str, name: str) -> str:
    """`name` as the text writes it where the model's copy lost the one character after a label
    (标题: 平|潭综合实验区 → 平潭综合实验区); else `name` unchanged."""
    at = chunk.find(name) if name else -1
    m = _AFTER_LABEL.search(chunk, 0, at) if at > 0 else None
    return m.group(1) + name if m else name


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
        if FIELD_OF.get(name) == "issuer" and isinstance(value, str) and value != (whole := whole_name(chunk, value)):
            value = whole
            setattr(self, name, value)
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
    Task("meta", {"issuer": "issuer", "report_year": "report_year", "publish_date": "publish_date"},
         ("preamble",), re.compile(r".")),
)

FIELD_OF: dict[str, str] = {k: v for t in TASKS for k, v in t.fields.items()}
_TYPES: dict[str, type] = {"issuer": str, "report_year": int, "publish_date": str}
_MODELS: dict[str, type[BaseModel]] = {
    t.prompt: answer_model(t.prompt.title().replace("_", "") + "Answer", {k: _TYPES.get(k, int) for k in t.fields})
    for t in TASKS
}
_MODELS["problems"] = ListsAnswer


@dataclass(frozen=True)
class Group:
    """Numeric fields asked together (one call per passage), the model choosing among the
    passage's own numbers (`choices`): a few related fields, so the list stays short."""

    name: str
    fields: tuple[str, ...]
    sections: tuple[SectionName, ...]


def _f(prefix: str, *names: str) -> tuple[str, ...]:
    return tuple(f"{prefix}.{n}" for n in names)


_OUTCOMES = ("total", "upheld", "corrected", "other", "pending")
GROUPS: tuple[Group, ...] = (
    Group("proactive_totals", _f("proactive", "total", "website", "gazette", "regulations_issued"),
          ("proactive", "overview")),
    Group("proactive_channels", _f("proactive", "weibo", "wechat", "press_conferences", "policy_interpretations"),
          ("proactive", "overview")),
    Group("applications_counts", _f("applications", "received", "carried_over", "total_processed", "carried_forward"),
          ("applications", "overview")),
    Group("applications_outcomes", _f("applications", "granted", "partially_granted", "denied", "already_public"),
          ("applications",)),
    Group("applications_other", _f("applications", "unable_to_provide", "not_processed", "other"), ("applications",)),
    Group("reconsideration", _f("reconsideration", *_OUTCOMES), ("remedies", "applications", "overview")),
    Group("litigation", _f("litigation", *_OUTCOMES), ("remedies", "applications", "overview")),
    Group("complaints_fees", ("complaints.total", "fees.collected"), ("remedies", "fees", "other", "applications")),
)
CHOICE_FIELDS: tuple[str, ...] = tuple(f for g in GROUPS for f in g.fields)
_FIELD_OF_KEY: dict[str, str] = {f.replace(".", "_"): f for f in CHOICE_FIELDS}


def _key(field: str) -> str:
    """The answer key of a dotted field (a flat JSON key a small model writes reliably)."""
    return field.replace(".", "_")




def _field_hints() -> dict[str, str]:
    lines = load_prompt("fields").template.splitlines()
    return {k.strip(): v.strip() for k, _, v in (ln.partition(":") for ln in lines) if v}


class ChoiceAnswer(FlatAnswer):
    """Per field, one of the numbers listed under it, copied, or null. The value and quote are the
    text's; a number not listed under its field goes back to the model once, then is null."""

    @model_validator(mode="after")
    def _listed(self, info: ValidationInfo) -> ChoiceAnswer:
        ctx = info.context or {}
        listed: dict[str, list[Choice]] | None = ctx.get("options")
        if listed is None:
            return self
        bad = {k: v for k, v in dict(self).items() if v is not None and choices.pick(listed.get(k, []), v) is None}
        if not bad:
            return self
        if ctx.get("strikes", 0) == 0:
            ctx["strikes"] = 1
            raise ValueError("; ".join(f"{k}: {choices.number(v)} is not one of the numbers listed under {k}"
                                       for k, v in bad.items())
                             + ". Copy a number listed under the field, or null.")
        ctx.setdefault("dropped", []).extend(f"{k}: chose {choices.number(v)}, which is not listed" for k, v in bad.items())
        for k in bad:
            setattr(self, k, None)
        return self


def choice_model(group: Group, fields: tuple[str, ...]) -> type[BaseModel]:
    spec: dict[str, Any] = {_key(f): (float | None, None) for f in fields}
    return create_model(  # type: ignore[call-overload, no-any-return]
        "".join(w.title() for w in group.name.split("_")) + "Choice", __base__=ChoiceAnswer, **spec)


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
        return _meta_pieces(doc.text, sections)
    for name in task.sections:
        found = []
        for s in sections:
            if s.name == name:
                found.extend(pieces(doc.text[s.body_start : s.end], s.body_start, task.keywords))
        if found:
            return found[:MAX_CHUNKS_PER_TASK]
    return []


_TITLE_YEAR = re.compile(r"20\d\d年度?[^。\n]{0,12}?(?:政府信息公开|年度报告|年报)|统计[^。\n]{0,12}?20\d\d年1月1日")
_TITLE_LABEL = re.compile(r"^\s*(?:标\s*题|题\s*名|名\s*称)\s*[:：]")
META_HEAD_CHARS = 360
META_TAIL_CHARS = 160


def _meta_pieces(text: str, sections: list[Section]) -> list[tuple[int, str]]:
    """Where a report names itself and where it is signed: from the line of its title (the first
    line before the first part that names a year and the report, or its statistical period; a
    crawler dump opens with a site's menus), and around its signed date (as the rules find it,
    with the signing body before it), else its last lines."""
    head_end = sections[1].start if len(sections) > 1 else min(len(text), 1500)
    title = _TITLE_YEAR.search(text, 0, max(head_end, min(len(text), 300)))
    start = text.rfind("\n", 0, title.start()) + 1 if title else 0
    head_stop = min(len(text), start + META_HEAD_CHARS)
    # A page's 发布机构 is often the site's owner, not the report's issuer (the model took it over
    # the title's 局): where the title names a body, the model reads it and the signature, not that line.
    named = title is not None and len(_TITLE_LABEL.sub("", text[start : title.start()]).strip()) >= 2
    owner = text.find("发布机构", start, head_stop) if named else -1
    head = (start, text[start : owner if owner > start else head_stop])
    floor = head_stop  # the tail piece starts after the head, and after the 发布机构 line where it was cut
    if owner > start:
        line_end = text.find("\n", owner)
        floor = len(text) if line_end == -1 else line_end + 1
    signed = publish_date(text)
    if signed:
        lo = max(floor, signed[0].near - META_TAIL_CHARS // 2)
        hi = min(len(text), signed[0].near + len(signed[0].quote) + META_TAIL_CHARS // 2)
    else:
        lo, hi = max(floor, len(text) - 120), len(text)
    found = [head] + ([(lo, text[lo:hi])] if lo < hi else [])
    return [p for p in found if p[1].strip()]


# ------------------------------------------------------------------ backends


@dataclass(frozen=True)
class Call:
    """One model call of a document: the prompt and its values, and how the answer becomes claims.
    `fields` maps answer keys to dotted fields (for the warnings); `read` turns the answer into
    claims."""

    name: str
    prompt: str
    model: type[BaseModel]
    values: dict[str, str]
    chunk: str
    fields: dict[str, str]
    read: Callable[[BaseModel], list[Claim]]
    max_tokens: int | None = None
    context: dict[str, Any] | None = None


def choice_calls(doc: Document, sections: list[Section], fields: frozenset[str], readings: list[Claim]) -> list[Call]:
    """One call per group with an asked field that has a number to choose: under each field, the
    numbers it may be (the rules' `readings` of it, the passage's mentions that bind it)."""
    hints = _field_hints()
    out: list[Call] = []
    for g in GROUPS:
        asked = tuple(f for f in g.fields if f in fields)
        if not asked:
            continue
        spans = [(s.body_start, s.end) for s in sections if s.name in g.sections] or [(0, len(doc.text))]
        found = choices.build(doc, spans, asked, readings)
        if found:
            out.append(_choice_call(g, {f: found[f] for f in asked if f in found}, hints))
    return out


def _choice_call(group: Group, found: dict[str, list[Choice]], hints: dict[str, str]) -> Call:
    shown = choices.render(found, lambda f: f"{_key(f)}（{hints.get(f, f)}）")
    options = {_key(f): cs for f, cs in found.items()}
    return Call(group.name, "choose", choice_model(group, tuple(found)), {"choices": shown}, shown,
                {_key(f): f for f in found}, _chosen(options), context={"options": options})


def second_look(call: Call, answer: BaseModel) -> Call | None:
    """The same question again for the fields the model answered among two or more numbers,
    each field's numbers in reverse order: a small model leans to the first line it reads, and
    a choice that follows the order rather than the text is not one to keep."""
    options: dict[str, list[Choice]] = (call.context or {}).get("options", {})
    again = {_FIELD_OF_KEY[k]: list(reversed(cs)) for k, cs in options.items()
             if len(cs) > 1 and getattr(answer, k, None) is not None}
    if not again:
        return None
    group = next(g for g in GROUPS if g.name == call.name)
    return _choice_call(group, again, _field_hints())


def _agreed(call: Call, answer: BaseModel, check: BaseModel | None) -> tuple[BaseModel, list[str]]:
    """`answer` without the choices that `check` (the second look, None when it failed) did not
    repeat, and a warning for each."""
    options: dict[str, list[Choice]] = (call.context or {}).get("options", {})
    kept = answer.model_copy()
    said: list[str] = []
    for k, cs in options.items():
        first = getattr(answer, k, None)
        if len(cs) < 2 or first is None:
            continue
        second = None if check is None else getattr(check, k, None)
        if second is None or choices.pick(cs, first) is not choices.pick(cs, second):
            setattr(kept, k, None)
            then = "no answer" if second is None else choices.number(second)
            said.append(f"{call.fields.get(k, k)}: model {call.name}: chose {choices.number(first)}, then {then} "
                        f"with its numbers in reverse order; left null")
    return kept, said


def _chosen(options: dict[str, list[Choice]]) -> Callable[[BaseModel], list[Claim]]:
    def read(answer: BaseModel) -> list[Claim]:
        picks = ((key, choices.pick(found, getattr(answer, key))) for key, found in options.items())
        return [c.as_claim(_FIELD_OF_KEY[key]) for key, c in picks if c is not None]

    return read


def written_calls(doc: Document, sections: list[Section], fields: frozenset[str] | None, lists: bool) -> list[Call]:
    """The written answers: the meta fields (those in `fields`, all when None) and, with `lists`,
    the problems and measures, each under the evidence rule."""
    out = [Call(t.prompt, t.prompt, t.response_model, {"text": piece}, piece, t.fields, _reader(t, off))
           for t in TASKS if fields is None or any(f in fields for f in t.fields.values())
           for off, piece in route(doc, sections, t)]
    if lists:
        out += [Call("problems", "problems", ListsAnswer, {"text": piece}, piece, {}, _reader(None, off),
                     max_tokens=LIST_MAX_TOKENS) for off, piece in _problem_pieces(doc, sections)]
    return out


def _reader(task: Task | None, offset: int) -> Callable[[BaseModel], list[Claim]]:
    return lambda answer: _to_claims(task, answer, offset)


def model_claims(doc: Document, sections: list[Section], settings: Settings, usage: Usage,
                 fields: frozenset[str] | None = None, readings: list[Claim] | None = None,
                 lists: bool = True) -> tuple[list[Claim], list[str]]:
    """Claims from the model: for the numeric `fields` (all when None), its choice among the
    text's own numbers (and the rules' `readings`), one call per group; the meta fields and, with
    `lists`, the problem lists as written answers under the evidence rule. Raises BackendFailure
    when every call fails."""
    try:
        client = client_for(settings)
    except ModelCallError as exc:
        usage.model_errors += 1
        raise BackendFailure(str(exc)) from None
    plan = (choice_calls(doc, sections, frozenset(CHOICE_FIELDS) if fields is None else fields, readings or [])
            + written_calls(doc, sections, fields, lists))
    claims: list[Claim] = []
    warnings: list[str] = []
    calls = failures = 0
    last_error = ""
    for i, call in enumerate(plan):
        calls += 1
        try:
            answer, dropped = client.ask(call.prompt, call.model, call.values, call.chunk, usage,
                                         max_tokens=call.max_tokens, context=call.context)
        except ModelCallError as exc:
            failures += 1
            last_error = str(exc)
            warnings.append(f"model call {call.name} failed: {exc}")
            if exc.unreachable and i + 1 < len(plan):
                # The endpoint itself failed (refused, timed out): the other prompts would too.
                usage.model_errors += len(plan) - i - 1
                warnings.append(f"the other {len(plan) - i - 1} model calls of this document were not sent")
                failures, calls = failures + len(plan) - i - 1, len(plan)
                break
            continue
        warnings.extend(_dropped_warning(call, d) for d in dropped)
        check = second_look(call, answer)
        if check is not None:
            try:
                again, _ = client.ask(check.prompt, check.model, check.values, check.chunk, usage,
                                      context=check.context)
            except ModelCallError as exc:
                warnings.append(f"model call {check.name} (second look) failed: {exc}")
                again = None
            answer, unconfirmed = _agreed(call, answer, again)
            warnings.extend(unconfirmed)
        claims.extend(call.read(answer))
    if calls and failures == calls:
        raise BackendFailure(f"all {calls} model calls failed; last: {last_error}")
    return _signed_date_first(claims), warnings


def _signed_date_first(claims: list[Claim]) -> list[Claim]:
    """The date signed at the end of the report, else the page's 发布时间 (FIELDS.md): where the
    model read different dates from the title's piece and the signature's, the later piece's."""
    dates = [c for c in claims if c.field == "publish_date" and binds(c.field, c.value, c.quote)]
    if len({str(c.value) for c in dates}) < 2:
        return claims
    last = max(dates, key=lambda c: c.near or 0)
    return [c for c in claims if c.field != "publish_date" or c is last]


def _dropped_warning(call: Call, reason: str) -> str:
    """Led by the dotted field, so that the outcome can be told once the record is whole
    (outcome.settle_warnings: in hybrid the rules value may stand)."""
    key, _, why = reason.partition(": ")
    if not call.fields:
        return f"{key}: model {call.name}: {why}; item left out"
    return f"{call.fields.get(key, key)}: model {call.name}: {why}; left null"


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
        if value is None:
            continue
        out.append(Claim(field, value, quote, near=offset, origin="llm"))
    return out


def rules_readings(rules: list[Claim]) -> list[Claim]:
    """The rules' readings of numeric fields (table cells, sums, each reading of an ambiguous run,
    sentence values): offered to the model beside the sentences' own numbers."""
    return [c for c in rules if c.field in CHOICE_FIELDS]


def llm_backend(doc: Document, sections: list[Section], settings: Settings, usage: Usage) -> tuple[list[Claim], list[str]]:
    """The model decides every field: it chooses each number among the text's own (the rules'
    readings among them) and writes issuer, year, date and lists under the evidence rule. What is
    derived, not extracted, comes from the same derivation as the rules: the template family,
    the scope (from how the report names itself) and table 三's cell grid."""
    rules, rule_warnings = extract_claims(doc, sections)
    try:
        claims, warnings = model_claims(doc, sections, settings, usage, readings=rules_readings(rules))
    except BackendFailure as exc:
        if not settings.allow_model_failure:
            raise
        return rules, rule_warnings + [f"model failed for this document, rules only (--allow-model-failure): {exc}"]
    claims += [c for c in rules if c.field in ("template", "scope") or c.field.startswith("applications.table.")]
    return claims, warnings
