"""Every JSON/XML format variant of tests/fixtures/decp imports to the canonical values of its MANIFEST."""

import gzip
import shutil
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import orjson
import pytest

from spaser.decp.importer import ImportReport, import_files
from tests.decp.factories import (
    FIXTURES,
    assert_accounting,
    contracts,
    current_awardees,
    find_contracts,
    flag_codes,
    query,
)


PA = "Procédure adaptée"
AOO = "Appel d'offres ouvert"
NEGOCIATION = "Procédure avec négociation"
SANS_PUBLICITE = "Marché passé sans publicité ni mise en concurrence préalable"


@dataclass(frozen=True)
class Row:
    """One row of a MANIFEST table; `montant_actuel` is the `A → B` right-hand side."""

    kind: str
    acheteur_id: str
    id: str
    date: date
    montant: float
    montant_actuel: float
    cpv: str | None
    procedure: str
    awardees: tuple[str, ...]
    social: list[str] | None
    environmental: list[str] | None
    mods: int


def row(kind, buyer, contract_id, day, amount, cpv, procedure, awardees, social, environmental, mods) -> Row:
    initial, current = amount if isinstance(amount, tuple) else (amount, amount)
    return Row(
        "marche" if kind == "marché" else kind,
        buyer,
        contract_id,
        date.fromisoformat(day),
        initial,
        current,
        cpv,
        procedure,
        tuple(awardees.split(", ")),
        social,
        environmental,
        mods,
    )


UNKNOWN = None
NONE: list[str] = []

# fmt: off
MANIFEST = {
    "format2019.json": (
        "json",
        [
            row("marché", "21950637500019", "2019RTE04700", "2019-05-14", 84250.5, "45261210", PA,
                "50212836600015", UNKNOWN, UNKNOWN, 0),
            row("marché", "24340318500016", "2019DEV00900", "2019-09-02", 1200000, "90513000", AOO,
                "41876023700044, BE0412345614", UNKNOWN, UNKNOWN, 0),
            row("concession", "21340287800010", "2019DSP0200", "2019-06-27", 450000, None,
                "Procédure négociée ouverte", "82371904200058", UNKNOWN, UNKNOWN, 0),
            row("marché", "22560073300011", "2019VRD45101", "2019-03-11", (312480, 338910.4), "45233140", PA,
                "79914532100037", UNKNOWN, UNKNOWN, 1),
        ],
    ),
    "format2019_pes.json": (
        "json",
        [
            row("marché", "21690387200010", "2019M0012000", "2019-02-11", 64800, "50700000", PA,
                "44712690500010", UNKNOWN, UNKNOWN, 0),
            row("marché", "21690387200010", "2019M0015000", "2019-06-28", 520000, "55523100", AOO,
                "38291455400060", UNKNOWN, UNKNOWN, 0),
        ],
    ),
    "format2019.xml": (
        "xml",
        [
            row("marché", "21440190300015", "2019JEU18300", "2019-04-23", 58730, "37535200", PA,
                "51399078800038", UNKNOWN, UNKNOWN, 0),
            row("marché", "26440215700012", "2019NET07201", "2019-01-07", 780000, "90911200", NEGOCIATION,
                "84203167600021, 31964520600016", UNKNOWN, UNKNOWN, 1),
            row("concession", "20005537400017", "2019PORT0401", "2019-11-29", (3250000, 3410000), None,
                "Procédure non négociée ouverte", "42587316300017", UNKNOWN, UNKNOWN, 1),
        ],
    ),
    "format2019_single_marche.xml": (
        "xml",
        [
            row("marché", "21290468400017", "2019EV00500", "2019-02-26", 39500, "77310000", PA,
                "53820471000023", UNKNOWN, UNKNOWN, 0),
        ],
    ),
    "format2022.json": (
        "json",
        [
            row("marché", "21310555400017", "2024-TRV-017", "2024-03-18", (2184500, 2246800), "45214200", AOO,
                "81450962600036, 88013574400055", ["Clause sociale", "Critère social"],
                ["Critère environnemental"], 1),
            row("marché", "13002688300012", "24AC-0042", "2024-05-06", 350000, "39130000", AOO,
                "48630219300041", NONE, ["Clause environnementale"], 0),
            row("marché", "21590350100017", "2024MS0107", "2024-01-15", 96000, "15500000", AOO,
                "75302148400039", NONE, NONE, 0),
            row("concession", "20007180100019", "2024DSP-RI01", "2024-02-27", 640000, None,
                "Procédure négociée ouverte", "52918640500013", ["Concession réservée"],
                ["Critère environnemental"], 0),
        ],
    ),
    "format2022_minified.json": (
        "json",
        [
            row("marché", "21620178000014", "2024-1187432", "2024-06-03", 187340, "45421000", PA,
                "39587102300036", ["Clause sociale"], ["Clause environnementale", "Critère environnemental"], 0),
            row("marché", "20006723900018", "2023-1090215", "2023-11-20", (96500, 104800), "71000000", PA,
                "80436127700028, 89126305500065", NONE, ["Critère environnemental"], 1),
            row("marché", "26620057500014", "24-1204466", "2024-07-01", 42000, "77311000", PA,
                "34815970800018", ["Marché réservé"], NONE, 0),
        ],
    ),
    "format2022.xml": (
        "xml",
        [
            row("marché", "21330796000012", "2024-VOI-0031", "2024-04-09", (1456320.75, 1502110.75), "45233140",
                PA, "81720498500037", ["Clause sociale"], ["Clause environnementale"], 2),
            row("marché", "13001553000012", "24DSI0087", "2024-10-02", 890000, "48000000", NEGOCIATION,
                "DE283917465", NONE, NONE, 0),
            row("concession", "21330281300018", "2024DSPEAU01", "2024-06-21", 18500000, None,
                "Procédure négociée ouverte", "53107842600032", ["Clause sociale"],
                ["Clause environnementale", "Critère environnemental"], 0),
        ],
    ),
    "format2022_draft_2_0_0.json": (
        "json",
        [
            row("marché", "21380185500015", "2023-MOE-004", "2023-09-12", 148000, "71221000", PA,
                "90655218700039", NONE, ["Critère environnemental"], 0),
            row("marché", "22380094700010", "2023AC-ENT-12", "2023-11-06", (420000, 462000), "39830000", AOO,
                "35218947600026", ["Clause sociale"], NONE, 1),
            row("marché", "25380250800015", "2023SI-0421", "2023-12-18", 64000, "72415000",
                "Appel d'offres restreint", "DE197364528", ["Marché réservé"], ["Clause environnementale"], 0),
        ],
    ),
    "mojibake.json": (
        "json",
        [
            row("marché", "26310461400015", "2018HOSP7Kq200", "2018-11-19", 612000, "98315000", AOO,
                "90372815200021", UNKNOWN, UNKNOWN, 0),
            row("marché", "21870344500013", "2019MAIR0wT300", "2019-02-04", 39900, "79100000", SANS_PUBLICITE,
                "34680192100039", UNKNOWN, UNKNOWN, 0),
        ],
    ),
}
# fmt: on

RECORDS = [
    pytest.param(name, expected, id=f"{name}#{position}")
    for name, (_, rows) in MANIFEST.items()
    for position, expected in enumerate(rows, start=1)
]


def canonical(row_: dict) -> dict:
    return {
        "kind": row_["kind"],
        "acheteur_id": row_["acheteur_id"],
        "id": row_["id"],
        "date": row_["dateNotification"],
        "montant": row_["montant"],
        "montant_actuel": row_["montant_actuel"],
        "cpv": row_["codeCPV"],
        "procedure": row_["procedure"],
        "awardees": tuple(current_awardees(row_)),
        "social": row_["considerationsSociales"],
        "environmental": row_["considerationsEnvironnementales"],
        "mods": len(row_["modifications"] or []),
    }


def expected_canonical(expected: Row) -> dict:
    return {
        "kind": expected.kind,
        "acheteur_id": expected.acheteur_id,
        "id": expected.id,
        "date": expected.date,
        "montant": expected.montant,
        "montant_actuel": expected.montant_actuel,
        "cpv": expected.cpv,
        "procedure": expected.procedure,
        "awardees": expected.awardees,
        "social": expected.social,
        "environmental": expected.environmental,
        "mods": expected.mods,
    }


def contents(store: Path) -> list[dict]:
    """The contracts without provenance, to compare stores filled from different containers of the same data."""
    return query(store, "SELECT * EXCLUDE (source_file, read_seq, run_id) FROM contracts ORDER BY uid")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Import each fixture once per module and worker; the tests only read the resulting stores."""
    cache: dict[str, tuple[ImportReport, Path]] = {}

    def load(name: str) -> tuple[ImportReport, Path]:
        if name not in cache:
            store = tmp_path_factory.mktemp("fixture-store") / "store"
            cache[name] = (import_files([FIXTURES / name], store), store)
        return cache[name]

    return load


@pytest.mark.parametrize("name", list(MANIFEST))
def test_fixture_counts(name, imported):
    kind, rows = MANIFEST[name]
    marches = sum(1 for expected in rows if expected.kind == "marche")

    report, store = imported(name)

    assert_accounting(report)
    assert (report.records_read, report.new, report.replaced, report.duplicate, report.rejected) == (
        len(rows),
        len(rows),
        0,
        0,
        0,
    )
    assert (report.store_marches, report.store_concessions) == (marches, len(rows) - marches)
    assert [(f.file, f.format, f.encoding, f.records_read, f.new) for f in report.files] == [
        (name, kind, "utf-8", len(rows), len(rows))
    ]
    assert len(contracts(store)) == len(rows)


@pytest.mark.parametrize(("name", "expected"), RECORDS)
def test_record_canonical_values(name, expected, imported):
    _, store = imported(name)

    found = find_contracts(store, expected.acheteur_id, expected.id)

    assert len(found) == 1
    assert canonical(found[0]) == expected_canonical(expected)
    assert isinstance(found[0]["dateNotification"], date)


@pytest.mark.parametrize("name", [name for name in MANIFEST if name != "mojibake.json"])
def test_clean_fixtures_raise_no_quality_flag(name, imported):
    _, store = imported(name)

    assert {(c["id"], code) for c in contracts(store) for code in flag_codes(c)} == set()


def test_mojibake_is_kept_as_published_and_flagged(imported):
    published = orjson.loads((FIXTURES / "mojibake.json").read_bytes())["marches"]

    _, store = imported("mojibake.json")

    for record, replacement_characters in zip(published, (6, 3), strict=True):
        (found,) = find_contracts(store, record["acheteur"]["id"], record["id"])
        assert found["objet"] == record["objet"]
        assert found["objet"].count("\ufffd") == replacement_characters
        assert flag_codes(found) == {"encodage_defectueux"}


NOTES = [
    ("format2019.json", "24340318500016", "2019DEV00900", lambda c: c["nature"], "Accord-cadre"),
    (
        "format2019.json",
        "24340318500016",
        "2019DEV00900",
        lambda c: [(t["id"], t["typeIdentifiant"]) for t in c["titulaires"]],
        [("41876023700044", "SIRET"), ("BE0412345614", "TVA")],
    ),
    ("format2019.json", "21950637500019", "2019RTE04700", lambda c: c["formePrix"], "Ferme"),
    ("format2019.json", "24340318500016", "2019DEV00900", lambda c: c["formePrix"], "Révisable"),
    ("format2019.json", "21340287800010", "2019DSP0200", lambda c: c["dateDebutExecution"], date(2019, 7, 1)),
    ("format2019.json", "21340287800010", "2019DSP0200", lambda c: c["montantSubventionPublique"], 0),
    ("format2019.json", "22560073300011", "2019VRD45101", lambda c: c["dureeMois"], 6),
    (
        "format2019.json",
        "22560073300011",
        "2019VRD45101",
        lambda c: [
            (m["dateNotificationModification"], m["datePublicationDonneesModification"], m["dureeMois"], m["montant"])
            for m in c["modifications"]
        ],
        [(date(2019, 7, 22), date(2019, 8, 5), 8, 338910.4)],
    ),
    ("format2019_pes.json", "21690387200010", "2019M0012000", lambda c: c["datePublicationDonnees"], date(2019, 3, 4)),
    (
        "format2019_pes.json",
        "21690387200010",
        "2019M0015000",
        lambda c: c["datePublicationDonnees"],
        date(2019, 7, 15),
    ),
    (
        "format2019.xml",
        "26440215700012",
        "2019NET07201",
        lambda c: [t["id"] for t in c["titulaires"]],
        ["84203167600021", "90218843200048"],
    ),
    ("format2019.xml", "20005537400017", "2019PORT0401", lambda c: c["montantSubventionPublique"], 150000),
    ("format2019.xml", "20005537400017", "2019PORT0401", lambda c: c["dateDebutExecution"], date(2020, 1, 1)),
    (
        "format2019.xml",
        "20005537400017",
        "2019PORT0401",
        lambda c: [m["dateNotificationModification"] for m in c["modifications"]],
        [date(2021, 5, 20)],
    ),
    (
        "format2019_single_marche.xml",
        "21290468400017",
        "2019EV00500",
        lambda c: c["formePrix"],
        "Ferme et actualisable",
    ),
    (
        "format2022.json",
        "21310555400017",
        "2024-TRV-017",
        lambda c: (
            c["typeGroupementOperateurs"],
            c["sousTraitanceDeclaree"],
            c["attributionAvance"],
            c["tauxAvance"],
            c["modalitesExecution"],
            c["ccag"],
            c["dureeMois"],
        ),
        ("Solidaire", True, True, 0.05, ["Tranches"], "Travaux", 18),
    ),
    (
        "format2022.json",
        "21310555400017",
        "2024-TRV-017",
        lambda c: [(a["id"], a["sousTraitant_id"], a["montant"], a["variationPrix"]) for a in c["actesSousTraitance"]],
        [(1, "33749085800061", 148600, "Révisable")],
    ),
    ("format2022.json", "21310555400017", "2024-TRV-017", lambda c: c["nombreModificationsActesSousTraitance"], 1),
    (
        "format2022.json",
        "21310555400017",
        "2024-TRV-017",
        lambda c: [(m["id"], m["dateNotificationModification"], m["dureeMois"]) for m in c["modifications"]],
        [(1, date(2024, 9, 9), 20)],
    ),
    (
        "format2022.json",
        "13002688300012",
        "24AC-0042",
        lambda c: (c["techniques"], c["modalitesExecution"]),
        (["Accord-cadre"], ["Bons de commande"]),
    ),
    (
        "format2022.json",
        "21590350100017",
        "2024MS0107",
        lambda c: (c["idAccordCadre"], c["origineUE"], c["origineFrance"]),
        ("2023AC0100", 0.85, 0.6),
    ),
    (
        "format2022.json",
        "20007180100019",
        "2024DSP-RI01",
        lambda c: (c["dateDebutExecution"], c["montantSubventionPublique"], c["lieuExecution_code"]),
        (date(2024, 4, 1), 0.0, None),
    ),
    ("format2022_minified.json", "20006723900018", "2023-1090215", lambda c: c["ccag"], "Maitrise d'œuvre"),
    (
        "format2022_minified.json",
        "20006723900018",
        "2023-1090215",
        lambda c: c["typeGroupementOperateurs"],
        "Conjoint",
    ),
    (
        "format2022_minified.json",
        "26620057500014",
        "24-1204466",
        lambda c: [(a["sousTraitant_id"], a["montant"]) for a in c["actesSousTraitance"]],
        [("49872063000041", 6800)],
    ),
    (
        "format2022.xml",
        "21330796000012",
        "2024-VOI-0031",
        lambda c: (
            c["marcheInnovant"],
            c["attributionAvance"],
            c["sousTraitanceDeclaree"],
            c["origineUE"],
            c["origineFrance"],
            c["dureeMois"],
        ),
        (False, True, True, None, None, 14),
    ),
    (
        "format2022.xml",
        "21330796000012",
        "2024-VOI-0031",
        lambda c: (
            [a["id"] for a in c["actesSousTraitance"]],
            c["nombreModificationsActesSousTraitance"],
            sorted(m["id"] for m in c["modifications"]),
        ),
        ([1, 2], 1, [1, 2]),
    ),
    (
        "format2022.xml",
        "13001553000012",
        "24DSI0087",
        lambda c: (c["marcheInnovant"], c["attributionAvance"], c["sousTraitanceDeclaree"]),
        (True, False, False),
    ),
    (
        "format2022.xml",
        "13001553000012",
        "24DSI0087",
        lambda c: ([t["typeIdentifiant"] for t in c["titulaires"]], sorted(c["techniques"])),
        (["TVA"], ["Accord-cadre", "Catalogue électronique"]),
    ),
    (
        "format2022.xml",
        "21330281300018",
        "2024DSPEAU01",
        lambda c: (c["dateDebutExecution"], c["montantSubventionPublique"]),
        (date(2025, 1, 1), 0),
    ),
    (
        "format2022_draft_2_0_0.json",
        "21380185500015",
        "2023-MOE-004",
        lambda c: (c["modalitesExecution"], c["ccag"], c["typeGroupementOperateurs"]),
        (["Tranches"], "Maitrise d'œuvre", None),
    ),
    (
        "format2022_draft_2_0_0.json",
        "22380094700010",
        "2023AC-ENT-12",
        lambda c: (c["techniques"], c["modalitesExecution"]),
        (["Accord-cadre"], ["Bons de commande"]),
    ),
    (
        "format2022_draft_2_0_0.json",
        "25380250800015",
        "2023SI-0421",
        lambda c: (
            c["techniques"],
            c["modalitesExecution"],
            c["idAccordCadre"],
            c["ccag"],
            [(t["id"], t["typeIdentifiant"]) for t in c["titulaires"]],
        ),
        (
            ["Système d'acquisition dynamique"],
            ["Marchés subséquents"],
            "2022SAD0007",
            "Techniques de l'information et de la communication",
            [("DE197364528", "UE")],
        ),
    ),
]


@pytest.mark.parametrize(
    ("name", "buyer", "contract_id", "extract", "expected"),
    [pytest.param(*note, id=f"{note[0]}-{note[2]}-{index}") for index, note in enumerate(NOTES)],
)
def test_manifest_notes(name, buyer, contract_id, extract, expected, imported):
    _, store = imported(name)

    (found,) = find_contracts(store, buyer, contract_id)

    assert extract(found) == expected


def test_gzip_gives_the_same_contracts(tmp_path, imported):
    compressed = tmp_path / "format2022.json.gz"
    compressed.write_bytes(gzip.compress((FIXTURES / "format2022.json").read_bytes()))

    packed = import_files([compressed], tmp_path / "packed")

    assert [(f.file, f.format, f.records_read, f.new) for f in packed.files] == [("format2022.json.gz", "json", 4, 4)]
    assert (packed.records_read, packed.new, packed.store_marches, packed.store_concessions) == (4, 4, 3, 1)
    assert contents(tmp_path / "packed") == contents(imported("format2022.json")[1])


def test_zip_members_give_the_same_contracts_and_keep_their_names(tmp_path, imported):
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        out.write(FIXTURES / "format2022.json", "format2022.json")
        out.write(FIXTURES / "format2019.xml", "format2019.xml")

    report = import_files([archive], tmp_path / "zipped")

    assert_accounting(report)
    assert [(f.file, f.format, f.records_read, f.new) for f in report.files] == [
        ("archive.zip:format2022.json", "json", 4, 4),
        ("archive.zip:format2019.xml", "xml", 3, 3),
    ]
    assert (report.store_marches, report.store_concessions) == (5, 2)
    plain = contents(imported("format2022.json")[1]) + contents(imported("format2019.xml")[1])
    assert contents(tmp_path / "zipped") == sorted(plain, key=lambda c: c["uid"])
    assert {c["source_file"] for c in contracts(tmp_path / "zipped")} == {
        "archive.zip:format2022.json",
        "archive.zip:format2019.xml",
    }


@pytest.mark.parametrize(
    ("fixture", "copy_name", "expected_format", "records"),
    [
        ("format2022.json", "x.xml", "json", 4),
        ("format2022.json", "decp-sans-extension", "json", 4),
        ("format2019.json", "marches.csv", "json", 4),
        ("format2022.xml", "y.json", "xml", 3),
        ("format2019_single_marche.xml", "export", "xml", 1),
    ],
)
def test_format_is_detected_from_content_not_name(fixture, copy_name, expected_format, records, tmp_path):
    renamed = tmp_path / copy_name
    shutil.copyfile(FIXTURES / fixture, renamed)

    report = import_files([renamed], tmp_path / "store")

    assert [(f.file, f.format, f.records_read, f.new) for f in report.files] == [
        (copy_name, expected_format, records, records)
    ]
    assert len(contracts(tmp_path / "store")) == records
