"""Read .txt / .html / .docx / .pdf into a Document whose `text` every offset points into.

Tables become one line per row, cells joined as `| a | b |`, so that one table parser serves
every format. Errors are IngestError with a reason a user can act on.
"""

from __future__ import annotations

import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .schema import Document

TEXT_SUFFIXES = {".txt", ".text", ".md", ".csv", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}
# What a folder walk picks up: report formats only, not a README.md or last run's out.csv.
REPORT_SUFFIXES = {".txt", ".text", ".docx", ".pdf"} | HTML_SUFFIXES
# Office formats people save reports in that are not read here: each gets the same advice.
UNSUPPORTED = {
    ".doc": "Word 97-2003 document", ".wps": "WPS document", ".rtf": "RTF document",
    ".xls": "Excel 97-2003 workbook", ".xlsx": "Excel workbook", ".et": "WPS spreadsheet",
    ".ppt": "PowerPoint 97-2003 file", ".pptx": "PowerPoint file", ".odt": "OpenDocument text",
}
_CONVERT = "unsupported format: convert to .docx or .pdf"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .xls, .ppt and .wps


class IngestError(Exception):
    """The file cannot be read as a report; the message says why."""


MAX_DOCUMENT_MB = 32  # a report is a few MB at most; a larger file is a dump or a mistake
MAX_INFLATED_MB = 256  # what a DOCX may unpack to (its XML and images together)


def read_document(path: str | Path, max_mb: float = MAX_DOCUMENT_MB) -> Document:
    """The file's bytes decoded. Only a regular file of at most `max_mb` is read: a FIFO would
    block, and the memory a document costs grows with its size."""
    p = Path(path)
    try:
        st = p.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IngestError("is a directory")
        if not stat.S_ISREG(st.st_mode):
            raise IngestError("not a regular file (a device, pipe or socket)")
        if st.st_size > max_mb * 2**20:
            raise IngestError(f"{st.st_size / 2**20:.1f} MB, over the {max_mb:g} MB limit for one document "
                              "(--max-document-mb)")
        data = p.read_bytes()
    except FileNotFoundError:
        raise IngestError("no such file") from None
    except IsADirectoryError:
        raise IngestError("is a directory") from None
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from None
    return parse_bytes(data, str(path))


def skip_reason(path: str | Path) -> str:
    """Why a folder walk passes a file over."""
    suffix = Path(path).suffix.lower()
    if suffix in UNSUPPORTED:
        return f"{_CONVERT} ({suffix}: {UNSUPPORTED[suffix]})"
    return f"not a report format ({suffix or 'no suffix'}); reports are {' '.join(sorted(REPORT_SUFFIXES))}"


def _unsupported(data: bytes, suffix: str) -> str | None:
    """The advice for an office file that is not .docx, by its name or its first bytes."""
    if suffix in UNSUPPORTED:
        return f"{_CONVERT} ({suffix}: {UNSUPPORTED[suffix]})"
    if data.startswith(_OLE2):
        return f"{_CONVERT} (an old Office or WPS file, such as .doc or .xls)"
    if data.startswith(b"PK\x03\x04") and (b"xl/" in data[:4096] or b"ppt/" in data[:4096]):
        return f"{_CONVERT} (an Excel or PowerPoint file)"
    return None

def file_sha256(path: str | Path, chunk: int = 1 << 22) -> str | None:
    """The sha256 of a file's bytes, read in blocks (None when it cannot be read)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while block := fh.read(chunk):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def check_archive(data: bytes, what: str, limit_mb: float = MAX_INFLATED_MB) -> None:
    """Refuse a zip (DOCX, XLSX) whose members unpack to more than `limit_mb` before anything is
    unpacked. The sizes come from the zip's directory; zipfile never returns more than a member's
    stated size (a member that inflates further fails its CRC check), so the sum bounds memory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError(f"not a readable {what} ({type(exc).__name__})") from None
    if total > limit_mb * 2**20:
        raise IngestError(f"archive unpacks to {total / 2**20:.0f} MB, over the {limit_mb:g} MB limit")


def parse_bytes(data: bytes, source: str) -> Document:
    suffix = Path(source).suffix.lower()
    unsupported = _unsupported(data, suffix)
    if unsupported:
        raise IngestError(unsupported)
    if not data.strip():
        raise IngestError("empty file")
    sha = hashlib.sha256(data).hexdigest()
    encoding: str | None = None
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        fmt, text = "pdf", pdf_to_text(data)
    elif suffix == ".docx" or (data.startswith(b"PK\x03\x04") and b"word/" in data[:4096]):
        fmt, text = "docx", docx_to_text(data)
    else:
        raw, encoding = decode(data)
        if suffix in HTML_SUFFIXES or _looks_like_html(raw):
            fmt, text = "html", html_to_text(raw)
        else:
            fmt, text = "txt", raw
    if not text.strip():
        raise IngestError(f"no text found in this {fmt} file")
    return Document(source=source, text=text, sha256=sha, format=fmt, encoding=encoding)


# ---------------------------------------------------------------- encodings


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM or not), UTF-16 with BOM, then GB18030; never a lossy guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data[:8192]:
        raise IngestError("binary file (NUL bytes), not a text report")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise IngestError("not valid UTF-8 or GB18030 text (binary or unknown encoding)") from None
    # GB18030 decodes almost any byte string; insist that the result reads as Chinese text.
    if _cjk_share(text) < 0.2:
        raise IngestError("binary file or unknown encoding (decoded text is not Chinese)")
    return text, "gb18030"


def _strict(data: bytes, enc: str) -> str:
    try:
        return data.decode(enc)
    except UnicodeDecodeError as exc:
        raise IngestError(f"invalid {enc} at byte {exc.start}") from None


def _cjk_share(text: str) -> float:
    sample = [c for c in text[:20000] if not c.isspace() and not c.isascii()]
    if not sample:
        return 1.0 if text.isascii() else 0.0
    cjk = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef")
    return cjk / len(sample)


# ---------------------------------------------------------------- tables as rows


def row_line(cells: list[str | None]) -> str:
    cleaned = [re.sub(r"\s*\n\s*", "", c or "").strip() for c in cells]
    return "| " + " | ".join(cleaned) + " |"


# ---------------------------------------------------------------- HTML

_CHROME = re.compile(
    r"nav|menu|footer|header|breadcrumb|crumb|share|sidebar|toolbar|copyright|banner|search|login|"
    r"top-?bar|bottom|related|xgxx|link",
    re.I,
)
_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "tr",
    "table", "blockquote", "pre", "ul", "ol", "dd", "dt", "center",
}


def _looks_like_html(raw: str) -> bool:
    head = raw[:2048].lower()
    return "<html" in head or "<!doctype html" in head or ("<body" in head and "</" in raw)


_DROPPED = {"script", "style", "noscript", "iframe", "nav", "header", "footer", "aside", "form"}
_NEVER_CHROME = {"html", "body", "table", "tr", "td", "th", "tbody"}
_NOT_TEXT = {"Comment", "Doctype", "Declaration", "ProcessingInstruction"}


def _dropped(tag: Any) -> bool:
    """Page furniture: scripts, navigation, and blocks whose class or id names a menu, footer …"""
    if tag.name in _DROPPED:
        return True
    if tag.name in _NEVER_CHROME:
        return False
    marks = " ".join([*(tag.get("class") or []), tag.get("id") or ""])
    return bool(marks.strip()) and _CHROME.search(marks) is not None


def _kept(node: Any) -> Iterator[Any]:
    """Every node below `node` in document order, page furniture skipped. An explicit stack, not
    recursion: a page nested thousands deep is read in time linear in its size."""
    from bs4 import Tag

    stack = [iter(node.children)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif not isinstance(child, Tag):
            yield child
        elif not _dropped(child):
            yield child
            stack.append(iter(child.children))


def _cell_text(cell: Any) -> str:
    from bs4 import NavigableString

    parts = (str(n).strip() for n in _kept(cell) if isinstance(n, NavigableString) and type(n).__name__ not in _NOT_TEXT)
    return " ".join(p for p in parts if p)


def html_to_text(raw: str) -> str:
    from bs4 import BeautifulSoup, NavigableString, Tag

    soup = BeautifulSoup(raw, "lxml")
    root = soup.body or soup
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = re.sub(r"[ \t\u3000\xa0]+", " ", "".join(buf)).strip()
        if line:
            lines.append(line)
        buf.clear()

    # Block elements end a line before and after; a table is printed row by row. The walk keeps its
    # own stack (FLUSH marks where a block ends) so that nesting depth costs nothing.
    flush_mark = object()
    stack: list[Any] = [iter(root.children)]
    while stack:
        top = stack[-1]
        if top is flush_mark:
            stack.pop()
            flush()
            continue
        child = next(top, None)
        if child is None:
            stack.pop()
        elif isinstance(child, NavigableString):
            if type(child).__name__ not in _NOT_TEXT:
                buf.append(str(child).replace("\n", " "))
        elif not isinstance(child, Tag) or _dropped(child):
            continue
        elif child.name == "table":
            flush()
            for tr in (n for n in _kept(child) if isinstance(n, Tag) and n.name == "tr"):
                cells = [_cell_text(c) for c in tr.children if isinstance(c, Tag) and c.name in ("td", "th")]
                if any(cells):
                    lines.append(row_line(cells))
        elif child.name in _BLOCK:
            flush()
            stack += [flush_mark, iter(child.children)]
        else:
            stack.append(iter(child.children))
    flush()
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- DOCX


def docx_to_text(data: bytes) -> str:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover - a declared dependency
        raise IngestError("reading .docx needs python-docx (pip install python-docx)") from None
    check_archive(data, ".docx")
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds for a damaged package
        raise IngestError(f"not a readable .docx ({type(exc).__name__})") from None
    lines: list[str] = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, d).text.strip()
            if text:
                lines.append(text)
        elif tag == "tbl":
            lines.extend(_docx_rows(Table(child, d)))
    return "\n".join(lines) + "\n"


def _docx_rows(table: Any) -> list[str]:
    """A table's rows, a horizontally merged cell printed once. A table python-docx cannot lay
    out on its grid (a vertical merge in the first row, a gridSpan that is not a number) is read
    cell by cell as written in the file: its text is there even when its layout is not."""
    from docx.table import _Cell

    lines: list[str] = []
    try:
        for row in table.rows:
            seen: set[int] = set()
            cells: list[str] = []
            for cell in row.cells:
                # A horizontally merged cell repeats the same <w:tc>; print it once.
                if id(cell._tc) in seen:
                    continue
                seen.add(id(cell._tc))
                cells.append(cell.text)
            if any(c.strip() for c in cells):
                lines.append(row_line(cells))
    except (ValueError, TypeError, IndexError, AttributeError):
        lines = []
        for tr in table._tbl.tr_lst:
            cells = [_Cell(tc, table).text for tc in tr.tc_lst]
            if any(c.strip() for c in cells):
                lines.append(row_line(cells))
    return lines


# ---------------------------------------------------------------- PDF

_PAGE_NO = re.compile(r"^[-—–\s]*\d{1,3}[-—–\s]*$|^第\s*\d+\s*页")
_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[)）]|\d+[、.．](?!\d))")
_SENTENCE_END = ("。", "：", ":", "；", "！", "？", "」", "》")


def pdf_to_text(data: bytes) -> str:
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a declared dependency
        raise IngestError("reading .pdf needs pdfplumber (pip install pdfplumber)") from None
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = list(pdf.pages)
    except Exception as exc:  # pdfminer raises many kinds for a damaged file
        raise IngestError(f"not a readable PDF ({type(exc).__name__})") from None
    blocks: list[tuple[str, str, float, float]] = []
    with pdf:
        for page in pages:
            blocks.extend(_pdf_page_blocks(page))
    if sum(len(b[1]) for b in blocks) < 20:
        raise IngestError(
            f"PDF has no text layer ({len(pages)} page(s) of images?): run OCR first, e.g. ocrmypdf"
        )
    return _join_pdf_lines(blocks)


def _pdf_page_blocks(page) -> list[tuple[str, str, float, float]]:  # type: ignore[no-untyped-def]
    """(kind, text, x0, x1) in reading order; kind is "text" or "row"."""
    tables = [t for t in page.find_tables() if max((len(r.cells) for r in t.rows), default=0) >= 2]
    items: list[tuple[float, str, str, float, float]] = []
    for t in tables:
        for row, cells in zip(t.rows, t.extract(), strict=False):
            if any(c and c.strip() for c in cells):
                items.append((row.bbox[1], "row", row_line(cells), row.bbox[0], row.bbox[2]))

    def outside(obj) -> bool:  # type: ignore[no-untyped-def]
        if "x0" not in obj or "top" not in obj:
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(t.bbox[0] <= cx <= t.bbox[2] and t.bbox[1] <= cy <= t.bbox[3] for t in tables)

    rest = page.filter(outside) if tables else page
    for line in rest.extract_text_lines(keep_blank_chars=False):
        text = line["text"].strip()
        if text and not _PAGE_NO.match(text):
            items.append((line["top"], "text", text, line["x0"], line["x1"]))
    items.sort(key=lambda it: it[0])
    return [(kind, text, x0, x1) for _, kind, text, x0, x1 in items]


def _join_pdf_lines(blocks: list[tuple[str, str, float, float]]) -> str:
    """Undo the PDF's line wrapping: a text line that fills the measure and does not end a
    sentence continues on the next line, unless that one is indented (a new paragraph)."""
    texts = [b for b in blocks if b[0] == "text"]
    if not texts:
        return "\n".join(b[1] for b in blocks) + "\n"
    left = min(b[2] for b in texts)
    right = max(b[3] for b in texts)
    # The width of one CJK character, from the widest lines: they hold the most characters.
    em = max(((b[3] - b[2]) / max(len(b[1]), 1) for b in texts), default=10.0)
    out: list[str] = []
    prev: tuple[str, str, float, float] | None = None
    for block in blocks:
        kind, text, x0, _x1 = block
        joinable = (
            prev is not None
            and kind == "text"
            and prev[0] == "text"
            and prev[3] >= right - 1.5 * em
            and x0 <= left + 0.5 * em
            and not out[-1].endswith(_SENTENCE_END)
            and not _HEADING_START.match(text)
        )
        if joinable:
            out[-1] += text
        else:
            out.append(text)
        prev = block
    return "\n".join(out) + "\n"
