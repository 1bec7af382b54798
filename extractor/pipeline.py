"""ingest → sections → backend(s) → verify → record. The one place that picks a backend."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .checks import missing_parts, run_checks
from .claims import Claim
from .config import Settings
from .endpoint import BackendFailure
from .ingest import REPORT_SUFFIXES, IngestError, read_document
from .rules import extract_claims
from .schema import Document, ExtractionResult, Section, Usage
from .sections import find_sections
from .verify import assemble

Backend = Callable[[Document, list[Section], Settings, Usage], tuple[list[Claim], list[str]]]


def rules_backend(doc: Document, sections: list[Section], settings: Settings, usage: Usage) -> tuple[list[Claim], list[str]]:
    return extract_claims(doc, sections)


def _backends() -> dict[str, Backend]:
    table: dict[str, Backend] = {"rules": rules_backend}
    try:
        from .llm import hybrid_backend, llm_backend
    except ImportError:  # the model extras are optional; rules need none of them
        return table
    table["llm"] = llm_backend
    table["hybrid"] = hybrid_backend
    return table


def expand_paths(paths: Iterable[str]) -> list[str]:
    """Files as given, folders walked (supported suffixes, sorted), globs expanded.

    A path that matches nothing is kept, so that it comes out as a record with its error.
    """
    out: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found = sorted(
                str(f) for f in Path(p).rglob("*") if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES
            )
            out.extend(found)
        elif not os.path.exists(p) and glob.has_magic(p):
            matches = sorted(glob.glob(p, recursive=True))
            out.extend(m for m in matches if os.path.isfile(m)) if matches else out.append(p)
        else:
            out.append(p)
    return out


def extract_document(path: str, backend: str, settings: Settings) -> ExtractionResult:
    """One document; never raises for a bad input: the result carries the error. Whatever goes
    wrong inside one document (a damaged PDF, a page nested too deep) is that document's error
    record, and the batch goes on."""
    try:
        doc = read_document(path)
    except IngestError as exc:
        return ExtractionResult(source=path, backend=backend, error=f"{path}: {exc}")
    except Exception as exc:  # noqa: BLE001 - isolation: any failure of one file is its own record
        return ExtractionResult(source=path, backend=backend, error=f"{path}: cannot read: {type(exc).__name__}: {exc}"[:500])
    try:
        return extract_from(doc, backend, settings)
    except Exception as exc:  # noqa: BLE001 - see above
        return ExtractionResult(source=path, sha256=doc.sha256, backend=backend,
                                error=f"{path}: extraction failed: {type(exc).__name__}: {exc}"[:500])


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
    result.warnings = (warnings + result.warnings + run_checks(result.record)
                       + missing_parts(result.record, {s.name for s in sections}))
    result.usage = usage
    return result


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
    """Results in input order; `concurrency` documents at a time. A model backend gets its
    endpoint here: the configured one, or the bundled model served for the batch's duration."""
    if backend in ("llm", "hybrid"):
        from .endpoint import endpoint

        with endpoint(settings) as live:
            yield from _run(paths, backend, live, on_done)
    else:
        yield from _run(paths, backend, settings, on_done)


def _run(
    paths: list[str], backend: str, settings: Settings, on_done: Callable[[ExtractionResult], None] | None
) -> Iterator[ExtractionResult]:
    workers = max(1, settings.concurrency if backend != "rules" else 1)
    if workers == 1:
        for p in paths:
            r = extract_document(p, backend, settings)
            if on_done:
                on_done(r)
            yield r
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(extract_document, p, backend, settings) for p in paths]
        for f in futures:
            r = f.result()
            if on_done:
                on_done(r)
            yield r
