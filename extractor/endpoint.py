"""The model endpoint: an OpenAI-compatible client (instructor over openai) with retries, the
response cache and token accounting, one clear message per failure, and the endpoint a batch
runs against (as configured, or the bundled model served for the batch's duration).

What to ask and how to read the answers is `llm`'s job; this module only carries the calls.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
from pydantic import BaseModel

from .cache import ResponseCache, cache_key, schema_hash
from .config import EndpointError, Settings
from .prompts import load_prompt
from .schema import Usage

# instructor logs every failed attempt at ERROR; our warnings already say what failed, once.
logging.getLogger("instructor").setLevel(logging.CRITICAL)


class ModelCallError(EndpointError):
    """A model call failed for good (after retries, or at once for a 4xx other than 429).
    `unreachable`: the endpoint itself failed (refused, timed out), so the next call would too."""

    def __init__(self, message: str, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


class AnswerTooLarge(Exception):
    """The server sent more than the answer size limit; not worth a retry."""


DEFAULT_MODEL = "gpt-4o-mini"


class BackendFailure(Exception):
    """Every model call for a document failed; the document gets `error`, the batch goes on."""


class ModelClient:
    """instructor over an OpenAI client, with retries, a cache and token accounting."""

    def __init__(self, settings: Settings) -> None:
        import instructor
        from openai import OpenAI

        if not settings.base_url and not settings.api_key:
            raise ModelCallError("no model endpoint: give --base-url/--model (or OPENAI_BASE_URL) or install the local extra")
        self.settings = settings
        self.model = settings.model or DEFAULT_MODEL
        # Transport retries are ours (tenacity, below), so the client's own are off. The transport
        # holds each call to its total deadline and the answer to its size limit.
        transport = BoundedTransport(httpx.HTTPTransport(), settings.timeout, int(settings.max_answer_kb * 1024))
        self.raw = OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed",
                          timeout=settings.timeout, max_retries=0,
                          http_client=httpx.Client(transport=transport, timeout=settings.timeout))
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
        try:
            answer, completion = self._call(response_model, content, ctx, max_tokens)
        except ModelCallError:
            with self._lock:
                usage.model_errors += 1
            raise
        dropped = list(ctx.get("dropped", []))
        with self._lock:
            usage.model_calls += 1 + int(ctx["strikes"])
            u = getattr(completion, "usage", None)
            if u is not None:
                usage.prompt_tokens += int(getattr(u, "prompt_tokens", 0) or 0)
                usage.completion_tokens += int(getattr(u, "completion_tokens", 0) or 0)
        # An answer with nothing in it is not worth keeping: a broken server must not be served
        # again from the cache once the endpoint is healthy.
        if has_values(answer):
            self.cache.set(key, {"answer": answer.model_dump(mode="json"), "dropped": dropped})
        return answer, dropped

    def _call(self, response_model: type[BaseModel], content: str, ctx: dict[str, Any],
              max_tokens: int) -> tuple[BaseModel, Any]:
        from instructor.core.exceptions import InstructorRetryException
        from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay

        s = self.settings
        retrying = Retrying(
            retry=retry_if_exception(lambda e: _retryable(_unwrap(e))),
            stop=stop_after_attempt(s.max_retries + 1) | stop_after_delay(s.retry_budget) | _timed_out_twice,
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
            raise ModelCallError(_describe(root), unreachable=_unreachable(root)) from exc
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
    """The error the endpoint or the parser raised, under instructor's wrapping (an
    InstructorRetryException caused by it, or, in older instructor (1.11–1.13 here), by a tenacity
    RetryError holding it)."""
    for _ in range(5):
        name = type(exc).__name__
        if name == "InstructorRetryException" and exc.__cause__ is not None:
            exc = exc.__cause__
        elif name == "RetryError" and getattr(exc, "last_attempt", None) is not None:
            inner = exc.last_attempt.exception()  # type: ignore[attr-defined]
            if inner is None:
                break
            exc = inner
        else:
            break
    return exc


def _is_parse_error(exc: BaseException) -> bool:
    import json

    from pydantic import ValidationError

    return isinstance(exc, (ValidationError, json.JSONDecodeError, ValueError))


def has_values(answer: BaseModel) -> bool:
    """Whether an answer holds anything besides quotes: a value, a list item, some text."""
    return any(v not in (None, "", [], {}) for k, v in answer.model_dump().items() if not k.endswith("_quote"))


def _too_large(exc: BaseException | None) -> AnswerTooLarge | None:
    for _ in range(6):  # the size error, however deeply the clients wrapped it
        if exc is None or isinstance(exc, AnswerTooLarge):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def _unreachable(exc: BaseException) -> bool:
    import openai

    return isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError)) and _too_large(exc) is None


def _timed_out_twice(state: Any) -> bool:
    """A call that timed out twice will not answer in time a third time: give up on it."""
    import openai

    exc = state.outcome.exception() if state.outcome else None
    return state.attempt_number >= 2 and isinstance(_unwrap(exc), openai.APITimeoutError) if exc else False


def _retryable(exc: BaseException) -> bool:
    import openai

    if _too_large(exc) is not None:
        return False

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

    too_large = _too_large(exc)
    if too_large is not None:
        return str(too_large)
    if isinstance(exc, openai.APIStatusError):
        return f"model endpoint answered HTTP {exc.status_code}: {str(exc.message)[:200]}"
    if isinstance(exc, openai.APITimeoutError):
        return "model endpoint timed out (--timeout, EXTRACTOR_TIMEOUT)"
    if isinstance(exc, openai.APIConnectionError):
        return "cannot connect to the model endpoint"
    return f"model call failed: {type(exc).__name__}: {str(exc)[:200]}"


class BoundedTransport(httpx.BaseTransport):
    """Every request within `seconds` in all, however slowly the answer arrives (an httpx timeout
    is per read: a server sending a byte a second never trips it), and an answer of at most
    `max_bytes`: a larger one is refused as soon as that many bytes have come."""

    def __init__(self, inner: httpx.BaseTransport, seconds: float, max_bytes: int) -> None:
        self.inner = inner
        self.seconds = seconds
        self.max_bytes = max_bytes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        deadline = time.monotonic() + self.seconds
        # Each read waits at most the whole budget; the stream below holds the total to it.
        request.extensions["timeout"] = dict.fromkeys(("connect", "read", "write", "pool"), self.seconds)
        response = self.inner.handle_request(request)
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            response.close()
            raise AnswerTooLarge(self._too_large(int(declared)))
        return httpx.Response(response.status_code, headers=response.headers, extensions=response.extensions,
                              stream=_BoundedStream(response, request, deadline, self))

    def _too_large(self, size: int | None) -> str:
        got = f"{size / 1024:.0f} KB" if size is not None else "more"
        return f"model answer of {got} is over the {self.max_bytes / 1024:g} KB limit; rejected"

    def close(self) -> None:
        self.inner.close()


class _BoundedStream(httpx.SyncByteStream):
    def __init__(self, response: httpx.Response, request: httpx.Request, deadline: float,
                 owner: BoundedTransport) -> None:
        self.response, self.request, self.deadline, self.owner = response, request, deadline, owner

    def __iter__(self) -> Iterator[bytes]:
        got = 0
        for chunk in self.response.stream:  # type: ignore[union-attr]
            got += len(chunk)
            if got > self.owner.max_bytes:
                raise AnswerTooLarge(self.owner._too_large(None))
            if time.monotonic() > self.deadline:
                raise httpx.ReadTimeout(f"no whole answer within {self.owner.seconds:g} s", request=self.request)
            yield chunk

    def close(self) -> None:
        self.response.close()


def preflight(settings: Settings) -> None:
    """One request before a batch that needs the model: a refused connection, a wrong key, a
    wrong URL or a model the server does not have is one clear error now, not minutes of retries
    on every document. Raises EndpointError."""
    url = (settings.base_url or "https://api.openai.com/v1").rstrip("/")
    model = settings.model or DEFAULT_MODEL
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    wait = min(settings.timeout, 30.0)
    try:
        r = httpx.get(f"{url}/models", headers=headers, timeout=wait)
    except httpx.TimeoutException:
        raise EndpointError(f"the model endpoint {url} did not answer within {wait:g} s") from None
    except httpx.HTTPError as exc:
        raise EndpointError(f"cannot connect to the model endpoint {url}: {exc or type(exc).__name__}") from None
    if r.status_code in (401, 403):
        raise EndpointError(f"the model endpoint {url} refused the API key (HTTP {r.status_code}); "
                            "give --api-key or OPENAI_API_KEY")
    if r.status_code == 404:
        raise EndpointError(f"no OpenAI-compatible API at {url} (GET {url}/models: HTTP 404); "
                            "--base-url usually ends in /v1")
    if r.status_code >= 400:
        raise EndpointError(f"the model endpoint {url} answered HTTP {r.status_code}: {r.text[:200]}")
    try:
        served = [str(m.get("id")) for m in r.json().get("data", [])]
    except (ValueError, AttributeError, TypeError):
        raise EndpointError(f"{url}/models did not answer as an OpenAI-compatible API does") from None
    if served and model not in served:
        raise EndpointError(f"model {model!r} is not served at {url}; it serves: {', '.join(served[:10])} "
                            "(--model, EXTRACTOR_MODEL)")


_CLIENTS: dict[tuple[str | None, str | None, str | None], ModelClient] = {}
_CLIENTS_LOCK = threading.Lock()


def _forget_clients() -> None:
    # A forked worker must not use its parent's connections (SQLite, sockets): it makes its own.
    global _CLIENTS_LOCK
    _CLIENTS.clear()
    _CLIENTS_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_forget_clients)


def client_for(settings: Settings) -> ModelClient:
    key = (settings.base_url, settings.model, str(settings.cache_dir) if settings.use_cache else None)
    with _CLIENTS_LOCK:
        if key not in _CLIENTS:
            _CLIENTS[key] = ModelClient(settings)
        return _CLIENTS[key]


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
