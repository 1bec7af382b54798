"""The scorer: extraction results against gold files. Pure functions; writers return strings.

Outcomes per field: correct, right_null, hallucination (pred where gold is null), omission (null
where gold has a value), wrong_value. Null is not zero, so 0 vs null is never correct.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from difflib import SequenceMatcher
from typing import Any

from pydantic import BaseModel, Field, computed_field

from .align import locate, normalise
from .gold import GoldFile, GoldItem
from .schema import (
    DERIVED_FIELDS,
    FIELD_NAMES,
    LIST_FIELDS,
    NUMERIC_FIELDS,
    TABLE_COLUMNS,
    TABLE_FIELDS,
    ExtractionResult,
    Summary,
    SummaryItem,
    get_field,
)
from .summary_checks import english_words, faithful, foreign_names, item_problem, summary_prose
from .verify import binds
from .vocabulary import GOVERNMENT_BODY, PLACE_END

# The 37 fields scored as values (the table by its cells); the two text lists are fuzzy-matched.
SCORED_FIELDS: tuple[str, ...] = tuple(n for n in FIELD_NAMES if n not in LIST_FIELDS)
LIST_MATCH_THRESHOLD = 0.6
OUTCOMES = ("correct", "right_null", "hallucination", "omission", "wrong_value")


def _div(num: float, den: float) -> float | None:
    return None if den == 0 else num / den


class FieldScore(BaseModel):
    """Outcome counts of one field (or all fields together) and the metrics derived from them."""

    correct: int = 0
    right_null: int = 0
    hallucination: int = 0
    omission: int = 0
    wrong_value: int = 0
    evidence_valid: int = 0
    evidence_checked: int = 0  # predicted non-null values

    def add(self, other: FieldScore) -> None:
        for name in (*OUTCOMES, "evidence_valid", "evidence_checked"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @computed_field  # type: ignore[prop-decorator]
    @property
    def n(self) -> int:
        return self.correct + self.right_null + self.hallucination + self.omission + self.wrong_value

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float | None:
        return _div(self.correct + self.right_null, self.n)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return _div(self.correct, self.correct + self.wrong_value + self.hallucination)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return _div(self.correct, self.correct + self.wrong_value + self.omission)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return _div(2 * p * r, p + r) if p + r else 0.0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def stated(self) -> int:
        """Fields where the gold has a value: what precision, recall and F1 are about."""
        return self.correct + self.wrong_value + self.omission

    @computed_field  # type: ignore[prop-decorator]
    @property
    def null_accuracy(self) -> float | None:
        """Of the fields the report leaves silent (gold null), the share left null: apart from F1."""
        return _div(self.right_null, self.right_null + self.hallucination)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def hallucination_rate(self) -> float | None:
        return _div(self.hallucination, self.right_null + self.hallucination)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def omission_rate(self) -> float | None:
        return _div(self.omission, self.correct + self.wrong_value + self.omission)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def wrong_value_rate(self) -> float | None:
        return _div(self.wrong_value, self.correct + self.wrong_value)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def evidence_validity(self) -> float | None:
        return _div(self.evidence_valid, self.evidence_checked)


class TableScore(BaseModel):
    documents: int = 0  # gold documents with a table
    cells_correct: int = 0
    cells_total: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def accuracy(self) -> float | None:
        return _div(self.cells_correct, self.cells_total)


class ListScore(BaseModel):
    """Fuzzy item matching of one text list (problems or improvements)."""

    right_null: int = 0
    hallucination: int = 0
    omission: int = 0
    compared: int = 0  # documents where both gold and prediction are lists
    gold_items: int = 0
    pred_items: int = 0
    gold_matched: int = 0
    pred_matched: int = 0
    ratio_sum: float = 0.0  # sum over gold items of the best ratio

    @computed_field  # type: ignore[prop-decorator]
    @property
    def mean_best_ratio(self) -> float | None:
        return _div(self.ratio_sum, self.gold_items)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def precision(self) -> float | None:
        return _div(self.pred_matched, self.pred_items)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def recall(self) -> float | None:
        return _div(self.gold_matched, self.gold_items)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return _div(2 * p * r, p + r) if p + r else 0.0


class DocumentRow(BaseModel):
    document: str
    source: str
    backend: str
    error: str | None = None
    score: FieldScore = Field(default_factory=FieldScore)
    table_cells_correct: int = 0
    table_cells_total: int = 0
    mistakes: dict[str, str] = Field(default_factory=dict)  # field → outcome, for non-correct fields


class EvalReport(BaseModel):
    backends: list[str]
    documents_scored: int
    fields: dict[str, FieldScore]
    overall: FieldScore
    table: TableScore
    lists: dict[str, ListScore]
    documents: list[DocumentRow]
    summaries: dict[str, Any] | None = None  # filled by the caller from score_summaries
    # Overall scores of groups of documents (split, form, family), filled by the caller.
    groups: dict[str, FieldScore] = Field(default_factory=dict)


# ---------------------------------------------------------------- value comparison


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _plain(v: Any) -> Any:
    return v.isoformat() if isinstance(v, dt.date) else v


def values_equal(gold: Any, pred: Any) -> bool:
    """Numbers as numbers; strings equal after normalisation (white space, NFKC, quotes《》 around a
    name). Issuers are compared by `same_issuer`."""
    gold, pred = _plain(gold), _plain(pred)
    if _is_number(gold) and _is_number(pred):
        return abs(float(gold) - float(pred)) < 1e-6 * max(1.0, abs(float(gold)))
    if isinstance(gold, str) and isinstance(pred, str):
        g, p = normalise(gold).strip("《》\"'"), normalise(pred).strip("《》\"'")
        return bool(g) and g == p
    return bool(gold == pred)


def _table_cells(gold: dict[str, dict[str, int | None]], pred: Any) -> tuple[int, int]:
    """(correct, total) over every gold cell; a missing predicted row or cell is None."""
    pred = pred if isinstance(pred, dict) else {}
    correct = total = 0
    for row, gcells in gold.items():
        prow = pred.get(row) or {}
        for col in TABLE_COLUMNS:
            g, p = gcells.get(col), prow.get(col)
            total += 1
            correct += (g is None and p is None) or (g is not None and p is not None and values_equal(g, p))
    return correct, total


def _table_wrong(gold: dict[str, dict[str, int | None]], pred: Any) -> bool:
    """Does any predicted cell hold a value other than the gold's?"""
    pred = pred if isinstance(pred, dict) else {}
    return any(
        (p := (pred.get(row) or {}).get(col)) is not None and not values_equal(g, p)
        for row, cells in gold.items()
        for col, g in cells.items()
    )


def classify(field: str, gold: Any, pred: Any) -> str:
    """One of OUTCOMES. The table is correct only when every gold cell matches."""
    if gold is None:
        return "right_null" if pred is None else "hallucination"
    if pred is None:
        return "omission"
    if field in TABLE_FIELDS:
        # A cell read differently is a wrong value; cells left null (undecided) are an omission.
        ok, total = _table_cells(gold, pred)
        if ok == total:
            return "correct"
        return "wrong_value" if _table_wrong(gold, pred) else "omission"
    if field == "issuer" and isinstance(gold, str) and isinstance(pred, str):
        return "correct" if same_issuer(gold, pred) else "wrong_value"
    return "correct" if values_equal(gold, pred) else "wrong_value"


# A place's own report names its issuer by the place (平潭综合实验区, 个旧市) or by the place's
# government body (…管委会, …人民政府): one issuer (eval/FIELDS.md). A department or office of that
# body (…办公室, …局) is another issuer, so only these suffixes go, and only after a place name.
_GOVERNMENT = re.compile(rf"(?:{GOVERNMENT_BODY})$")
_PLACE_END = re.compile(rf"(?:{PLACE_END}|镇|乡|街道)$")


def same_issuer(gold: str, pred: str) -> bool:
    """Issuer names equal after normalisation, a place and its government body being one issuer."""

    def key(name: str) -> str:
        name = normalise(name).strip("《》\"'")
        bare = _GOVERNMENT.sub("", name)
        return bare if bare != name and _PLACE_END.search(bare) else name

    return bool(normalise(gold)) and key(gold) == key(pred)


def evidence_ok(result: ExtractionResult, field: str, value: Any, text: str) -> bool:
    """Is the predicted value's evidence a verbatim slice of `text` that binds it to the field?
    Recomputed here with the binding rule, whatever the pipeline said."""
    if field in DERIVED_FIELDS or field in TABLE_FIELDS:
        return True  # derived / cell-wise: no single quote required by the contract
    ev = result.evidence.get(field)
    if ev is None or not (0 <= ev.start <= ev.end <= len(text)) or text[ev.start : ev.end] != ev.quote:
        return False
    return binds(field, _plain(value), ev.quote)


# ---------------------------------------------------------------- lists


def _ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, normalise(a), normalise(b), autojunk=False).ratio()


def _gold_item_ratio(gold_text: str, gold_quote: str, pred: str) -> float:
    # An item may be "a few words to one clause": a prediction equal to the quoted clause is as
    # right as one equal to the short text.
    return max(_ratio(gold_text, pred), _ratio(gold_quote, pred))


def score_list(gold: GoldFile, field: str, pred: list[str] | None, into: ListScore) -> None:
    items = getattr(gold, field)
    pred_items = [p for p in (pred or []) if p and p.strip()]
    if items is None:
        if pred_items:
            into.hallucination += 1
        else:
            into.right_null += 1
        return
    if pred is None:
        into.omission += 1
        return
    into.compared += 1
    into.gold_items += len(items)
    into.pred_items += len(pred_items)
    grid = [[_gold_item_ratio(g.text, g.quote, p) for p in pred_items] for g in items]
    for row in grid:
        best = max(row, default=0.0)
        into.ratio_sum += best
        into.gold_matched += best >= LIST_MATCH_THRESHOLD
    for j in range(len(pred_items)):
        into.pred_matched += max((row[j] for row in grid), default=0.0) >= LIST_MATCH_THRESHOLD


# ---------------------------------------------------------------- scoring


def score(pairs: list[tuple[GoldFile, ExtractionResult, str]], fields: list[str] | None = None) -> EvalReport:
    """Score (gold, result, document text) triples; `fields` limits scoring to those dotted names."""
    wanted = list(FIELD_NAMES) if fields is None else list(fields)
    unknown = [f for f in wanted if f not in FIELD_NAMES]
    if unknown:
        raise ValueError(f"unknown field names: {unknown}")
    scalar = [f for f in SCORED_FIELDS if f in wanted]
    lists = [f for f in FIELD_NAMES if f in LIST_FIELDS and f in wanted]

    per_field = {f: FieldScore() for f in scalar}
    overall = FieldScore()
    table = TableScore()
    list_scores = {f: ListScore() for f in lists}
    rows: list[DocumentRow] = []
    backends: list[str] = []

    for gold, result, text in pairs:
        if result.backend not in backends:
            backends.append(result.backend)
        row = DocumentRow(document=gold.document, source=result.source, backend=result.backend, error=result.error)
        for f in scalar:
            g, p = gold.value(f), get_field(result.record, f)
            outcome = classify(f, g, p)
            s = FieldScore(**{outcome: 1})
            if p is not None:
                s.evidence_checked = 1
                s.evidence_valid = int(evidence_ok(result, f, p, text))
            per_field[f].add(s)
            row.score.add(s)
            if outcome not in ("correct", "right_null"):
                row.mistakes[f] = outcome
            if f in TABLE_FIELDS and g is not None:
                ok, total = _table_cells(g, p)
                table.documents += 1
                table.cells_correct += ok
                table.cells_total += total
                row.table_cells_correct += ok
                row.table_cells_total += total
        for f in lists:
            score_list(gold, f, get_field(result.record, f), list_scores[f])
        overall.add(row.score)
        rows.append(row)

    return EvalReport(
        backends=backends,
        documents_scored=len(rows),
        fields=per_field,
        overall=overall,
        table=table,
        lists=list_scores,
        documents=rows,
    )


def _covered(gold_item: GoldItem, items: list[SummaryItem], text: str) -> bool:
    """A gold problem/next step is covered by a summary item drawn from the same words of the
    report (their spans overlap) or saying nearly the same (ratio ≥ LIST_MATCH_THRESHOLD)."""
    span = locate(text, gold_item.quote)
    for item in items:
        if span is not None and item.start < span[1] and span[0] < item.end:
            return True
        if max(_ratio(gold_item.text, item.text), _ratio(gold_item.quote, item.quote)) >= LIST_MATCH_THRESHOLD:
            return True
    return False


def score_summaries(items: list[tuple[GoldFile, Summary, str, Mapping[str, Any]]]) -> dict[str, Any]:
    """Summaries against the gold: the share of gold problems/improvements covered by the
    summary's items (zh summaries), and what may never happen (goal 0 each): an item its quote does
    not support, a body the report does not name, English in a zh summary, "not stated" for a part
    the gold holds. Plus faithfulness and the gold figures among the key figures."""
    faithful_n = gold_figures = mentioned = kf_total = kf_correct = 0
    gold_items = covered = summary_items = unsupported = foreign = english = false_silence = unread = 0
    for gold, summary, text, values in items:
        faithful_n += not faithful(summary, text, values)
        pairs = (("problems", summary.problems, summary.problems_status),
                 ("improvements", summary.next_steps, summary.next_steps_status))
        for name, got, state in pairs:
            summary_items += len(got)
            unsupported += sum(item_problem(i, text, summary.lang) is not None for i in got)
            gold_list = getattr(gold, name)
            false_silence += state == "not_stated" and gold_list is not None and len(gold_list) > 0
            unread += state == "unread"
            if summary.lang == "zh":
                for g in gold_list or []:
                    gold_items += 1
                    covered += _covered(g, got, text)
        prose = [summary.headline, *(i.text for i in summary.problems), *(i.text for i in summary.next_steps)]
        foreign += sum(len(foreign_names(p, text)) for p in prose)
        english += summary.lang == "zh" and any(english_words(p) for p in summary_prose(summary))
        if summary.lang != "zh":
            continue
        figures = {k.field: k.value for k in summary.key_figures}
        kf_total += len(summary.key_figures)
        for k in summary.key_figures:
            g = gold.value(k.field) if k.field in gold.fields else None
            kf_correct += _is_number(g) and values_equal(g, k.value)
        for f in NUMERIC_FIELDS:
            g = gold.value(f)
            if not _is_number(g):
                continue
            gold_figures += 1
            mentioned += f in figures and values_equal(g, figures[f])
    return {
        "summaries": len(items),
        "faithful": faithful_n,
        "faithful_share": _div(faithful_n, len(items)),
        "gold_items": gold_items,
        "gold_items_covered": covered,
        "gold_items_covered_share": _div(covered, gold_items),
        "summary_items": summary_items,
        "items_without_support": unsupported,
        "foreign_names": foreign,
        "zh_summaries_with_english": english,
        "not_stated_but_gold_has_items": false_silence,
        "parts_unread": unread,
        "gold_figures": gold_figures,
        "gold_figures_mentioned": mentioned,
        "gold_figures_mentioned_share": _div(mentioned, gold_figures),
        "key_figures": kf_total,
        "key_figures_matching_gold": kf_correct,
        "key_figures_matching_gold_share": _div(kf_correct, kf_total),
    }


# ---------------------------------------------------------------- writers


def _fmt(v: float | int | None) -> str:
    if v is None:
        return "–"
    return str(v) if isinstance(v, int) else f"{v:.3f}"


def _line(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


# Precision, recall and F1 count stated fields only; right nulls are reported on their own line.
_LABELS = {
    "precision": "precision (stated fields)",
    "recall": "recall (stated fields)",
    "f1": "**F1 (stated fields)**",
    "stated": "stated fields (gold has a value)",
    "null_accuracy": "silent fields left null (right nulls / gold nulls)",
    "evidence_validity": "evidence validity (re-checked by the scorer's binding rule)",
}
RATE_METRICS = ("accuracy", "precision", "recall", "f1", "hallucination_rate", "omission_rate")
RATE_METRICS += ("wrong_value_rate", "evidence_validity")


def to_markdown(reports: dict[str, EvalReport]) -> str:
    """Side-by-side comparison of backends: per field, overall, table cells, lists, summaries."""
    names = list(reports)
    sep = "|---|" + "---|" * len(names)
    out = ["# Evaluation", "", "## Per field", "", _line("field", *(f"{n}: F1 / acc / halluc." for n in names)), sep]
    for f in (f for f in FIELD_NAMES if any(f in r.fields for r in reports.values())):
        scores = [reports[n].fields.get(f) for n in names]
        cells = ["" if s is None else f"{_fmt(s.f1)} / {_fmt(s.accuracy)} / {s.hallucination}" for s in scores]
        out.append(_line(f"`{f}`", *cells))

    out += ["", "## Overall", "", _line("metric", *names), sep]
    out.append(_line("documents", *(str(reports[n].documents_scored) for n in names)))
    for metric in ("n", *OUTCOMES, *RATE_METRICS, "stated", "null_accuracy"):
        label = _LABELS.get(metric, metric)
        out.append(_line(label, *(_fmt(getattr(reports[n].overall, metric)) for n in names)))

    group_names = sorted({g for r in reports.values() for g in r.groups})
    if group_names:
        out += ["", "## By split, form and family", "",
                "Stated-field F1, wrong values and hallucinations, over the documents of each group. "
                "The test split is read only through these scores.", "",
                _line("group", *(f"{n}: F1 / wrong / halluc. / stated" for n in names)), sep]
        for g in group_names:
            cells = []
            for n in names:
                fs = reports[n].groups.get(g)
                cells.append("" if fs is None else f"{_fmt(fs.f1)} / {fs.wrong_value} / {fs.hallucination} / {fs.stated}")
            out.append(_line(g, *cells))

    out += ["", "## Table 三 cells", "", _line("", *names), sep]
    tables = [reports[n].table for n in names]
    out.append(_line("cells correct / total", *(f"{t.cells_correct} / {t.cells_total}" for t in tables)))
    out.append(_line("cell accuracy", *(_fmt(t.accuracy) for t in tables)))

    list_names = [f for f in FIELD_NAMES if any(f in r.lists for r in reports.values())]
    if list_names:
        out += ["", f"## Text lists (match at ratio ≥ {LIST_MATCH_THRESHOLD})", ""]
        out += [_line("list", "metric", *names), "|---|---|" + "---|" * len(names)]
        for f in list_names:
            for metric in ("mean_best_ratio", "precision", "recall", "f1", "hallucination", "omission"):
                vals = [_fmt(getattr(reports[n].lists[f], metric)) if f in reports[n].lists else "" for n in names]
                out.append(_line(f, metric, *vals))

    if any(r.summaries for r in reports.values()):
        out += ["", "## Summaries (zh and en; coverage and figures over zh)", "", _line("metric", *names), sep]
        for metric in ("summaries", "gold_items", "gold_items_covered", "gold_items_covered_share", "summary_items",
                       "items_without_support", "foreign_names", "zh_summaries_with_english",
                       "not_stated_but_gold_has_items", "parts_unread", "faithful_share",
                       "gold_figures_mentioned_share", "key_figures_matching_gold_share"):
            out.append(_line(metric, *(_fmt((reports[n].summaries or {}).get(metric)) for n in names)))
    return "\n".join(out) + "\n"


def to_json(reports: dict[str, EvalReport]) -> str:
    return json.dumps({n: r.model_dump(mode="json") for n, r in reports.items()}, ensure_ascii=False, indent=2)
