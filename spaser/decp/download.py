"""Download the consolidated DECP files published on data.gouv.fr: every data file of the dataset, under safe names.

The transfer itself (resume, validators, retries) is `spaser.download`'s.
"""

from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

import httpx

from spaser.download import (
    DownloadResult,
    Progress,
    download,
    fetch_dataset,
    make_dir,
    safe_file_name,
    url_file_name,
)
from spaser.errors import SpaserError


DEFAULT_DATASET_URL = "https://www.data.gouv.fr/api/1/datasets/5cd57bf68b4c4179299eb0e9/"

# A resource is a data file when data.gouv.fr declares one of these formats or when its title looks like a data file.
DATA_FORMATS = frozenset({"json", "xml", "parquet", "csv"})
DATA_TITLE_SUFFIXES = (".json", ".json.gz", ".zip", ".parquet", ".csv")


def download_dataset(
    dataset_url: str,
    dest_dir: Path,
    *,
    client: httpx.Client,
    progress: Progress | None = None,
    on_result: Callable[[DownloadResult], None] | None = None,
) -> list[DownloadResult]:
    """Download every data file of a data.gouv.fr dataset into ``dest_dir``; ``on_result`` is told after each file."""
    resources = select_resources(fetch_dataset(dataset_url, client=client))
    if not resources:
        raise SpaserError(f"Aucun fichier de données (JSON, XML, Parquet, CSV) dans le jeu de données {dataset_url}.")
    dest_dir = Path(dest_dir)
    make_dir(dest_dir)
    results = []
    for resource, name in zip(resources, _unique_names(resources), strict=True):
        result = download(resource["url"], dest_dir / name, client=client, progress=progress)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results


def select_resources(dataset: dict) -> list[dict]:
    """The resources of a data.gouv.fr dataset that are data files (see DATA_FORMATS and DATA_TITLE_SUFFIXES)."""
    resources = dataset.get("resources")
    if not isinstance(resources, list):
        return []
    return [resource for resource in resources if _is_data_resource(resource)]


def resource_file_name(resource: dict, index: int = 0) -> str:
    """A safe local file name: the last segment of the URL when it has an extension, else the title."""
    from_url = url_file_name(resource.get("url") or "")
    from_title = safe_file_name(str(resource.get("title") or ""))
    if PurePosixPath(from_url).suffix:
        return from_url
    return from_title or from_url or f"ressource-{index + 1}"


def _is_data_resource(resource: object) -> bool:
    if not isinstance(resource, dict) or not isinstance(resource.get("url"), str) or not resource["url"]:
        return False
    file_format = str(resource.get("format") or "").strip().lower()
    title = str(resource.get("title") or "").strip().lower()
    return file_format in DATA_FORMATS or title.endswith(DATA_TITLE_SUFFIXES)


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
