"""`extractor eval`: the comparison table, its files, the document/field filters and --min-f1."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from extractor.cli import app

ROOT = Path(__file__).resolve().parents[1]
GOLD = str(ROOT / "eval" / "gold")


def test_eval_prints_and_writes_the_comparison(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["eval", "--gold", GOLD, "-b", "rules", "--docs", "000_,huaian", "--summaries",
                                 "-o", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "| `proactive.total` |" in r.output and "## Summaries" in r.output
    data = json.loads((tmp_path / "eval.json").read_text(encoding="utf-8"))
    rules = data["rules"]
    assert rules["documents_scored"] == 2
    assert rules["overall"]["hallucination"] == 0
    # Huai'an's table 三: every gold cell read right.
    assert rules["table"]["cells_total"] == 175 and rules["table"]["cells_correct"] == 175
    assert rules["summaries"]["faithful_share"] == 1.0
    assert (tmp_path / "eval.md").read_text(encoding="utf-8").startswith("# Evaluation")


def test_field_filter_and_min_f1_gate() -> None:
    ok = CliRunner().invoke(app, ["eval", "--gold", GOLD, "-b", "rules", "--docs", "003_85db",
                                  "--fields", "proactive.total,litigation.total", "--min-f1", "0.9"])
    assert ok.exit_code == 0, ok.output
    assert "`proactive.total`" in ok.output and "`issuer`" not in ok.output
    failing = CliRunner().invoke(app, ["eval", "--gold", GOLD, "-b", "rules", "--docs", "003_85db", "--min-f1", "1.01"])
    assert failing.exit_code == 1


def test_unknown_document_filter_is_a_clear_error() -> None:
    r = CliRunner().invoke(app, ["eval", "--gold", GOLD, "--docs", "no-such-document"])
    assert r.exit_code == 2 and "no gold documents selected" in r.output
