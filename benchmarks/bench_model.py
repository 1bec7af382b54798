"""Benchmark: what the bundled model costs and earns, in one run on the same gold documents.

For each document: `rules`; `hybrid` and `llm` from an empty cache (model calls, prompt tokens,
seconds); and the naive baseline, one whole-report prompt asking for every field at once. Each is
scored against the gold set beside its cost. Figures are per-document means within one run
(shared machines: compare the rows with each other, not with another day's).

    python benchmarks/bench_model.py [--split test|dev|all] [DOC-PART ...]

Also printed: the stated values the rules miss (gold value, rules null or wrong) and how many of
them `hybrid` gets right; the values the model got wrong where the rules were not wrong; and
numbers in any answer that the report does not state (invented).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractor.config import Settings  # noqa: E402
from extractor.evalrun import resolve_document, select  # noqa: E402
from extractor.evaluate import SCORED_FIELDS, classify, evidence_ok, score  # noqa: E402
from extractor.gold import GoldFile, load_gold  # noqa: E402
from extractor.ingest import read_document  # noqa: E402
from extractor.local import MODEL_ALIAS, LocalServer, ensure_model  # noqa: E402
from extractor.numbers import numbers_in, same_number  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402
from extractor.schema import DERIVED_FIELDS, TABLE_FIELDS, ExtractionResult, Usage, get_field, set_field  # noqa: E402
from extractor.verify import binds  # noqa: E402

N_CTX = 8192
ANSWER_TOKENS = 600
# The naive prompt asks for every scalar field a report states (the table and lists aside).
NAIVE_FIELDS = [f for f in SCORED_FIELDS if f not in TABLE_FIELDS and f not in DERIVED_FIELDS and f != "scope"]
NAIVE_PROMPT = """下面是一份政府信息公开工作年度报告全文。请只输出一个 JSON 对象，键为下列字段名，值为报告写明的数字或文字；报告没有写明的填 null，不要猜测：
{fields}

报告全文：
{text}
"""


def naive(server: str, text: str) -> tuple[dict[str, Any], Usage, float, bool]:
    """One whole-report prompt (cut to fit the context, as a naive user's tool would)."""
    keys = "\n".join(f"- {f.replace('.', '_')}" for f in NAIVE_FIELDS)
    budget_chars = int((N_CTX - ANSWER_TOKENS - 400) * 1.3)  # about 1.3 Chinese characters a token
    cut = len(text) > budget_chars
    prompt = NAIVE_PROMPT.format(fields=keys, text=text[:budget_chars])
    t0 = time.perf_counter()
    r = httpx.post(f"{server}/chat/completions", timeout=1800, json={
        "model": MODEL_ALIAS, "messages": [{"role": "user", "content": prompt}],
        "response_format": {"type": "json_object"}, "temperature": 0, "max_tokens": ANSWER_TOKENS}).json()
    seconds = time.perf_counter() - t0
    usage = Usage(model_calls=1, prompt_tokens=r.get("usage", {}).get("prompt_tokens", 0),
                  completion_tokens=r.get("usage", {}).get("completion_tokens", 0))
    try:
        answer = json.loads(r["choices"][0]["message"]["content"])
    except (KeyError, IndexError, ValueError):
        answer = {}
    return (answer if isinstance(answer, dict) else {}), usage, seconds, cut


def naive_result(source: str, answer: dict[str, Any], usage: Usage) -> ExtractionResult:
    """The naive answer as a record (no evidence: nothing checks it)."""
    result = ExtractionResult(source=source, backend="naive", usage=usage)
    for f in NAIVE_FIELDS:
        value = answer.get(f.replace(".", "_"))
        if value in (None, "", "null"):
            continue
        try:
            if f in ("issuer", "publish_date"):
                set_field(result.record, f, str(value))
            else:
                number = float(re.sub(r"[^\d.]", "", str(value)))
                set_field(result.record, f, int(number) if number.is_integer() else number)
        except ValueError:
            continue
    return result


def invented(result: ExtractionResult, text: str) -> list[str]:
    """Numeric values whose number the report does not state anywhere. A cell split from a glued
    run (626 of 主动公开文件数条6262027) or a sum of a table's rows is read, not written, when the
    value's own quote holds it under the binding rule, whichever backend chose it."""
    stated = numbers_in(text)
    out = []
    for f in NAIVE_FIELDS:
        ev = result.evidence.get(f)
        v = get_field(result.record, f)
        if ev is not None and (ev.origin in ("sum", "table") or (isinstance(v, (int, float)) and binds(f, v, ev.quote))):
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool) and not any(same_number(v, s) for s in stated):
            out.append(f"{f}={v}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=("test", "dev", "all"), default="test")
    ap.add_argument("--backends", default="rules,hybrid,llm,naive",
                    help="which to run, comma-separated (rules and hybrid always run: the table compares them)")
    ap.add_argument("docs", nargs="*")
    args = ap.parse_args()
    chosen = ["rules", "hybrid"] + [b for b in ("llm", "naive") if b in args.backends.split(",")]
    gold_dir = ROOT / "eval" / "gold"
    split = json.loads((ROOT / "eval" / "split.json").read_text(encoding="utf-8"))
    golds = select(load_gold(gold_dir), args.docs or None)
    if args.split != "all":
        golds = [g for g in golds if Path(g.document).stem in split[args.split]]
    model = ensure_model()
    runs: dict[str, list[tuple[GoldFile, ExtractionResult, str]]] = {b: [] for b in chosen}
    cost: dict[str, list[tuple[int, int, float]]] = {b: [] for b in runs}
    cut_docs = 0
    # On the test split the table is printed once, at the end or where the run is stopped: a table
    # after every document would give the first documents' scores one by one.
    every_document = args.split != "test"
    with LocalServer(model, n_ctx=N_CTX) as server:
        try:
            for gold in golds:
                path = str(resolve_document(gold_dir, gold.document))
                text = read_document(path).text
                done: dict[str, tuple[tuple[GoldFile, ExtractionResult, str], tuple[int, int, float]]] = {}
                for backend in (b for b in chosen if b != "naive"):
                    with tempfile.TemporaryDirectory() as tmp:
                        settings = Settings(base_url=server.base_url, model=MODEL_ALIAS, api_key="local",
                                            cache_dir=Path(tmp), backend=backend, timeout=900)
                        t0 = time.perf_counter()
                        result = extract_document(path, backend, settings)
                        seconds = time.perf_counter() - t0
                    done[backend] = ((gold, result, text), (result.usage.model_calls, result.usage.prompt_tokens, seconds))
                if "naive" in runs:
                    answer, usage, seconds, cut = naive(server.base_url, text)
                    cut_docs += cut
                    done["naive"] = ((gold, naive_result(path, answer, usage), text), (1, usage.prompt_tokens, seconds))
                for b, (run, spent) in done.items():  # a document counts once every backend has read it
                    runs[b].append(run)
                    cost[b].append(spent)
                print(f"{Path(path).name}: " + "; ".join(
                    f"{b} {cost[b][-1][0]} calls {cost[b][-1][1]} tok {cost[b][-1][2]:.1f} s" for b in runs), flush=True)
                if every_document:
                    report(runs, cost, args.split, cut_docs)
        finally:
            if not every_document and runs["rules"]:
                report(runs, cost, args.split, cut_docs)


def report(runs: dict[str, list[tuple[GoldFile, ExtractionResult, str]]],
           cost: dict[str, list[tuple[int, int, float]]], split: str, cut_docs: int) -> None:
    """The table so far (after every document, or once on the test split), so a run stopped early still
    says what it saw."""
    n = len(runs["rules"])
    print(f"\n{n} documents ({split} split); naive prompt cut to fit {N_CTX} tokens on {cut_docs}\n")
    print("| backend | calls/doc | prompt tokens/doc | seconds/doc | F1 | correct | wrong | hallucinated "
          "| evidence fails | invented numbers |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for b, triples in runs.items():
        rep = score(triples)
        o = rep.overall
        calls, toks, secs = (sum(c[i] for c in cost[b]) / n for i in range(3))
        inv = sum(len(invented(r, t)) for _, r, t in triples)
        bad_ev = o.evidence_checked - o.evidence_valid if b != "naive" else "–"
        print(f"| {b} | {calls:.1f} | {toks:.0f} | {secs:.1f} | {o.f1 or 0:.3f} | {o.correct} | {o.wrong_value} "
              f"| {o.hallucination} | {bad_ev} | {inv} |")
    for b in (b for b in ("hybrid", "llm") if b in runs and "naive" in runs):
        ratio_tok = sum(c[1] for c in cost[b]) / max(1, sum(c[1] for c in cost["naive"]))
        ratio_s = sum(c[2] for c in cost[b]) / max(1e-9, sum(c[2] for c in cost["naive"]))
        print(f"\n{b} / naive: prompt tokens {ratio_tok:.2f}, seconds {ratio_s:.2f}")

    # What the model added over the rules, field by field.
    missed = found = added_wrong = 0
    decided: dict[str, int] = {}
    for (gold, rules, _), (_, hybrid, text) in zip(runs["rules"], runs["hybrid"], strict=True):
        for f in SCORED_FIELDS:
            g = gold.value(f)
            r_out = classify(f, g, get_field(rules.record, f))
            h_out = classify(f, g, get_field(hybrid.record, f))
            if g is not None and r_out in ("omission", "wrong_value"):
                missed += 1
                if h_out == "correct":
                    found += 1
                    decided[f] = decided.get(f, 0) + 1
            if h_out in ("wrong_value", "hallucination") and r_out not in ("wrong_value", "hallucination"):
                added_wrong += 1
                # Field and document only: the test split's gold is read through scores alone.
                ok = evidence_ok(hybrid, f, get_field(hybrid.record, f), text)
                print(f"  model wrong: {Path(gold.document).name} {f} ({h_out}; evidence binds: {ok})")
                ev = hybrid.evidence.get(f)
                if split == "dev" and ev is not None:  # a dev document may be read: what was chosen, from where
                    print(f"    chose {get_field(hybrid.record, f)!r} (gold {g!r}) from «{ev.quote}»")
    print(f"\nstated values the rules miss: {missed}; hybrid gets {found} of them "
          f"({found / missed if missed else 0:.0%}); values the model made wrong: {added_wrong}")
    print("fields the model decided that the rules could not:", json.dumps(decided, ensure_ascii=False))


if __name__ == "__main__":
    main()
