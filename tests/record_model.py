"""Record real answers of the bundled model for the replay tests (run by hand, not by pytest):

    python tests/record_model.py examples/000_3594167f04f41521.txt examples/003_85db5123dd9c84fd.txt

Starts the bundled model on 127.0.0.1, runs the llm and hybrid backends through a recording proxy
(hybrid asks only what the rules left open: prompts of its own), and writes
tests/fixtures/recorded/bundled_model.jsonl (request messages → the model's response).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from fakeserver import FakeServer, recorder  # noqa: E402

from extractor.config import Settings  # noqa: E402
from extractor.local import LocalServer, ensure_model  # noqa: E402
from extractor.pipeline import extract_document  # noqa: E402

OUT = Path(__file__).parent / "fixtures" / "recorded" / "bundled_model.jsonl"


def main(paths: list[str]) -> None:
    OUT.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        model = ensure_model()
        with LocalServer(model) as real, FakeServer(recorder(real.base_url, OUT)) as proxy:
            # A shared 2-core machine can take minutes over one long prompt: the recording waits.
            settings = Settings(base_url=proxy.base_url, model="local", api_key="x", cache_dir=Path(tmp),
                                timeout=900.0, document_timeout=None)
            for p in paths:
                for backend in ("llm", "hybrid"):
                    r = extract_document(p, backend, settings)
                    print(p, backend, r.usage)
    print("recorded", sum(1 for _ in OUT.open()), "responses to", OUT)


if __name__ == "__main__":
    main(sys.argv[1:])
