"""Broken, foreign and hostile files are refused whole, leave the store untouched; tolerable ones import."""

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import orjson
import pytest

from spaser.cli import main
from spaser.decp.importer import import_files
from spaser.errors import SpaserError
from tests.decp.factories import (
    DROP,
    FIXTURES,
    assert_accounting,
    contract_count,
    contracts,
    database,
    find_contracts,
    flag_codes,
    marche,
    query,
    sha256,
    write_2022,
)


FRENCH = re.compile(
    r"\b(fichier|ligne|colonne|enregistrements?|octets?|n'est pas|mal formée?|tronqué|refusée?|déclaration|page|"
    r"introuvable|illisible|structure|aucune?|absente?|manquante?|vide|identifiée?|archives?|limite)\b",
    re.IGNORECASE,
)

# Where each failure lies, in the words of tests/fixtures/decp/MANIFEST.md (line, record, byte offset).
REFUSED = [
    pytest.param("bad_truncated.json", r"ligne 91\b|n° ?2\b|\b3281\b|\b3297\b", id="truncated"),
    pytest.param("bad_malformed.json", r"ligne 7[23]\b|n° ?3\b|\b2110\b", id="malformed-json"),
    pytest.param("bad_not_decp.json", r"DECP", id="not-decp-json"),
    pytest.param("bad_not_decp.html", r"(?=.*HTML)(?=.*ligne 1\b)", id="html"),
    pytest.param("bad_malformed.xml", r"ligne 8[47]\b", id="malformed-xml"),
]
HOSTILE = FIXTURES / "hostile_xxe.xml"
MEMORY_LIMIT = 2 << 30


def assert_user_error(message: str, name: str, position: str) -> None:
    assert name in message, message
    assert FRENCH.search(message), f"not a French message: {message}"
    assert re.search(position, message, re.DOTALL), f"no position {position!r} in: {message}"


@pytest.mark.parametrize(("name", "position"), REFUSED)
def test_bad_file_is_refused_with_a_french_message_naming_file_and_position(name, position, seeded_store):
    with pytest.raises(SpaserError) as raised:
        import_files([FIXTURES / name], seeded_store)

    assert_user_error(str(raised.value), name, position)


@pytest.mark.parametrize(("name", "position"), REFUSED)
def test_bad_file_leaves_the_store_byte_for_byte_unchanged(name, position, seeded_store):
    before = sha256(database(seeded_store))

    with pytest.raises(SpaserError):
        import_files([FIXTURES / name], seeded_store)

    assert sha256(database(seeded_store)) == before
    assert contract_count(seeded_store) == 4
    assert not (seeded_store / "quarantine").exists()


def test_bad_file_among_good_ones_imports_nothing(seeded_store):
    before = sha256(database(seeded_store))

    with pytest.raises(SpaserError) as raised:
        import_files([FIXTURES / "format2019.json", FIXTURES / "bad_malformed.json"], seeded_store)

    assert "bad_malformed.json" in str(raised.value)
    assert sha256(database(seeded_store)) == before
    assert contract_count(seeded_store) == 4


@pytest.mark.parametrize(("name", "position"), REFUSED)
def test_cli_exits_with_2_and_prints_the_error(name, position, seeded_store, capsys):
    before = sha256(database(seeded_store))

    code = main(["decp", "import", str(FIXTURES / name), "--store", str(seeded_store), "--no-progress"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Erreur : "), err
    assert "Traceback" not in err
    assert_user_error(err, name, position)
    assert sha256(database(seeded_store)) == before


def _run_limited(code: str, *args: str) -> subprocess.CompletedProcess:
    """Run Python code under a 2 GiB address-space limit and a timeout, as the MANIFEST asks for hostile XML."""
    limited = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n{code}"
    return subprocess.run([sys.executable, "-c", limited, *args], capture_output=True, text=True, timeout=60)


_IMPORT_AND_REPORT = """
import json, sys
from pathlib import Path
from spaser.decp.importer import import_files
from spaser.errors import SpaserError
try:
    import_files([Path(sys.argv[1])], Path(sys.argv[2]))
except SpaserError as error:
    print(json.dumps({"error": str(error)}))
else:
    print(json.dumps({"error": None}))
"""


def test_hostile_xml_with_entities_is_refused_without_expansion(seeded_store):
    before = sha256(database(seeded_store))

    result = _run_limited(_IMPORT_AND_REPORT, str(HOSTILE), str(seeded_store))

    assert result.returncode == 0, result.stderr
    message = json.loads(result.stdout.strip().splitlines()[-1])["error"]
    assert message is not None, "hostile_xxe.xml was imported"
    assert_user_error(message, "hostile_xxe.xml", r"DOCTYPE|ENTITY|DTD|entit")
    assert "root:" not in message
    assert sha256(database(seeded_store)) == before
    assert contract_count(seeded_store) == 4
    assert find_contracts(seeded_store, "21310993700010", "2024XXE001") == []


def test_cli_refuses_hostile_xml(seeded_store):
    cli = "import sys\nfrom spaser.cli import main\nsys.exit(main(sys.argv[1:]))"

    result = _run_limited(cli, "decp", "import", str(HOSTILE), "--store", str(seeded_store), "--no-progress")

    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Erreur : "), result.stderr
    assert "hostile_xxe.xml" in result.stderr
    assert "root:" not in result.stdout + result.stderr


def test_windows_1252_file_is_reported_as_such(store):
    report = import_files([FIXTURES / "bad_windows1252.json"], store)

    assert_accounting(report)
    assert [(f.file, f.format, f.encoding, f.records_read, f.new) for f in report.files] == [
        ("bad_windows1252.json", "json", "windows-1252", 2, 2)
    ]


def test_windows_1252_file_is_decoded_to_the_right_text(store):
    import_files([FIXTURES / "bad_windows1252.json"], store)

    (first,) = find_contracts(store, "21130452200017", "2019ECL00800")
    (second,) = find_contracts(store, "21130452200017", "2019CAN01100")
    assert first["objet"] == "Remplacement de l'éclairage public par des luminaires à LED – quartier de la Gare"
    assert second["objet"] == (
        "Fourniture de denrées pour la cantine : fruits, légumes et œufs issus de l’agriculture biologique"
    )
    assert [
        (c["dateNotification"], c["montant"], c["codeCPV"], [t["id"] for t in c["titulaires"]])
        for c in (first, second)
    ] == [
        (date(2019, 9, 16), 143870, "45316110", ["53470129700010"]),
        (date(2019, 12, 2), 35000, "15300000", ["40851236600027"]),
    ]
    assert all(flag_codes(c) == set() for c in contracts(store))


def test_xml_declaration_after_bom_and_blank_line_imports(store):
    report = import_files([FIXTURES / "bad_xml_declaration.xml"], store)

    assert_accounting(report)
    assert [(f.format, f.records_read, f.new) for f in report.files] == [("xml", 1, 1)]
    (found,) = find_contracts(store, "21560389500016", "2019PISC0300")
    assert (
        found["kind"],
        found["dateNotification"],
        found["montant"],
        found["codeCPV"],
        found["procedure"],
        [t["id"] for t in found["titulaires"]],
        found["considerationsSociales"],
        found["considerationsEnvironnementales"],
        len(found["modifications"]),
    ) == ("marche", date(2019, 7, 8), 46200, "50514100", "Procédure adaptée", ["88530471700030"], None, None, 0)


def _unidentifiable_file(path: Path) -> Path:
    concession = {
        "id": "2024DSP-SANS-AUTORITE",
        "nature": "Concession de service",
        "objet": "Exploitation du camping municipal",
        "procedure": "Procédure négociée ouverte",
        "dureeMois": 60,
        "dateSignature": "2024-02-27",
        "datePublicationDonnees": "2024-03-12",
        "dateDebutExecution": "2024-04-01",
        "valeurGlobale": 640000.0,
        "montantSubventionPublique": 0.0,
        "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": "52918640500013"}}],
    }
    return write_2022(
        path,
        [
            marche(id="2024-OK-001"),
            marche(id="2024-SANS-ACHETEUR", acheteur=DROP),
            marche(id="2024-ACHETEUR-VIDE", acheteur={"id": "  "}),
            marche(id=DROP),
        ],
        [concession],
    )


# position in the file → accepted names of the missing field
UNIDENTIFIABLE = {
    2: {"acheteur", "acheteur.id"},
    3: {"acheteur", "acheteur.id"},
    4: {"id"},
    5: {"autoriteConcedante", "autoriteConcedante.id"},
}


def test_unidentifiable_records_are_rejected_and_quarantined(tmp_path, store):
    source = _unidentifiable_file(tmp_path / "rejets.json")

    report = import_files([source], store)

    assert_accounting(report)
    assert (report.records_read, report.new, report.rejected) == (5, 1, 4)
    assert (report.store_marches, report.store_concessions) == (1, 0)
    assert [c["id"] for c in contracts(store)] == ["2024-OK-001"]
    assert report.quarantine is not None
    quarantine = Path(report.quarantine)
    assert quarantine.parent == store / "quarantine"
    assert re.fullmatch(r"run-\d{4}\.ndjson", quarantine.name)
    entries = [orjson.loads(line) for line in quarantine.read_bytes().splitlines() if line.strip()]
    assert sorted(entry["enregistrement"] for entry in entries) == sorted(UNIDENTIFIABLE)
    for entry in entries:
        assert entry["fichier"] == "rejets.json"
        assert entry["champ"] in UNIDENTIFIABLE[entry["enregistrement"]], entry
        assert FRENCH.search(entry["motif"]), entry["motif"]


def test_unidentifiable_records_land_in_the_rejections_table(tmp_path, store):
    source = _unidentifiable_file(tmp_path / "rejets.json")

    report = import_files([source], store)

    rows = query(store, "SELECT * FROM rejections ORDER BY source_position")
    assert [(r["run_id"], r["source_file"], r["source_position"]) for r in rows] == [
        (report.run_id, "rejets.json", position) for position in sorted(UNIDENTIFIABLE)
    ]
    for row in rows:
        assert row["field"] in UNIDENTIFIABLE[row["source_position"]], row
        assert row["reason"], row
    assert query(store, "SELECT count(*) AS n FROM versions WHERE acheteur_id IS NULL OR id IS NULL")[0]["n"] == 0
