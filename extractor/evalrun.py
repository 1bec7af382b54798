"""`extractor eval`: run backends over the gold documents (through the cache) and score them."""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path

from .config import Settings
from .evaluate import EvalReport, score, score_summaries, to_json, to_markdown
from .gold import GoldFile, load_gold
from .ingest import IngestError, read_document
from .pipeline import run_batch


@dataclass
class EvalRun:
    reports: dict[str, EvalReport]
    markdown: str
    json: str

    def weakest_fields(self, backend: str, n: int = 3) -> list[tuple[str, float]]:
        rep = self.reports[backend]
        scored = [(name, fs.f1) for name, fs in rep.fields.items() if fs.f1 is not None]
        return sorted(scored, key=lambda x: x[1])[:n]


# The gold set ships with the source repository, not with the installed package.
DEFAULT_GOLD = Path("eval") / "gold"
_SOURCE_GOLD = Path(__file__).resolve().parents[1] / "eval" / "gold"  # an editable or source install


def find_gold(given: Path | None) -> Path:
    """The gold folder: `--gold` as given, else eval/gold here or in the source tree the package
    runs from. A ValueError says where it looked and how to point --gold at it."""
    if given is not None:
        if not any(Path(given).glob("*.json")):
            raise ValueError(f"no gold files (*.json) in {given} ({Path(given).resolve()})")
        return Path(given)
    for folder in (DEFAULT_GOLD, _SOURCE_GOLD):
        if any(folder.glob("*.json")):
            return folder
    where = " and ".join(dict.fromkeys(str(f.resolve()) for f in (DEFAULT_GOLD, _SOURCE_GOLD)))
    raise ValueError(f"no gold set found: looked in {where}. The gold set is eval/gold in the source "
                     "repository; run eval from the repository's folder, or pass --gold PATH/TO/eval/gold")


def resolve_document(gold_dir: Path, document: str) -> Path:
    """Gold paths are relative to the project root (two levels above eval/gold), else to here."""
    p = Path(document)
    if p.is_absolute() and p.exists():
        return p
    root_relative = gold_dir.resolve().parent.parent / p
    return root_relative if root_relative.exists() else p


def _split(gold_dir: Path) -> dict[str, str]:
    """Document stem → "dev" / "test", from eval/split.json beside the gold folder (fixed before
    the corpus was labelled); documents it does not name are dev."""
    path = gold_dir.resolve().parent / "split.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {stem: split for split in ("dev", "test") for stem in data.get(split, [])}


def document_form(document: str) -> str:
    """How a user would have the document: a crawler dump, an original page, a PDF, a DOCX, a
    converted text, or one of the synthetic template documents."""
    p = Path(document)
    if "fixtures" in p.parts:
        return "synthetic"
    if p.suffix == ".pdf":
        return "PDF"
    if p.suffix == ".docx":
        return "DOCX"
    if p.suffix in (".html", ".htm"):
        return "original page"
    return "crawler dump" if "corpus" in p.parts else "converted text"


def document_groups(gold_dir: Path, gold: GoldFile) -> list[str]:
    """The groups a gold document is scored in: its split, split × form, split × family."""
    split = _split(gold_dir).get(Path(gold.document).stem, "dev")
    family = gold.value("template") or "unknown"
    return [split, f"{split} · {document_form(gold.document)}", f"{split} · family {family}"]


def select(golds: list[GoldFile], patterns: list[str] | None) -> list[GoldFile]:
    if not patterns:
        return golds
    return [g for g in golds if any(fnmatch.fnmatch(g.document, f"*{pat}*") for pat in patterns)]


def run_eval(gold_dir: Path | None, backends: list[str], settings: Settings, fields: list[str] | None = None,
             documents: list[str] | None = None, summaries: bool = False) -> EvalRun:
    gold_dir = find_gold(gold_dir)
    golds = select(load_gold(gold_dir), documents)
    if not golds:
        raise ValueError(f"no gold documents selected in {gold_dir}")
    paths = [str(resolve_document(gold_dir, g.document)) for g in golds]
    texts: list[str] = []
    for p in paths:
        try:
            texts.append(read_document(p).text)
        except IngestError as exc:
            raise ValueError(f"gold document {p}: {exc}") from None
    reports: dict[str, EvalReport] = {}
    tags = [document_groups(gold_dir, g) for g in golds]
    for backend in backends:
        # Results come as documents finish; scoring pairs each with its gold file.
        done = {r.source: r for r in run_batch(list(dict.fromkeys(paths)), backend,
                                               settings.model_copy(update={"backend": backend}))}
        results = [done[p] for p in paths]
        triples = list(zip(golds, results, texts, strict=True))
        reports[backend] = score(triples, fields)
        for name in dict.fromkeys(t for ts in tags for t in ts):
            subset = [tr for tr, ts in zip(triples, tags, strict=True) if name in ts]
            reports[backend].groups[name] = score(subset, fields).overall
        if summaries:
            reports[backend].summaries = _score_summaries(golds, paths, texts, backend, settings)
    return EvalRun(reports, to_markdown(reports), to_json(reports))


def _score_summaries(golds: list[GoldFile], paths: list[str], texts: list[str], backend: str,
                     settings: Settings) -> dict[str, object]:
    """Summaries of the gold documents in zh and en (through the cache), scored against the gold."""
    from .summarize import record_values, summarize_batch

    items = []
    for lang in ("zh", "en"):
        done = {o.source: o for o in summarize_batch(list(dict.fromkeys(paths)), backend, settings, lang)}
        for gold, text, outcome in zip(golds, texts, [done[p] for p in paths], strict=True):
            if outcome.summary is not None:
                items.append((gold, outcome.summary, text, record_values(outcome.result)))
    return score_summaries(items)
