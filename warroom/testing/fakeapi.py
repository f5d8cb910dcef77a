"""A local HTTP server that stands in for an external API in tests.

A fake declares its routes; each route checks the request the way the real API documents it
(method, path, auth header, body) and answers the way the real API does, errors included.
Every request is recorded. `script()` queues answers that come before the normal ones, to play
outages and rate limits:

    class FakeThing(FakeAPI):
        @route("POST", "/api/v1/things")
        def create(self, request):
            if request.headers.get("authorization") != "Bearer t":
                return 401, {}, {"error": "The access token is invalid"}
            return 200, {}, {"id": "1"}

    with FakeThing() as fake:
        ...
        fake.script((429, {"Retry-After": "30"}, {"error": "slow down"}))
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

Answer = tuple[int, dict[str, str], Any]  # code, headers, body (dict/list → JSON, str, bytes)


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # from the route's {placeholders}

    @property
    def json(self) -> Any:
        return json.loads(self.body or b"null")

    @property
    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


def route(method: str, pattern: str) -> Callable:
    """Mark a method of a FakeAPI as the handler of `method pattern` ({name} matches a segment)."""

    def mark(handler: Callable) -> Callable:
        vars(handler)["route"] = (method, pattern)  # a function attribute, read by FakeAPI
        return handler

    return mark


class FakeAPI:
    def __init__(self):
        self.requests: list[Request] = []
        self._scripted: list[Answer] = []
        self._lock = threading.Lock()
        self._routes = []
        for name in dir(type(self)):
            declared = getattr(type(self), name)  # on the class: properties stay unevaluated
            if hasattr(declared, "route"):
                method, pattern = declared.route
                regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
                self._routes.append((method, re.compile(f"^{regex}$"), getattr(self, name)))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def script(self, *answers: Answer) -> None:
        """Answer the next requests with these, whatever they are, then normally again."""
        with self._lock:
            self._scripted.extend(answers)

    def calls(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path == path]

    def _answer(self, request: Request) -> Answer:
        with self._lock:
            self.requests.append(request)
            if self._scripted:
                return self._scripted.pop(0)
        for method, regex, handler in self._routes:
            match = regex.match(request.path)
            if match and method == request.method:
                request.params = match.groupdict()
                return handler(request)
        return 404, {}, {"error": f"no route {request.method} {request.path}"}

    def _handler_class(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real APIs and client pools expect

            def _serve(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                code, headers, body = fake._answer(request)
                if isinstance(body, (dict, list)):
                    payload = json.dumps(body).encode()
                    headers = {"Content-Type": "application/json; charset=utf-8", **headers}
                elif isinstance(body, str):
                    payload = body.encode()
                    headers = {"Content-Type": "text/plain; charset=utf-8", **headers}
                else:
                    payload = body or b""
                self.send_response(code)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, *args):
                pass

        return Handler
