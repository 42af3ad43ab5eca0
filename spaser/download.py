"""Download files and data.gouv.fr dataset descriptions over HTTP: the one downloader of DECP and reference files.

Failures worth another try (network errors, timeouts, HTTP 429 and 5xx) are tried again a few times, after a wait
that doubles each time or that the server's ``Retry-After`` sets; an interrupted body resumes where it stopped.

State kept next to each downloaded file ``NAME``:

- ``NAME.meta.json`` describes the last complete download (url, etag, last_modified, sha256, size). Its validators
  are sent back as ``If-None-Match`` / ``If-Modified-Since`` so that an unchanged file is not transferred again.
- ``NAME.part`` holds the bytes of an interrupted download and ``NAME.part.meta.json`` the validators of the response
  that produced them. The next attempt resumes with ``Range`` + ``If-Range``, so the server only sends the rest when
  the file has not changed in between; otherwise it answers 200 and the download starts again from zero.

``NAME`` itself is only ever replaced atomically by a complete, hashed file: a failed download leaves it untouched.
"""

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

import httpx

from spaser.errors import SpaserError
from spaser.formatting import file_size, number


TIMEOUT = httpx.Timeout(30, read=120)
USER_AGENT = "spaser (+https://github.com/spaser)"

DOWNLOADED = "téléchargé"
RESUMED = "repris"
UNCHANGED = "inchangé"

# Failures a later attempt may not meet: the network, a timeout, a server that is busy or broken for a while.
TRANSIENT_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
TRANSIENT_STATUSES = frozenset({429, *range(500, 600)})

_CHUNK_SIZE = 1024 * 1024
_MAX_NAME_LENGTH = 200  # leaves room for the ".part.meta.json" suffix under the usual 255-byte limit
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.\-]+")

log = logging.getLogger(__name__)

T = TypeVar("T")

# Opens a progress display for one transfer (file name, expected total or None, bytes already there) and gives the
# function to call with each received chunk's size: the command line passes spaser.terminal.transfer_bar.
Progress = Callable[[str, int | None, int], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class Retry:
    """How many attempts a request gets and how long to wait between them (``sleep`` is replaced in tests)."""

    attempts: int = 4
    first_wait: float = 2.0  # seconds, doubled after each failure
    max_wait: float = 60.0  # a server asking for a longer Retry-After is not waited for
    sleep: Callable[[float], None] = time.sleep

    def wait(self, failures: int, retry_after: float | None) -> float | None:
        """Seconds to wait after ``failures`` failed attempts, or None to give up."""
        if failures >= self.attempts:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_wait else None
        return min(self.first_wait * 2 ** (failures - 1), self.max_wait)


RETRY = Retry()


@dataclass(frozen=True)
class DownloadResult:
    path: Path
    status: str
    etag: str | None
    last_modified: str | None
    size: int
    sha256: str

    def describe(self) -> str:
        """« decp.json : téléchargé (4,9 Ko) »."""
        return f"{self.path.name} : {self.status} ({file_size(self.size)})"


@dataclass(frozen=True)
class _Resume:
    offset: int
    if_range: str
    etag: str | None
    last_modified: str | None


class _RestartFromZero(Exception):
    """The partial file cannot be continued: it is dropped and the request is sent again without Range."""


class _Transient(Exception):
    """A failure worth another attempt; ``reason`` ends the French message, « le serveur a répondu 503 »."""

    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Final(Exception):
    """A failure another attempt would meet again (404, an invalid address, a body that is not JSON)."""


class _GaveUp(Exception):
    """The last failure's French reason, with the number of attempts when there were several."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


def open_client() -> httpx.Client:
    """The HTTP client of the command line: redirects followed, generous timeouts, a User-Agent naming Spaser."""
    return httpx.Client(follow_redirects=True, timeout=TIMEOUT, headers={"User-Agent": USER_AGENT})


def download(
    url: str, dest: Path, *, client: httpx.Client, progress: Progress | None = None, retry: Retry = RETRY
) -> DownloadResult:
    """Download ``url`` into ``dest``, skipping an unchanged file and resuming an interrupted one."""
    dest = Path(dest)
    make_dir(dest.parent)
    try:
        return _with_retries(partial(_download_once, url, dest, client=client, progress=progress), url, retry)
    except _GaveUp as failure:
        message = f"Téléchargement impossible de {url} : {failure}"
        if failure.transient and _part_path(dest).exists() and _part_meta_path(dest).exists():
            message += " Relancez la commande pour reprendre le téléchargement là où il s'est arrêté."
        raise SpaserError(message) from failure.__cause__


def fetch_dataset(dataset_url: str, *, client: httpx.Client, retry: Retry = RETRY) -> dict:
    """The description of a data.gouv.fr dataset (its ``resources`` list the files), read from the API."""
    try:
        data = _with_retries(partial(_fetch_json, dataset_url, client), dataset_url, retry)
    except _GaveUp as failure:
        raise SpaserError(f"Lecture impossible du jeu de données {dataset_url} : {failure}") from failure.__cause__
    return data if isinstance(data, dict) else {}


def safe_file_name(raw: str) -> str:
    """Reduce ``raw`` to a bare file name: no directory, no ``..``, no hidden file; empty if nothing is left."""
    name = re.split(r"[/\\]", raw.strip())[-1]
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\.{2,}", ".", name)
    return name[-_MAX_NAME_LENGTH:].strip("._")


def url_file_name(url: str) -> str:
    """The last segment of the URL's path, made safe (see ``safe_file_name``)."""
    # Split before unquoting so that an encoded "%2F" cannot smuggle a directory into the name.
    return safe_file_name(unquote(urlsplit(url).path.rsplit("/", 1)[-1]))


def make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SpaserError(f"Impossible de créer le dossier {path} : {error.strerror or error}.") from error


# --- retries -------------------------------------------------------------------------------------------------------


def _with_retries(attempt: Callable[[], T], url: str, retry: Retry) -> T:
    failures = 0
    while True:
        try:
            return attempt()
        except _Transient as failure:
            failures += 1
            wait = retry.wait(failures, failure.retry_after)
            if wait is None:
                note = _giving_up_note(failures, failure.retry_after, retry)
                raise _GaveUp(f"{failure.reason}.{note}", transient=True) from failure.__cause__
            # The command line shows warnings on standard error: the person knows why nothing moves.
            log.warning(
                "%s : %s, nouvel essai dans %s s (essai %d sur %d).",
                url,
                failure.reason,
                number(wait),
                failures + 1,
                retry.attempts,
            )
            retry.sleep(wait)
        except _Final as failure:
            raise _GaveUp(f"{failure}.", transient=False) from failure.__cause__


def _giving_up_note(failures: int, retry_after: float | None, retry: Retry) -> str:
    if failures >= retry.attempts:
        return f" Abandon après {failures} essais." if failures > 1 else ""
    if retry_after is not None:  # longer than a command line should wait: the person relaunches later
        return f" Le serveur demande de réessayer dans {number(retry_after)} s."
    return ""


def _status_failure(response: httpx.Response) -> Exception:
    reason = f"le serveur a répondu {response.status_code}"
    if response.status_code in TRANSIENT_STATUSES:
        return _Transient(reason, _retry_after(response))
    return _Final(reason)


def _retry_after(response: httpx.Response) -> float | None:
    """``Retry-After`` in seconds (a number of seconds or an HTTP date), None when absent or unreadable."""
    value = response.headers.get("retry-after", "").strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:  # « -0000 »: UTC with no claim about the local zone
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


@contextmanager
def _http_errors() -> Iterator[None]:
    """httpx errors as transient (network, timeout) or final (invalid address, too many redirects) failures."""
    try:
        yield
    except TRANSIENT_ERRORS as error:
        raise _Transient(f"erreur réseau ({str(error) or type(error).__name__})") from error
    except httpx.InvalidURL as error:
        raise _Final(f"adresse invalide ({error})") from error
    except httpx.HTTPError as error:
        raise _Final(f"erreur réseau ({str(error) or type(error).__name__})") from error


def _fetch_json(url: str, client: httpx.Client) -> object:
    with _http_errors():
        response = client.get(url, headers={"Accept": "application/json"}, follow_redirects=True)
    if response.status_code != 200:
        raise _status_failure(response)
    try:
        return response.json()
    except ValueError as error:
        raise _Final("la réponse n'est pas du JSON") from error


# --- one HTTP exchange ---------------------------------------------------------------------------------------------


def _download_once(url: str, dest: Path, *, client: httpx.Client, progress: Progress | None) -> DownloadResult:
    for _restart in range(2):
        try:
            return _attempt_download(url, dest, client=client, progress=progress)
        except _RestartFromZero:
            _discard_part(dest)
    raise SpaserError(f"Téléchargement impossible de {url} : le serveur refuse de reprendre le fichier partiel.")


def _attempt_download(url: str, dest: Path, *, client: httpx.Client, progress: Progress | None) -> DownloadResult:
    known = _complete_meta(dest, url)
    resume = _resume_point(dest, url)
    headers = _request_headers(known, resume)
    with _http_errors(), client.stream("GET", url, headers=headers, follow_redirects=True) as response:
        return _handle_response(response, url, dest, known=known, resume=resume, progress=progress)


def _request_headers(known: dict | None, resume: _Resume | None) -> dict[str, str]:
    # Offsets of a resumed download count stored bytes, so the body must not be re-encoded on the way.
    headers = {"Accept-Encoding": "identity"}
    if known is not None:
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
    if resume is not None:
        headers["Range"] = f"bytes={resume.offset}-"
        headers["If-Range"] = resume.if_range
    return headers


def _handle_response(
    response: httpx.Response,
    url: str,
    dest: Path,
    *,
    known: dict | None,
    resume: _Resume | None,
    progress: Progress | None,
) -> DownloadResult:
    status = response.status_code
    if known is not None and (status == 304 or (status == 200 and _same_etag(known, response))):
        _discard_part(dest)
        return _unchanged_result(dest, known)
    if status == 416 and resume is not None:
        raise _RestartFromZero
    if status == 206 and resume is not None:
        _check_partial_response(response, resume)
        return _receive(response, url, dest, resume=resume, progress=progress)
    if status == 200:
        # A 200 to a Range request means the server ignored it or the file changed: the body is the whole file.
        return _receive(response, url, dest, resume=None, progress=progress)
    raise _status_failure(response)


def _check_partial_response(response: httpx.Response, resume: _Resume) -> None:
    start, _total = _content_range(response)
    if start != resume.offset:
        raise _RestartFromZero
    # Guards against servers that honour Range but ignore If-Range.
    etag = response.headers.get("etag")
    if resume.etag and etag and etag != resume.etag:
        raise _RestartFromZero
    last_modified = response.headers.get("last-modified")
    if not resume.etag and last_modified and last_modified != resume.last_modified:
        raise _RestartFromZero


def _receive(
    response: httpx.Response, url: str, dest: Path, *, resume: _Resume | None, progress: Progress | None
) -> DownloadResult:
    offset = resume.offset if resume is not None else 0
    etag = response.headers.get("etag") or (resume.etag if resume else None)
    last_modified = response.headers.get("last-modified") or (resume.last_modified if resume else None)
    encoded = response.headers.get("content-encoding", "identity").lower() != "identity"
    if resume is None:
        _start_part(dest, url, etag=None if encoded else etag, last_modified=None if encoded else last_modified)
    expected = _expected_size(response, offset, encoded)
    size, sha256 = _write_part(response, dest, offset=offset, total=expected, encoded=encoded, progress=progress)
    if expected is not None and size != expected:
        _discard_part(dest)
        raise SpaserError(f"Téléchargement impossible de {url} : {size} octets reçus au lieu de {expected}.")
    _install(dest, url=url, etag=etag, last_modified=last_modified, size=size, sha256=sha256)
    return DownloadResult(dest, RESUMED if resume else DOWNLOADED, etag, last_modified, size, sha256)


def _expected_size(response: httpx.Response, offset: int, encoded: bool) -> int | None:
    if encoded:
        return None
    if response.status_code == 206:
        _start, total = _content_range(response)
        if total is not None:
            return total
    length = response.headers.get("content-length")
    return offset + int(length) if length and length.isdigit() else None


def _content_range(response: httpx.Response) -> tuple[int | None, int | None]:
    match = re.fullmatch(r"\s*bytes\s+(\d+)-\d+/(\d+|\*)\s*", response.headers.get("content-range", ""))
    if match is None:
        return None, None
    total = match.group(2)
    return int(match.group(1)), None if total == "*" else int(total)


def _same_etag(known: dict, response: httpx.Response) -> bool:
    # Weak comparison, as for If-None-Match: W/"x" and "x" name the same content.
    stored, received = known.get("etag"), response.headers.get("etag")
    return bool(stored and received) and stored.removeprefix("W/") == received.removeprefix("W/")


# --- files on disk -------------------------------------------------------------------------------------------------


def _part_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part")


def _part_meta_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".part.meta.json")


def _meta_path(dest: Path) -> Path:
    return dest.with_name(dest.name + ".meta.json")


def _complete_meta(dest: Path, url: str) -> dict | None:
    """The sidecar of ``dest`` when it still describes the file on disk and this URL, else None."""
    meta = _read_json(_meta_path(dest))
    if meta is None or meta.get("url") != url or not dest.is_file():
        return None
    if meta.get("size") != dest.stat().st_size or not (meta.get("etag") or meta.get("last_modified")):
        return None
    return meta


def _resume_point(dest: Path, url: str) -> _Resume | None:
    """Where to resume the partial file, or None (after dropping it) when it cannot be trusted."""
    part = _part_path(dest)
    if not part.exists():
        return None
    state = _read_json(_part_meta_path(dest))
    offset = part.stat().st_size
    if_range = _if_range_value(state) if state is not None and state.get("url") == url else None
    if offset == 0 or if_range is None:
        _discard_part(dest)
        return None
    return _Resume(offset, if_range, state.get("etag"), state.get("last_modified"))


def _if_range_value(state: dict) -> str | None:
    etag, last_modified = state.get("etag"), state.get("last_modified")
    # If-Range needs a strong validator; a date is only allowed when the server gave no entity tag at all.
    if etag:
        return None if etag.startswith("W/") else etag
    return last_modified or None


def _start_part(dest: Path, url: str, *, etag: str | None, last_modified: str | None) -> None:
    # Without validators the bytes cannot be matched to a version later: no part state, so no resume.
    _part_meta_path(dest).unlink(missing_ok=True)
    if etag or last_modified:
        _write_json_atomic(_part_meta_path(dest), {"url": url, "etag": etag, "last_modified": last_modified})


def _write_part(
    response: httpx.Response, dest: Path, *, offset: int, total: int | None, encoded: bool, progress: Progress | None
) -> tuple[int, str]:
    part = _part_path(dest)
    digest = _hash_file(part) if offset else hashlib.sha256()
    size = offset
    # Raw bytes match the Range offsets; decoded bytes are only used when the server forced an encoding. No
    # chunk_size: httpx would buffer up to it and lose the buffered bytes when the connection breaks.
    chunks = response.iter_bytes() if encoded else response.iter_raw()
    try:
        shown = progress(dest.name, total, offset) if progress else nullcontext(lambda _size: None)
        with part.open("ab" if offset else "wb") as out, shown as advance:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                advance(len(chunk))
            out.flush()
            os.fsync(out.fileno())
    except OSError as error:
        raise SpaserError(f"Écriture impossible de {part} : {error.strerror or error}.") from error
    return size, digest.hexdigest()


def _install(dest: Path, *, url: str, etag: str | None, last_modified: str | None, size: int, sha256: str) -> None:
    try:
        os.replace(_part_path(dest), dest)
        meta = {"url": url, "etag": etag, "last_modified": last_modified, "sha256": sha256, "size": size}
        _write_json_atomic(_meta_path(dest), meta)
    except OSError as error:
        raise SpaserError(f"Écriture impossible de {dest} : {error.strerror or error}.") from error
    _part_meta_path(dest).unlink(missing_ok=True)


def _unchanged_result(dest: Path, known: dict) -> DownloadResult:
    return DownloadResult(
        dest, UNCHANGED, known.get("etag"), known.get("last_modified"), known["size"], known["sha256"]
    )


def _discard_part(dest: Path) -> None:
    _part_path(dest).unlink(missing_ok=True)
    _part_meta_path(dest).unlink(missing_ok=True)


def _hash_file(path: Path):
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(_CHUNK_SIZE):
            digest.update(chunk)
    return digest


def _read_json(path: Path) -> dict | None:
    # A missing or damaged state file only costs a fresh download, never an error.
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)
