"""Settings from flags and environment variables; one place decides where they come from."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

BACKENDS = ("rules", "llm", "hybrid", "auto")


class EndpointError(RuntimeError):
    """No usable model endpoint (the local extra missing, a server that will not start, a model
    call that failed for good); the message says why and what to do."""


def user_cache_root() -> Path:
    """The user's own cache folder for this tool (XDG_CACHE_HOME, else ~/.cache)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")) / "extractor"


def default_cache_dir() -> Path:
    return Path(os.environ.get("EXTRACTOR_CACHE_DIR") or user_cache_root())


class Settings(BaseModel):
    backend: str = "auto"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    cache_dir: Path = Field(default_factory=default_cache_dir)  # read when settings are made, not at import
    use_cache: bool = True
    concurrency: int = 2
    mode: str = "auto"  # instructor mode: auto, json, tools, json_schema, md_json
    temperature: float = 0.0
    max_tokens: int = 512
    timeout: float = 120.0  # seconds one model call may take in all, however slowly the answer comes
    max_retries: int = 4
    retry_budget: float = 120.0  # seconds all retries of one call may take together
    max_answer_kb: float = 64.0  # a model answer is a few KB of JSON; more is a broken server
    allow_model_failure: bool = False  # a model that failed is a failed run unless rules fallback is fine
    document_timeout: float | None = 600.0  # seconds one document may take (reading, extraction, model)
    document_memory_mb: float | None = 2048.0  # memory one document may take beyond the worker's own
    max_document_mb: float = 32.0  # a larger input file is refused unread
    price_in: float | None = None  # per million prompt tokens
    price_out: float | None = None

    @classmethod
    def from_env(cls, **flags: object) -> Settings:
        """Flags win; then OPENAI_BASE_URL / OPENAI_API_KEY / EXTRACTOR_MODEL / EXTRACTOR_MODE and
        the EXTRACTOR_TIMEOUT / EXTRACTOR_DOCUMENT_TIMEOUT budgets (seconds)."""
        given = {k: v for k, v in flags.items() if v is not None}
        given.setdefault("base_url", os.environ.get("OPENAI_BASE_URL") or None)
        given.setdefault("api_key", os.environ.get("OPENAI_API_KEY") or None)
        given.setdefault("model", os.environ.get("EXTRACTOR_MODEL") or None)
        given.setdefault("mode", os.environ.get("EXTRACTOR_MODE") or None)
        for key, var in (("timeout", "EXTRACTOR_TIMEOUT"), ("document_timeout", "EXTRACTOR_DOCUMENT_TIMEOUT")):
            given.setdefault(key, _seconds(var))
        return cls(**{k: v for k, v in given.items() if v is not None})

    @property
    def model_configured(self) -> bool:
        return bool(self.base_url or self.api_key or self.model)


def _seconds(var: str) -> float | None:
    raw = os.environ.get(var)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{var}={raw!r} is not a number of seconds") from None
    if value <= 0:
        raise ValueError(f"{var}={raw!r} must be more than 0 seconds")
    return value
