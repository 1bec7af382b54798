"""ingest → sections → backend(s) → verify → record. The one place that picks a backend."""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from .checks import missing_parts, run_checks
from .claims import Claim
from .config import Settings
from .endpoint import DEFAULT_MODEL, BackendFailure
from .ingest import REPORT_SUFFIXES, IngestError, read_document, skip_reason
from .isolation import Budget, over_memory, run_isolated
from .outcome import settle_warnings
from .rules import extract_claims
from .schema import Document, ExtractionResult, Section, Usage, get_field
from .sections import find_sections
from .verify import assemble

T = TypeVar("T")
MODEL_BACKENDS = ("llm", "hybrid")
Backend = Callable[[Document, list[Section], Settings, Usage], tuple[list[Claim], list[str]]]


def rules_backend(doc: Document, sections: list[Section], settings: Settings, usage: Usage) -> tuple[list[Claim], list[str]]:
    return extract_claims(doc, sections)


def _backends() -> dict[str, Backend]:
    table: dict[str, Backend] = {"rules": rules_backend}
    try:
        from .llm import llm_backend
    except ImportError:  # the model extras are optional; rules need none of them
        return table
    table["llm"] = llm_backend
    table["hybrid"] = hybrid_backend
    return table


def open_fields(doc: Document, claims: list[Claim]) -> tuple[frozenset[str], list[Claim]]:
    """What the rules left undecided: numeric fields with no verified value or two (a conflict),
    the meta fields they left null; and the rules' readings of the conflicted fields, for the
    model to choose among."""
    from .llm import CHOICE_FIELDS

    ruled = assemble(doc, claims, "rules")
    open_ = frozenset(f for f in (*CHOICE_FIELDS, "issuer", "report_year", "publish_date")
                      if get_field(ruled.record, f) is None)
    readings = [c for c in claims if c.field in open_ and c.field in CHOICE_FIELDS]
    return open_, readings


def hybrid_backend(doc: Document, sections: list[Section], settings: Settings, usage: Usage) -> tuple[list[Claim], list[str]]:
    """The rules first; the model is asked only about what they left open (null or in conflict),
    choosing among the text's own numbers. `verify.assemble` keeps a verified rules value over a
    model's (a disagreement is a conflict in warnings) and lets the model settle a rules conflict
    only by choosing one of the rules' own readings."""
    from .llm import model_claims

    rules, rule_warnings = extract_claims(doc, sections)
    fields, readings = open_fields(doc, rules)
    have_lists = {c.field.split(".")[0] for c in rules if c.field.startswith(("problems.", "improvements."))}
    lists_open = have_lists != {"problems", "improvements"}
    if not fields and not lists_open:
        return rules, rule_warnings
    try:
        model, model_warnings = model_claims(doc, sections, settings, usage, fields=fields, readings=readings,
                                             lists=lists_open)
    except Exception as exc:  # noqa: BLE001 - the rules result stands; say why the model did not help
        return rules, rule_warnings + [f"model unavailable for this document, rules only: {exc}"]
    # A model list replaces nothing when the rules found the list: lists are not merged item by item.
    model = [c for c in model if c.field.split(".")[0] not in have_lists]
    return rules + model, rule_warnings + model_warnings


def expand_paths(paths: Iterable[str], skipped: list[tuple[str, str]] | None = None) -> list[str]:
    """Files as given, folders walked (supported suffixes, sorted), globs expanded.

    A path that matches nothing is kept, so that it comes out as a record with its error. Files a
    folder walk passes over are added to `skipped` with the reason (hidden ones are not).
    """
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            files = sorted((f for f in Path(p).rglob("*") if f.is_file()), key=str)
            out.extend(str(f) for f in files if f.suffix.lower() in REPORT_SUFFIXES)
            if skipped is not None:
                skipped.extend((str(f), skip_reason(f)) for f in files if f.suffix.lower() not in REPORT_SUFFIXES
                               and not any(part.startswith(".") for part in f.relative_to(p).parts))
        elif not os.path.exists(p) and glob.has_magic(p):
            matches = sorted(glob.glob(p, recursive=True))
            out.extend(m for m in matches if os.path.isfile(m)) if matches else out.append(p)
        else:
            out.append(p)
    return out


def extract_document(path: str, backend: str, settings: Settings) -> ExtractionResult:
    """One document; never raises for a bad input: the result carries the error. Whatever goes
    wrong inside one document (a damaged PDF, memory running out) is that document's error
    record, and the batch goes on."""
    try:
        doc = read_document(path, settings.max_document_mb)
    except IngestError as exc:
        return ExtractionResult(source=path, backend=backend, error=f"{path}: {exc}")
    except Exception as exc:  # noqa: BLE001 - isolation: any failure of one file is its own record
        return ExtractionResult(source=path, backend=backend, error=f"{path}: cannot read: {failure(exc, settings)}")
    try:
        return extract_from(doc, backend, settings)
    except Exception as exc:  # noqa: BLE001 - see above
        return ExtractionResult(source=path, sha256=doc.sha256, backend=backend,
                                error=f"{path}: extraction failed: {failure(exc, settings)}")


def _cut(warning: str, limit: int = 500) -> str:
    # A warning quotes what it is about; a hostile document or model must not make it a megabyte.
    return warning if len(warning) <= limit else warning[: limit - 1] + "…"


def failure(exc: Exception, settings: Settings) -> str:
    """What went wrong inside one document, in a line."""
    if isinstance(exc, MemoryError) and settings.document_memory_mb is not None:
        return over_memory(settings.document_memory_mb)
    return f"{type(exc).__name__}: {exc}"[:500]


def extract_from(doc: Document, backend: str, settings: Settings) -> ExtractionResult:
    sections = find_sections(doc.text)
    usage = Usage()
    try:
        claims, warnings = _backends()[backend](doc, sections, settings, usage)
    except BackendFailure as exc:
        result = ExtractionResult(source=doc.source, sha256=doc.sha256, backend=backend, usage=usage)
        result.error = f"{doc.source}: {exc}"
        return result
    result = assemble(doc, claims, backend)
    result.warnings = [_cut(w) for w in (warnings + result.warnings + run_checks(result.record)
                                         + missing_parts(result.record, {s.name for s in sections}))]
    result.usage = usage
    result.warnings = settle_warnings(result)
    return result


def run_settings(backend: str, settings: Settings) -> str:
    """A short hash of what shapes a record besides the document: the version, the backend and,
    for a model backend, the model and its sampling. `--resume` keeps a record only when it
    matches."""
    from . import __version__

    parts: dict[str, Any] = {"version": __version__, "backend": backend}
    if backend in MODEL_BACKENDS:
        bundled = not (settings.base_url or settings.api_key)
        parts.update(model=settings.model or ("bundled" if bundled else DEFAULT_MODEL), mode=settings.mode,
                     temperature=settings.temperature, max_tokens=settings.max_tokens,
                     allow_model_failure=settings.allow_model_failure)
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]


def resolve_backend(settings: Settings) -> tuple[str, str]:
    """(backend, why): `auto` is hybrid when a model is configured or the local extra is present."""
    if settings.backend != "auto":
        return settings.backend, "as asked"
    if settings.model_configured:
        return "hybrid", "a model endpoint is configured"
    try:
        from .local import local_model_available
    except ImportError:
        return "rules", "no model configured and the model extras are not installed"
    if local_model_available():
        return "hybrid", "the bundled local model is installed"
    return "rules", "no model configured and the local model extra is not installed"


def run_batch(
    paths: list[str], backend: str, settings: Settings, on_done: Callable[[ExtractionResult], None] | None = None
) -> Iterator[ExtractionResult]:
    """Results as documents finish, `concurrency` documents at a time, each in a worker process
    with the time and memory budgets of `settings`. A model backend gets its endpoint here (the
    configured one, or the bundled model served for the batch's duration), checked once first."""

    def failed(path: str, why: str) -> ExtractionResult:
        return ExtractionResult(source=path, backend=backend, error=f"{path}: {why}")

    with model_endpoint(backend, settings) as live:
        yield from run_each(extract_document, paths, (backend, live), live, failed, on_done, lambda r: r)


@contextlib.contextmanager
def model_endpoint(backend: str, settings: Settings) -> Iterator[Settings]:
    """The settings a batch runs with: for a model backend, a live endpoint that answered once."""
    if backend not in MODEL_BACKENDS:
        yield settings
        return
    from .endpoint import endpoint, preflight

    with endpoint(settings) as live:
        preflight(live)
        yield live


def run_each(task: Callable[..., T], paths: list[str], args: tuple[Any, ...], settings: Settings,
             failed: Callable[[str, str], T], on_done: Callable[[ExtractionResult], None] | None,
             result_of: Callable[[T], ExtractionResult]) -> Iterator[T]:
    """`task(path, *args)` for every path, isolated (see `isolation`), as each finishes; what went
    wrong outside the task (a budget overrun, a dead worker) is `failed(path, why)`."""
    budget = Budget(settings.document_timeout, settings.document_memory_mb)
    results = run_isolated(task, paths, args, settings.concurrency, budget, failed)
    with contextlib.closing(results):
        for r in results:
            if on_done:
                on_done(result_of(r))
            yield r
