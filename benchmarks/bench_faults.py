"""Benchmark: the faults of issue 13 as figures, each a ratio within one run (shared machines).

- depth: seconds to read an HTML page of nested <div>s, by depth, as a multiple of the 1,000-deep
  page's time (linear: the ratio follows the depth; quadratic: its square), up to 1 MB of nesting;
- memory: peak RSS of `extractor extract` over a 50 MB text file, as a multiple of its peak over one
  ordinary report; refused unread by default, then read with the size limit raised (under its time
  and memory budgets);
- endpoint: seconds until a batch over a dead model endpoint (connection refused) gives up.

    python benchmarks/bench_faults.py [--only depth,memory,endpoint]

To measure code from before a change, put that tree first on PYTHONPATH (it is what
`python -m extractor` and the imports below pick up).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "000_3594167f04f41521.txt"
GIVE_UP = 90.0  # seconds; a depth slower than this ends the depth series


def _timed_in_big_stack(fn, *args):  # type: ignore[no-untyped-def]
    """(seconds, error) of fn(*args) in a thread with a deep stack, so that a recursive reader is
    measured rather than stopped by the interpreter's limits."""
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(512 * 2**20)
    out: dict[str, object] = {}

    def go() -> None:
        t0 = time.perf_counter()
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001 - reported as the figure
            out["error"] = type(exc).__name__
        out["seconds"] = time.perf_counter() - t0

    t = threading.Thread(target=go)
    t.start()
    t.join()
    return out["seconds"], out.get("error")


def depth_series() -> None:
    from extractor.ingest import html_to_text

    print("HTML nesting depth → seconds (ratio to 1,000 deep; depth ratio)")
    html_to_text("<html><body><p>预热</p></body></html>")  # imports and first-call costs out of the figures
    base = None
    for depth in (1000, 2000, 4000, 8000, 16000, 90000):
        page = "<html><body>" + "<div>" * depth + "主动公开政府信息5条" + "</div>" * depth + "</body></html>"
        seconds, error = _timed_in_big_stack(html_to_text, page)
        base = base or seconds
        size = f"{len(page.encode()) / 2**20:.2f} MB"
        print(f"  {depth:>6} deep ({size}): {seconds:8.3f} s  ×{seconds / base:7.1f}  (depth ×{depth // 1000})"
              + (f"  [{error}]" if error else ""), flush=True)
        if seconds > GIVE_UP:
            print(f"  (deeper pages skipped: over {GIVE_UP:.0f} s)")
            break


def _peak_rss_mb(cmd: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(peak RSS in MB of the largest process the command started, seconds, exit status), measured
    in a fresh wrapper so that earlier runs do not count."""
    probe = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
             "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode; "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, time.perf_counter() - t, rc)")
    out = subprocess.run([sys.executable, "-c", probe, *cmd], env=env, capture_output=True, text=True, check=True)
    mb, seconds, rc = out.stdout.split()
    return float(mb), float(seconds), int(rc)


def memory_series() -> None:
    seed = SEED.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big50.txt"
        big.write_text(seed * (50 * 2**20 // len(seed.encode()) + 1), encoding="utf-8")
        env = {**os.environ, "EXTRACTOR_CACHE_DIR": str(Path(tmp) / "cache")}
        base = [sys.executable, "-m", "extractor", "extract", "-b", "rules", "-o", str(Path(tmp) / "out.jsonl")]
        small_mb, small_s, _ = _peak_rss_mb([*base, str(SEED)], env)
        print(f"peak RSS, one ordinary report ({SEED.stat().st_size / 1024:.0f} KB): {small_mb:.0f} MB in {small_s:.1f} s")
        runs = [("50 MB text, default limits (refused unread)", []),
                ("50 MB text read (--max-document-mb 64, --document-timeout 60, --document-memory-mb 512)",
                 ["--max-document-mb", "64", "--document-timeout", "60", "--document-memory-mb", "512"])]
        for label, extra in runs:
            mb, seconds, rc = _peak_rss_mb([*base, *extra, str(big)], env)
            print(f"peak RSS, {label}: {mb:.0f} MB (×{mb / small_mb:.2f} of one report) in {seconds:.1f} s, exit {rc}",
                  flush=True)


def endpoint_series() -> None:
    with socket.socket() as s:  # a port nothing listens on: every connection is refused
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_BASE_URL", "OPENAI_API_KEY")}
        env["EXTRACTOR_CACHE_DIR"] = str(Path(tmp) / "cache")
        docs = [str(SEED), str(ROOT / "examples" / "003_85db5123dd9c84fd.txt")]
        cmd = [sys.executable, "-m", "extractor", "extract", *docs, "-b", "llm", "--base-url",
               f"http://127.0.0.1:{port}/v1", "--model", "m", "-o", str(Path(tmp) / "out.jsonl")]
        t0 = time.perf_counter()
        rc = subprocess.run(cmd, env=env, capture_output=True, text=True).returncode
        seconds = time.perf_counter() - t0
    print(f"dead endpoint (connection refused), {len(docs)} documents: gave up after {seconds:.1f} s, exit {rc}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="depth,memory,endpoint")
    wanted = ap.parse_args().only.split(",")
    for name, fn in (("depth", depth_series), ("memory", memory_series), ("endpoint", endpoint_series)):
        if name in wanted:
            fn()


if __name__ == "__main__":
    main()
