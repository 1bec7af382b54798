"""An oracle model for the plumbing: a fake OpenAI-compatible script that answers every prompt
with the gold choice. Numeric fields: the gold value where it is listed under the field; meta fields: the gold value with its gold quote; lists: the gold items. Whatever the
record then lacks was lost between the model and the record, not by the model."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from fakeserver import FakeServer, Reply, choice_prompt, completion

from extractor.config import Settings
from extractor.evalrun import resolve_document
from extractor.gold import GoldFile
from extractor.ingest import read_document
from extractor.numbers import same_number
from extractor.pipeline import extract_document
from extractor.schema import ExtractionResult


class Oracle:
    def __init__(self) -> None:
        self.gold: GoldFile | None = None

    def __call__(self, body: dict[str, Any]) -> Reply:
        return 200, {}, completion(json.dumps(self.answer(body), ensure_ascii=False))

    def _value(self, field: str) -> Any:
        assert self.gold is not None
        return self.gold.value(field) if field in self.gold.fields else None

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        assert self.gold is not None
        prompt = body["messages"][-1]["content"]
        asked = choice_prompt(body)
        if asked is not None:
            out: dict[str, Any] = {}
            for key in asked[0]:
                gold = self._value(key.replace("_", ".", 1))
                listed = [c.value for c in asked[1] if c.key == key]
                out[key] = gold if gold is not None and any(same_number(v, gold) for v in listed) else None
            return out
        if '"problems"' in prompt or "problems：" in prompt:
            return {name: [{"text": it.text, "quote": it.quote} for it in getattr(self.gold, name) or []]
                    for name in ("problems", "improvements")}
        out = {}
        for key in ("issuer", "report_year", "publish_date"):
            gv = self.gold.fields.get(key)
            out[key] = None if gv is None else gv.value
            out[f"{key}_quote"] = None if gv is None else gv.quote
        return out


def oracle_results(golds: list[GoldFile], gold_dir: Path) -> list[tuple[GoldFile, ExtractionResult, str]]:
    """(gold, `llm` result with the oracle as its model, text) for each gold document, one at a
    time in this process (the oracle answers for the document being read)."""
    oracle = Oracle()
    out = []
    with FakeServer(oracle) as server, tempfile.TemporaryDirectory() as cache:
        settings = Settings(base_url=server.base_url, model="oracle", api_key="x", cache_dir=Path(cache))
        for gold in golds:
            path = str(resolve_document(gold_dir, gold.document))
            oracle.gold = gold
            out.append((gold, extract_document(path, "llm", settings), read_document(path).text))
    return out
