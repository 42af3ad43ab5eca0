"""The shared downloader against a local HTTP server, and its retries against httpx.MockTransport: the network is
never reached and no test waits."""

# ruff: noqa: F401, F811 (the fixtures `server` and `client` are imported from tests.fake_datagouv)

import hashlib
import json
import logging
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from spaser.download import DownloadResult, Retry, download, fetch_dataset, safe_file_name
from spaser.errors import SpaserError
from spaser.terminal import transfer_bar
from tests.fake_datagouv import V1_DATE, V2_DATE, ServedFile, ServerState, client, payload, server


N = "\u202f"  # thousands separator
ONE_ATTEMPT = Retry(attempts=1)
NO_WAIT = Retry(sleep=lambda seconds: None)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_meta(dest: Path) -> dict:
    return json.loads(dest.with_name(dest.name + ".meta.json").read_text(encoding="utf-8"))


def part_of(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def interrupt(server: ServerState, client: httpx.Client, path: str, dest: Path) -> SpaserError:
    server.cut_next.add(path)
    with pytest.raises(SpaserError) as raised:
        download(server.url(path), dest, client=client, retry=ONE_ATTEMPT)
    return raised.value


# --- single file ---------------------------------------------------------------------------------------------------


def test_full_download_writes_identical_bytes_and_sidecar(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    dest = tmp_path / "decp.json"

    result = download(server.url("/files/decp.json"), dest, client=client)

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
    download(server.url("/files/decp.json"), dest, client=client)
    served_before, inode_before = server.served("/files/decp.json"), dest.stat().st_ino

    result = download(server.url("/files/decp.json"), dest, client=client)

    assert result.status == "inchangé"
    assert result.sha256 == sha256(payload(1))
    assert server.headers_seen("/files/decp.json")[-1]["if-none-match"] == '"v1"'
    assert server.served("/files/decp.json") == served_before
    assert dest.stat().st_ino == inode_before


def test_last_modified_alone_makes_an_if_modified_since_request(server, client, tmp_path):
    server.files["/files/decp.xml"] = ServedFile(payload(2), etag=None)
    dest = tmp_path / "decp.xml"
    download(server.url("/files/decp.xml"), dest, client=client)

    result = download(server.url("/files/decp.xml"), dest, client=client)

    last_request = server.headers_seen("/files/decp.xml")[-1]
    assert result.status == "inchangé"
    assert last_request["if-modified-since"] == V1_DATE
    assert "if-none-match" not in last_request


def test_same_etag_in_a_200_answer_counts_as_unchanged(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client)
    server.ignore_conditionals = True
    inode_before, meta_before = dest.stat().st_ino, read_meta(dest)

    result = download(server.url("/files/decp.json"), dest, client=client)

    assert result.status == "inchangé"
    assert dest.stat().st_ino == inode_before
    assert read_meta(dest) == meta_before


def test_changed_file_on_the_server_is_downloaded_again(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client)
    server.files["/files/decp.json"] = ServedFile(payload(2), etag='"v2"', last_modified=V2_DATE)

    result = download(server.url("/files/decp.json"), dest, client=client)

    assert result.status == "téléchargé"
    assert dest.read_bytes() == payload(2)
    assert read_meta(dest)["etag"] == '"v2"'
    assert read_meta(dest)["sha256"] == sha256(payload(2))


def test_sidecar_that_no_longer_matches_the_file_is_not_trusted(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client)
    dest.write_bytes(b"truncated by hand")

    result = download(server.url("/files/decp.json"), dest, client=client)

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

    result = download(server.url("/files/decp.json"), dest, client=client)

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

    result = download(server.url("/files/decp.json"), dest, client=client)

    assert server.headers_seen("/files/decp.json")[-1]["range"].startswith("bytes=")
    assert result.status == "téléchargé"
    assert dest.read_bytes() == content
    assert result.sha256 == sha256(content)


def test_part_of_an_older_version_is_not_glued_to_the_new_one(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    interrupt(server, client, "/files/decp.json", dest)
    server.files["/files/decp.json"] = ServedFile(payload(2), etag='"v2"', last_modified=V2_DATE)

    result = download(server.url("/files/decp.json"), dest, client=client)

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

    result = download(server.url("/files/decp.json"), dest, client=client)

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

    result = download(server.url("/files/decp.json"), dest, client=client)

    assert dest.read_bytes() == content
    assert result.status == "téléchargé"
    assert not part_of(dest).exists()


def test_part_without_its_state_file_is_not_resumed(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    dest = tmp_path / "decp.json"
    part_of(dest).write_bytes(b"left over by something else")

    result = download(server.url("/files/decp.json"), dest, client=client)

    assert "range" not in server.headers_seen("/files/decp.json")[-1]
    assert dest.read_bytes() == content
    assert result.status == "téléchargé"


def test_interrupted_update_leaves_the_previous_file_then_resumes(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client)
    meta_before = read_meta(dest)
    server.files["/files/decp.json"] = ServedFile(payload(2), etag='"v2"', last_modified=V2_DATE)

    interrupt(server, client, "/files/decp.json", dest)

    assert dest.read_bytes() == payload(1)
    assert read_meta(dest) == meta_before
    result = download(server.url("/files/decp.json"), dest, client=client)
    assert result.status == "repris"
    assert dest.read_bytes() == payload(2)


# --- errors --------------------------------------------------------------------------------------------------------


def test_http_error_gives_a_french_message_with_the_url(server, client, tmp_path):
    server.forced_status["/files/x.json"] = 404
    url = server.url("/files/x.json")

    with pytest.raises(SpaserError) as raised:
        download(url, tmp_path / "x.json", client=client)

    assert str(raised.value) == f"Téléchargement impossible de {url} : le serveur a répondu 404."
    assert list(tmp_path.iterdir()) == []


def test_failed_download_keeps_the_previous_complete_file(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(1))
    dest = tmp_path / "decp.json"
    download(server.url("/files/decp.json"), dest, client=client)
    meta_before = read_meta(dest)
    server.forced_status["/files/decp.json"] = 500

    with pytest.raises(SpaserError, match="le serveur a répondu 500. Abandon après 4 essais."):
        download(server.url("/files/decp.json"), dest, client=client, retry=NO_WAIT)

    assert dest.read_bytes() == payload(1)
    assert read_meta(dest) == meta_before


def test_unreachable_server_gives_a_french_network_error(client, tmp_path):
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        url = f"http://127.0.0.1:{closed.server_address[1]}/decp.json"
    # The port was released on leaving the block: nothing listens there any more.

    with pytest.raises(SpaserError) as raised:
        download(url, tmp_path / "decp.json", client=client, retry=NO_WAIT)

    assert str(raised.value).startswith(f"Téléchargement impossible de {url} : erreur réseau (")
    assert str(raised.value).endswith(". Abandon après 4 essais.")
    assert not (tmp_path / "decp.json").exists()


def test_download_follows_redirects(server, client, tmp_path):
    server.files["/files/decp.json"] = ServedFile(payload(3))
    server.redirects["/r/abc"] = server.url("/files/decp.json")

    result = download(server.url("/r/abc"), tmp_path / "decp.json", client=client)

    assert result.path.read_bytes() == payload(3)


def test_progress_is_told_the_total_then_every_byte_and_the_bar_changes_nothing(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    opened, received = [], []

    @contextmanager
    def recorder(name, total, completed):
        opened.append((name, total, completed))
        yield received.append

    quiet = download(server.url("/files/decp.json"), tmp_path / "quiet.json", client=client, progress=recorder)
    shown = download(server.url("/files/decp.json"), tmp_path / "shown.json", client=client, progress=transfer_bar)

    assert opened == [("quiet.json", len(content), 0)]
    assert sum(received) == len(content)
    assert shown.sha256 == quiet.sha256 == sha256(content)


# --- dataset and names ---------------------------------------------------------------------------------------------


# --- names ---------------------------------------------------------------------------------------------------------


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


# --- retries -------------------------------------------------------------------------------------------------------


def mock_client(*answers) -> tuple[httpx.Client, list[httpx.Request]]:
    """A client whose requests get `answers` in turn: a status, (status, headers), or an exception to raise."""
    pending, seen = list(answers), []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = pending.pop(0)
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer if isinstance(answer, tuple) else (answer, {})
        body = b'{"resources": []}' if status == 200 and request.url.path == "/dataset" else b"contenu"
        return httpx.Response(status, headers={"ETag": '"v1"', **headers}, stream=httpx.ByteStream(body))

    return httpx.Client(transport=httpx.MockTransport(handle)), seen


def recording_retry() -> tuple[Retry, list[float]]:
    waits = []
    return Retry(sleep=waits.append), waits


def test_a_503_is_tried_again_after_a_wait_then_succeeds(tmp_path, caplog):
    http, seen = mock_client(503, 200)
    retry, waits = recording_retry()

    with caplog.at_level(logging.WARNING, logger="spaser.download"):
        result = download("https://x.test/decp.json", tmp_path / "decp.json", client=http, retry=retry)

    assert len(seen) == 2
    assert waits == [2.0]
    assert result.status == "téléchargé"
    assert (tmp_path / "decp.json").read_bytes() == b"contenu"
    assert caplog.messages == [
        "https://x.test/decp.json : le serveur a répondu 503, nouvel essai dans 2 s (essai 2 sur 4)."
    ]


def test_waits_double_then_the_download_gives_up_with_a_french_message(tmp_path):
    http, seen = mock_client(500, 502, httpx.ConnectError("refusé"), 503)
    retry, waits = recording_retry()

    with pytest.raises(SpaserError) as raised:
        download("https://x.test/decp.json", tmp_path / "decp.json", client=http, retry=retry)

    assert len(seen) == 4
    assert waits == [2.0, 4.0, 8.0]
    assert str(raised.value) == (
        "Téléchargement impossible de https://x.test/decp.json : le serveur a répondu 503. Abandon après 4 essais."
    )
    assert list(tmp_path.iterdir()) == []


def test_a_404_is_not_tried_again(tmp_path):
    http, seen = mock_client(404)
    retry, waits = recording_retry()

    with pytest.raises(SpaserError, match="le serveur a répondu 404.$"):
        download("https://x.test/decp.json", tmp_path / "decp.json", client=http, retry=retry)

    assert (len(seen), waits) == (1, [])


def test_retry_after_sets_the_wait_and_a_too_long_one_gives_up_at_once(tmp_path):
    http, seen = mock_client((429, {"Retry-After": "7"}), 200, (503, {"Retry-After": "3600"}))
    retry, waits = recording_retry()

    download("https://x.test/a.json", tmp_path / "a.json", client=http, retry=retry)
    with pytest.raises(SpaserError) as raised:
        download("https://x.test/b.json", tmp_path / "b.json", client=http, retry=retry)

    assert waits == [7.0]
    assert str(raised.value) == (
        "Téléchargement impossible de https://x.test/b.json : le serveur a répondu 503. "
        f"Le serveur demande de réessayer dans 3{N}600 s."
    )
    assert len(seen) == 3


def test_retry_after_as_an_http_date_already_past_means_trying_again_at_once(tmp_path):
    http, _seen = mock_client((503, {"Retry-After": "Wed, 01 Jan 2025 00:00:00 GMT"}), 200)
    retry, waits = recording_retry()

    download("https://x.test/decp.json", tmp_path / "decp.json", client=http, retry=retry)

    assert waits == [0.0]


def test_the_dataset_description_is_tried_again_too():
    http, seen = mock_client(httpx.ReadTimeout("lent"), 200)
    retry, waits = recording_retry()

    assert fetch_dataset("https://x.test/dataset", client=http, retry=retry) == {"resources": []}
    assert (len(seen), waits) == (2, [2.0])


def test_a_cut_body_is_resumed_by_the_next_attempt_of_the_same_call(server, client, tmp_path):
    content = payload(1)
    server.files["/files/decp.json"] = ServedFile(content)
    server.cut_next.add("/files/decp.json")
    retry, waits = recording_retry()

    result = download(server.url("/files/decp.json"), tmp_path / "decp.json", client=client, retry=retry)

    assert waits == [2.0]
    assert server.headers_seen("/files/decp.json")[-1]["range"] == f"bytes={len(content) // 2}-"
    assert server.served("/files/decp.json") == len(content)
    assert result.status == "repris"
    assert (tmp_path / "decp.json").read_bytes() == content
