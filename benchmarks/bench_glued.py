"""Benchmark: the glued-digit solver of tables 三 and 四 (extractor/glued.py). Prints the time to
read one row as a ratio of a row of seven zeros, for the longest glued rows a report prints, and
the time of a whole one-line table 三 (Huai'an's, collapsed) against the same table with its
cells apart. No test times anything.

    python benchmarks/bench_glued.py
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from extractor.glued import find_rows, row_readings, solve, table4_readings
from extractor.ingest import read_document

ROOT = Path(__file__).resolve().parents[1]


def clock(fn, *args, repeat: int = 20) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    base = clock(row_readings, "0000000")
    print(f"table 三 row '0000000': {base * 1e6:.0f} µs (1.0×)")
    # Huai'an's largest row, glued: 3001|53|0|0|61|4|3119 → 17 digits into seven cells.
    for run in ("30015300614" + "3119", "29325300614" + "3050", "1288210050" + "31362"):
        t = clock(row_readings, run)
        print(f"table 三 row {run!r} ({len(run)} digits): {t * 1e6:.0f} µs ({t / base:.1f}×), "
              f"{len(row_readings(run))} reading(s)")
    run4 = "726417837351" + "1341826" + "1211620"
    t4 = clock(table4_readings, run4, repeat=3)
    print(f"table 四 row {run4!r} ({len(run4)} digits): {t4 * 1e3:.1f} ms ({t4 / base:.0f}×), "
          f"{len(table4_readings(run4))} reading(s)")

    text = read_document(ROOT / "examples" / "huaian_2024_report.pdf").text
    apart = re.sub(r"\s*\n\s*", " ", text).replace("|", " ")
    glued = re.sub(r"(?<=\d)\s+(?=\d)", "", apart)
    for name, t_ in (("cells apart", apart), ("cells glued", glued)):
        seconds = clock(lambda s: solve(find_rows(s)), t_, repeat=3)
        print(f"Huai'an table 三 on one line, {name}: {seconds * 1e3:.1f} ms")


if __name__ == "__main__":
    main()
