"""Identity, versions and accounting: re-publications, late old versions, ties, duplicates, reused ids (lots)."""

import json
from datetime import date
from pathlib import Path

import pytest

from spaser.cli import main
from spaser.decp.importer import ImportReport, import_files
from tests.decp.factories import (
    AWARDEE,
    BUYER,
    FIXTURES,
    OTHER_AWARDEE,
    assert_accounting,
    contracts,
    find_contracts,
    flag_codes,
    marche,
    modification,
    only_contract,
    titulaires,
    versions_of,
    write_2022,
)


CONTRACT = "2024-DEDUP-001"
FIRST_PUBLICATION = "2024-04-02"
REPUBLICATION = "2024-10-01"


def initial() -> dict:
    return marche(id=CONTRACT, datePublicationDonnees=FIRST_PUBLICATION)


def republished() -> dict:
    return marche(
        id=CONTRACT,
        datePublicationDonnees=REPUBLICATION,
        modifications=[modification(1, montant=140000.0)],
    )


def counts(report: ImportReport) -> tuple[int, int, int, int, int]:
    assert_accounting(report)
    return report.records_read, report.new, report.replaced, report.duplicate, report.rejected


def write(tmp_path: Path, name: str, *records: dict) -> Path:
    return write_2022(tmp_path / name, list(records))


def assert_current_is_republication(store: Path) -> None:
    current = only_contract(store, BUYER, CONTRACT)
    assert current["datePublicationDonnees"] == date.fromisoformat(REPUBLICATION)
    assert len(current["modifications"]) == 1
    assert current["montant"] == 125000.0
    assert current["montant_actuel"] == 140000.0
    assert current["version_count"] == 2
    assert len(versions_of(store, BUYER, CONTRACT)) == 2


def test_republication_in_one_import(tmp_path, store):
    files = [write(tmp_path, "v1.json", initial()), write(tmp_path, "v2.json", republished())]

    report = import_files(files, store)

    assert counts(report) == (2, 1, 1, 0, 0)
    assert [(f.new, f.replaced) for f in report.files] == [(1, 0), (0, 1)]
    assert (report.store_marches, report.store_concessions) == (1, 0)
    assert_current_is_republication(store)


def test_republication_in_a_later_import(tmp_path, store):
    first = import_files([write(tmp_path, "v1.json", initial())], store)
    second = import_files([write(tmp_path, "v2.json", republished())], store)

    assert counts(first) == (1, 1, 0, 0, 0)
    assert counts(second) == (1, 0, 1, 0, 0)
    assert second.store_marches == 1
    assert_current_is_republication(store)


def test_older_version_arriving_later_is_kept_in_history_only(tmp_path, store):
    import_files([write(tmp_path, "v2.json", republished())], store)

    late = import_files([write(tmp_path, "v1.json", initial())], store)

    assert counts(late) == (1, 0, 1, 0, 0)
    assert late.store_marches == 1
    assert_current_is_republication(store)


def test_older_version_read_after_the_newer_one_in_the_same_import(tmp_path, store):
    files = [write(tmp_path, "v2.json", republished()), write(tmp_path, "v1.json", initial())]

    report = import_files(files, store)

    assert counts(report) == (2, 1, 1, 0, 0)
    assert_current_is_republication(store)


@pytest.mark.parametrize("layout", ["same-file", "two-files"])
@pytest.mark.parametrize(
    ("order", "winner"), [pytest.param(("A", "B"), "B", id="A-then-B"), pytest.param(("B", "A"), "A", id="B-then-A")]
)
def test_tie_on_publication_date_goes_to_the_last_read(layout, order, winner, tmp_path, store):
    records = [marche(id=CONTRACT, objet=f"Objet {label}") for label in order]
    if layout == "same-file":
        files = [write(tmp_path, "both.json", *records)]
    else:
        files = [write(tmp_path, f"{index}.json", record) for index, record in enumerate(records)]

    report = import_files(files, store)

    assert counts(report) == (2, 1, 1, 0, 0)
    current = only_contract(store, BUYER, CONTRACT)
    assert current["objet"] == f"Objet {winner}"
    assert current["version_count"] == 2


def test_tie_across_imports_goes_to_the_later_import(tmp_path, store):
    import_files([write(tmp_path, "b.json", marche(id=CONTRACT, objet="Objet B"))], store)

    report = import_files([write(tmp_path, "a.json", marche(id=CONTRACT, objet="Objet A"))], store)

    assert counts(report) == (1, 0, 1, 0, 0)
    assert only_contract(store, BUYER, CONTRACT)["objet"] == "Objet A"


def test_identical_record_twice_in_one_file_is_a_duplicate(tmp_path, store):
    report = import_files([write(tmp_path, "twice.json", initial(), initial())], store)

    assert counts(report) == (2, 1, 0, 1, 0)
    assert only_contract(store, BUYER, CONTRACT)["version_count"] == 1
    assert len(versions_of(store, BUYER, CONTRACT)) == 1


def test_identical_record_in_two_files_is_a_duplicate(tmp_path, store):
    files = [write(tmp_path, "a.json", initial()), write(tmp_path, "b.json", initial())]

    report = import_files(files, store)

    assert counts(report) == (2, 1, 0, 1, 0)
    assert [(f.file, f.new, f.duplicate) for f in report.files] == [("a.json", 1, 0), ("b.json", 0, 1)]
    assert only_contract(store, BUYER, CONTRACT)["version_count"] == 1


def test_same_content_published_again_later_is_a_duplicate(tmp_path, store):
    again = marche(id=CONTRACT, datePublicationDonnees=REPUBLICATION)

    report = import_files([write(tmp_path, "again.json", initial(), again)], store)

    assert counts(report) == (2, 1, 0, 1, 0)
    assert only_contract(store, BUYER, CONTRACT)["version_count"] == 1


def test_identical_record_in_a_later_import_is_a_duplicate(tmp_path, store):
    import_files([write(tmp_path, "a.json", initial())], store)

    report = import_files([write(tmp_path, "b.json", initial())], store)

    assert counts(report) == (1, 0, 0, 1, 0)
    assert only_contract(store, BUYER, CONTRACT)["version_count"] == 1


def test_importing_the_same_files_twice_changes_nothing(store):
    files = [FIXTURES / "format2022.json", FIXTURES / "format2019.json", FIXTURES / "format2022.xml"]
    first = import_files(files, store)
    before = contracts(store)

    second = import_files(files, store)

    assert counts(first) == (11, 11, 0, 0, 0)
    assert counts(second) == (11, 0, 0, 11, 0)
    assert (second.store_marches, second.store_concessions) == (first.store_marches, first.store_concessions)
    assert contracts(store) == before


def lot(awardee: str, montant: float, notified: str = "2024-03-18") -> dict:
    return marche(id=CONTRACT, titulaires=titulaires(awardee), montant=montant, dateNotification=notified)


def test_reused_id_for_lots_makes_distinct_contracts(tmp_path, store):
    report = import_files([write(tmp_path, "lots.json", lot(AWARDEE, 100000.0), lot(OTHER_AWARDEE, 80000.0))], store)

    assert counts(report) == (2, 2, 0, 0, 0)
    assert report.store_marches == 2
    found = find_contracts(store, BUYER, CONTRACT)
    assert len(found) == 2
    assert sorted(([t["id"] for t in c["titulaires"]], c["montant"]) for c in found) == [
        ([AWARDEE], 100000.0),
        ([OTHER_AWARDEE], 80000.0),
    ]
    assert all("identifiant_reutilise_lots" in flag_codes(c) for c in found)
    assert all(c["lot"] and [t["id"] for t in c["titulaires"]][0] in c["lot"] for c in found)
    assert len({c["uid"] for c in found}) == 2
    assert all(c["version_count"] == 1 for c in found)


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(lot(AWARDEE, 80000.0), id="same-awardee-other-amount"),
        pytest.param(lot(OTHER_AWARDEE, 100000.0), id="other-awardee-same-amount"),
        pytest.param(lot(OTHER_AWARDEE, 80000.0, notified="2024-05-02"), id="other-date"),
    ],
)
def test_not_lots_are_versions_of_one_contract(second, tmp_path, store):
    report = import_files([write(tmp_path, "versions.json", lot(AWARDEE, 100000.0), second)], store)

    assert counts(report) == (2, 1, 1, 0, 0)
    current = only_contract(store, BUYER, CONTRACT)
    assert current["version_count"] == 2
    assert current["lot"] in ("", None)
    assert "identifiant_reutilise_lots" not in flag_codes(current)


REPORT_KEYS = {
    "records_read",
    "new",
    "replaced",
    "duplicate",
    "rejected",
    "store_marches",
    "store_concessions",
    "files",
}
FILE_KEYS = {"file", "format", "encoding", "records_read", "new", "replaced", "duplicate", "rejected"}


def test_report_json_of_the_cli(tmp_path, store, capsys):
    target = tmp_path / "bilan.json"
    files = [FIXTURES / "format2022.json", write(tmp_path, "twice.json", initial(), initial())]

    code = main(["decp", "import", *map(str, files), "--store", str(store), "--report-json", str(target)])

    capsys.readouterr()
    assert code == 0
    written = json.loads(target.read_text(encoding="utf-8"))
    assert REPORT_KEYS <= set(written)
    assert {key: written[key] for key in REPORT_KEYS - {"files"}} == {
        "records_read": 6,
        "new": 5,
        "replaced": 0,
        "duplicate": 1,
        "rejected": 0,
        "store_marches": 4,
        "store_concessions": 1,
    }
    assert [set(file) >= FILE_KEYS for file in written["files"]] == [True, True]
    assert [(f["file"], f["format"], f["records_read"], f["new"], f["duplicate"]) for f in written["files"]] == [
        ("format2022.json", "json", 4, 4, 0),
        ("twice.json", "json", 2, 1, 1),
    ]
