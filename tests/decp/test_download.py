"""`spaser decp download` against a local HTTP server: the network is never reached."""

import hashlib
import json
import random
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from spaser.cli import main
from spaser.decp.download import (
    DownloadResult,
    download,
    download_dataset,
    human_size,
    resource_file_name,
    safe_file_name,
    select_resources,
)
from spaser.errors import SpaserError


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


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_meta(dest: Path) -> dict:
    return json.loads(dest.with_name(dest.name + ".meta.json").read_text(encoding="utf-8"))


def part_of(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def interrupt(server: ServerState, client: httpx.Client, path: str, dest: Path) -> SpaserError:
    server.cut_next.add(path)
    with pytest.raises(SpaserError) as raised:
        download(server.url(path), dest, client=client, progress=False)
    return raised.value


# --- single file ---------------------------------------------------------------------------------------------------


def test_full_download_writes_identical_bytes_and_sidecar(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    dest = tmp_path / "decp.json"

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert dest.read_bytes() == content
    assert result == DownloadResult(dest, "téléchargé", '"v1"', V1_DATE, len(content), sha256(content))
    assert read_meta(dest) == {
        "url": server.url("/files/decp.json"),
        "etag": '"v1"',
        "last_modified": V1_DATE,
        "sha256": sha256(content),
        "size": len(content),
    }
    assert sorted(path.name for path in tmp_path.iterdir()) == ["decp.json", "decp.json.meta.json"]


def test_second_download_is_unchanged_and_transfers_no_body(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client, progress=False)
    served_before, inode_before = server.served("/files/decp.json"), dest.stat().st_ino

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert result.status == "inchangé"
    assert result.sha256 == sha256(payload(1))
    assert server.headers_seen("/files/decp.json")[-1]["if-none-match"] == '"v1"'
    assert server.served("/files/decp.json") == served_before
    assert dest.stat().st_ino == inode_before


def test_last_modified_alone_makes_an_if_modified_since_request(server, client, tmp_path):
    server.files["/files/decp.xml"] = ServedFile(payload(2), etag=None)
    dest = tmp_path / "decp.xml"
    download(server.url("/files/decp.xml"), dest, client=client, progress=False)

    result = download(server.url("/files/decp.xml"), dest, client=client, progress=False)

    last_request = server.headers_seen("/files/decp.xml")[-1]
    assert result.status == "inchangé"
    assert last_request["if-modified-since"] == V1_DATE
    assert "if-none-match" not in last_request


def test_same_etag_in_a_200_answer_counts_as_unchanged(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client, progress=False)
    server.ignore_conditionals = True
    inode_before, meta_before = dest.stat().st_ino, read_meta(dest)

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert result.status == "inchangé"
    assert dest.stat().st_ino == inode_before
    assert read_meta(dest) == meta_before


def test_changed_file_on_the_server_is_downloaded_again(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client, progress=False)
    server.files["/files/decp.json"] = ServedFile(payload(2), etag='"v2"', last_modified=V2_DATE)

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert result.status == "téléchargé"
    assert dest.read_bytes() == payload(2)
    assert read_meta(dest)["etag"] == '"v2"'
    assert read_meta(dest)["sha256"] == sha256(payload(2))


def test_sidecar_that_no_longer_matches_the_file_is_not_trusted(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client, progress=False)
    dest.write_bytes(b"truncated by hand")

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert "if-none-match" not in server.headers_seen("/files/decp.json")[-1]
    assert result.status == "téléchargé"
    assert dest.read_bytes() == payload(1)


# --- interruption and resume ---------------------------------------------------------------------------------------


def test_interrupted_download_keeps_a_part_and_creates_no_file(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"

    error = interrupt(server, client, "/files/decp.json", dest)

    assert "Téléchargement impossible de " + server.url("/files/decp.json") in str(error)
    assert "reprendre" in str(error)
    assert not dest.exists()
    assert not dest.with_name("decp.json.meta.json").exists()
    assert 0 < part_of(dest).stat().st_size < len(payload(1))


def test_next_call_resumes_with_a_range_request(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    dest = tmp_path / "decp.json"
    interrupt(server, client, "/files/decp.json", dest)
    kept = part_of(dest).stat().st_size

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    last_request = server.headers_seen("/files/decp.json")[-1]
    assert kept > 0
    assert last_request["range"] == f"bytes={kept}-"
    assert last_request["if-range"] == '"v1"'
    assert server.served("/files/decp.json") == len(content)  # each byte crossed the wire exactly once
    assert result.status == "repris"
    assert dest.read_bytes() == content
    assert result.sha256 == sha256(content) == read_meta(dest)["sha256"]
    assert sorted(path.name for path in tmp_path.iterdir()) == ["decp.json", "decp.json.meta.json"]


def test_server_ignoring_range_restarts_from_zero(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    dest = tmp_path / "decp.json"
    interrupt(server, client, "/files/decp.json", dest)
    server.ignore_range = True

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert server.headers_seen("/files/decp.json")[-1]["range"].startswith("bytes=")
    assert result.status == "téléchargé"
    assert dest.read_bytes() == content
    assert result.sha256 == sha256(content)


def test_part_of_an_older_version_is_not_glued_to_the_new_one(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    interrupt(server, client, "/files/decp.json", dest)
    server.files["/files/decp.json"] = ServedFile(payload(2), etag='"v2"', last_modified=V2_DATE)

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert server.headers_seen("/files/decp.json")[-1]["if-range"] == '"v1"'
    assert result.status == "téléchargé"
    assert dest.read_bytes() == payload(2)
    assert result.etag == '"v2"'


def test_partial_answer_of_another_version_is_refused(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    interrupt(server, client, "/files/decp.json", dest)
    server.files["/files/decp.json"] = ServedFile(payload(2), etag='"v2"', last_modified=V2_DATE)
    server.ignore_if_range = True  # answers 206 with the tail of v2 to a request made for the tail of v1

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert [headers.get("range") for headers in server.headers_seen("/files/decp.json")][-2:] == [
        f"bytes={len(payload(1)) // 2}-",
        None,
    ]
    assert result.status == "téléchargé"
    assert dest.read_bytes() == payload(2)


def test_complete_part_answered_416_is_downloaded_again(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    dest = tmp_path / "decp.json"
    interrupt(server, client, "/files/decp.json", dest)
    part_of(dest).write_bytes(content)  # as if the process died between the last byte and the rename

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert dest.read_bytes() == content
    assert result.status == "téléchargé"
    assert not part_of(dest).exists()


def test_part_without_its_state_file_is_not_resumed(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    dest = tmp_path / "decp.json"
    part_of(dest).write_bytes(b"left over by something else")

    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert "range" not in server.headers_seen("/files/decp.json")[-1]
    assert dest.read_bytes() == content
    assert result.status == "téléchargé"


def test_interrupted_update_leaves_the_previous_file_then_resumes(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client, progress=False)
    meta_before = read_meta(dest)
    server.files["/files/decp.json"] = ServedFile(payload(2), etag='"v2"', last_modified=V2_DATE)

    interrupt(server, client, "/files/decp.json", dest)

    assert dest.read_bytes() == payload(1)
    assert read_meta(dest) == meta_before
    result = download(server.url("/files/decp.json"), dest, client=client, progress=False)
    assert result.status == "repris"
    assert dest.read_bytes() == payload(2)


# --- errors --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 500])
def test_http_error_gives_a_french_message_with_the_url(server, client, tmp_path, status):
    server.forced_status["/files/x.json"] = status
    url = server.url("/files/x.json")

    with pytest.raises(SpaserError) as raised:
        download(url, tmp_path / "x.json", client=client, progress=False)

    assert str(raised.value) == f"Téléchargement impossible de {url} : le serveur a répondu {status}."
    assert list(tmp_path.iterdir()) == []


def test_failed_download_keeps_the_previous_complete_file(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client, progress=False)
    meta_before = read_meta(dest)
    server.forced_status["/files/decp.json"] = 500

    with pytest.raises(SpaserError, match="le serveur a répondu 500"):
        download(server.url("/files/decp.json"), dest, client=client, progress=False)

    assert dest.read_bytes() == payload(1)
    assert read_meta(dest) == meta_before


def test_unreachable_server_gives_a_french_network_error(client, tmp_path):
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        url = f"http://127.0.0.1:{closed.server_address[1]}/decp.json"
    # The port was released on leaving the block: nothing listens there any more.

    with pytest.raises(SpaserError) as raised:
        download(url, tmp_path / "decp.json", client=client, progress=False)

    assert str(raised.value).startswith(f"Téléchargement impossible de {url} : erreur réseau (")
    assert not (tmp_path / "decp.json").exists()


def test_download_follows_redirects(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(3))
    server.redirects["/r/abc"] = server.url("/files/decp.json")

    result = download(server.url("/r/abc"), tmp_path / "decp.json", client=client, progress=False)

    assert result.path.read_bytes() == payload(3)


def test_progress_bar_does_not_change_the_result(server, client, tmp_path, capsys):
    server.files["/files/decp.json"] = ServedFile(payload(1))

    quiet = download(server.url("/files/decp.json"), tmp_path / "quiet.json", client=client, progress=False)
    assert capsys.readouterr().out == ""
    shown = download(server.url("/files/decp.json"), tmp_path / "shown.json", client=client, progress=True)

    assert shown.sha256 == quiet.sha256
    assert shown.path.read_bytes() == payload(1)


# --- dataset and names ---------------------------------------------------------------------------------------------


def dataset_for(server: ServerState) -> dict:
    files = {
        "/files/decp.json": ServedFile(payload(10, 5_000)),
        "/files/decp.xml": ServedFile(payload(11, 6_000)),
        "/files/decp-2024.parquet": ServedFile(payload(12, 7_000)),
        "/r/4f1c": ServedFile(payload(13, 8_000)),
        "/files/..%2F..%2Fescape.json": ServedFile(payload(14, 9_000)),
    }
    server.files.update(files)
    server.dataset = {
        "title": "Données essentielles de la commande publique - fichiers consolidés",
        "resources": [
            {"title": "decp.json", "url": server.url("/files/decp.json"), "format": "JSON", "checksum": None},
            {"title": "decp.xml", "url": server.url("/files/decp.xml"), "format": "xml"},
            {"title": "decp-2024.parquet", "url": server.url("/files/decp-2024.parquet"), "format": None},
            {"title": "../../etc/passwd.csv.zip", "url": server.url("/r/4f1c"), "format": "zip"},
            {"title": "encoded", "url": server.url("/files/..%2F..%2Fescape.json"), "format": "json"},
            {"title": "Documentation", "url": server.url("/files/doc.pdf"), "format": "pdf"},
            {"title": "Page du jeu", "url": server.url("/files/index.html"), "format": "html"},
        ],
    }
    return files


def test_select_resources_keeps_data_files_only():
    dataset = {
        "resources": [
            {"title": "a", "url": "https://x/a", "format": "JSON"},
            {"title": "b", "url": "https://x/b", "format": "Parquet"},
            {"title": "c.json.gz", "url": "https://x/c", "format": "gz"},
            {"title": "d.zip", "url": "https://x/d", "format": None},
            {"title": "e.csv", "url": "https://x/e", "format": ""},
            {"title": "f.pdf", "url": "https://x/f", "format": "pdf"},
            {"title": "g.json", "url": None, "format": "json"},
            "not a resource",
        ]
    }

    assert [resource["title"] for resource in select_resources(dataset)] == ["a", "b", "c.json.gz", "d.zip", "e.csv"]
    assert select_resources({"resources": None}) == []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ("..", ""),
        (".hidden.json", "hidden.json"),
        ("a..b/c..json", "c.json"),
        ("décp 2024.json", "décp_2024.json"),
        ("x\x00y.json", "x_y.json"),
    ],
)
def test_safe_file_name_removes_directories_and_dots(raw, expected):
    assert safe_file_name(raw) == expected


def test_resource_file_name_prefers_the_url_then_the_title():
    assert resource_file_name({"url": "https://h/a/decp.json", "title": "autre.json"}) == "decp.json"
    assert resource_file_name({"url": "https://h/r/4f1c", "title": "../x/decp.xml"}) == "decp.xml"
    assert resource_file_name({"url": "https://h/r/4f1c", "title": ".."}, 2) == "4f1c"
    assert resource_file_name({"url": "https://h/", "title": ""}, 2) == "ressource-3"


def test_download_dataset_downloads_selected_resources_under_safe_names(server, client, tmp_path):
    files = dataset_for(server)
    dest_dir = tmp_path / "downloads"

    results = download_dataset(server.url("/dataset"), dest_dir, client=client, progress=False)

    names = [result.path.name for result in results]
    assert names == ["decp.json", "decp.xml", "decp-2024.parquet", "passwd.csv.zip", "escape.json"]
    assert all(result.path.parent == dest_dir for result in results)
    assert results[3].path.read_bytes() == files["/r/4f1c"].content
    assert results[4].path.read_bytes() == files["/files/..%2F..%2Fescape.json"].content
    assert not (tmp_path / "etc").exists() and not (tmp_path / "escape.json").exists()
    assert server.headers_seen("/files/doc.pdf") == [] and server.headers_seen("/files/index.html") == []


def test_download_dataset_gives_distinct_names_to_homonyms(server, client, tmp_path):
    server.files["/a/decp.json"] = ServedFile(b"a")
    server.files["/b/decp.json"] = ServedFile(b"b")
    server.dataset = {
        "resources": [
            {"title": "decp.json", "url": server.url("/a/decp.json"), "format": "json"},
            {"title": "decp.json", "url": server.url("/b/decp.json"), "format": "json"},
        ]
    }

    results = download_dataset(server.url("/dataset"), tmp_path, client=client, progress=False)

    assert [(result.path.name, result.path.read_bytes()) for result in results] == [
        ("decp.json", b"a"),
        ("decp-2.json", b"b"),
    ]


def test_dataset_without_data_files_is_an_error(server, client, tmp_path):
    server.dataset = {"resources": [{"title": "doc.pdf", "url": server.url("/doc.pdf"), "format": "pdf"}]}

    with pytest.raises(SpaserError, match="Aucun fichier de données"):
        download_dataset(server.url("/dataset"), tmp_path, client=client, progress=False)


def test_unreadable_dataset_is_a_french_error(server, client, tmp_path):
    server.files["/not-json"] = ServedFile(b"<html>")

    with pytest.raises(SpaserError) as raised:
        download_dataset(server.url("/not-json"), tmp_path, client=client, progress=False)

    assert str(raised.value) == (
        f"Lecture impossible du jeu de données {server.url('/not-json')} : la réponse n'est pas du JSON."
    )


# --- command line --------------------------------------------------------------------------------------------------


@pytest.fixture
def no_proxy(monkeypatch):
    # The CLI builds its own client, which honours proxy variables: they must not divert 127.0.0.1.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_cli_downloads_then_reports_unchanged_files(server, tmp_path, capsys, no_proxy):
    dataset_for(server)
    dest = tmp_path / "nouveau" / "dossier"
    argv = ["decp", "download", "--dest", str(dest), "--dataset-url", server.url("/dataset"), "--no-progress"]

    assert main(argv) == 0
    first = capsys.readouterr()
    assert main(argv) == 0
    second = capsys.readouterr()

    assert first.out.splitlines() == [
        "decp.json : téléchargé (4,9\u00a0Ko)",
        "decp.xml : téléchargé (5,9\u00a0Ko)",
        "decp-2024.parquet : téléchargé (6,8\u00a0Ko)",
        "passwd.csv.zip : téléchargé (7,8\u00a0Ko)",
        "escape.json : téléchargé (8,8\u00a0Ko)",
    ]
    assert second.out.splitlines() == [line.replace("téléchargé", "inchangé") for line in first.out.splitlines()]
    assert first.err == second.err == ""


def test_cli_prints_the_french_error_and_returns_2(server, tmp_path, capsys, no_proxy):
    server.forced_status["/dataset"] = 503
    argv = ["decp", "download", "--dest", str(tmp_path), "--dataset-url", server.url("/dataset"), "--no-progress"]

    assert main(argv) == 2

    err = capsys.readouterr().err
    assert (
        err == f"Erreur : Lecture impossible du jeu de données {server.url('/dataset')} : le serveur a répondu 503.\n"
    )


def test_human_size_uses_french_units_rounded_half_up():
    sizes = (0, 1023, 1536, 1280, 5 * 1024**2, 3 * 1024**3)
    assert [human_size(size) for size in sizes] == [
        "0\u00a0o",
        "1023\u00a0o",
        "1,5\u00a0Ko",
        "1,3\u00a0Ko",  # 1280 / 1024 = 1.25 exactly: half-up, where f"{1.25:.1f}" gives 1.2
        "5,0\u00a0Mo",
        "3,0\u00a0Go",
    ]
