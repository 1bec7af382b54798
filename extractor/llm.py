"""Model backend: instructor over any OpenAI-compatible endpoint, one routed section at a time.

Each prompt in prompts/ asks for 1–4 fields with their verbatim quotes. A quote that is not in the
section, or does not state its value, goes back to the model once (instructor re-ask); if it is
still wrong the field is nulled with a warning. The evidence check in `verify` has the last word.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, ValidationInfo, create_model, model_validator

from .align import locate, normalise
from .cache import ResponseCache, cache_key, schema_hash
from .claims import Claim
from .config import EndpointError, Settings
from .prompts import load_prompt
from .rules import extract_claims
from .schema import Document, Section, SectionName, Usage

# instructor logs every failed attempt at ERROR; our warnings already say what failed, once.
logging.getLogger("instructor").setLevel(logging.CRITICAL)

CHUNK_CHARS = 700
LIST_MAX_TOKENS = 1024  # a list of problems and measures is longer than a few numbers
PIECE_CHARS = 320  # ~250 tokens of Chinese: fast and accurate on a 0.5B model
CHUNK_OVERLAP = 120
MAX_CHUNKS_PER_TASK = 3  # a long overview is skimmed where the keywords are, not read whole


class ModelCallError(EndpointError):
    """A model call failed for good (after retries, or at once for a 4xx other than 429)."""


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
            bad[name] = f"{name}: {value!r} is not stated in the text next to its subject"
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


# ------------------------------------------------------------------ calling the model


class ModelClient:
    """instructor over an OpenAI client, with retries, a cache and token accounting."""

    def __init__(self, settings: Settings) -> None:
        import instructor
        from openai import OpenAI

        if not settings.base_url and not settings.api_key:
            raise ModelCallError("no model endpoint: give --base-url/--model (or OPENAI_BASE_URL) or install the local extra")
        self.settings = settings
        self.model = settings.model or "gpt-4o-mini"
        # Transport retries are ours (tenacity, below), so the client's own are off.
        self.raw = OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed",
                          timeout=settings.timeout, max_retries=0)
        self.mode = _mode(settings)
        self.client = instructor.from_openai(self.raw, mode=self.mode)
        self.cache = ResponseCache(settings.cache_dir if settings.use_cache else None)
        self._lock = threading.Lock()

    def ask(self, prompt_name: str, response_model: type[BaseModel], values: dict[str, str], chunk: str,
            usage: Usage, max_tokens: int | None = None, context: dict[str, Any] | None = None,
            ) -> tuple[BaseModel, list[str]]:
        """The validated answer and the grounding failures the model did not fix. `context` goes to
        the answer's validators beside the chunk (e.g. the record a summary must agree with)."""
        prompt = load_prompt(prompt_name)
        content = prompt.render(**values)
        max_tokens = max_tokens or self.settings.max_tokens
        key = cache_key(model=self.model, prompt=prompt.sha, schema=schema_hash(response_model), text=content,
                        temperature=self.settings.temperature, max_tokens=max_tokens)
        hit = self.cache.get(key)
        if hit is not None:
            with self._lock:
                usage.cache_hits += 1
            return response_model.model_validate(hit["answer"]), list(hit.get("dropped", []))
        ctx: dict[str, Any] = {**(context or {}), "chunk": chunk, "strikes": 0}
        answer, completion = self._call(response_model, content, ctx, max_tokens)
        dropped = list(ctx.get("dropped", []))
        with self._lock:
            usage.model_calls += 1 + int(ctx["strikes"])
            u = getattr(completion, "usage", None)
            if u is not None:
                usage.prompt_tokens += int(getattr(u, "prompt_tokens", 0) or 0)
                usage.completion_tokens += int(getattr(u, "completion_tokens", 0) or 0)
        self.cache.set(key, {"answer": answer.model_dump(mode="json"), "dropped": dropped})
        return answer, dropped

    def _call(self, response_model: type[BaseModel], content: str, ctx: dict[str, Any],
              max_tokens: int) -> tuple[BaseModel, Any]:
        from instructor.core.exceptions import InstructorRetryException
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay

        s = self.settings
        retrying = Retrying(
            retry=retry_if_exception(lambda e: _retryable(_unwrap(e))),
            stop=stop_after_attempt(s.max_retries + 1) | stop_after_delay(s.retry_budget),
            wait=_wait,
            reraise=True,
        )
        try:
            for attempt in retrying:
                with attempt:
                    ctx["strikes"] = 0
                    ctx.pop("dropped", None)
                    return self.client.chat.completions.create_with_completion(  # type: ignore[no-any-return]
                        model=self.model,
                        response_model=response_model,
                        messages=[{"role": "user", "content": content}],
                        max_retries=1,  # one re-ask when validation (grounding) fails
                        context=ctx,
                        temperature=s.temperature,
                        max_tokens=max_tokens,
                    )
        except Exception as exc:  # noqa: BLE001 - classified into one clear message
            root = _unwrap(exc)
            if isinstance(exc, InstructorRetryException) and (root is exc or _is_parse_error(root)):
                first_line = str(root).splitlines()[0] if str(root) else type(root).__name__
                raise ModelCallError(f"model answer did not validate after a re-ask: {first_line[:160]}") from exc
            raise ModelCallError(_describe(root)) from exc
        raise ModelCallError("no attempt was made")  # pragma: no cover

    def close(self) -> None:
        self.cache.close()


def _mode(settings: Settings) -> Any:
    import instructor

    wanted = (settings.mode or "auto").lower()
    table = {"json": instructor.Mode.JSON, "tools": instructor.Mode.TOOLS, "json_schema": instructor.Mode.JSON_SCHEMA,
             "md_json": instructor.Mode.MD_JSON}
    if wanted in table:
        return table[wanted]
    url = settings.base_url or ""
    # OpenAI itself supports tool calls; llama.cpp, Ollama, vLLM, DeepSeek and Qwen all accept json_object.
    return instructor.Mode.TOOLS if (not url or "api.openai.com" in url) else instructor.Mode.JSON


def _unwrap(exc: BaseException) -> BaseException:
    seen = 0
    while exc.__cause__ is not None and seen < 5 and type(exc).__name__ == "InstructorRetryException":
        exc = exc.__cause__
        seen += 1
    return exc


def _is_parse_error(exc: BaseException) -> bool:
    import json

    from pydantic import ValidationError

    return isinstance(exc, (ValidationError, json.JSONDecodeError, ValueError))


def _retryable(exc: BaseException) -> bool:
    import openai

    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, openai.RateLimitError,
                        openai.InternalServerError)):
        return True
    return isinstance(exc, openai.APIStatusError) and (exc.status_code == 429 or exc.status_code >= 500)


def _wait(state: Any) -> float:
    from tenacity import wait_exponential_jitter

    exc = _unwrap(state.outcome.exception()) if state.outcome else None
    response = getattr(exc, "response", None)
    header = response.headers.get("retry-after") if response is not None else None
    if header:
        with contextlib.suppress(ValueError):
            return min(float(header), 60.0)
    return float(wait_exponential_jitter(max=20.0)(state))


def _describe(exc: BaseException) -> str:
    import openai

    if isinstance(exc, openai.APIStatusError):
        return f"model endpoint answered HTTP {exc.status_code}: {str(exc.message)[:200]}"
    if isinstance(exc, openai.APITimeoutError):
        return "model endpoint timed out"
    if isinstance(exc, openai.APIConnectionError):
        return "cannot connect to the model endpoint"
    return f"model call failed: {type(exc).__name__}: {str(exc)[:200]}"


# ------------------------------------------------------------------ backends


_CLIENTS: dict[tuple[str | None, str | None, str | None], ModelClient] = {}
_CLIENTS_LOCK = threading.Lock()


def client_for(settings: Settings) -> ModelClient:
    key = (settings.base_url, settings.model, str(settings.cache_dir) if settings.use_cache else None)
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            _CLIENTS[key] = ModelClient(settings)
        return _CLIENTS[key]


def model_claims(doc: Document, sections: list[Section], settings: Settings, usage: Usage) -> tuple[list[Claim], list[str]]:
    """Claims from the model for every routed (task, chunk); raises BackendFailure when all calls fail."""
    from .pipeline import BackendFailure

    client = client_for(settings)
    claims: list[Claim] = []
    warnings: list[str] = []
    calls = failures = 0
    last_error = ""
    plan = [(t, off, piece) for t in TASKS for off, piece in route(doc, sections, t)]
    plan += [(None, off, piece) for off, piece in _problem_pieces(doc, sections)]
    for task, off, piece in plan:
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
    claims, warnings = model_claims(doc, sections, settings, usage)
    # The template family is derived, not extracted: the same derivation as the rules.
    rules, _ = extract_claims(doc, sections)
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


@contextlib.contextmanager
def endpoint(settings: Settings, log_dir: Any = None) -> Iterator[Settings]:
    """Settings with a usable endpoint: as configured, or the bundled model served on 127.0.0.1
    for the duration (always stopped)."""
    if settings.base_url or settings.api_key:
        yield settings
        return
    from .local import MODEL_ALIAS, LocalServer, ensure_model

    path = ensure_model()
    log = (settings.cache_dir / "llama-server.log") if log_dir is None else log_dir
    with LocalServer(path, log=log) as server:
        yield settings.model_copy(update={"base_url": server.base_url, "model": MODEL_ALIAS, "api_key": "local"})
