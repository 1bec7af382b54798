"""Command line: parses arguments and calls pipeline / export / evaluate, nothing more."""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from . import __version__
from .config import EndpointError, Settings
from .export import (
    CSV,
    JSONL,
    STDOUT,
    Collected,
    Layout,
    OutputError,
    Sink,
    check_output,
    clean_leftovers,
    resume_point,
)
from .ingest import IngestError, file_sha256, read_document
from .pipeline import expand_paths, resolve_backend, run_batch, run_settings
from .progress import BatchReport, progress_callback, skipped_lines
from .schema import ExtractionResult

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Typed, evidence-backed records from 政府信息公开工作年度报告.")


class Format(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    xlsx = "xlsx"


class BackendName(str, Enum):
    rules = "rules"
    llm = "llm"
    hybrid = "hybrid"
    auto = "auto"


Paths = Annotated[list[str], typer.Argument(metavar="PATH...", help="Files, folders or globs (.txt .html .docx .pdf).")]
Output = Annotated[Optional[str], typer.Option("-o", "--output", metavar="FILE", help="Output file, appended as documents "
                                               "finish (default, or -: standard output).")]
BackendOpt = Annotated[BackendName, typer.Option("--backend", "-b", help="rules, llm, hybrid, or auto.")]
BaseUrl = Annotated[Optional[str], typer.Option(metavar="URL", help="OpenAI-compatible endpoint (else OPENAI_BASE_URL).")]
ModelOpt = Annotated[Optional[str], typer.Option(metavar="NAME", help="Model name (else EXTRACTOR_MODEL).")]
ApiKey = Annotated[Optional[str], typer.Option(metavar="KEY", help="API key (else OPENAI_API_KEY).")]
CacheDir = Annotated[Optional[Path], typer.Option(metavar="DIR", help="Response cache folder (else EXTRACTOR_CACHE_DIR or ~/.cache/extractor).")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
Concurrency = Annotated[int, typer.Option(min=1, max=64, metavar="N", help="Documents in flight at once.")]
PriceIn = Annotated[Optional[float], typer.Option(metavar="PRICE", help="Price per million prompt tokens, for the cost line.")]
PriceOut = Annotated[Optional[float], typer.Option(metavar="PRICE", help="Price per million completion tokens.")]
Timeout = Annotated[Optional[float], typer.Option(min=0.1, metavar="SECONDS", help="Seconds one model call may take in all "
                                                  "(else EXTRACTOR_TIMEOUT; default 120).")]
DocTimeout = Annotated[Optional[float], typer.Option(min=0.1, metavar="SECONDS", help="Seconds one document may take; over it, the "
                                                     "document is an error record (else EXTRACTOR_DOCUMENT_TIMEOUT; "
                                                     "default 600).")]
DocMemory = Annotated[Optional[float], typer.Option(min=16, metavar="MB", help="MB of memory one document may take (default 2048).")]
MaxDocument = Annotated[Optional[float], typer.Option(min=0.001, metavar="MB", help="Larger input files are refused unread, MB "
                                                      "(default 32).")]
AllowModelFailure = Annotated[bool, typer.Option("--allow-model-failure", help="Where the model fails, keep the "
                                                 "rules values and exit 0 (else exit 1).")]


@dataclass
class Common:
    """The options `extract` and `summarize` share, gathered once."""

    backend: BackendName
    base_url: str | None
    model: str | None
    api_key: str | None
    cache_dir: Path | None
    no_cache: bool
    concurrency: int
    price_in: float | None
    price_out: float | None
    timeout: float | None
    document_timeout: float | None
    document_memory_mb: float | None
    max_document_mb: float | None
    allow_model_failure: bool

    def settings(self) -> Settings:
        try:
            return Settings.from_env(
                backend=self.backend.value, base_url=self.base_url, model=self.model, api_key=self.api_key,
                cache_dir=self.cache_dir, use_cache=not self.no_cache, concurrency=self.concurrency,
                price_in=self.price_in, price_out=self.price_out, timeout=self.timeout,
                document_timeout=self.document_timeout, document_memory_mb=self.document_memory_mb,
                max_document_mb=self.max_document_mb, allow_model_failure=self.allow_model_failure)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None


def _settings(backend: BackendName, base_url: str | None, model: str | None, api_key: str | None,
              cache_dir: Path | None, no_cache: bool, concurrency: int,
              price_in: float | None, price_out: float | None) -> Settings:
    return Common(backend, base_url, model, api_key, cache_dir, no_cache, concurrency, price_in, price_out,
                  None, None, None, None, False).settings()


@app.command()
def extract(
    paths: Paths,
    output: Output = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="jsonl, csv or xlsx (a workbook; needs -o FILE).")] = Format.jsonl,
    resume: Annotated[bool, typer.Option("--resume", help="Skip documents whose records are already in the output "
                                         "(same sha256, backend and settings); redo the rest (jsonl, csv).")] = False,
    backend: BackendOpt = BackendName.auto,
    base_url: BaseUrl = None, model: ModelOpt = None, api_key: ApiKey = None,
    cache_dir: CacheDir = None, no_cache: NoCache = False, concurrency: Concurrency = 2,
    price_in: PriceIn = None, price_out: PriceOut = None, timeout: Timeout = None,
    document_timeout: DocTimeout = None, document_memory_mb: DocMemory = None, max_document_mb: MaxDocument = None,
    allow_model_failure: AllowModelFailure = False,
) -> None:
    """Extract one record per report."""
    settings = Common(backend, base_url, model, api_key, cache_dir, no_cache, concurrency, price_in, price_out,
                      timeout, document_timeout, document_memory_mb, max_document_mb, allow_model_failure).settings()
    produce = lambda files, chosen, done: run_batch(files, chosen, settings, done)  # noqa: E731
    if fmt is Format.xlsx:
        _batch(paths, settings, produce, _workbook(output, resume), output, lambda r: r)
    else:
        _batch(paths, settings, produce, CSV if fmt is Format.csv else JSONL, output, lambda r: r, resume)


def _workbook(output: str | None, resume: bool) -> Collected:
    """A workbook is binary and written whole by openpyxl to its own path: records are gathered as
    documents finish and written when the batch ends (or is stopped)."""
    from .xlsx import write_workbook

    if output is None or output == STDOUT:
        raise typer.BadParameter("a workbook needs a file: -o OUT.xlsx", param_hint="--format xlsx")
    if resume:
        raise typer.BadParameter("--resume continues a jsonl or csv output, not a workbook", param_hint="--resume")
    return Collected(lambda results: write_workbook(results, output))


def _batch(paths: list[str], settings: Settings, produce: Callable[[list[str], str, Callable[..., None]], Iterator[Any]],
           target: Layout | Collected, output: str | None, result_of: Callable[[Any], ExtractionResult],
           resume: bool = False, count: Callable[[list[str]], int] = len) -> None:
    """Check the output path, pick the backend, skip what is done (--resume), run the batch under
    a progress bar appending each outcome as it finishes (or gathering them for an output written
    whole: a workbook, the review site); exit 1 when any input failed (or the model did, unless
    allowed), 2 for an unusable output, 128+N when stopped by signal N. An endpoint that cannot be
    had is one clear error line, not a traceback."""
    out = output if output is not None else STDOUT
    skipped: list[tuple[str, str]] = []
    files = expand_paths(paths, skipped)
    for line in skipped_lines(skipped):
        typer.echo(line, err=True)
    try:
        if output is not None or isinstance(target, Layout):
            check_output(out, files)
        if resume and out == STDOUT:
            raise OutputError("--resume needs the output file (-o FILE) it continues")
    except OutputError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    chosen, why = resolve_backend(settings)
    typer.echo(f"backend: {chosen} ({why})", err=True)
    stamp = run_settings(chosen, settings)
    report = BatchReport(settings)
    todo = files
    if resume:
        try:
            assert isinstance(target, Layout)  # _workbook refuses --resume
            done = _resume(out, target, files, chosen, stamp)
        except OutputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None
        todo = [f for f in files if f not in done]
        report.resumed = len(files) - len(todo)
    if isinstance(target, Layout):
        sink: Sink | Collected = Sink(out, target, append=resume)
    else:  # written whole: in input order (records read from JSONL first, as read)
        rank = {f: i for i, f in enumerate(files)}
        target.order = lambda item: rank.get(result_of(item).source, -1)
        sink = target
    stopped: int | None = None
    try:
        with _signals_stop_the_batch(), progress_callback(count(todo), report) as on_done:
            items = produce(todo, chosen, on_done)
            with contextlib.closing(items):  # type: ignore[type-var]
                for item in items:
                    result_of(item).settings = stamp
                    sink.write(item)
        sink.finish()
    except EndpointError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    except Interrupted as exc:
        stopped = exc.signum
    finally:
        sink.close()
    if stopped is not None:
        if output is None and not isinstance(target, Layout):
            where = "the site"  # review: written to its own folder, not to -o FILE
        else:
            where = "standard output" if out == STDOUT else out
        kept = f"{sink.written} record(s) written to {where}"
        resumable = isinstance(target, Layout) and target.read_back is not None
        more = "; rerun with --resume to finish" if out != STDOUT and resumable else ""
        typer.echo(f"interrupted ({signal.Signals(stopped).name}): {kept}; {len(todo) - sink.written} "
                   f"document(s) not done{more}", err=True)
        typer.echo(report.summary_line(), err=True)
        raise typer.Exit(128 + stopped)
    typer.echo(report.summary_line(), err=True)
    raise typer.Exit(report.exit_status)


def _resume(out: str, layout: Layout, files: list[str], backend: str, stamp: str) -> set[str]:
    """Inputs whose records in `out` stand: no error, the same bytes (sha256), backend and
    settings. Records of documents not in this run are left alone."""
    clean_leftovers(out)
    wanted = set(files)

    def stands(rec: dict[str, Any]) -> bool:
        source = rec.get("source")
        if source not in wanted:
            return source is not None
        return (rec.get("error") is None and rec.get("backend") == backend and rec.get("settings") == stamp
                and rec.get("sha256") == file_sha256(str(source)))

    return resume_point(out, layout, stands) & wanted


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM: stop the batch, keep what is written."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def _signals_stop_the_batch() -> Iterator[None]:
    """Ctrl-C and SIGTERM stop the batch once, at once (queued documents cancelled, workers and
    the bundled model server stopped); a repeat while it winds down is ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        raise Interrupted(signum)

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in before:
        signal.signal(sig, stop)
    try:
        yield
    except KeyboardInterrupt as exc:  # a Ctrl-C that came through another path
        raise exc if isinstance(exc, Interrupted) else Interrupted(signal.SIGINT) from None
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


@app.command()
def review(
    paths: Annotated[list[str], typer.Argument(metavar="PATH...", help="Reports (files, folders, globs) and/or JSONL records written by extract.")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="DIR", help="Folder for the site (index.html, reports/).")],
    backend: BackendOpt = BackendName.auto,
    base_url: BaseUrl = None, model: ModelOpt = None, api_key: ApiKey = None,
    cache_dir: CacheDir = None, no_cache: NoCache = False, concurrency: Concurrency = 2,
) -> None:
    """An offline HTML site to check records by hand: each report's text with every value's quote
    highlighted beside its record, and an index of all reports."""
    from .review import count_inputs, review_inputs, write_site

    if output.exists() and not output.is_dir():
        raise typer.BadParameter(f"{output} is a file, not a folder", param_hint="-o")
    settings = _settings(backend, base_url, model, api_key, cache_dir, no_cache, concurrency, None, None)

    written: list[Path] = []
    site = Collected(lambda items: written.append(write_site(items, output)))
    try:
        _batch(paths, settings, lambda files, chosen, done: review_inputs(files, chosen, settings, done),
               site, None, lambda item: item[0], count=count_inputs)
    finally:
        if written:
            typer.echo(f"review site: {written[0]}", err=True)


class SummaryFormat(str, Enum):
    jsonl = "jsonl"
    md = "md"


class Lang(str, Enum):
    zh = "zh"
    en = "en"


@app.command()
def summarize(
    paths: Paths,
    output: Output = None,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f", help="jsonl or md.")] = SummaryFormat.jsonl,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the summary: zh or en.")] = Lang.zh,
    backend: BackendOpt = BackendName.auto,
    base_url: BaseUrl = None, model: ModelOpt = None, api_key: ApiKey = None,
    cache_dir: CacheDir = None, no_cache: NoCache = False, concurrency: Concurrency = 2,
    price_in: PriceIn = None, price_out: PriceOut = None, timeout: Timeout = None,
    document_timeout: DocTimeout = None, document_memory_mb: DocMemory = None, max_document_mb: MaxDocument = None,
    allow_model_failure: AllowModelFailure = False,
) -> None:
    """An executive summary per report, written from its verified record."""
    from .summarize import summarize_batch, summary_layout

    settings = Common(backend, base_url, model, api_key, cache_dir, no_cache, concurrency, price_in, price_out,
                      timeout, document_timeout, document_memory_mb, max_document_mb, allow_model_failure).settings()
    _batch(paths, settings, lambda files, chosen, done: summarize_batch(files, chosen, settings, lang.value, done),
           summary_layout(fmt is SummaryFormat.md, lang.value), output, lambda o: o.result)


@app.command("eval")
def eval_(
    gold: Annotated[Optional[Path], typer.Option(metavar="DIR", help="Folder of gold files (default: eval/gold of the source repository).")] = None,
    backend: Annotated[Optional[list[BackendName]], typer.Option("--backend", "-b", help="Repeat to compare.")] = None,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="DIR", help="Folder for eval.json and eval.md.")] = None,
    fields: Annotated[Optional[str], typer.Option(metavar="FIELDS", help="Comma-separated dotted field names to score.")] = None,
    docs: Annotated[Optional[str], typer.Option(metavar="PARTS", help="Comma-separated parts of gold document paths.")] = None,
    min_f1: Annotated[Optional[float], typer.Option(metavar="F1", help="Exit 1 when any backend's overall F1 is below this.")] = None,
    summaries: Annotated[bool, typer.Option("--summaries", help="Also score summaries (faithfulness, figures).")] = False,
    base_url: BaseUrl = None, model: ModelOpt = None, api_key: ApiKey = None,
    cache_dir: CacheDir = None, no_cache: NoCache = False, concurrency: Concurrency = 2,
) -> None:
    """Score backends against the hand-labelled gold set, field by field."""
    from .evalrun import run_eval

    names = [b.value for b in (backend or [BackendName.rules])]
    settings = _settings(BackendName.rules, base_url, model, api_key, cache_dir, no_cache, concurrency, None, None)
    try:
        run = run_eval(gold, names, settings, fields.split(",") if fields else None,
                       docs.split(",") if docs else None, summaries)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(run.markdown)
    if output is not None:
        output.mkdir(parents=True, exist_ok=True)
        (output / "eval.md").write_text(run.markdown, encoding="utf-8")
        (output / "eval.json").write_text(run.json, encoding="utf-8")
    if min_f1 is not None:
        low = {b: r.overall.f1 for b, r in run.reports.items() if (r.overall.f1 or 0.0) < min_f1}
        if low:
            typer.echo(f"below --min-f1 {min_f1}: {low}", err=True)
            raise typer.Exit(1)


@app.command()
def text(path: Annotated[str, typer.Argument(metavar="REPORT", help="One report.")]) -> None:
    """Print the decoded text that evidence offsets point into."""
    try:
        doc = read_document(path)
    except IngestError as exc:
        typer.echo(f"error: {path}: {exc}", err=True)
        raise typer.Exit(1) from None
    sys.stdout.write(doc.text)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def main() -> None:
    app()
