"""A loopback fake Ollama server speaking Ollama's HTTP API (/api/chat, /api/generate,
/api/tags), for tests. Each test sets what it answers: a list of reasons (one per request, the
last repeated), or a behaviour: "slow" (waits ``delay`` seconds), "error" (HTTP 500),
"malformed" (content that is not JSON), and which models /api/tags lists."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOllama:
    def __init__(self) -> None:
        self.answers: list[str] = ["좋은 PC입니다."]
        self.behaviour = "ok"
        self.delay = 0.0
        self.models = ["exaone3.5:7.8b"]
        self.requests: list[dict[str, object]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, status: int, body: object) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                if self.path == "/api/tags":
                    models = [{"name": m, "model": m, "modified_at": "2026-01-01T00:00:00Z",
                               "size": 1, "digest": "x", "details": {}} for m in fake.models]  # fmt: skip
                    self._send(200, {"models": models})
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append({"path": self.path, **body})
                if self.path not in ("/api/chat", "/api/generate"):
                    return self._send(404, {"error": "not found"})
                if fake.behaviour == "slow":
                    time.sleep(fake.delay)
                if fake.behaviour == "error":
                    return self._send(500, {"error": "model runner has crashed"})
                index = min(len(fake.requests_to(self.path)) - 1, len(fake.answers) - 1)
                reason = fake.answers[index]
                content = (
                    reason
                    if fake.behaviour == "malformed"
                    else json.dumps({"reason": reason}, ensure_ascii=False)
                )
                common = {"model": body.get("model", ""), "created_at": "2026-01-01T00:00:00Z",
                          "done": True, "done_reason": "stop"}  # fmt: skip
                if self.path == "/api/chat":
                    return self._send(
                        200, {**common, "message": {"role": "assistant", "content": content}}
                    )
                return self._send(200, {**common, "response": content})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def requests_to(self, path: str) -> list[dict[str, object]]:
        return [r for r in self.requests if r["path"] == path]

    def start(self) -> FakeOllama:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
