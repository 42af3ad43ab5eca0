"""Download the reference files that have a stable public address, then import them.

Files are fetched with `spaser.download` (retried, resumed when interrupted, skipped when unchanged) and a file
already imported with the same content (same sha256 in `reference_loads`) is not imported again.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from spaser.download import DownloadResult, Progress, download, fetch_dataset, url_file_name
from spaser.errors import SpaserError
from spaser.reference.importer import LoadReport, import_reference
from spaser.reference.store import database_path, open_read_only


DECOUPAGE_VERSION = "6.0.0"  # COG 2026
DECOUPAGE_URL = f"https://cdn.jsdelivr.net/npm/@etalab/decoupage-administratif@{DECOUPAGE_VERSION}/data/"
SIRENE_STOCK_URL = "https://object.files.data.gouv.fr/data-pipeline-open/siren/stock/"
DATASETS_URL = "https://www.data.gouv.fr/api/1/datasets/"


@dataclass(frozen=True)
class RemoteFile:
    """A reference file: at a fixed `url`, or the resource of a data.gouv.fr `dataset` whose URL matches `patterns`
    (the first pattern that matches a resource wins)."""

    kind: str
    url: str | None = None
    dataset: str | None = None
    patterns: tuple[str, ...] = ()
    name: str | None = None


# In import order: the geography first (communes then find their EPCI), then the large SIRENE stocks.
SOURCES = (
    RemoteFile(
        "cog-regions", DECOUPAGE_URL + "regions.json", name=f"decoupage-administratif-{DECOUPAGE_VERSION}-regions.json"
    ),
    RemoteFile(
        "cog-departements",
        DECOUPAGE_URL + "departements.json",
        name=f"decoupage-administratif-{DECOUPAGE_VERSION}-departements.json",
    ),
    RemoteFile("cog-epci", DECOUPAGE_URL + "epci.json", name=f"decoupage-administratif-{DECOUPAGE_VERSION}-epci.json"),
    RemoteFile(
        "cog-communes",
        DECOUPAGE_URL + "communes.json",
        name=f"decoupage-administratif-{DECOUPAGE_VERSION}-communes.json",
    ),
    RemoteFile(
        "finess-esat",
        dataset=DATASETS_URL + "5369956ba3a729239d2046fc/",
        patterns=(r"etalab-cs1100502-stock-[^/]*\.csv$", r"etalab-cs1100507-stock-[^/]*\.csv$"),
    ),
    RemoteFile(
        "annuaire-entreprises",
        dataset=DATASETS_URL + "667ebdd4547ab9bd6e4682d3/",
        patterns=(r"/unites_legales[^/]*\.parquet$", r"/unites_legales[^/]*\.csv(\.gz)?$"),
    ),
    RemoteFile("sirene-unites-legales", SIRENE_STOCK_URL + "StockUniteLegale_utf8.parquet"),
    RemoteFile("sirene-etablissements", SIRENE_STOCK_URL + "StockEtablissement_utf8.parquet"),
)


def download_reference(
    dest: Path,
    store: Path,
    *,
    client: httpx.Client,
    kinds: list[str] | None = None,
    sources: tuple[RemoteFile, ...] | None = None,
    progress: Progress | None = None,
    on_downloaded: Callable[[DownloadResult], None] = lambda result: None,
    on_imported: Callable[[str, LoadReport | None], None] = lambda kind, report: None,
) -> list[LoadReport]:
    """Download the files of `kinds` (all by default) into `dest` and import each new one into `store`.

    `on_downloaded` is told each download, then `on_imported` its kind and import (None: that content was already
    imported)."""
    sources = SOURCES if sources is None else sources
    known = {source.kind for source in sources}
    unknown = [kind for kind in kinds or [] if kind not in known]
    if unknown:
        raise SpaserError(
            f"pas d'adresse de téléchargement pour « {unknown[0]} » (types téléchargeables : {', '.join(known)})."
        )
    reports = []
    for source in sources:
        if kinds and source.kind not in kinds:
            continue
        url = source.url or _resource_url(source, client)
        name = source.name or url_file_name(url) or "reference"
        result = download(url, Path(dest) / name, client=client, progress=progress)
        on_downloaded(result)
        if _already_loaded(store, source.kind, result.sha256):
            on_imported(source.kind, None)
            continue
        reports.append(import_reference(result.path, source.kind, store))
        on_imported(source.kind, reports[-1])
    return reports


def _resource_url(source: RemoteFile, client: httpx.Client) -> str:
    resources = fetch_dataset(source.dataset, client=client).get("resources")
    urls = [str(item["url"]) for item in resources or [] if isinstance(item, dict) and item.get("url")]
    for pattern in source.patterns:
        found = [url for url in urls if re.search(pattern, url)]
        if found:
            return found[0]
    raise SpaserError(f"{source.dataset} : aucun fichier de ce jeu de données ne convient à « {source.kind} ».")


def _already_loaded(store: Path, kind: str, sha256: str) -> bool:
    if not database_path(store).exists():
        return False
    with open_read_only(store) as connection:
        found = connection.execute(
            "SELECT count(*) FROM reference_loads WHERE kind = ? AND sha256 = ?", [kind, sha256]
        ).fetchone()[0]
    return found > 0
