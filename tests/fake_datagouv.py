"""A fake data.gouv.fr on 127.0.0.1 (files with validators, ranges, cuts, forced statuses): tests never reach the
network."""

import json
import random
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest


V1_DATE = "Wed, 01 Jan 2025 00:00:00 GMT"
V2_DATE = "Thu, 02 Jan 2025 00:00:00 GMT"


def payload(seed: int, size: int = 300_000) -> bytes:
    return random.Random(seed).randbytes(size)


@dataclass
class ServedFile:
    content: bytes
    etag: str | None = '"v1"'
    last_modified: str | None = V1_DATE


@dataclass
class ServerState:
    """What the fake data.gouv.fr serves, how it misbehaves, and what it saw."""

    base_url: str = ""
    files: dict[str, ServedFile] = field(default_factory=dict)
    dataset: dict | None = None
    forced_status: dict[str, int] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    cut_next: set[str] = field(default_factory=set)
    ignore_range: bool = False
    ignore_if_range: bool = False
    ignore_conditionals: bool = False
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    body_bytes: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base_url + path

    def headers_seen(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [headers for seen, headers in self.requests if seen == path]

    def served(self, path: str) -> int:
        with self.lock:
            return self.body_bytes.get(path, 0)


class FakeDataGouvHandler(BaseHTTPRequestHandler):
    server: "FakeDataGouvServer"

    def log_message(self, *args):  # the per-request log lines would clutter the test output
        pass

    def do_GET(self):
        state = self.server.state
        with state.lock:
            state.requests.append((self.path, {name.lower(): value for name, value in self.headers.items()}))
        if self.path in state.forced_status:
            return self._send_status(state.forced_status[self.path])
        if self.path in state.redirects:
            return self._send_status(302, {"Location": state.redirects[self.path]})
        if self.path == "/dataset" and state.dataset is not None:
            return self._send_body(200, json.dumps(state.dataset).encode(), {"Content-Type": "application/json"})
        served = state.files.get(self.path)
        if served is None:
            return self._send_status(404)
        if not state.ignore_conditionals and self._not_modified(served):
            return self._send_status(304, self._validators(served))
        self._send_file(served)

    def _send_file(self, served: ServedFile):
        start = self._range_start(served)
        size = len(served.content)
        if start is not None and start >= size:
            return self._send_status(416, {"Content-Range": f"bytes */{size}"})
        headers = self._validators(served)
        if start is None:
            status, body = 200, served.content
        else:
            status, body = 206, served.content[start:]
            headers["Content-Range"] = f"bytes {start}-{size - 1}/{size}"
        self._send_body(status, body, headers, cut=self._take_cut())

    def _not_modified(self, served: ServedFile) -> bool:
        if "If-None-Match" in self.headers:
            return served.etag is not None and self.headers["If-None-Match"] == served.etag
        return served.last_modified is not None and self.headers.get("If-Modified-Since") == served.last_modified

    def _range_start(self, served: ServedFile) -> int | None:
        requested = self.headers.get("Range", "")
        if self.server.state.ignore_range or not requested.startswith("bytes=") or not requested.endswith("-"):
            return None
        if_range = self.headers.get("If-Range")
        if self.server.state.ignore_if_range:
            if_range = None
        if if_range is not None and if_range not in (served.etag, served.last_modified):
            return None
        return int(requested.removeprefix("bytes=").removesuffix("-"))

    def _take_cut(self) -> bool:
        with self.server.state.lock:
            if self.path in self.server.state.cut_next:
                self.server.state.cut_next.discard(self.path)
                return True
        return False

    @staticmethod
    def _validators(served: ServedFile) -> dict[str, str]:
        headers = {}
        if served.etag:
            headers["ETag"] = served.etag
        if served.last_modified:
            headers["Last-Modified"] = served.last_modified
        return headers

    def _send_status(self, status: int, headers: dict[str, str] | None = None):
        self._send_body(status, b"" if status == 304 else b"erreur", headers or {})

    def _send_body(self, status: int, body: bytes, headers: dict[str, str], *, cut: bool = False):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        # An interruption: the announced length is never reached, then the HTTP/1.0 handler closes the socket.
        sent = body[: len(body) // 2] if cut else body
        try:
            self.wfile.write(sent)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
        if status in (200, 206):
            with self.server.state.lock:
                self.server.state.body_bytes[self.path] = self.server.state.body_bytes.get(self.path, 0) + len(sent)


class FakeDataGouvServer(ThreadingHTTPServer):
    state: ServerState


@pytest.fixture
def server():
    httpd = FakeDataGouvServer(("127.0.0.1", 0), FakeDataGouvHandler)
    httpd.state = ServerState(base_url=f"http://127.0.0.1:{httpd.server_address[1]}")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield httpd.state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


@pytest.fixture
def client():
    # trust_env=False: a proxy configured on the machine must not see requests meant for 127.0.0.1.
    with httpx.Client(trust_env=False, timeout=5) as http_client:
        yield http_client
