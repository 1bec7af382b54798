"""Check gold files: format, and that every quote is in the document and states its value.

    python eval/check_gold.py eval/gold/010_pingtansyq_2021.json [...]

It decodes the document the way every offset is counted (extractor.ingest) and runs the gold
checks of extractor.gold; it never runs an extraction backend.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extractor.gold import GoldFile, gold_quote_problems  # noqa: E402
from extractor.ingest import read_document  # noqa: E402


def main(paths: list[str]) -> int:
    bad = 0
    for p in paths:
        gold = GoldFile.model_validate(json.loads(Path(p).read_text(encoding="utf-8")))
        text = read_document(ROOT / gold.document).text
        problems = gold_quote_problems(text, gold)
        print(f"{p}: {'ok' if not problems else f'{len(problems)} problem(s)'}")
        for line in problems:
            print("  " + line)
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
