"""`spaser decp download`: the dataset's data files under safe names, against a local HTTP server."""

# ruff: noqa: F401, F811 (the fixtures `server` and `client` are imported from tests.fake_datagouv)

import pytest

from spaser.cli import main
from spaser.decp.download import download_dataset, resource_file_name, select_resources
from spaser.errors import SpaserError
from tests.fake_datagouv import ServedFile, ServerState, client, payload, server


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


def test_resource_file_name_prefers_the_url_then_the_title():
    assert resource_file_name({"url": "https://h/a/decp.json", "title": "autre.json"}) == "decp.json"
    assert resource_file_name({"url": "https://h/r/4f1c", "title": "../x/decp.xml"}) == "decp.xml"
    assert resource_file_name({"url": "https://h/r/4f1c", "title": ".."}, 2) == "4f1c"
    assert resource_file_name({"url": "https://h/", "title": ""}, 2) == "ressource-3"


def test_download_dataset_downloads_selected_resources_under_safe_names(server, client, tmp_path):
    files = dataset_for(server)
    dest_dir = tmp_path / "downloads"

    results = download_dataset(server.url("/dataset"), dest_dir, client=client)

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

    results = download_dataset(server.url("/dataset"), tmp_path, client=client)

    assert [(result.path.name, result.path.read_bytes()) for result in results] == [
        ("decp.json", b"a"),
        ("decp-2.json", b"b"),
    ]


def test_dataset_without_data_files_is_an_error(server, client, tmp_path):
    server.dataset = {"resources": [{"title": "doc.pdf", "url": server.url("/doc.pdf"), "format": "pdf"}]}

    with pytest.raises(SpaserError, match="Aucun fichier de données"):
        download_dataset(server.url("/dataset"), tmp_path, client=client)


def test_unreadable_dataset_is_a_french_error(server, client, tmp_path):
    server.files["/not-json"] = ServedFile(b"<html>")

    with pytest.raises(SpaserError) as raised:
        download_dataset(server.url("/not-json"), tmp_path, client=client)

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
    server.forced_status["/dataset"] = 404
    argv = ["decp", "download", "--dest", str(tmp_path), "--dataset-url", server.url("/dataset"), "--no-progress"]

    assert main(argv) == 2

    err = capsys.readouterr().err
    assert (
        err == f"Erreur : Lecture impossible du jeu de données {server.url('/dataset')} : le serveur a répondu 404.\n"
    )
