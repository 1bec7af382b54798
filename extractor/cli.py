"""Command line: parses arguments and calls pipeline / export / evaluate, nothing more."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from enum import Enum
from pathlib import Path
from typing import IO, Annotated, Any, Optional

import typer

from . import __version__
from .config import EndpointError, Settings
from .export import atomic_writer, write_csv, write_jsonl
from .ingest import IngestError, read_document
from .pipeline import expand_paths, resolve_backend, run_batch
from .progress import BatchReport, progress_callback, skipped_lines

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
BackendOpt = Annotated[BackendName, typer.Option("--backend", "-b", help="rules, llm, hybrid, or auto.")]
BaseUrl = Annotated[Optional[str], typer.Option(metavar="URL", help="OpenAI-compatible endpoint (else OPENAI_BASE_URL).")]
ModelOpt = Annotated[Optional[str], typer.Option(metavar="NAME", help="Model name (else EXTRACTOR_MODEL).")]
ApiKey = Annotated[Optional[str], typer.Option(metavar="KEY", help="API key (else OPENAI_API_KEY).")]
CacheDir = Annotated[Optional[Path], typer.Option(metavar="DIR", help="Response cache folder (else EXTRACTOR_CACHE_DIR or ~/.cache/extractor).")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
Concurrency = Annotated[int, typer.Option(min=1, max=64, metavar="N", help="Documents in flight at once.")]
PriceIn = Annotated[Optional[float], typer.Option(metavar="PRICE", help="Price per million prompt tokens, for the cost line.")]
PriceOut = Annotated[Optional[float], typer.Option(metavar="PRICE", help="Price per million completion tokens.")]


def _settings(backend: BackendName, base_url: str | None, model: str | None, api_key: str | None,
              cache_dir: Path | None, no_cache: bool, concurrency: int,
              price_in: float | None, price_out: float | None) -> Settings:
    return Settings.from_env(backend=backend.value, base_url=base_url, model=model, api_key=api_key,
                             cache_dir=cache_dir, use_cache=not no_cache, concurrency=concurrency,
                             price_in=price_in, price_out=price_out)


@app.command()
def extract(
    paths: Paths,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE", help="Output file (default: stdout).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="jsonl, csv or xlsx (a workbook; needs -o).")] = Format.jsonl,
    backend: BackendOpt = BackendName.auto,
    base_url: BaseUrl = None, model: ModelOpt = None, api_key: ApiKey = None,
    cache_dir: CacheDir = None, no_cache: NoCache = False, concurrency: Concurrency = 2,
    price_in: PriceIn = None, price_out: PriceOut = None,
) -> None:
    """Extract one record per report."""
    settings = _settings(backend, base_url, model, api_key, cache_dir, no_cache, concurrency, price_in, price_out)
    writer = write_csv if fmt is Format.csv else write_jsonl
    if fmt is Format.xlsx:
        writer, output = _workbook_writer(output), None
    _batch(paths, settings, lambda files, chosen, done: run_batch(files, chosen, settings, done), writer,
           output, bom=fmt is Format.csv)


def _workbook_writer(output: Path | None) -> Callable[[Iterable[Any], IO[str]], object]:
    """A workbook is binary and written by openpyxl to its own path, not to a text stream."""
    from .xlsx import write_workbook

    if output is None:
        raise typer.BadParameter("a workbook needs a file: -o OUT.xlsx", param_hint="--format xlsx")
    return lambda results, _stream: write_workbook(results, output)


def _batch(paths: list[str], settings: Settings, produce: Callable[[list[str], str, Callable[..., None]], Iterable[Any]],
           write: Callable[[Iterable[Any], IO[str]], object], output: Path | None, bom: bool = False,
           count: Callable[[list[str]], int] = len) -> None:
    """Pick the backend, run the batch under a progress bar, write the output whole, exit 1 when
    any input failed. An endpoint that cannot be had is one clear error line, not a traceback."""
    chosen, why = resolve_backend(settings)
    typer.echo(f"backend: {chosen} ({why})", err=True)
    skipped: list[tuple[str, str]] = []
    files = expand_paths(paths, skipped)
    for line in skipped_lines(skipped):
        typer.echo(line, err=True)
    report = BatchReport(settings)
    try:
        with progress_callback(count(files), report) as on_done:
            items = produce(files, chosen, on_done)
            if output is None:
                write(items, sys.stdout)
            else:
                with atomic_writer(output, bom=bom) as fh:
                    write(items, fh)
    except EndpointError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(report.summary_line(), err=True)
    raise typer.Exit(1 if report.failed else 0)


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
    try:
        _batch(paths, settings, lambda files, chosen, done: review_inputs(files, chosen, settings, done),
               lambda items, _stream: written.append(write_site(items, output)), None, count=count_inputs)
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
    output: Annotated[Optional[Path], typer.Option("-o", "--output", metavar="FILE", help="Output file (default: stdout).")] = None,
    fmt: Annotated[SummaryFormat, typer.Option("--format", "-f", help="jsonl or md.")] = SummaryFormat.jsonl,
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the summary: zh or en.")] = Lang.zh,
    backend: BackendOpt = BackendName.auto,
    base_url: BaseUrl = None, model: ModelOpt = None, api_key: ApiKey = None,
    cache_dir: CacheDir = None, no_cache: NoCache = False, concurrency: Concurrency = 2,
    price_in: PriceIn = None, price_out: PriceOut = None,
) -> None:
    """An executive summary per report, written from its verified record."""
    from .summarize import summarize_batch, write_summaries_jsonl, write_summaries_markdown

    settings = _settings(backend, base_url, model, api_key, cache_dir, no_cache, concurrency, price_in, price_out)
    writer = write_summaries_markdown if fmt is SummaryFormat.md else write_summaries_jsonl
    _batch(paths, settings, lambda files, chosen, done: summarize_batch(files, chosen, settings, lang.value, done),
           lambda items, fh: writer(items, fh, lang.value), output)


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
