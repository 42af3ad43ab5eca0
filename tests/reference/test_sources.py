"""Recognising reference files: containers, encodings, separators, headers; versions from names."""

import gzip
import zipfile

import pytest

from spaser.errors import SpaserError
from spaser.reference.sources import cell_text, fold, probe
from spaser.reference.versions import from_name, month_after
from tests.reference.conftest import COG, FIXTURES


def test_zip_member_is_probed_with_its_date():
    source = probe(FIXTURES / "StockUniteLegale_utf8.zip")

    assert (source.form, source.member, source.zip_date) == ("csv", "StockUniteLegale_utf8.csv", (2026, 10, 1))
    assert source.header[:3] == ["siren", "statutDiffusionUniteLegale", "unitePurgeeUniteLegale"]
    assert len(source.header) == 35


def test_gzip_parquet_xlsx_json_and_latin1():
    assert probe(FIXTURES / "unites_legales_2026-08-19.csv.gz").compression == "gzip"
    assert probe(FIXTURES / "StockEtablissement_utf8.parquet").form == "parquet"
    assert probe(FIXTURES / "geiq_export_2025.xlsx").header[:2] == ["Nom", "Rue"]
    assert probe(COG / "regions.json").document[0]["code"] == "11"
    finess = probe(FIXTURES / "etalab-cs1100507-stock-20260512-0339.csv")
    assert (finess.encoding, finess.bad_byte_line, finess.delimiter) == ("latin-1", 2, ";")


def test_semicolon_separator_from_the_header():
    assert probe(FIXTURES / "liste_structures_windows1252.csv").delimiter == ";"


def test_archive_with_several_files_is_refused(tmp_path):
    archive = tmp_path / "deux.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("a.csv", "siren\n")
        out.writestr("b.csv", "siren\n")

    with pytest.raises(SpaserError, match=r"^deux\.zip : l'archive contient plusieurs fichiers \(a\.csv, b\.csv\)"):
        probe(archive)


def test_password_protected_archive_is_refused(tmp_path):
    archive = tmp_path / "FLUX_EA2_ITOU_20260105.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("EA2_ITOU.txt", "L|ASP|EA|V1.0|20260105|235959|\n")
    # Python writes no encrypted archive: set the "encrypted" flag the ASP's archives carry, in both headers.
    data = bytearray(archive.read_bytes())
    data[6] |= 0x1
    data[data.index(b"PK\x01\x02") + 8] |= 0x1
    archive.write_bytes(bytes(data))

    with pytest.raises(SpaserError, match="protégée par un mot de passe ; décompressez-la d'abord"):
        probe(archive)


def test_damaged_gzip_and_parquet(tmp_path):
    broken = tmp_path / "unites_legales.csv.gz"
    broken.write_bytes(gzip.compress(b"siren,est_ess\n" * 100)[:30])
    fake = tmp_path / "StockUniteLegale_utf8.parquet"
    fake.write_bytes(b"PAR1 not really")

    with pytest.raises(SpaserError, match="fichier gzip illisible ou tronqué"):
        probe(broken)
    with pytest.raises(SpaserError, match=r"^StockUniteLegale_utf8\.parquet : fichier Parquet illisible"):
        probe(fake)


def test_malformed_json_names_line_and_column(tmp_path):
    bad = tmp_path / "communes.json"
    bad.write_text('[\n{"code":"01001",}\n]\n', encoding="utf-8")

    with pytest.raises(SpaserError, match=r"^communes\.json : JSON mal formé ligne 2, colonne"):
        probe(bad)


def test_fold_ignores_accents_case_and_punctuation():
    assert fold("ET-N°FINESS") == fold("et_nfiness") == "etnfiness"
    assert fold("Type d'entreprise adaptée") == "typedentrepriseadaptee"


def test_excel_numbers_keep_every_digit():
    assert cell_text(77554456201361.0) == "77554456201361"
    assert cell_text(542010400043) == "542010400043"
    assert cell_text(" ") is None


@pytest.mark.parametrize(
    ("name", "version"),
    [
        ("unites_legales_2026-08-19.csv.gz", "2026-08-19"),
        ("FLUX_EA2_ITOU_20241231.zip", "2024-12-31"),
        ("etalab-cs1100507-stock-20260512-0339.csv", "2026-05-12"),
        ("StockUniteLegale_2026-10.zip", "2026-10"),
        ("cj_septembre_2022.xls", "2022-09"),
        ("cog2026_communes.csv", "2026"),
        ("Liste des agréments ESUS 2024.xlsx", "2024"),
        ("StockUniteLegale_utf8.zip", None),
        ("communes.json", None),
    ],
)
def test_version_from_the_file_name(name, version):
    assert from_name(name) == version


def test_month_after_the_last_treatment_date():
    assert month_after("2026-09-30 23:59:59") == "2026-10"
    assert month_after("2026-12-31T00:00:00") == "2027-01"
    assert month_after(None) is None
