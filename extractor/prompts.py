"""Prompt templates from prompts/, versioned by their content hash (which also keys the cache)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def prompts_dir() -> Path:
    # Installed: shipped inside the package; in a checkout: the top-level prompts/ folder.
    here = Path(__file__).resolve().parent
    for candidate in (here / "prompts", here.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("prompts/ folder not found beside the package")


@dataclass(frozen=True)
class Prompt:
    name: str
    template: str
    sha: str

    def render(self, **values: str) -> str:
        out = self.template
        for k, v in values.items():
            out = out.replace("{" + k + "}", v)
        return out


@lru_cache(maxsize=64)
def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    path = (directory or prompts_dir()) / f"{name}.md"
    text = path.read_text(encoding="utf-8")
    return Prompt(name=name, template=text, sha=hashlib.sha256(text.encode("utf-8")).hexdigest()[:16])
