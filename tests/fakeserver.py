"""A tiny OpenAI-compatible HTTP server on 127.0.0.1 for tests: scripted faults, replay of
responses recorded from the real bundled model, and a recording proxy that made those records."""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

Reply = tuple[int, dict[str, str], Any]  # status, headers, body (dict → JSON; str → raw text; Drip)
Script = Callable[[dict[str, Any]], Reply]


@dataclass(frozen=True)
class Drip:
    """A body sent `every` seconds a byte at a time, after the headers (a server that never stalls
    long enough for a read timeout, and never finishes)."""

    body: Any
    every: float = 1.0


def request_key(body: dict[str, Any]) -> str:
    """Requests match by their messages alone (the model name differs between record and replay)."""
    return hashlib.sha256(json.dumps(body.get("messages"), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def completion(content: str, prompt_tokens: int = 10, completion_tokens: int = 5) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "test",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


_ASKED = re.compile(r"^([a-z_]+)（.*：$")
_LINE = re.compile(r"^  (-?[\d.]+)（(.*)）$")


@dataclass(frozen=True)
class Listed:
    """One number listed under a field of a choose prompt: the field's answer key, the value and
    where the text writes it."""

    key: str
    value: float
    where: str


def choice_prompt(body: dict[str, Any]) -> tuple[list[str], list[Listed]] | None:
    """(asked answer keys, the numbers listed under them) of a prompt that asks the model to
    choose among the text's numbers (prompts/choose.md); None for any other prompt."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    if "每个项目下面列出了报告里可能是它的数字" not in user:
        return None
    keys: list[str] = []
    listed: list[Listed] = []
    for line in user.splitlines():
        if (k := _ASKED.match(line)) is not None:
            keys.append(k.group(1))
        elif (v := _LINE.match(line)) is not None and keys:
            listed.append(Listed(keys[-1], float(v.group(1)), v.group(2)))
    return keys, listed


class FakeServer:
    """`models`: what GET /models lists (empty: a server that lists nothing, so any name goes)."""

    def __init__(self, script: Script, models: tuple[str, ...] = (), models_status: int = 200) -> None:
        self.script = script
        self.requests: list[dict[str, Any]] = []
        self.closed = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                if models_status != 200:
                    self._send(models_status, {}, {"error": {"message": f"HTTP {models_status}", "type": "test"}})
                    return
                self._send(200, {}, {"object": "list", "data": [{"id": m, "object": "model"} for m in models]})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                server.requests.append(body)
                status, headers, payload = server.script(body)
                if status == 0:  # 0 = hang past the client's timeout
                    time.sleep(float(payload))
                    return
                self._send(status, headers, payload)

            def _send(self, status: int, headers: dict[str, str], payload: Any) -> None:
                drip = payload if isinstance(payload, Drip) else None
                payload = drip.body if drip else payload
                raw = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
                data = raw.encode("utf-8")
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                if drip is None:
                    self.wfile.write(data)
                    return
                for i in range(len(data)):
                    if server.closed.is_set():
                        return
                    with contextlib.suppress(OSError):
                        self.wfile.write(data[i : i + 1])
                        self.wfile.flush()
                    server.closed.wait(drip.every)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closed.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def replay(records: Path) -> Script:
    """Serve the recorded answer for each request; 404 for a request never recorded."""
    table = {}
    for line in records.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        table[rec["key"]] = rec["response"]

    def script(body: dict[str, Any]) -> Reply:
        key = request_key(body)
        if key in table:
            return 200, {}, table[key]
        return 404, {}, {"error": {"message": "request not in the recording", "type": "not_found"}}

    return script


def recorder(upstream: str, out: Path) -> Script:
    """Forward to a real server and append each (request key, response) to `out`."""
    lock = threading.Lock()

    def script(body: dict[str, Any]) -> Reply:
        r = httpx.post(f"{upstream}/chat/completions", json=body, timeout=600)
        payload = r.json()
        with lock, out.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({"key": request_key(body), "request": body["messages"], "response": payload},
                                ensure_ascii=False) + "\n")
        return r.status_code, {}, payload

    return script
