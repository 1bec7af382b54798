"""Benchmark: section-routed prompts against one whole-report prompt on the bundled model, and the
cached re-run as a ratio of the first run. Figures are ratios within one run (shared machines).

    python benchmarks/bench_llm.py [REPORT ...]      (default: the .txt examples)
"""

from __future__ import annotations

import glob
import json
import sys
import tempfile
import time
from pathlib import Path

import httpx

from extractor.config import Settings
from extractor.ingest import read_document
from extractor.local import MODEL_ALIAS, LocalServer, ensure_model
from extractor.pipeline import extract_document

WHOLE_PROMPT = """下面是一份政府信息公开工作年度报告全文。请输出一个 JSON 对象，包含以下字段（原文没有写出的填 null）：
issuer, report_year, proactive_total, website, gazette, weibo, wechat, press_conferences, policy_interpretations,
applications_received, granted, denied, reconsideration, litigation, fees_collected。

报告全文：
{text}
"""


def main(paths: list[str]) -> None:
    paths = paths or sorted(glob.glob("examples/*.txt"))
    model = ensure_model()
    rows = []
    with LocalServer(model, n_ctx=8192) as server, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(base_url=server.base_url, model=MODEL_ALIAS, api_key="local", cache_dir=Path(tmp))
        for p in paths:
            t0 = time.perf_counter()
            first = extract_document(p, "llm", settings)
            routed_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            again = extract_document(p, "llm", settings)
            cached_s = time.perf_counter() - t0
            text = read_document(p).text
            t0 = time.perf_counter()
            r = httpx.post(f"{server.base_url}/chat/completions", timeout=900, json={
                "model": MODEL_ALIAS, "messages": [{"role": "user", "content": WHOLE_PROMPT.format(text=text)}],
                "response_format": {"type": "json_object"}, "temperature": 0, "max_tokens": 400}).json()
            whole_s = time.perf_counter() - t0
            rows.append({
                "document": Path(p).name,
                "routed_calls": first.usage.model_calls,
                "routed_prompt_tokens": first.usage.prompt_tokens,
                "routed_seconds": round(routed_s, 1),
                "whole_prompt_tokens": r.get("usage", {}).get("prompt_tokens"),
                "whole_seconds": round(whole_s, 1),
                "cached_rerun_seconds": round(cached_s, 3),
                "cached_rerun_ratio": round(cached_s / routed_s, 4) if routed_s else None,
                "cached_rerun_model_calls": again.usage.model_calls,
            })
            print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    n = len(rows)
    print("\nmean per document over", n, "reports:")
    for k in ("routed_prompt_tokens", "routed_seconds", "whole_prompt_tokens", "whole_seconds", "cached_rerun_ratio"):
        vals = [row[k] for row in rows if row[k] is not None]
        print(f"  {k}: {sum(vals) / len(vals):.4g}" if vals else f"  {k}: –")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main(sys.argv[1:])
