"""Oracle run: `llm` with a fake model that answers every prompt with the gold choice
(tests/oracle.py), over the gold documents. What the record then lacks was lost between the model
and the record (routing, the numbers offered, the evidence check), not by the model.

    python benchmarks/oracle_run.py [PATTERN ...]

Prints F1 and wrong values over all documents and dev/test apart, and the mistakes by field; the
mistakes document by document for dev documents only (the test split is read through scores).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from oracle import oracle_results  # noqa: E402

from extractor.evalrun import _split, select  # noqa: E402
from extractor.evaluate import score  # noqa: E402
from extractor.gold import load_gold  # noqa: E402


def main(patterns: list[str]) -> None:
    gold_dir = ROOT / "eval" / "gold"
    golds = select(load_gold(gold_dir), patterns)
    triples = oracle_results(golds, gold_dir)
    split = _split(gold_dir)
    side = [split.get(Path(g.document).stem, "dev") for g in golds]
    for name, part in (("all", triples), *((s, [t for t, x in zip(triples, side, strict=True) if x == s])
                                            for s in ("dev", "test"))):
        if not part:
            continue
        o = score(part).overall
        print(f"{name:4} documents {len(part):3}  F1 {o.f1 or 0:.3f}  correct {o.correct}  wrong {o.wrong_value}  "
              f"invented {o.hallucination}  missed {o.omission}")
    report = score(triples)
    mistakes = Counter((f, m) for row in report.documents for f, m in row.mistakes.items())
    print("mistakes by field:", ", ".join(f"{f} {m} ×{n}" for (f, m), n in mistakes.most_common()))
    for row, s in zip(report.documents, side, strict=True):
        if s == "dev" and row.mistakes:
            print(f"  {Path(row.document).name}: {row.mistakes}")


if __name__ == "__main__":
    main(sys.argv[1:])
