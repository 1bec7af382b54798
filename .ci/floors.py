"""Print a pip constraints file pinning every dependency (and the dev extra) to its lowest allowed
version, so that CI can prove the floors in pyproject.toml are true."""

from __future__ import annotations

import re
import sys
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
for spec in [*project["dependencies"], *project["optional-dependencies"]["dev"]]:
    # A floor, and at most an upper bound beside it ("pydantic>=2.8,<3").
    m = re.fullmatch(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)(?:\s*,\s*<\s*[^,;\s]+)?", spec.strip())
    if not m:
        sys.exit(f"no plain >= floor in {spec!r}")
    print(f"{m.group(1)}=={m.group(2)}")
