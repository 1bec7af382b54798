"""A new user's first run: office files that are not .docx, a folder with other files in it,
`eval` away from the repository, and --help."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from extractor import evalrun
from extractor.cli import app
from extractor.ingest import IngestError, read_document

CONVERT = "unsupported format: convert to .docx or .pdf"
OLE2 = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504  # the header every .doc/.xls/.ppt starts with


@pytest.mark.parametrize("name", ["report.doc", "report.xls", "report.xlsx", "report.wps"])
def test_office_files_that_are_not_docx_are_told_to_be_converted(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(OLE2)
    with pytest.raises(IngestError, match=re.escape(CONVERT)):
        read_document(path)


def test_an_old_office_file_under_another_name_is_recognised_by_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "downloaded.txt"
    path.write_bytes(OLE2)
    with pytest.raises(IngestError, match=re.escape(CONVERT)):
        read_document(path)


def test_a_folder_walk_lists_what_it_skipped_and_why(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(EXAMPLES / "000_3594167f04f41521.txt", folder / "a.txt")
    (folder / "b.doc").write_bytes(OLE2)
    (folder / "README.md").write_text("notes\n", encoding="utf-8")
    (folder / ".hidden").write_text("x", encoding="utf-8")
    res = CliRunner().invoke(app, ["extract", str(folder), "-b", "rules", "-o", str(tmp_path / "out.jsonl")])
    assert res.exit_code == 0, res.output
    assert f"skipped {folder / 'b.doc'}: {CONVERT}" in res.output
    assert f"skipped {folder / 'README.md'}: not a report format (.md)" in res.output
    assert ".hidden" not in res.output
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_a_named_doc_file_is_a_failed_document_with_the_advice(tmp_path: Path) -> None:
    (tmp_path / "old.doc").write_bytes(OLE2)
    res = CliRunner().invoke(app, ["extract", str(tmp_path / "old.doc"), "-b", "rules", "-o", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 1
    assert CONVERT in res.output


def test_eval_away_from_the_repository_says_where_it_looked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As from an installed wheel: neither ./eval/gold nor a source tree beside the package.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(evalrun, "_SOURCE_GOLD", tmp_path / "site-packages" / "eval" / "gold")
    res = CliRunner().invoke(app, ["eval"])
    assert res.exit_code == 2
    assert str(tmp_path / "eval" / "gold") in res.output
    assert "--gold" in res.output


def test_eval_with_a_gold_folder_that_holds_no_gold(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["eval", "--gold", str(tmp_path)])
    assert res.exit_code == 2
    assert f"no gold files (*.json) in {tmp_path}" in res.output


@pytest.mark.parametrize("command", [[], ["extract"], ["review"], ["summarize"], ["eval"], ["text"], ["version"]])
def test_help_shows_no_raw_placeholders(command: list[str]) -> None:
    res = CliRunner().invoke(app, [*command, "--help"], terminal_width=120)
    assert res.exit_code == 0
    raw = re.findall(r"<[a-z][\w\[\]|, ]*>|\{\w+\}|\[default: <", res.output)
    assert raw == [], raw
