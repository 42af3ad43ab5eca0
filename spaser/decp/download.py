"""Download the consolidated DECP files published on data.gouv.fr.

State kept next to each downloaded file ``NAME``:

- ``NAME.meta.json`` describes the last complete download (url, etag, last_modified, sha256, size). Its validators
  are sent back as ``If-None-Match`` / ``If-Modified-Since`` so that an unchanged file is not transferred again.
- ``NAME.part`` holds the bytes of an interrupted download and ``NAME.part.meta.json`` the validators of the response
  that produced them. The next call resumes with ``Range`` + ``If-Range``, so the server only sends the rest when the
  file has not changed in between; otherwise it answers 200 and the download starts again from zero.

``NAME`` itself is only ever replaced atomically by a complete, hashed file: a failed download leaves it untouched.
"""

import hashlib
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

import httpx
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from spaser.errors import SpaserError
from spaser.formatting import UNIT_SPACE, number


DEFAULT_DATASET_URL = "https://www.data.gouv.fr/api/1/datasets/5cd57bf68b4c4179299eb0e9/"
TIMEOUT = httpx.Timeout(30, read=120)
USER_AGENT = "spaser (+https://github.com/spaser)"

# A resource is a data file when data.gouv.fr declares one of these formats or when its title looks like a data file.
DATA_FORMATS = frozenset({"json", "xml", "parquet", "csv"})
DATA_TITLE_SUFFIXES = (".json", ".json.gz", ".zip", ".parquet", ".csv")

DOWNLOADED = "téléchargé"
RESUMED = "repris"
UNCHANGED = "inchangé"

_CHUNK_SIZE = 1024 * 1024
_MAX_NAME_LENGTH = 200  # leaves room for the ".part.meta.json" suffix under the usual 255-byte limit
_UNSAFE_NAME_CHARS = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class DownloadResult:
    path: Path
    status: str
    etag: str | None
    last_modified: str | None
    size: int
    sha256: str


@dataclass(frozen=True)
class _Resume:
    offset: int
    if_range: str
    etag: str | None
    last_modified: str | None


class _RestartFromZero(Exception):
    """The partial file cannot be continued: it is dropped and the request is sent again without Range."""


def download(url: str, dest: Path, *, client: httpx.Client, progress: bool = False) -> DownloadResult:
    """Download ``url`` into ``dest``, skipping an unchanged file and resuming an interrupted one."""
    dest = Path(dest)
    _make_dir(dest.parent)
    for _attempt in range(2):
        try:
            return _attempt_download(url, dest, client=client, progress=progress)
        except _RestartFromZero:
            _discard_part(dest)
    raise SpaserError(f"Téléchargement impossible de {url} : le serveur refuse de reprendre le fichier partiel.")


def download_dataset(
    dataset_url: str,
    dest_dir: Path,
    *,
    client: httpx.Client,
    progress: bool = False,
    on_result: Callable[[DownloadResult], None] | None = None,
) -> list[DownloadResult]:
    """Download every data file of a data.gouv.fr dataset into ``dest_dir``; ``on_result`` is told after each file."""
    resources = select_resources(_fetch_dataset(dataset_url, client))
    if not resources:
        raise SpaserError(f"Aucun fichier de données (JSON, XML, Parquet, CSV) dans le jeu de données {dataset_url}.")
    dest_dir = Path(dest_dir)
    _make_dir(dest_dir)
    results = []
    for resource, name in zip(resources, _unique_names(resources), strict=True):
        result = download(resource["url"], dest_dir / name, client=client, progress=progress)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def run_download(args) -> int:
    """CLI handler of ``spaser decp download``."""
    dest = Path(args.dest)
    _make_dir(dest)
    headers = {"User-Agent": USER_AGENT}
    with httpx.Client(follow_redirects=True, timeout=TIMEOUT, headers=headers) as client:
        download_dataset(
            args.dataset_url or DEFAULT_DATASET_URL,
            dest,
            client=client,
            progress=not args.no_progress,
            on_result=_print_result,
        )
    return 0


def select_resources(dataset: dict) -> list[dict]:
    """The resources of a data.gouv.fr dataset that are data files (see DATA_FORMATS and DATA_TITLE_SUFFIXES)."""
    resources = dataset.get("resources") if isinstance(dataset, dict) else None
    if not isinstance(resources, list):
        return []
    return [resource for resource in resources if _is_data_resource(resource)]


def resource_file_name(resource: dict, index: int = 0) -> str:
    """A safe local file name: the last segment of the URL when it has an extension, else the title."""
    from_url = safe_file_name(_last_url_segment(resource.get("url") or ""))
    from_title = safe_file_name(str(resource.get("title") or ""))
    if PurePosixPath(from_url).suffix:
        return from_url
    return from_title or from_url or f"ressource-{index + 1}"


def safe_file_name(raw: str) -> str:
    """Reduce ``raw`` to a bare file name: no directory, no ``..``, no hidden file; empty if nothing is left."""
    name = re.split(r"[/\\]", raw.strip())[-1]
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = re.sub(r"\.{2,}", ".", name)
    return name[-_MAX_NAME_LENGTH:].strip("._")


def human_size(size: int) -> str:
    """``1536`` → ``"1,5 Ko"``: French units, decimal comma, rounded half-up as every figure shown to users."""
    if size < 1024:
        return f"{size}{UNIT_SPACE}o"
    value, units = size / 1024, ["Ko", "Mo", "Go", "To"]
    while value >= 1024 and len(units) > 1:
        value /= 1024
        units.pop(0)
    return f"{number(value, 1)}{UNIT_SPACE}{units[0]}"


# --- one HTTP exchange ---------------------------------------------------------------------------------------------


def _attempt_download(url: str, dest: Path, *, client: httpx.Client, progress: bool) -> DownloadResult:
    known = _complete_meta(dest, url)
    resume = _resume_point(dest, url)
    headers = _request_headers(known, resume)
    try:
        with client.stream("GET", url, headers=headers, follow_redirects=True) as response:
            return _handle_response(response, url, dest, known=known, resume=resume, progress=progress)
    except httpx.HTTPError as error:
        raise SpaserError(_network_error_message(url, dest, error)) from error
    except httpx.InvalidURL as error:
        raise SpaserError(f"Téléchargement impossible de {url} : adresse invalide ({error}).") from error


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
    response: httpx.Response, url: str, dest: Path, *, known: dict | None, resume: _Resume | None, progress: bool
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
    raise SpaserError(f"Téléchargement impossible de {url} : le serveur a répondu {status}.")


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
    response: httpx.Response, url: str, dest: Path, *, resume: _Resume | None, progress: bool
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


def _network_error_message(url: str, dest: Path, error: httpx.HTTPError) -> str:
    detail = str(error) or type(error).__name__
    message = f"Téléchargement impossible de {url} : erreur réseau ({detail})."
    if _part_path(dest).exists() and _part_meta_path(dest).exists():
        message += " Relancez la commande pour reprendre le téléchargement là où il s'est arrêté."
    return message


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
    response: httpx.Response, dest: Path, *, offset: int, total: int | None, encoded: bool, progress: bool
) -> tuple[int, str]:
    part = _part_path(dest)
    digest = _hash_file(part) if offset else hashlib.sha256()
    size = offset
    # Raw bytes match the Range offsets; decoded bytes are only used when the server forced an encoding. No
    # chunk_size: httpx would buffer up to it and lose the buffered bytes when the connection breaks.
    chunks = response.iter_bytes() if encoded else response.iter_raw()
    try:
        with part.open("ab" if offset else "wb") as out, _progress_bar(progress, dest.name, total, offset) as advance:
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


def _make_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SpaserError(f"Impossible de créer le dossier {path} : {error.strerror or error}.") from error


# --- dataset -------------------------------------------------------------------------------------------------------


def _fetch_dataset(dataset_url: str, client: httpx.Client) -> dict:
    try:
        response = client.get(dataset_url, headers={"Accept": "application/json"}, follow_redirects=True)
    except httpx.HTTPError as error:
        detail = str(error) or type(error).__name__
        raise SpaserError(f"Lecture impossible du jeu de données {dataset_url} : erreur réseau ({detail}).") from error
    except httpx.InvalidURL as error:
        raise SpaserError(
            f"Lecture impossible du jeu de données {dataset_url} : adresse invalide ({error})."
        ) from error
    if response.status_code != 200:
        raise SpaserError(
            f"Lecture impossible du jeu de données {dataset_url} : le serveur a répondu {response.status_code}."
        )
    try:
        return response.json()
    except ValueError as error:
        raise SpaserError(
            f"Lecture impossible du jeu de données {dataset_url} : la réponse n'est pas du JSON."
        ) from error


def _is_data_resource(resource: object) -> bool:
    if not isinstance(resource, dict) or not isinstance(resource.get("url"), str) or not resource["url"]:
        return False
    file_format = str(resource.get("format") or "").strip().lower()
    title = str(resource.get("title") or "").strip().lower()
    return file_format in DATA_FORMATS or title.endswith(DATA_TITLE_SUFFIXES)


def _last_url_segment(url: str) -> str:
    # Split before unquoting so that an encoded "%2F" cannot smuggle a directory into the name.
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def _unique_names(resources: list[dict]) -> Iterator[str]:
    seen: set[str] = set()
    for index, resource in enumerate(resources):
        name = resource_file_name(resource, index)
        candidate, number = name, 1
        while candidate.lower() in seen:
            number += 1
            stem, dot, suffix = name.partition(".")
            candidate = f"{stem}-{number}{dot}{suffix}"
        seen.add(candidate.lower())
        yield candidate


# --- terminal output -----------------------------------------------------------------------------------------------


@contextmanager
def _progress_bar(enabled: bool, name: str, total: int | None, completed: int) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda _size: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, TimeRemainingColumn(), transient=True) as bar:
        task = bar.add_task(name, total=total, completed=completed)
        yield lambda size: bar.advance(task, size)


def _print_result(result: DownloadResult) -> None:
    print(f"{result.path.name} : {result.status} ({human_size(result.size)})", flush=True)
