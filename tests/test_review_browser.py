"""The review site in a real headless Chromium (Debian's `chromium` package through Playwright):
every highlight is its evidence's text, a click on a field brings its quote into view, a click on a
highlight names its fields, the index lists, sorts and filters every document, and a page with
1,000 highlights still answers clicks. Screenshots go to eval/results/screenshots (or
$EXTRACTOR_SCREENSHOTS) for a person to look at."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from browser import chromium, many_highlights, unavailable
from conftest import EXAMPLES, ROOT, rules_result
from typer.testing import CliRunner

from extractor.cli import app
from extractor.ingest import read_document

pytestmark = pytest.mark.skipif(unavailable() is not None, reason=unavailable() or "")

GLUED_2021 = ROOT / "eval" / "corpus" / "010_pingtansyq_2021.txt"
INPUTS = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".pdf")) + [GLUED_2021]
SHOTS = Path(os.environ.get("EXTRACTOR_SCREENSHOTS") or ROOT / "eval" / "results" / "screenshots")
# Everything a page holds about its marks and fields, read in the page itself.
PAGE_STATE = """() => ({
  text: document.getElementById("text").textContent,
  marks: Array.from(document.querySelectorAll("#text mark"), m => [m.dataset.k, Number(m.dataset.s), m.textContent]),
  fields: JSON.parse(document.getElementById("data").textContent).fields,
})"""
IN_VIEW = """(k) => {
  const m = Array.from(document.querySelectorAll("#text mark")).find(e => e.dataset.k.split(" ").includes(k));
  const r = m.getBoundingClientRect(), pane = document.getElementById("text-pane").getBoundingClientRect();
  return r.top >= pane.top && r.bottom <= pane.bottom && m.classList.contains("flash");
}"""


def review(args: list[str], status: int = 0) -> None:
    res = CliRunner().invoke(app, ["review", *args])
    assert res.exit_code == status, res.output


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The examples, a glued crawler dump, and a Word 97 file that fails (exit status 1)."""
    folder = tmp_path_factory.mktemp("review")
    (folder / "old_report.doc").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504)
    review([*map(str, INPUTS), str(folder / "old_report.doc"), "-b", "rules", "-o", str(folder / "site")], status=1)
    return folder / "site"


@pytest.fixture(scope="module")
def browser() -> Any:
    with chromium() as context:
        yield context


def pages(site: Path) -> list[Path]:
    return sorted((site / "reports").glob("*.html"))


def test_every_highlight_is_its_evidence_text(site: Path, browser: Any) -> None:
    page = browser.new_page()
    for source, html_page in zip(INPUTS, pages(site), strict=False):  # the failed .doc comes last
        result, text = rules_result(source), read_document(source).text
        page.goto(html_page.as_uri())
        state = page.evaluate(PAGE_STATE)
        assert state["text"] == text  # the page shows the decoded text offsets point into, verbatim
        key_of = {f["n"]: k for k, f in state["fields"].items()}
        assert set(key_of) == set(result.evidence)
        for name, ev in result.evidence.items():
            marks = [(s, t) for keys, s, t in state["marks"] if key_of[name] in keys.split()]
            assert marks[0][0] == ev.start, (source.name, name)
            assert "".join(t for _, t in marks) == text[ev.start : ev.end] == ev.quote, (source.name, name)
        for _, s, t in state["marks"]:
            assert text[s : s + len(t)] == t
    page.close()


def test_clicking_a_field_brings_its_quote_into_view(site: Path, browser: Any) -> None:
    page = browser.new_page()
    huaian = next(p for p in pages(site) if "huaian" in p.name)
    page.goto(huaian.as_uri())
    fields = page.evaluate(PAGE_STATE)["fields"]
    # the value quoted furthest down the report, then one near the top: the text scrolls both ways
    result = rules_result(EXAMPLES / "huaian_2024_report.pdf")
    ordered = sorted(result.evidence, key=lambda n: result.evidence[n].start)
    for name in (ordered[-1], ordered[0]):
        k = next(k for k, f in fields.items() if f["n"] == name)
        page.click(f"#f-{k}" if page.query_selector(f"#f-{k}") else f'#record-pane [data-k="{k}"]')
        page.wait_for_function(IN_VIEW, arg=k, timeout=5000)
    # a table 三 cell: the second click of "two clicks to check a value"
    page.click('#table-3 + table td[data-k]')
    page.wait_for_timeout(400)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "report.png"))
    page.close()


def test_clicking_a_highlight_names_its_fields(site: Path, browser: Any) -> None:
    page = browser.new_page()
    huaian = next(p for p in pages(site) if "huaian" in p.name)
    page.goto(huaian.as_uri())
    mark = page.query_selector("#text mark.multi")  # a table row quoted by its row and by a sum
    assert mark is not None
    keys = mark.get_attribute("data-k").split()
    fields = page.evaluate(PAGE_STATE)["fields"]
    mark.click()
    popup = page.locator("#popup")
    popup.wait_for(state="visible", timeout=5000)
    for k in keys:
        assert fields[k]["n"] in popup.inner_text()
    popup.locator("button").first.click()  # and from the popup back to the field in the record
    page.wait_for_function(f'document.querySelector(\'#record-pane [data-k="{keys[0]}"]\').classList.contains("flash")',
                           timeout=5000)
    page.close()


def test_index_lists_sorts_and_filters_every_document(site: Path, browser: Any) -> None:
    page = browser.new_page()
    page.goto((site / "index.html").as_uri())
    rows = page.locator("#reports tbody tr")
    assert rows.count() == len(INPUTS) + 1
    hrefs = [rows.nth(i).locator("a").get_attribute("href") for i in range(rows.count())]
    assert all((site / h).is_file() for h in hrefs)
    names = [Path(rows.nth(i).locator("a").inner_text()).name for i in range(rows.count())]
    assert names == [p.name for p in INPUTS] + ["old_report.doc"]
    failed = page.locator("#failed + ul li").all_inner_texts()
    assert len(failed) == 1 and "old_report.doc" in failed[0] and "convert to .docx or .pdf" in failed[0]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "index.png"))
    page.click("#reports th:nth-child(4)")  # year, ascending
    years = [int(y) for y in page.locator("#reports tbody td:nth-child(4)").all_inner_texts() if y]
    assert years == sorted(years) and len(set(years)) > 1
    page.fill("#filter", "淮安")
    page.wait_for_function("document.querySelectorAll('#reports tbody tr:not([hidden])').length === 1", timeout=5000)
    assert "淮安市人民政府" in page.locator("#reports tbody tr:not([hidden])").inner_text()
    page.close()


def test_a_page_with_a_thousand_highlights_answers_clicks(tmp_path: Path, browser: Any) -> None:
    records = many_highlights(tmp_path, 1000)
    review([str(records), "-o", str(tmp_path / "site")])
    page = browser.new_page()
    page.goto(pages(tmp_path / "site")[0].as_uri())
    state = page.evaluate(PAGE_STATE)
    assert len(state["fields"]) == 1000
    assert {k for keys, _, _ in state["marks"] for k in keys.split()} == set(state["fields"])
    last = max(state["fields"], key=int)
    page.click(f"#f-{last}")
    page.wait_for_function(IN_VIEW, arg=last, timeout=10000)
    page.click("#text mark.multi")
    page.locator("#popup").wait_for(state="visible", timeout=10000)
    page.close()


def test_screenshots_are_where_a_reviewer_looks(capsys: pytest.CaptureFixture[str]) -> None:
    """Runs after the tests that take them (file order): says where they are."""
    shots = [SHOTS / "report.png", SHOTS / "index.png"]
    assert all(p.is_file() and p.stat().st_size > 10_000 for p in shots)
    with capsys.disabled():
        print(f"\nreview screenshots: {', '.join(map(str, shots))}")
