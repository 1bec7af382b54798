"""What a backend proposes before the evidence check: a value, its quote, where to look."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Claim:
    """A proposed value for one dotted field (or a table row / list item key).

    `quote` is what the backend says the document says; `near` is a hint for where (an offset), so
    a repeated phrase aligns to the right place. `parts` are the addends of a summed value: each
    must itself be in the quote.
    """

    field: str
    value: Any
    quote: str
    near: int | None = None
    approximate: bool = False
    parts: list[float | int] = field(default_factory=list)
    note: str | None = None  # goes into warnings when the claim is kept (e.g. "summed from …")
    origin: str = "rules"
