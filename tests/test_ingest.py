"""Reading .txt / .html / .docx / .pdf into the text every evidence offset points into."""

from __future__ import annotations

import codecs
import hashlib
import random
import re
from pathlib import Path

import docx
import pytest
from conftest import EXAMPLES, HUAIAN_PDF, TEMPLATES

from extractor.config import Settings
from extractor.ingest import IngestError, parse_bytes, read_document
from extractor.pipeline import extract_document

SEEDS = sorted(EXAMPLES.glob("*.txt"))
SEED_IDS = [p.stem for p in SEEDS]


def seed_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


# ------------------------------------------------------------------ plain text and encodings


@pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)
def test_utf8_text_is_the_file_verbatim(seed: Path) -> None:
    doc = read_document(seed)
    raw = seed.read_bytes()
    assert doc.format == "txt"
    assert doc.text == raw.decode("utf-8")
    assert doc.sha256 == hashlib.sha256(raw).hexdigest()
    assert doc.source == str(seed)


def test_utf8_with_bom_drops_the_bom(tmp_path: Path) -> None:
    original = seed_text(SEEDS[0])
    p = tmp_path / "bom.txt"
    p.write_bytes(codecs.BOM_UTF8 + original.encode("utf-8"))
    doc = read_document(p)
    assert not doc.text.startswith("\ufeff")
    assert doc.text == original
    # sha256 is of the input bytes as given, BOM included.
    assert doc.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()


@pytest.mark.parametrize("seed", SEEDS, ids=SEED_IDS)
def test_gb18030_copy_decodes_to_the_utf8_original(seed: Path, tmp_path: Path) -> None:
    original = seed_text(seed)
    p = tmp_path / "gb.txt"
    p.write_bytes(original.encode("gb18030"))
    doc = read_document(p)
    assert doc.text == original  # exactly: no mojibake, no replacement characters
    assert "\ufffd" not in doc.text
    assert doc.encoding is not None and doc.encoding.lower().replace("-", "") == "gb18030"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str, tmp_path: Path) -> None:
    original = seed_text(SEEDS[1])
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    p = tmp_path / "u16.txt"
    p.write_bytes(bom + original.encode(codec))
    doc = read_document(p)
    assert not doc.text.startswith("\ufeff")
    assert doc.text == original


def test_gb18030_report_extracts_like_the_utf8_one(tmp_path: Path) -> None:
    seed = EXAMPLES / "000_3594167f04f41521.txt"
    p = tmp_path / "000_gb18030.txt"
    p.write_bytes(seed.read_bytes().decode("utf-8").encode("gb18030"))
    a = extract_document(str(seed), "rules", Settings())
    b = extract_document(str(p), "rules", Settings())
    assert b.error is None
    assert b.record == a.record
    assert {k: (e.start, e.end, e.quote) for k, e in b.evidence.items()} == {
        k: (e.start, e.end, e.quote) for k, e in a.evidence.items()
    }


# ------------------------------------------------------------------ HTML

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>某县2020年报</title>
<script>var siteId = "9999000001"; document.write("脚本文字");</script>
<style>.nav { color: red }</style></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/zwgk">导航栏目</a></div>
<div id="breadcrumb">当前位置：首页 &gt; 政务公开</div>
<div class="content">
<h1>某县人民政府2020年政府信息公开工作年度报告</h1>
<p>一、总体情况</p>
<p>全年主动公开政府信息100条。</p>
<table>
<tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td></tr>
<tr><td>规章</td><td></td><td>3</td></tr>
<tr><td>规范性文件</td><td>5</td><td>5</td></tr>
</table>
<p>二、主动公开政府信息情况</p>
<p>结尾段落。</p>
</div>
<div class="share">分享到微信</div>
<footer>版权所有：某县人民政府 页脚文字</footer>
<script>console.log("页尾脚本")</script>
</body></html>
"""


def test_html_page_chrome_dropped_and_table_rows_kept() -> None:
    doc = parse_bytes(PAGE.encode("utf-8"), "page.html")
    assert doc.format == "html"
    lines = doc.text.splitlines()
    for chrome in ("导航栏目", "当前位置", "脚本文字", "siteId", "页脚文字", "页尾脚本", "分享到微信", "color: red"):
        assert chrome not in doc.text, chrome
    assert "| 信息内容 | 本年新制作数量 | 本年新公开数量 |" in lines
    # A blank <td> stays an empty cell: the 3 must not move into the first value column.
    assert "| 规章 |  | 3 |" in lines
    assert "| 规范性文件 | 5 | 5 |" in lines
    # Document order is kept.
    order = [
        "某县人民政府2020年政府信息公开工作年度报告",
        "一、总体情况",
        "全年主动公开政府信息100条。",
        "| 规章 |  | 3 |",
        "二、主动公开政府信息情况",
        "结尾段落。",
    ]
    assert [lines.index(x) for x in order] == sorted(lines.index(x) for x in order)


def test_html_is_recognised_without_an_html_suffix() -> None:
    doc = parse_bytes(PAGE.encode("utf-8"), "page.txt")
    assert doc.format == "html"
    assert "<td>" not in doc.text and "| 规章 |  | 3 |" in doc.text.splitlines()


@pytest.mark.parametrize(
    "cut_after",
    ['<p class="x">结尾段', "<tr><td>规范性文件</td><td", "<p cla", '<p class="x'],
    ids=["mid-text", "mid-tag", "mid-attribute-name", "mid-attribute-value"],
)
def test_truncated_html_still_yields_its_text(cut_after: str) -> None:
    page = PAGE.replace("<p>结尾段落。</p>", '<p class="x">结尾段落。</p>')
    cut = page.index(cut_after) + len(cut_after)
    doc = parse_bytes(page[:cut].encode("utf-8"), "cut.html")
    assert doc.format == "html"
    assert "全年主动公开政府信息100条。" in doc.text
    assert "| 规章 |  | 3 |" in doc.text.splitlines()
    assert "<" not in doc.text


def test_real_html_fixture_tables_as_rows_and_blank_cell() -> None:
    doc = read_document(TEMPLATES / "t2021_html.html")
    lines = doc.text.splitlines()
    assert "| 一、本年新收政府信息公开申请数量 | 335 | 43 | 1 | 1 | 9 | 4 | 393 |" in lines
    # The deliberate blank cell (法律服务机构 of 2.重复申请) is an empty cell, not dropped.
    assert "| 2.重复申请 | 8 | 0 | 0 | 0 |  | 0 | 8 |" in lines
    assert "siteId" not in doc.text and "columnId" not in doc.text


# ------------------------------------------------------------------ DOCX


def make_docx(path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("测试市人民政府2021年政府信息公开工作年度报告")
    d.add_paragraph("一、总体情况")
    d.add_paragraph("全年主动公开政府信息120条。")
    d.add_paragraph("   ")  # an empty paragraph prints nothing
    t = d.add_table(rows=4, cols=4)
    merged = t.cell(0, 0).merge(t.cell(0, 3))
    merged.text = "第二十条第（一）项"
    for i, v in enumerate(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]):
        t.cell(1, i).text = v
    for i, v in enumerate(["规章", "2", "", "19"]):
        t.cell(2, i).text = v
    for i, v in enumerate(["行政规范性文件", "14", "9", "132"]):
        t.cell(3, i).text = v
    d.add_paragraph("二、主动公开政府信息情况")
    d.save(str(path))


def test_docx_paragraphs_and_table_in_order(tmp_path: Path) -> None:
    p = tmp_path / "report.docx"
    make_docx(p)
    doc = read_document(p)
    assert doc.format == "docx"
    assert doc.text.splitlines() == [
        "测试市人民政府2021年政府信息公开工作年度报告",
        "一、总体情况",
        "全年主动公开政府信息120条。",
        "| 第二十条第（一）项 |",  # horizontally merged across four columns: printed once
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| 规章 | 2 |  | 19 |",
        "| 行政规范性文件 | 14 | 9 | 132 |",
        "二、主动公开政府信息情况",
    ]


def test_docx_detected_by_content_without_suffix(tmp_path: Path) -> None:
    p = tmp_path / "report.docx"
    make_docx(p)
    doc = parse_bytes(p.read_bytes(), "download")
    assert doc.format == "docx"
    assert "| 规章 | 2 |  | 19 |" in doc.text.splitlines()


def test_damaged_docx_is_an_ingest_error(tmp_path: Path) -> None:
    p = tmp_path / "report.docx"
    make_docx(p)
    data = p.read_bytes()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(IngestError, match=r"docx"):
        read_document(broken)


# ------------------------------------------------------------------ PDF


@pytest.fixture(scope="module")
def huaian_text() -> str:
    return read_document(HUAIAN_PDF).text


def test_pdf_tables_come_out_as_rows(huaian_text: str) -> None:
    lines = huaian_text.splitlines()
    received = [ln for ln in lines if "一、本年新收政府信息公开申请数量" in ln]
    assert len(received) == 1
    row = received[0]
    assert row.startswith("|") and row.endswith("|")
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert [c for c in cells if c] == ["一、本年新收政府信息公开申请数量", "3001", "53", "0", "0", "61", "4", "3119"]
    total = [ln for ln in lines if "（七）总计" in ln]
    assert len(total) == 1 and "2932" in total[0] and "3050" in total[0]
    # Table 四: its one data row, fifteen cells.
    t4 = [ln for ln in lines if re.fullmatch(r"\|(?: \d+ \|){15}", ln)]
    assert t4 == ["| 72 | 64 | 178 | 37 | 351 | 13 | 4 | 8 | 1 | 26 | 12 | 1 | 1 | 6 | 20 |"]


def test_pdf_has_no_page_number_lines(huaian_text: str) -> None:
    for ln in huaian_text.splitlines():
        assert not re.fullmatch(r"\s*[-—–]?\s*\d{1,3}\s*[-—–]?\s*", ln), repr(ln)
        assert not re.fullmatch(r"\s*第\s*\d+\s*页.*", ln), repr(ln)
    assert "- 3 -" not in huaian_text and "-4-" not in huaian_text


def test_pdf_wrapped_lines_rejoined(huaian_text: str) -> None:
    # A sentence the PDF wraps over two lines ("答\n复 3050 件") is one line of text.
    assert "2024 年，全市共受理政府信息公开申请 3119 件，答复 3050 件" in huaian_text
    assert "一、总体情况" in huaian_text.splitlines()


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from PIL import Image

    p = tmp_path / "scan.pdf"
    Image.new("RGB", (595, 842), "white").save(p, "PDF")
    with pytest.raises(IngestError, match="no text layer"):
        read_document(p)


def test_truncated_pdf_is_an_ingest_error(tmp_path: Path) -> None:
    p = tmp_path / "cut.pdf"
    p.write_bytes(HUAIAN_PDF.read_bytes()[:2000])
    with pytest.raises(IngestError):
        read_document(p)


# ------------------------------------------------------------------ bad input


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    with pytest.raises(IngestError, match="empty"):
        read_document(p)


@pytest.mark.parametrize("blank", [" \n\t\r\n  \n", "\u3000\u3000\n \n\u3000"], ids=["ascii", "ideographic"])
def test_whitespace_only_file(blank: str, tmp_path: Path) -> None:
    p = tmp_path / "blank.txt"
    p.write_bytes(blank.encode("utf-8"))
    with pytest.raises(IngestError, match="empty|no text"):
        read_document(p)


def test_binary_file_with_nuls(tmp_path: Path) -> None:
    rng = random.Random(20240101)
    data = bytes(rng.randrange(256) for _ in range(4096)) + b"\x00\x00\x00" + bytes(range(256))
    p = tmp_path / "blob.txt"
    p.write_bytes(data)
    with pytest.raises(IngestError, match="binary"):
        read_document(p)


def test_binary_file_without_nuls(tmp_path: Path) -> None:
    rng = random.Random(7)
    data = bytes(rng.randrange(1, 256) for _ in range(8192))
    p = tmp_path / "noise.txt"
    p.write_bytes(data)
    with pytest.raises(IngestError, match="binary|encoding"):
        read_document(p)


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no such file"):
        read_document(tmp_path / "nope.txt")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="directory"):
        read_document(tmp_path)


def test_bad_input_through_the_pipeline_is_an_error_record(tmp_path: Path) -> None:
    p = tmp_path / "empty.txt"
    p.write_bytes(b"")
    r = extract_document(str(p), "rules", Settings())
    assert r.error is not None and str(p) in r.error and "empty" in r.error
    assert r.evidence == {} and r.record.issuer is None


# ------------------------------------------------------------------ a large file


def test_20mb_text_file_reads_and_extracts(tmp_path: Path) -> None:
    seed = (EXAMPLES / "000_3594167f04f41521.txt").read_text(encoding="utf-8")
    copies = 20 * 1024 * 1024 // len(seed.encode("utf-8")) + 1
    p = tmp_path / "big.txt"
    p.write_text(seed * copies, encoding="utf-8")
    assert p.stat().st_size >= 20 * 1024 * 1024
    r = extract_document(str(p), "rules", Settings())
    assert r.error is None
    assert r.record.issuer == "丽江市人民政府"
    assert r.record.proactive.total == 34596
    text = read_document(p).text
    assert len(text) == len(seed) * copies
    for name, ev in r.evidence.items():
        assert text[ev.start : ev.end] == ev.quote, name


def test_source_bytes_hash_for_every_example() -> None:
    for p in [*SEEDS, HUAIAN_PDF, *sorted(TEMPLATES.glob("t*.*"))]:
        doc = read_document(p)
        assert doc.sha256 == hashlib.sha256(p.read_bytes()).hexdigest()
        assert doc.text.strip(), p
