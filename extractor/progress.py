"""The progress bar on stderr and the batch summary line (documents, calls, tokens, cost)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .config import Settings
from .schema import ExtractionResult, Usage

SHOW_BAR_ABOVE = 3  # a bar for more than a few files
LIST_SKIPPED = 20  # files not read are named one by one up to this many per reason, then counted


class BatchReport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.documents = 0
        self.failed = 0
        self.model_failed = 0  # documents on which at least one model call failed for good
        self.resumed = 0  # documents skipped: their records were already in the output
        self.usage = Usage()

    def add(self, result: ExtractionResult) -> None:
        self.documents += 1
        self.usage.add(result.usage)
        if result.usage.model_errors:
            self.model_failed += 1
        if result.error:
            self.failed += 1
            print(f"error: {result.error}", file=sys.stderr)

    @property
    def exit_status(self) -> int:
        """1 when any input failed, or the model failed on any document and rules values were not
        explicitly accepted instead (--allow-model-failure)."""
        return 1 if self.failed or (self.model_failed and not self.settings.allow_model_failure) else 0

    def cost(self) -> float | None:
        s = self.settings
        if s.price_in is None and s.price_out is None:
            return None
        return (self.usage.prompt_tokens * (s.price_in or 0) + self.usage.completion_tokens * (s.price_out or 0)) / 1e6

    def summary_line(self) -> str:
        u = self.usage
        line = (
            f"documents: {self.documents} ({self.failed} failed), model calls: {u.model_calls}, "
            f"cache hits: {u.cache_hits}, prompt tokens: {u.prompt_tokens}, completion tokens: {u.completion_tokens}"
        )
        cost = self.cost()
        line += f", cost: {cost:.4f}" if cost is not None else ""
        if self.resumed:
            line += f", already done: {self.resumed}"
        if self.model_failed:
            kept = ("rules values kept (--allow-model-failure)" if self.settings.allow_model_failure
                    else "see warnings; --allow-model-failure accepts rules values")
            line += f"; the model failed on {self.model_failed} document(s) ({u.model_errors} calls): {kept}"
        return line


def skipped_lines(skipped: list[tuple[str, str]]) -> list[str]:
    """What a folder walk passed over and why: named, up to LIST_SKIPPED for each reason, the rest counted."""
    by_reason: dict[str, list[str]] = {}
    for path, reason in skipped:
        by_reason.setdefault(reason, []).append(path)
    lines: list[str] = []
    for reason, paths in by_reason.items():
        lines.extend(f"skipped {p}: {reason}" for p in paths[:LIST_SKIPPED])
        if len(paths) > LIST_SKIPPED:
            lines.append(f"skipped {len(paths) - LIST_SKIPPED} more: {reason}")
    return lines


@contextmanager
def progress_callback(total: int, report: BatchReport) -> Iterator[Callable[[ExtractionResult], None]]:
    if total <= SHOW_BAR_ABOVE:
        yield report.add
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=console, transient=False,
    ) as bar:
        task = bar.add_task("extracting", total=total)

        def done(result: ExtractionResult) -> None:
            report.add(result)
            bar.advance(task)

        yield done
