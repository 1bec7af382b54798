"""Benchmark: rules extraction time and peak memory as the input grows (linear is the goal).
Prints seconds and peak MiB per input size, and each as a ratio of the smallest.

    python benchmarks/bench_rules.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "examples" / "000_3594167f04f41521.txt"
CHILD = """
import sys, time, resource
from extractor.config import Settings
from extractor.pipeline import extract_document
t = time.perf_counter(); r = extract_document(sys.argv[1], "rules", Settings()); s = time.perf_counter() - t
print(s, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, r.error)
"""


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        for mb in (1, 5, 20):
            p = Path(tmp) / f"big{mb}.txt"
            reps = max(1, mb * 1024 * 1024 // len(text.encode()))
            p.write_text(text * reps, encoding="utf-8")
            out = subprocess.run([sys.executable, "-c", CHILD, str(p)], capture_output=True, text=True, check=True)
            secs, peak, err = out.stdout.split(maxsplit=2)
            s, m = float(secs), float(peak)
            base = base or (s / mb, m)
            print(f"{mb:>3} MB: {s:6.2f} s ({s / mb / base[0]:.2f}× per MB of 1 MB), peak {m:7.1f} MiB, error={err.strip()}")


if __name__ == "__main__":
    main()
