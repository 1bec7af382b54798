"""Disk cache of model answers. diskcache is SQLite underneath: every write is a transaction, so an
interrupted run or a killed process leaves the cache whole."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def cache_key(**parts: Any) -> str:
    """A stable key from the model name, prompt hash, schema hash, input text and sampling."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def schema_hash(model: type) -> str:
    schema = model.model_json_schema()  # type: ignore[attr-defined]
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()[:16]


class ResponseCache:
    def __init__(self, directory: Path | None) -> None:
        self._cache = None
        if directory is not None:
            import diskcache

            directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(directory / "responses"))

    def get(self, key: str) -> dict[str, Any] | None:
        if self._cache is None:
            return None
        value = self._cache.get(key)
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        if self._cache is not None:
            self._cache.set(key, value)

    def __len__(self) -> int:
        return 0 if self._cache is None else len(self._cache)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
