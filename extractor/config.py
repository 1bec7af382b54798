"""Settings from flags and environment variables; one place decides where they come from."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel

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
    cache_dir: Path = default_cache_dir()
    use_cache: bool = True
    concurrency: int = 2
    mode: str = "auto"  # instructor mode: auto, json, tools, json_schema, md_json
    temperature: float = 0.0
    max_tokens: int = 512
    timeout: float = 120.0
    max_retries: int = 4
    retry_budget: float = 120.0  # seconds all retries of one call may take together
    price_in: float | None = None  # per million prompt tokens
    price_out: float | None = None

    @classmethod
    def from_env(cls, **flags: object) -> Settings:
        """Flags win; then OPENAI_BASE_URL / OPENAI_API_KEY / EXTRACTOR_MODEL."""
        given = {k: v for k, v in flags.items() if v is not None}
        given.setdefault("base_url", os.environ.get("OPENAI_BASE_URL") or None)
        given.setdefault("api_key", os.environ.get("OPENAI_API_KEY") or None)
        given.setdefault("model", os.environ.get("EXTRACTOR_MODEL") or None)
        given.setdefault("mode", os.environ.get("EXTRACTOR_MODE") or None)
        return cls(**{k: v for k, v in given.items() if v is not None})

    @property
    def model_configured(self) -> bool:
        return bool(self.base_url or self.api_key or self.model)
