"""SIRENE stocks (zip CSV, Parquet) and the Annuaire des entreprises export, on the fixtures of MANIFEST.md."""

import zipfile
from pathlib import Path

import pytest

from spaser.errors import SpaserError
from tests.reference.conftest import FIXTURES, load, rows


UNITS = [
    ("005420104", "ATELIERS DU CANAL FICTIF", "5710", "PME", False, False, "11", "43.21A", True),
    (
        "123456782",
        "ASSOCIATION SOLIDAIRE DU CANAL, EMPLOI ET INSERTION",
        "9220",
        None,
        True,
        None,
        "03",
        "88.99B",
        True,
    ),
    # An entrepreneur individuel: prénom usuel + nom d'usage; ceased (C); ESS flag empty → NULL.
    ("314159260", "CLAIRE DUPONT", "1000", "PME", None, None, "NN", "74.10Z", False),
    # Partially diffusible: INSEE's [ND] masks are no name.
    ("271828188", None, "1000", "PME", None, None, "NN", "62.01Z", True),
    ("161803390", "COMMUNE DE VILLEFICTIVE", "7210", None, False, None, "22", "84.11Z", True),
    ("141421354", 'SOCIETE "LE LIEN" GROUPE', "5599", "GE", False, True, "52", "70.10Z", True),
]
ESTABLISHMENTS = [
    ("00542010400019", "005420104", "01053", True, True),
    ("00542010400027", "005420104", "2A004", False, False),
    ("12345678200010", "123456782", "75108", True, True),
    ("14142135400012", "141421354", None, True, True),  # abroad: no commune
    ("35600000001005", "356000000", "69381", True, False),  # La Poste's own check rule
]


@pytest.mark.parametrize("name", ["StockUniteLegale_utf8.zip", "StockUniteLegale_utf8.parquet"])
def test_unites_legales_from_the_zipped_csv_and_the_parquet(store, name):
    report = load(store, name, "sirene-unites-legales")

    assert rows(store, "SELECT * FROM unites_legales ORDER BY rowid") == UNITS
    assert (report.rows, report.table, report.version) == (6, "unites_legales", "2026-10")


def test_ess_flag_o_n_empty_is_true_false_null(store):
    load(store, "StockUniteLegale_utf8.zip", "sirene-unites-legales")

    flags = dict(rows(store, "SELECT siren, ess FROM unites_legales"))

    assert (flags["123456782"], flags["005420104"], flags["314159260"]) == (True, False, None)


def test_codes_are_text_with_their_leading_zeros(store):
    load(store, "StockUniteLegale_utf8.parquet", "sirene-unites-legales")

    types = rows(
        store, "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?", ["unites_legales"]
    )

    assert dict(types)["siren"] == "VARCHAR"
    assert rows(store, "SELECT count(*) FROM unites_legales WHERE siren = '005420104'") == [(1,)]


@pytest.mark.parametrize("name", ["StockEtablissement_utf8.zip", "StockEtablissement_utf8.parquet"])
def test_etablissements(store, name):
    report = load(store, name, "sirene-etablissements")

    assert rows(store, "SELECT * FROM etablissements ORDER BY rowid") == ESTABLISHMENTS
    assert report.version == "2026-10"


def test_annuaire_export_flags_and_siae_kinds(store):
    report = load(store, "unites_legales_2026-08-19.csv.gz", "annuaire-entreprises")

    assert rows(store, "SELECT * FROM annuaire_entreprises ORDER BY rowid") == [
        ("005420104", False, False, None, False, "5710", None),
        ("123456782", True, True, "ACI,EI", False, "9220", None),
        ("141421354", False, False, None, True, "5599", None),
        ("161803390", False, None, None, False, "7210", None),
        ("801234568", True, True, "ESAT", None, "9220", None),
    ]
    assert report.version == "2026-08-19"


def test_a_new_stock_replaces_the_previous_one(store):
    load(store, "StockUniteLegale_utf8.zip", "sirene-unites-legales")
    load(store, "StockUniteLegale_bad_siren.csv", "sirene-unites-legales", skip_invalid=True)

    assert rows(store, "SELECT siren FROM unites_legales ORDER BY rowid") == [("005420104",), ("314159260",)]


def test_invalid_siren_names_file_line_and_column(store):
    with pytest.raises(SpaserError) as raised:
        load(store, "StockUniteLegale_bad_siren.csv", "sirene-unites-legales")

    message = str(raised.value)
    assert message.startswith("StockUniteLegale_bad_siren.csv : ligne 3, colonne « siren » : SIREN « 123456789 »")
    assert "--skip-invalid" in message


def test_skip_invalid_leaves_out_and_counts_the_bad_rows(store):
    report = load(store, "StockUniteLegale_bad_siren.csv", "sirene-unites-legales", skip_invalid=True)

    assert report.rows == 2
    assert report.skipped == {"SIREN invalide": (1, "ligne 3")}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("StockUniteLegale_malformed.csv", "StockUniteLegale_malformed.csv : ligne 3, 36 champs au lieu de 35"),
        (
            "StockUniteLegale_missing_columns.csv",
            "StockUniteLegale_missing_columns.csv : ligne 1 (en-tête), colonne(s) manquante(s) pour le format "
            "« StockUniteLegale » : « economieSocialeSolidaireUniteLegale », « societeMissionUniteLegale ».",
        ),
        (
            "StockUniteLegale_latin1.csv",
            "StockUniteLegale_latin1.csv : ligne 3 : caractères qui ne sont pas de l'UTF-8",
        ),
        ("StockUniteLegale_tronque.zip", "StockUniteLegale_tronque.zip : archive zip illisible ou tronquée."),
        (
            "StockEtablissement_utf8.zip",
            "StockEtablissement_utf8.zip:StockEtablissement_utf8.csv : ligne 1 (en-tête), ce fichier est du type "
            "« sirene-etablissements »",
        ),
    ],
)
def test_bad_files_get_a_french_error(store, name, expected):
    with pytest.raises(SpaserError, match="^" + expected.replace("(", r"\(").replace(")", r"\)")):
        load(store, name, "sirene-unites-legales")


def test_non_utf8_bytes_far_into_a_zipped_stock_name_their_line(store, tmp_path):
    """Past the first bytes the probe reads, DuckDB finds the bad byte while streaming the zip member."""
    header, first, *_ = (FIXTURES / "StockUniteLegale_bad_siren.csv").read_bytes().splitlines(keepends=True)
    body = header + first * 3000 + first.replace(b"ATELIERS", b"ATELI\xc8RS") + first
    archive = tmp_path / "StockUniteLegale_utf8.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("StockUniteLegale_utf8.csv", body)

    with pytest.raises(
        SpaserError,
        match=r"^StockUniteLegale_utf8\.zip:StockUniteLegale_utf8\.csv : ligne 3002, "
        r"caractères qui ne sont pas de l'UTF-8",
    ):
        load(store, archive, "sirene-unites-legales")


def test_large_stock_is_read_without_python_rows(store, tmp_path):
    """Sanity check of the streaming path on 200 000 rows (a zip member piped to DuckDB)."""
    header, first, *_ = (FIXTURES / "StockUniteLegale_bad_siren.csv").read_bytes().splitlines(keepends=True)
    archive = tmp_path / "StockUniteLegale_utf8.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out, out.open("StockUniteLegale_utf8.csv", "w") as csv:
        csv.write(header)
        for _ in range(200):
            csv.write(first * 1000)

    report = load(store, archive, "sirene-unites-legales")

    assert report.rows == 200_000
    assert not Path(store / ".work-reference").exists()
