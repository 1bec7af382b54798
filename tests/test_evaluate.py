"""The scorer's own arithmetic on hand-made cases, and the gold files' validity."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from extractor.evaluate import (
    EvalReport,
    classify,
    same_issuer,
    score,
    score_summaries,
    to_json,
    to_markdown,
    values_equal,
)
from extractor.gold import GOLD_FIELD_NAMES, GoldError, GoldFile, gold_quote_ok, gold_quote_problems, load_gold
from extractor.schema import TABLE_COLUMNS, Evidence, ExtractionResult, KeyFigure, Summary, SummaryItem, set_field

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "eval" / "gold"


def make_gold(values: dict[str, Any], **lists: Any) -> GoldFile:
    fields: dict[str, Any] = {n: None for n in GOLD_FIELD_NAMES}
    for name, value in values.items():
        fields[name] = {"value": value, "quote": "q"}
    return GoldFile.model_validate(
        {
            "document": "doc.txt",
            "fields": fields,
            "problems": lists.get("problems"),
            "improvements": lists.get("improvements"),
        }
    )


def make_result(
    values: dict[str, Any], evidence: dict[str, Evidence] | None = None, backend: str = "rules"
) -> ExtractionResult:
    result = ExtractionResult(source="doc.txt", backend=backend, evidence=evidence or {})
    for name, value in values.items():
        set_field(result.record, name, value)
    return result


TEXT = "丽江市人民政府2017年政府信息公开年度报告。网站发布信息60条。"
FIVE = ["issuer", "report_year", "proactive.total", "proactive.website", "fees.collected"]


def five_outcomes() -> EvalReport:
    gold = make_gold({"issuer": "丽江市人民政府", "proactive.total": 100, "proactive.website": 50})
    result = make_result(
        {"issuer": "丽江市人民政府", "report_year": 2017, "proactive.website": 60},
        {
            "issuer": Evidence(quote="丽江市人民政府", start=0, end=7),  # valid
            "report_year": Evidence(quote="2017年政府信息公开年度报告", start=7, end=22),  # valid
            "proactive.website": Evidence(quote="网站发布信息60条", start=0, end=9),  # offsets wrong
        },
    )
    return score([(gold, result, TEXT)], fields=FIVE)


def test_one_of_each_outcome() -> None:
    o = five_outcomes().overall
    assert (o.n, o.correct, o.right_null, o.hallucination, o.omission, o.wrong_value) == (5, 1, 1, 1, 1, 1)
    assert o.accuracy == pytest.approx(2 / 5)
    assert o.precision == pytest.approx(1 / 3)  # correct / (correct + wrong + hallucination)
    assert o.recall == pytest.approx(1 / 3)  # correct / (correct + wrong + omission)
    assert o.f1 == pytest.approx(1 / 3)
    assert o.hallucination_rate == pytest.approx(1 / 2)  # 1 of 2 gold nulls
    assert o.omission_rate == pytest.approx(1 / 3)  # 1 of 3 gold values
    assert o.wrong_value_rate == pytest.approx(1 / 2)  # 1 of 2 both-non-null
    assert o.evidence_checked == 3 and o.evidence_valid == 2
    assert o.evidence_validity == pytest.approx(2 / 3)


def test_per_field_and_guarded_divisions() -> None:
    report = five_outcomes()
    assert list(report.fields) == FIVE
    assert report.fields["issuer"].correct == 1 and report.fields["issuer"].f1 == 1.0
    website = report.fields["proactive.website"]
    assert website.wrong_value == 1 and website.precision == 0.0 and website.f1 == 0.0
    assert website.evidence_validity == 0.0
    fees = report.fields["fees.collected"]
    assert fees.right_null == 1 and fees.accuracy == 1.0
    assert fees.precision is None and fees.recall is None and fees.f1 is None
    assert fees.omission_rate is None and fees.wrong_value_rate is None and fees.evidence_validity is None
    assert report.fields["report_year"].hallucination_rate == 1.0
    assert report.documents[0].mistakes == {
        "report_year": "hallucination",
        "proactive.total": "omission",
        "proactive.website": "wrong_value",
    }
    assert report.backends == ["rules"] and report.documents_scored == 1
    assert report.lists == {} and report.table.cells_total == 0


def test_all_fields_by_default() -> None:
    report = score([(make_gold({}), make_result({}), TEXT)])
    assert report.overall.n == 37 and report.overall.right_null == 37
    assert set(report.lists) == {"problems", "improvements"}
    with pytest.raises(ValueError, match="unknown field"):
        score([], fields=["proactive.nonsense"])


def test_evidence_that_does_not_state_the_value() -> None:
    text = "主动公开政府信息34596条,网站发布信息23239条。"
    gold = make_gold({"proactive.total": 34596, "proactive.website": 23239})
    result = make_result(
        {"proactive.total": 34596, "proactive.website": 23239, "template": "2008"},
        {
            "proactive.total": Evidence(quote="主动公开政府信息34596条", start=0, end=14),
            # verbatim slice, but it states 34596, not 23239
            "proactive.website": Evidence(quote="主动公开政府信息34596条", start=0, end=14),
        },
    )
    assert text[0:14] == "主动公开政府信息34596条"
    r = score([(gold, result, text)], fields=["proactive.total", "proactive.website", "template"])
    assert r.fields["proactive.total"].evidence_validity == 1.0
    assert r.fields["proactive.website"].evidence_validity == 0.0
    assert r.fields["template"].evidence_validity == 1.0  # derived: needs no evidence
    assert r.fields["template"].hallucination == 1
    assert r.overall.evidence_valid == 2 and r.overall.evidence_checked == 3

    # A value summed from cells quotes the rows it came from, not the sum: verbatim is enough.
    text = "| 规章 | 2 | 2 | 31 |\n| 规范性文件 | 18 | 18 | 146 |"
    ev = Evidence(quote=text, start=0, end=len(text))
    summed = make_result({"proactive.regulations_issued": 20}, {"proactive.regulations_issued": ev})
    r = score([(make_gold({}), summed, text)], fields=["proactive.regulations_issued"])
    assert r.overall.evidence_validity == 1.0


def test_value_comparison() -> None:
    # A place and its government body are one issuer; its offices and departments are not.
    assert same_issuer("个旧市", "个旧市人民政府") and same_issuer("荆州市政府", "荆州市人民政府")
    assert same_issuer("平潭综合实验区", "平潭综合实验区管委会")
    assert not same_issuer("个旧市人民政府", "个旧市人民政府办公室")
    assert not same_issuer("平潭综合实验区管委会", "平潭综合实验区管委会办公室")
    assert not same_issuer("平潭县", "平潭县教育局") and not same_issuer("个旧市", "个旧县")
    assert not same_issuer("", "")
    assert values_equal("丽江市人民政府", "丽江市 人民政府")  # white space ignored
    assert values_equal("2018-02-25", dt.date(2018, 2, 25))
    assert values_equal(3940, 3940.0)
    assert not values_equal(0, 1)
    assert classify("fees.collected", None, 0) == "hallucination"  # null is not zero
    assert classify("fees.collected", 0, None) == "omission"
    assert classify("issuer", "荆州市政府", "荆州市人民政府") == "correct"
    assert classify("issuer", "楚雄市人民政府", "楚雄州人民政府") == "wrong_value"


def _row(*cells: int | None) -> dict[str, int | None]:
    return dict(zip(TABLE_COLUMNS, cells, strict=True))


def test_a_table_with_undecided_cells_is_an_omission_not_a_wrong_value() -> None:
    gold_table = {"received": _row(3, 1, 0, 0, 0, 0, 4)}
    undecided = {"received": _row(None, None, 0, 0, 0, 0, 4)}  # a glued run read two ways
    report = score([(make_gold({"applications.table": gold_table}), make_result({"applications.table": undecided}), "")],
                   fields=["applications.table"])
    assert report.fields["applications.table"].omission == 1 and report.fields["applications.table"].wrong_value == 0
    assert report.table.cells_correct == 5


def test_table_cell_accuracy_with_one_wrong_cell() -> None:
    gold_table = {"received": _row(3, 1, 0, 0, 0, 0, 4), "granted": _row(2, 1, 0, 0, None, 0, 3)}
    pred_table = {"received": _row(3, 1, 0, 0, 0, 0, 4), "granted": _row(2, 9, 0, 0, None, 0, 3)}
    gold = make_gold({"applications.table": gold_table})
    report = score([(gold, make_result({"applications.table": pred_table}), "")], fields=["applications.table"])
    assert (report.table.documents, report.table.cells_correct, report.table.cells_total) == (1, 13, 14)
    assert report.table.accuracy == pytest.approx(13 / 14)
    assert report.fields["applications.table"].wrong_value == 1  # a cell read as another number
    assert report.fields["applications.table"].evidence_validity == 1.0  # cell-wise, no single quote

    # A missing row counts all its cells as None: only the gold blank cell is right.
    missing = score(
        [(gold, make_result({"applications.table": {"received": gold_table["received"]}}), "")],
        fields=["applications.table"],
    )
    assert (missing.table.cells_correct, missing.table.cells_total) == (8, 14)
    # No gold table: no cells scored; a predicted table is a hallucination.
    none = score([(make_gold({}), make_result({"applications.table": pred_table}), "")], fields=["applications.table"])
    assert none.table.cells_total == 0 and none.table.accuracy is None
    assert none.fields["applications.table"].hallucination == 1


def test_fuzzy_list_matching() -> None:
    problems = [
        {"text": "进一步提高思想认识水平", "quote": "一是进一步提高思想认识水平。"},
        {"text": "人员力量薄弱", "quote": "人员力量薄弱"},
    ]
    gold = make_gold({}, problems=problems, improvements=None)
    result = make_result({"problems": ["进一步提高思想认识", "abc"], "improvements": ["多余的一条"]})
    r = score([(gold, result, "")], fields=["problems", "improvements"])
    p = r.lists["problems"]
    assert (p.compared, p.gold_items, p.pred_items, p.gold_matched, p.pred_matched) == (1, 2, 2, 1, 1)
    # best ratios: 2*9/(9+11) = 0.9 for the first gold item, 0 for the second (no common char)
    assert p.mean_best_ratio == pytest.approx((0.9 + 0.0) / 2)
    assert p.precision == 0.5 and p.recall == 0.5 and p.f1 == 0.5
    assert r.lists["improvements"].hallucination == 1  # gold null, predicted items
    assert r.overall.n == 0  # list fields are not in the overall value scores

    omitted = score([(gold, make_result({}), "")], fields=["problems", "improvements"])
    assert omitted.lists["problems"].omission == 1  # gold list, predicted None
    assert omitted.lists["improvements"].right_null == 1
    assert omitted.lists["problems"].recall is None  # nothing compared


def test_summary_scoring() -> None:
    text = "主动公开信息100条。存在的问题：一是人手不足；二是培训较少。下一步将加强培训。"
    gold = make_gold({"report_year": 2017, "proactive.total": 100, "proactive.website": 50},
                     problems=[{"text": "人手不足", "quote": "一是人手不足"}, {"text": "培训较少", "quote": "二是培训较少"}],
                     improvements=[{"text": "加强培训", "quote": "下一步将加强培训"}])
    ev = Evidence(quote="主动公开信息100条", start=0, end=10)

    def item(words: str, quote: str | None = None) -> SummaryItem:
        quote = quote or words
        return SummaryItem(text=words, quote=quote, start=text.index(quote), end=text.index(quote) + len(quote))

    good = Summary(
        source="doc.txt", headline="主动公开信息100条。",
        key_figures=[KeyFigure(field="proactive.total", value=100, evidence=ev),
                     KeyFigure(field="proactive.website", value=7, evidence=ev)],  # wrong value: not mentioned
        problems=[item("人手不足", "一是人手不足；")], next_steps=[item("加强培训")],
    )
    invented = item("实验设备管理不到位", "二是培训较少。")  # a problem its quote does not hold
    bad = Summary(source="doc.txt", headline="主动公开信息999条。", problems=[invented],
                  next_steps_status="not_stated")
    english = Summary(source="doc.txt", headline="Disclosed 100 items.", lang="zh",
                      problems=[item("人手不足")], warnings=["model failed"])
    values = {"proactive.total": 100}
    s = score_summaries([(gold, good, text, values), (gold, bad, text, values), (gold, english, text, values)])
    assert s["summaries"] == 3 and s["faithful"] == 2 and s["faithful_share"] == pytest.approx(2 / 3)
    # Gold items covered: good covers 2 of 3 (its quote overlaps 一是人手不足, 加强培训 matches);
    # bad's item spans 二是培训较少 (covered by its span, though its words are unsupported); english 1.
    assert (s["gold_items"], s["gold_items_covered"]) == (9, 4)
    assert s["items_without_support"] == 1 and s["not_stated_but_gold_has_items"] == 1
    assert s["zh_summaries_with_english"] == 1 and s["foreign_names"] == 0
    # gold numeric figures: proactive.total and .website, thrice (report_year is not a figure)
    assert s["gold_figures"] == 6 and s["gold_figures_mentioned"] == 1
    assert s["key_figures"] == 2 and s["key_figures_matching_gold_share"] == 0.5
    assert score_summaries([])["faithful_share"] is None


def test_writers() -> None:
    a, b = five_outcomes(), score([(make_gold({}), make_result({}, backend="llm"), TEXT)], fields=FIVE)
    md = to_markdown({"rules": a, "llm": b})
    assert "| `proactive.website` | 0.000 / 0.000 / 0 | – / 1.000 / 0 |" in md
    assert "| evidence validity (re-checked by the scorer's binding rule) | 0.667 | – |" in md
    assert "| **F1 (stated fields)** | 0.333 | – |" in md
    data = json.loads(to_json({"rules": a}))
    assert data["rules"]["overall"]["accuracy"] == pytest.approx(0.4)


def test_load_gold_names_the_bad_file(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(GoldError, match="a.json"):
        load_gold(tmp_path)
    (tmp_path / "a.json").write_text(
        json.dumps({"document": "x", "fields": {}, "problems": None, "improvements": None}), encoding="utf-8"
    )
    with pytest.raises(GoldError, match=r"a\.json[\s\S]*missing"):
        load_gold(tmp_path)


def test_gold_quote_ok_rules() -> None:
    text = "不予公开 1.属于国家秘密 0 0 0\n2018年2月25日 丽江市人民政府"
    gv = make_gold({"applications.denied": 7, "publish_date": "2018-02-25", "issuer": "丽江市人民政府"}).fields
    assert not gold_quote_ok(text, "applications.denied", gv["applications.denied"])  # quote "q" absent
    for name, quote in [
        ("applications.denied", "1.属于国家秘密"),
        ("publish_date", "2018年2月25日"),
        ("issuer", "丽江市人民政府"),
    ]:
        gv[name].quote = quote  # type: ignore[union-attr]
        assert gold_quote_ok(text, name, gv[name]), name
    gv["publish_date"].value = "2018-02-26"  # type: ignore[union-attr]
    assert not gold_quote_ok(text, "publish_date", gv["publish_date"])


# ---------------------------------------------------------------- the gold files themselves


def _gold_paths() -> list[Path]:
    return sorted(GOLD_DIR.glob("*.json"), key=lambda p: p.name)


def test_every_gold_file_validates() -> None:
    golds = load_gold(GOLD_DIR)
    assert len(golds) == len(_gold_paths()) > 0


def _document_text(document: str) -> str:
    path = ROOT / document
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8")
    from extractor.ingest import read_document

    return read_document(path).text


@pytest.mark.parametrize("path", _gold_paths(), ids=lambda p: p.name)
def test_gold_quotes_occur_and_state_values(path: Path) -> None:
    gold = GoldFile.model_validate_json(path.read_text(encoding="utf-8"))
    problems = gold_quote_problems(_document_text(gold.document), gold)
    assert not problems, "\n".join(problems)
