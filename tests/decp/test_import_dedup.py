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


def import_in_order(tmp_path: Path, store: Path, records: list[dict], layout: str) -> ImportReport:
    """The records in one file, one file each in one import, or one import each."""
    if layout == "same-file":
        return import_files([write(tmp_path, "all.json", *records)], store)
    files = [write(tmp_path, f"{index}.json", record) for index, record in enumerate(records)]
    if layout == "two-files":
        return import_files(files, store)
    return [import_files([file], store) for file in files][-1]


LAYOUTS = ["same-file", "two-files", "two-imports"]
TIED = {  # versions published the same day, told apart by their content: current, older, (objet, montant_actuel)
    "later-notification": (
        marche(id=CONTRACT, objet="Objet corrigé", dateNotification="2024-03-19"),
        marche(id=CONTRACT, objet="Objet initial"),
        ("Objet corrigé", 125000.0),
    ),
    "later-modification": (
        marche(
            id=CONTRACT, modifications=[modification(1, montant=150000.0, dateNotificationModification="2024-11-04")]
        ),
        marche(id=CONTRACT, modifications=[modification(1, montant=140000.0)]),
        (marche()["objet"], 150000.0),
    ),
    "more-modifications": (
        marche(id=CONTRACT, objet="Deux avenants", modifications=[modification(1, montant=140000.0), modification(2)]),
        marche(id=CONTRACT, modifications=[modification(1, montant=140000.0)]),
        ("Deux avenants", 140000.0),
    ),
}


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("current_first", [True, False], ids=["current-first", "current-last"])
@pytest.mark.parametrize("case", list(TIED))
def test_a_tie_on_publication_date_is_broken_by_content_not_by_order(case, current_first, layout, tmp_path, store):
    current, older, expected = TIED[case]

    import_in_order(tmp_path, store, [current, older] if current_first else [older, current], layout)

    found = only_contract(store, BUYER, CONTRACT)
    assert found["version_count"] == 2
    assert (found["objet"], found["montant_actuel"]) == expected
    assert len(found["modifications"]) == len(current.get("modifications", []))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_versions_differing_in_other_fields_are_ordered_by_content_hash(layout, tmp_path):
    records = [marche(id=CONTRACT, objet=f"Objet {label}") for label in "ABC"]
    current = set()
    for number, order in enumerate(([0, 1, 2], [2, 0, 1], [1, 2, 0])):
        folder = tmp_path / f"order-{number}"
        folder.mkdir()
        import_in_order(folder, folder / "store", [records[i] for i in order], layout)
        current.add(only_contract(folder / "store", BUYER, CONTRACT)["objet"])

    assert len(current) == 1


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("first_published_first", [True, False], ids=["first-published-first", "republished-first"])
def test_copies_of_one_content_keep_their_first_publication_date(first_published_first, layout, tmp_path, store):
    first, again = initial(), marche(id=CONTRACT, datePublicationDonnees=REPUBLICATION)

    report = import_in_order(tmp_path, store, [first, again] if first_published_first else [again, first], layout)

    assert_accounting(report)
    found = only_contract(store, BUYER, CONTRACT)
    assert found["datePublicationDonnees"] == date.fromisoformat(FIRST_PUBLICATION)
    assert found["version_count"] == 1
    assert len(versions_of(store, BUYER, CONTRACT)) == 1


def test_an_earlier_copy_arriving_later_is_counted_as_a_duplicate_and_kept(tmp_path, store):
    import_files([write(tmp_path, "again.json", marche(id=CONTRACT, datePublicationDonnees=REPUBLICATION))], store)

    report = import_files([write(tmp_path, "first.json", initial())], store)

    assert counts(report) == (1, 0, 0, 1, 0)
    assert report.store_marches == 1
    [stored] = versions_of(store, BUYER, CONTRACT)
    assert (stored["source_file"], stored["datePublicationDonnees"]) == (
        "first.json",
        date.fromisoformat(FIRST_PUBLICATION),
    )


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


SAME_COMPANY = "81450962600044"  # another establishment of AWARDEE's company (same SIREN)


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
    assert sorted(c["lot"] for c in found) == [f"2024-03-18 {AWARDEE}", f"2024-03-18 {OTHER_AWARDEE}"]
    assert len({c["uid"] for c in found}) == 2
    assert all(c["version_count"] == 1 for c in found)


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(lot(OTHER_AWARDEE, 80000.0), id="same-day-other-awardee-other-amount"),
        pytest.param(lot(OTHER_AWARDEE, 80000.0, notified="2024-05-02"), id="other-day-other-awardee-other-amount"),
        pytest.param(lot(AWARDEE, 80000.0, notified="2024-05-02"), id="other-day-same-awardee-other-amount"),
        pytest.param(lot(SAME_COMPANY, 80000.0, notified="2024-05-02"), id="other-day-same-company-other-amount"),
    ],
)
def test_versions_differing_in_two_of_date_amount_awardees_are_distinct_contracts(second, tmp_path, store):
    report = import_files([write(tmp_path, "reused.json", lot(AWARDEE, 100000.0), second)], store)

    assert counts(report) == (2, 2, 0, 0, 0)
    found = find_contracts(store, BUYER, CONTRACT)
    assert sorted(c["montant"] for c in found) == [80000.0, 100000.0]
    assert all(c["version_count"] == 1 and "identifiant_reutilise_lots" in flag_codes(c) for c in found)


@pytest.mark.parametrize(
    "second",
    [
        pytest.param(lot(AWARDEE, 80000.0), id="amount-corrected"),
        pytest.param(lot(OTHER_AWARDEE, 100000.0), id="awardee-corrected"),
        pytest.param(lot(AWARDEE, 100000.0, notified="2024-05-02"), id="date-corrected"),
        pytest.param(lot(SAME_COMPANY, 100000.0, notified="2024-05-02"), id="other-source-other-establishment"),
        pytest.param(lot(SAME_COMPANY, 80000.0), id="same-day-same-company-other-amount"),
    ],
)
def test_versions_agreeing_on_two_of_date_amount_awardees_are_one_contract(second, tmp_path, store):
    report = import_files([write(tmp_path, "versions.json", lot(AWARDEE, 100000.0), second)], store)

    assert counts(report) == (2, 1, 1, 0, 0)
    current = only_contract(store, BUYER, CONTRACT)
    assert current["version_count"] == 2
    assert current["lot"] in ("", None)
    assert "identifiant_reutilise_lots" not in flag_codes(current)


def test_versions_linked_through_a_third_are_one_contract(tmp_path, store):
    """March 18 at 100 k€ and May 2 at 80 k€ differ in two parts, but a version of March 18 at 80 k€ links them."""
    records = [lot(AWARDEE, 100000.0), lot(AWARDEE, 80000.0, notified="2024-05-02"), lot(AWARDEE, 80000.0)]

    for order in ([0, 1, 2], [1, 0, 2], [2, 1, 0]):
        folder = tmp_path / "".join(map(str, order))
        folder.mkdir()
        import_files([write(folder, "reused.json", *(records[i] for i in order))], folder / "store")

        assert only_contract(folder / "store", BUYER, CONTRACT)["version_count"] == 3


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_reused_id_is_split_the_same_way_whatever_the_order(layout, tmp_path):
    records = [lot(AWARDEE, 100000.0), lot(OTHER_AWARDEE, 80000.0, notified="2024-05-02"), lot(AWARDEE, 90000.0)]
    splits = set()
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
        folder = tmp_path / "".join(map(str, order))
        folder.mkdir()
        import_in_order(folder, folder / "store", [records[i] for i in order], layout)
        found = find_contracts(folder / "store", BUYER, CONTRACT)
        splits.add(tuple(sorted((c["uid"], c["version_count"], c["montant"]) for c in found)))

    assert len(splits) == 1
    [split] = splits
    assert sorted(count for _, count, _ in split) == [1, 2]


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


def test_quality_reports_what_the_identity_rule_split_and_merged_per_file(tmp_path, store, capsys):
    lots = write(tmp_path, "lots.json", lot(AWARDEE, 100000.0), lot(OTHER_AWARDEE, 80000.0, notified="2024-05-02"))
    corrected = [  # the date and then the amount corrected: one contract of three versions
        marche(id="2024-CORR", montant=50000.0, datePublicationDonnees="2024-04-02"),
        marche(id="2024-CORR", montant=50000.0, dateNotification="2024-03-20", datePublicationDonnees="2024-05-02"),
        marche(id="2024-CORR", montant=52000.0, dateNotification="2024-03-20", datePublicationDonnees="2024-06-03"),
    ]
    republished = write(tmp_path, "corrections.json", *corrected)
    also = write(tmp_path, "other-source.json", corrected[0], marche(id="2024-ALONE", montant=7000.0))
    import_files([lots, republished, also], store)
    capsys.readouterr()

    main(["decp", "quality", "--store", str(store), "--format", "json"])

    identity = json.loads(capsys.readouterr().out)["identity"]
    by_file = {row.pop("file"): row for row in identity["files"]}
    # lots.json: one id split into two contracts, 100 000 + 80 000 €.
    assert by_file["lots.json"] == {
        "split_ids": 1,
        "split_contracts": 2,
        "split_amount": 180000.0,
        "merged_contracts": 0,
        "merged_amount": 0.0,
        "merged_other_amounts": 0.0,
    }
    # corrections.json: current version 52 000 €; the other signatures (18/03, 50 000) and (20/03, 50 000).
    merged = {"merged_contracts": 1, "merged_amount": 52000.0, "merged_other_amounts": 100000.0}
    assert by_file["corrections.json"] == {"split_ids": 0, "split_contracts": 0, "split_amount": 0.0, **merged}
    # other-source.json: a copy of the first version read later (a duplicate, not stored) and a contract alone.
    assert set(by_file["other-source.json"].values()) == {0}
    assert identity["total"] == {"split_ids": 1, "split_contracts": 2, "split_amount": 180000.0, **merged}
