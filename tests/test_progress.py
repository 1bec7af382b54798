"""The batch summary line: documents, model calls, cache hits, tokens, and cost when priced."""

from __future__ import annotations

from extractor.config import Settings
from extractor.progress import BatchReport
from extractor.schema import ExtractionResult, Usage


def result(calls: int, hits: int, pin: int, pout: int, error: str | None = None) -> ExtractionResult:
    return ExtractionResult(source="x", backend="llm", error=error,
                            usage=Usage(model_calls=calls, cache_hits=hits, prompt_tokens=pin, completion_tokens=pout))


def test_summary_line_counts_and_cost() -> None:
    report = BatchReport(Settings(price_in=0.5, price_out=2.0))
    report.add(result(10, 2, 1_000_000, 100_000))
    report.add(result(0, 12, 0, 0, error="b.txt: empty file"))
    line = report.summary_line()
    assert line == ("documents: 2 (1 failed), model calls: 10, cache hits: 14, prompt tokens: 1000000, "
                    "completion tokens: 100000, cost: 0.7000")
    assert report.failed == 1


def test_no_cost_without_prices() -> None:
    report = BatchReport(Settings())
    report.add(result(3, 0, 300, 30))
    assert "cost" not in report.summary_line()
