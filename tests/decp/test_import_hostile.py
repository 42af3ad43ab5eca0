"""Hostile and broken files (tests/fixtures/decp/hostile/, MANIFEST.md): a French sentence naming the file, or a
record set aside with its reason; never a traceback, never the engine's own message, never a changed store."""

import gzip
import io
import re
import zipfile
from pathlib import Path

import orjson
import pytest

from spaser.cli import main
from spaser.decp.importer import import_files
from spaser.decp.sources import Limits
from spaser.errors import SpaserError
from tests.decp.factories import (
    FIXTURES,
    assert_accounting,
    contract_count,
    contracts,
    database,
    find_contracts,
    marche,
    query,
    sha256,
    write_2022,
)
from tests.decp.test_import_failures import assert_user_error


HOSTILE = FIXTURES / "hostile"
ENGINE_WORDS = re.compile(r"Error:|Exception|LINE \d|read_json|read_csv|\^\^\^|Traceback")

# file → where its message must point (record, byte offset, line, or what is wrong)
REFUSED = [
    pytest.param("binaire.json", r"contenu binaire", id="binary-garbage"),
    pytest.param("cles_en_double.json", r"(?=.*n° 1\b)(?=.*« montant »)", id="duplicate-keys"),
    pytest.param("guillemets_desequilibres.csv", r"(?=.*ligne \d)(?=.*guillemets)", id="unbalanced-quotes"),
    pytest.param("membre_inconnu.zip", r"(?=.*logo\.png)(?=.*contenu binaire)", id="zip-member-unknown-format"),
    pytest.param("parquet_illisible.parquet", r"Parquet illisible", id="garbage-parquet"),
    pytest.param("profondeur_100000.json", r"objets JSON attendus", id="depth-100000-array"),
    pytest.param("tronque.json.gz", r"tronqué.*\d octets", id="truncated-gzip"),
    pytest.param("utf8_octets_parasites.json", r"(?=.*mélangé)(?=.*octet 291\b)", id="mixed-encoding"),
    pytest.param("zip_dans_zip.zip", r"(?=.*decp-2024\.zip)(?=.*archive zip contenue)", id="zip-in-zip"),
]
# file → (position of the rejected record, field, value shown in the reason)
QUARANTINED = [
    pytest.param("montant_nan.json", "montant", "« NaN »", id="nan"),
    pytest.param("montant_infini.json", "montant", "« 1e400 »", id="1e400"),
    pytest.param("montant_1000_chiffres.json", "montant", "« " + "9" * 40 + "… »", id="1000-digits"),
    pytest.param("duree_1e26.json", "dureeMois", "« 100000000000000000000000000 »", id="duration-1e26"),
    pytest.param("duree_negative.json", "dureeMois", "« -12 »", id="negative-duration"),
]


def assert_clean_refusal(message: str, name: str, position: str) -> None:
    assert_user_error(message, name, position)
    assert "\n" not in message, message
    assert not ENGINE_WORDS.search(message), message


def assert_untouched(store: Path, digest: str) -> None:
    assert sha256(database(store)) == digest
    assert contract_count(store) == 4
    assert not (store / ".work").exists()
    assert not (store / "quarantine").exists()


def refusal(paths: list[Path], store: Path, limits: Limits | None = None) -> str:
    with pytest.raises(SpaserError) as raised:
        import_files(paths, store, limits=limits)
    return str(raised.value)


@pytest.mark.parametrize(("name", "position"), REFUSED)
def test_hostile_file_is_refused_in_french_and_leaves_the_store_byte_identical(name, position, seeded_store):
    before = sha256(database(seeded_store))

    message = refusal([HOSTILE / name], seeded_store)

    assert_clean_refusal(message, name, position)
    assert_untouched(seeded_store, before)


@pytest.mark.parametrize(("name", "position"), REFUSED[:3])
def test_cli_prints_the_french_sentence_alone(name, position, seeded_store, capsys):
    code = main(["decp", "import", str(HOSTILE / name), "--store", str(seeded_store), "--no-progress"])

    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"Erreur : {name}"), err
    assert_clean_refusal(err.strip(), name, position)


@pytest.mark.parametrize(("name", "field", "value"), QUARANTINED)
def test_impossible_number_quarantines_its_record_with_field_and_value(name, field, value, seeded_store):
    report = import_files([HOSTILE / name], seeded_store)

    assert_accounting(report)
    assert (report.records_read, report.new, report.rejected) == (3, 2, 1)
    assert find_contracts(seeded_store, "21310555400017", "2024-HOS-002") == []
    assert len(find_contracts(seeded_store, "21310555400017", "2024-HOS-001")) == 1
    (entry,) = [orjson.loads(line) for line in Path(report.quarantine).read_bytes().splitlines()]
    assert (entry["fichier"], entry["enregistrement"], entry["champ"]) == (name, 2, field)
    assert entry["motif"].startswith(f"champ « {field} » : valeur impossible {value} ("), entry["motif"]
    (row,) = query(seeded_store, "SELECT * FROM rejections WHERE run_id = ?", [report.run_id])
    assert (row["source_position"], row["field"], row["reason"]) == (2, field, entry["motif"])


@pytest.mark.parametrize(
    ("nested", "field"),
    [
        ({"modifications": [{"modification": {"id": 1, "montant": "Infinity"}}]}, "modifications.montant"),
        (
            {"actesSousTraitance": [{"acteSousTraitance": {"id": 1, "dureeMois": "1e30"}}]},
            "actesSousTraitance.dureeMois",
        ),
        ({"offresRecues": -3}, "offresRecues"),
    ],
    ids=["modification-amount", "subcontract-duration", "negative-offers"],
)
def test_impossible_number_in_a_list_or_a_count_quarantines_too(nested, field, tmp_path, store):
    source = write_2022(tmp_path / "imbrique.json", [marche(id="2024-OK"), marche(id="2024-KO", **nested)])

    report = import_files([source], store)

    assert (report.new, report.rejected) == (1, 1)
    assert [c["id"] for c in contracts(store)] == ["2024-OK"]
    (row,) = query(store, "SELECT field, source_position FROM rejections")
    assert (row["field"], row["source_position"]) == (field, 2)


def test_latin1_csv_is_read_as_windows_1252(store):
    report = import_files([HOSTILE / "latin1.csv"], store)

    assert [(f.encoding, f.new) for f in report.files] == [("windows-1252", 2)]
    (found,) = find_contracts(store, "21850191100013", "2024-VEN-001")
    assert found["objet"] == "Entretien des routes départementales de Vendée"


def test_mixed_encoding_names_the_first_invalid_byte(tmp_path, store):
    data = (HOSTILE / "utf8_octets_parasites.json").read_bytes()

    message = refusal([HOSTILE / "utf8_octets_parasites.json"], store)

    assert data.index(b"\x96") == 291
    assert "é".encode() in data[:291]
    assert "l'octet 291)" in message
    assert not database(store).exists()


def test_truncated_gzip_past_the_first_kilobytes_is_refused(seeded_store):
    before = sha256(database(seeded_store))
    head = gzip.open(HOSTILE / "tronque.json.gz").read(4096)

    message = refusal([HOSTILE / "tronque.json.gz"], seeded_store)

    assert head.startswith(b'{\n    "marches"')
    assert_clean_refusal(message, "tronque.json.gz", r"tronqué ou corrompu")
    assert_untouched(seeded_store, before)


def _valid_document() -> bytes:
    return (HOSTILE / "montant_nan.json").read_bytes().replace(b"NaN", b"12.5")


def test_valid_json_after_megabytes_of_blanks_imports(tmp_path, store):
    source = tmp_path / "blancs.json"
    source.write_bytes(b" \n" * (1 << 20) + _valid_document())

    report = import_files([source], store)

    assert (report.records_read, report.new) == (3, 3)


def test_file_of_blanks_only_is_not_called_empty(tmp_path, store):
    source = tmp_path / "blancs.json"
    source.write_bytes(b" " * 200_000)

    message = refusal([source], store)

    assert_clean_refusal(message, "blancs.json", r"que des espaces")
    assert "200" in message


def test_one_line_csv_beyond_the_line_size_is_refused(tmp_path, seeded_store):
    before = sha256(database(seeded_store))
    source = tmp_path / "une_ligne.csv"
    source.write_bytes(b"acheteur.id;id;objet\n21850191100013;2024-X;" + b"a" * (3 << 20))

    message = refusal([source], seeded_store)

    assert_clean_refusal(message, "une_ligne.csv", r"ligne 2\b.*2 Mo")
    assert_untouched(seeded_store, before)


def _bomb(path: Path, size: int) -> Path:
    """A gzip of a few kB that grows to `size` bytes of one endless record."""
    with gzip.open(path, "wb") as out:
        out.write(b'{"marches": [{"objet": "')
        block = b"A" * (1 << 20)
        for _ in range(size >> 20):
            out.write(block)
    return path


def test_decompression_bomb_stops_at_the_byte_limit(tmp_path, seeded_store):
    before = sha256(database(seeded_store))
    bomb = _bomb(tmp_path / "bombe.json.gz", 24 << 20)

    message = refusal([bomb], seeded_store, Limits(max_bytes=4 << 20))

    assert bomb.stat().st_size < 100_000
    assert_clean_refusal(message, "bombe.json.gz", r"plus de 4\W194\W304 octets")
    assert_untouched(seeded_store, before)


def test_a_record_larger_than_16_mb_is_refused_while_splitting(tmp_path, store):
    bomb = _bomb(tmp_path / "bombe.json.gz", 24 << 20)

    message = refusal([bomb], store)

    assert_clean_refusal(message, "bombe.json.gz", r"enregistrement n° 1 .*16 Mo")


def test_plain_file_over_the_byte_limit_is_refused_before_reading(tmp_path, store):
    source = tmp_path / "gros.json"
    source.write_bytes(_valid_document())

    message = refusal([source], store, Limits(max_bytes=1000))

    assert_clean_refusal(message, "gros.json", r"plus de 1\W000 octets")


@pytest.mark.parametrize(
    "name",
    ["format2022.json", "format2022.xml", "data_economie_2022.csv"],
)
def test_record_limit_stops_each_format(name, store):
    message = refusal([FIXTURES / name], store, Limits(max_records=2))

    assert_clean_refusal(message, name, r"plus de 2 enregistrements")
    assert not database(store).exists()


def test_record_limit_while_splitting_an_unusual_layout(tmp_path, store):
    source = tmp_path / "blancs.json"
    source.write_bytes(b" " * 8192 + _valid_document())

    message = refusal([source], store, Limits(max_records=2))

    assert_clean_refusal(message, "blancs.json", r"plus de 2 enregistrements")


def test_limits_come_from_the_environment_then_the_command_line(monkeypatch, store, capsys):
    monkeypatch.setenv("SPASER_DECP_MAX_RECORDS", "2")
    source = str(FIXTURES / "format2022.json")

    assert "plus de 2 enregistrements" in refusal([FIXTURES / "format2022.json"], store)
    assert main(["decp", "import", source, "--store", str(store), "--no-progress", "--max-records", "10"]) == 0
    monkeypatch.setenv("SPASER_DECP_MAX_BYTES", "beaucoup")
    assert main(["decp", "import", source, "--store", str(store), "--no-progress"]) == 2
    assert "SPASER_DECP_MAX_BYTES" in capsys.readouterr().err


def test_gzip_holding_a_zip_is_refused(tmp_path, store):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("decp.json", _valid_document())
    source = tmp_path / "decp.json.gz"
    source.write_bytes(gzip.compress(archive.getvalue()))

    message = refusal([source], store)

    assert_clean_refusal(message, "decp.json.gz", r"archive zip contenue dans un fichier compressé")
