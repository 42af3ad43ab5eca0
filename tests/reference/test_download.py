"""`spaser reference download` against a local HTTP server: the network is never reached."""

import functools
import json
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from spaser.cli import main
from spaser.errors import SpaserError
from spaser.reference import download as reference_download
from spaser.reference.download import RemoteFile, download_reference
from tests.reference.conftest import COG, FIXTURES, rows


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # the per-request log lines would clutter the test output
        pass


@pytest.fixture
def site(tmp_path):
    """A folder served over HTTP (with Last-Modified, so unchanged files answer 304), and its base URL."""
    root = tmp_path / "site"
    (root / "npm").mkdir(parents=True)
    (root / "stock").mkdir()
    (root / "resources").mkdir()
    (root / "api").mkdir()
    shutil.copy(COG / "regions.json", root / "npm" / "regions.json")
    shutil.copy(FIXTURES / "StockUniteLegale_utf8.parquet", root / "stock" / "StockUniteLegale_utf8.parquet")
    shutil.copy(FIXTURES / "unites_legales_2026-08-19.csv.gz", root / "resources" / "unites_legales_2026-08-19.csv.gz")
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    dataset = {
        "resources": [
            {"title": "liste_administrations", "format": "csv", "url": f"{base}/resources/liste_administrations.csv"},
            {"title": "unites_legales", "format": "gz", "url": f"{base}/resources/unites_legales_2026-08-19.csv.gz"},
        ]
    }
    (root / "api" / "annuaire.json").write_text(json.dumps(dataset), encoding="utf-8")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield base
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def sources(base: str) -> tuple[RemoteFile, ...]:
    return (
        RemoteFile("cog-regions", f"{base}/npm/regions.json", name="decoupage-administratif-6.0.0-regions.json"),
        RemoteFile(
            "annuaire-entreprises",
            dataset=f"{base}/api/annuaire.json",
            patterns=(r"/unites_legales[^/]*\.parquet$", r"/unites_legales[^/]*\.csv(\.gz)?$"),
        ),
        RemoteFile("sirene-unites-legales", f"{base}/stock/StockUniteLegale_utf8.parquet"),
    )


@pytest.fixture
def client():
    # trust_env=False: a proxy configured on the machine must not see requests meant for 127.0.0.1.
    with httpx.Client(trust_env=False, timeout=5) as http_client:
        yield http_client


def test_downloads_then_imports_each_file(site, client, tmp_path):
    store, dest, downloaded = tmp_path / "store", tmp_path / "downloads", []

    reports = download_reference(dest, store, client=client, sources=sources(site), on_downloaded=downloaded.append)

    assert [(report.kind, report.rows, report.version) for report in reports] == [
        ("cog-regions", 3, "2026"),
        ("annuaire-entreprises", 5, "2026-08-19"),
        ("sirene-unites-legales", 6, "2026-10"),
    ]
    assert sorted(path.name for path in dest.iterdir() if not path.name.endswith(".meta.json")) == [
        "StockUniteLegale_utf8.parquet",
        "decoupage-administratif-6.0.0-regions.json",
        "unites_legales_2026-08-19.csv.gz",
    ]
    assert [(result.path.name, result.status) for result in downloaded] == [
        ("decoupage-administratif-6.0.0-regions.json", "téléchargé"),
        ("unites_legales_2026-08-19.csv.gz", "téléchargé"),
        ("StockUniteLegale_utf8.parquet", "téléchargé"),
    ]
    assert rows(store, "SELECT kind FROM reference_loads ORDER BY loaded_at") == [
        ("cog-regions",),
        ("annuaire-entreprises",),
        ("sirene-unites-legales",),
    ]


def test_an_unchanged_file_is_not_imported_again(site, client, tmp_path):
    store, dest = tmp_path / "store", tmp_path / "downloads"
    download_reference(dest, store, client=client, sources=sources(site))
    imported = []

    reports = download_reference(
        dest,
        store,
        client=client,
        sources=sources(site),
        on_imported=lambda kind, report: imported.append((kind, report)),
    )

    assert reports == []
    assert imported == [("cog-regions", None), ("annuaire-entreprises", None), ("sirene-unites-legales", None)]
    assert rows(store, "SELECT count(*) FROM reference_loads") == [(3,)]


def test_only_the_requested_kinds(site, client, tmp_path):
    reports = download_reference(
        tmp_path / "d", tmp_path / "store", client=client, sources=sources(site), kinds=["annuaire-entreprises"]
    )

    assert [report.kind for report in reports] == ["annuaire-entreprises"]


def test_unknown_kind_and_missing_resource(site, client, tmp_path):
    with pytest.raises(SpaserError, match="pas d'adresse de téléchargement pour « esus »"):
        download_reference(tmp_path, tmp_path / "store", client=client, sources=sources(site), kinds=["esus"])
    unmatched = (RemoteFile("finess-esat", dataset=f"{site}/api/annuaire.json", patterns=(r"etalab-cs1100502",)),)
    with pytest.raises(SpaserError, match="aucun fichier de ce jeu de données ne convient à « finess-esat »"):
        download_reference(tmp_path, tmp_path / "store", client=client, sources=unmatched)


def test_default_sources_cover_the_public_files():
    kinds = [source.kind for source in reference_download.SOURCES]

    assert kinds == [
        "cog-regions",
        "cog-departements",
        "cog-epci",
        "cog-communes",
        "finess-esat",
        "annuaire-entreprises",
        "sirene-unites-legales",
        "sirene-etablissements",
    ]
    assert all(source.url or (source.dataset and source.patterns) for source in reference_download.SOURCES)


@pytest.fixture
def no_proxy(monkeypatch):
    # The CLI builds its own client, which honours proxy variables: they must not divert 127.0.0.1.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_cli_download(site, tmp_path, capsys, monkeypatch, no_proxy):
    monkeypatch.setattr(reference_download, "SOURCES", sources(site)[:1])
    argv = ["reference", "download", "--dest", str(tmp_path / "d"), "--store", str(tmp_path / "s"), "--no-progress"]

    assert main(argv) == 0

    assert capsys.readouterr().out.splitlines() == [
        "decoupage-administratif-6.0.0-regions.json : téléchargé (265\u00a0o)",
        "cog-regions : 3 ligne(s) chargée(s) dans regions (version 2026) depuis "
        "decoupage-administratif-6.0.0-regions.json.",
    ]


def test_cli_download_error(site, tmp_path, capsys, monkeypatch, no_proxy):
    monkeypatch.setattr(reference_download, "SOURCES", (RemoteFile("cog-regions", f"{site}/npm/absent.json"),))
    argv = ["reference", "download", "--dest", str(tmp_path / "d"), "--store", str(tmp_path / "s"), "--no-progress"]

    assert main(argv) == 2

    assert (
        capsys.readouterr().err
        == f"Erreur : Téléchargement impossible de {site}/npm/absent.json : le serveur a répondu 404.\n"
    )
    assert not Path(tmp_path / "s" / "reference.duckdb").exists()
