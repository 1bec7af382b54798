"""The response cache survives a killed process: what was answered before the kill is served
from the cache afterwards, and the cache opens and works."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from fakeserver import FakeServer, choice_prompt, completion
from test_llm import asks

from extractor.cache import ResponseCache
from extractor.config import Settings
from extractor.pipeline import extract_document

DOCS = 4
REPORT = "测试县人民政府2022年政府信息公开工作年度报告（测试文档）\n五、政府信息公开行政复议、行政诉讼情况\n全县因政府信息公开引起的行政复议{n}件。\n"


def slow_answer(body: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
    """A slow model that chooses the first listed number for each field asked."""
    time.sleep(0.4)
    found = choice_prompt(body)
    answer = {} if found is None or not found[1] else {k: next(c.value for c in found[1] if c.key == k) for k in found[0]}
    return 200, {}, completion(json.dumps(answer))


def test_killed_run_leaves_a_whole_cache(tmp_path: Path) -> None:
    paths = []
    for i in range(DOCS):
        p = tmp_path / f"r{i}.txt"
        p.write_text(REPORT.format(n=10 + i), encoding="utf-8")
        paths.append(str(p))
    cache = tmp_path / "cache"
    with FakeServer(slow_answer) as server:
        code = (
            "import sys\n"
            "from extractor.config import Settings\n"
            "from extractor.pipeline import run_batch\n"
            f"s = Settings(base_url={server.base_url!r}, model='t', api_key='x', cache_dir={str(cache)!r})\n"
            f"for r in run_batch({paths!r}, 'llm', s): print(r.source, flush=True)\n"
        )
        proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()  # one document done: its answers are in the cache
        assert first in paths
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        time.sleep(0.5)  # the workers die with the batch (PR_SET_PDEATHSIG); nothing more is asked
        before = len(server.requests)
        assert before < DOCS * 2  # killed part-way

        settings = Settings(base_url=server.base_url, model="t", api_key="x", cache_dir=cache)
        again = extract_document(first, "llm", settings)
        assert again.usage.cache_hits > 0
        assert again.record.reconsideration.total == 10 + paths.index(first)
        # The answer with a value is served from the cache alone (empty answers are never cached).
        assert not any(asks(b, "reconsideration_total") for b in server.requests[before:])
        rest = {p: extract_document(p, "llm", settings) for p in paths if p != first}
    assert {p: r.record.reconsideration.total for p, r in rest.items()} == {
        p: 10 + i for i, p in enumerate(paths) if p != first}
    store = ResponseCache(cache)
    assert len(store) >= DOCS
    store.close()
