"""The DG Trésor list of ESUS agréments (xlsx, older CSV)."""

import datetime

import pytest

from spaser.errors import SpaserError
from tests.reference.conftest import load, rows


def test_sheet_with_siren_in_b1(store):
    load(store, "esus_siren_b1.xlsx", "esus")

    # 5420104 was typed as a number: its two leading zeros come back.
    assert rows(store, "SELECT * FROM esus ORDER BY rowid") == [
        ("123456782", None, None),
        ("005420104", None, None),
        ("801234568", None, None),
    ]


def test_sheet_with_title_rows_names_and_dates(store):
    report = load(store, "liste_agrements_esus_2025.xlsx", "esus")

    assert rows(store, "SELECT * FROM esus ORDER BY rowid") == [
        ("123456782", "ASSOCIATION SOLIDAIRE DU CANAL, EMPLOI ET INSERTION", datetime.date(2024, 3, 15)),
        ("801234568", "ESAT ASSOCIATION DES ATELIERS FICTIFS", datetime.date(2023, 9, 15)),
        ("444555668", "SCIC FICTIVE", None),
    ]
    assert report.skipped == {"SIREN en double": (1, "ligne 7")}
    assert report.version == "2025"


def test_older_csv_with_numero_siren(store):
    report = load(store, "esus_numero_siren.csv", "esus")

    assert rows(store, "SELECT siren FROM esus ORDER BY rowid") == [("123456782",), ("005420104",), ("801234568",)]
    assert report.rows == 3


def test_unreadable_date_names_line_and_column(store):
    with pytest.raises(
        SpaserError,
        match=r"^esus_date_illisible\.csv : ligne 3, colonne « date_agrement » : "
        r"date « 31/02/2024 » illisible",
    ):
        load(store, "esus_date_illisible.csv", "esus")


def test_a_list_is_replaced_by_the_next(store):
    load(store, "liste_agrements_esus_2025.xlsx", "esus")
    load(store, "esus_numero_siren.csv", "esus")

    assert rows(store, "SELECT count(*) FROM esus") == [(3,)]
    assert rows(store, "SELECT count(*) FROM esus WHERE siren = '444555668'") == [(0,)]
