"""Benchmark: a review page as its highlights grow (100 → 1,000 → 3,800 over real report text).
Prints the time to build the site, to load the page in headless Chromium, and from a click on a
field (or on a highlight) to the next painted frame, each also as a ratio of the smallest page.

    python benchmarks/bench_review.py     # needs Debian's chromium and `pip install playwright`
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import chromium, many_highlights, unavailable  # noqa: E402

from extractor.config import Settings  # noqa: E402
from extractor.review import review_inputs, write_site  # noqa: E402

# From a click to the frame after it: the handler's work and the repaint it causes.
CLICK = """(sel) => new Promise(done => {
  const el = document.querySelector(sel), t0 = performance.now();
  el.click();
  requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
})"""


def main() -> None:
    why = unavailable()
    if why:
        sys.exit(why)
    base: tuple[float, float, float, float] | None = None
    with tempfile.TemporaryDirectory() as tmp, chromium() as context:
        page = context.new_page()
        for n in (100, 1000, 3800):
            folder = Path(tmp) / str(n)
            folder.mkdir()
            records = many_highlights(folder, n)
            t = time.perf_counter()
            write_site(review_inputs([str(records)], "rules", Settings()), folder / "site")
            build = time.perf_counter() - t
            url = next((folder / "site" / "reports").glob("*.html")).as_uri()
            t = time.perf_counter()
            page.goto(url, wait_until="load")
            load = time.perf_counter() - t
            last = page.evaluate("Math.max(...Object.keys(JSON.parse(document.getElementById('data').textContent).fields).map(Number))")
            field = statistics.median(page.evaluate(CLICK, f"#f-{k}") for k in (last, 0, last // 2, last, 0))
            mark = statistics.median(page.evaluate(CLICK, "#text mark.multi") for _ in range(5))
            base = base or (build, load, field, mark)
            print(f"{n:>5} highlights: build {build:6.3f} s ({build / base[0]:5.2f}×), load {load:6.3f} s "
                  f"({load / base[1]:5.2f}×), click field → frame {field:7.1f} ms ({field / base[2]:5.2f}×), "
                  f"click highlight → frame {mark:7.1f} ms ({mark / base[3]:5.2f}×)")


if __name__ == "__main__":
    main()
