"""The French formatting helper, against values rounded by hand."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from spaser.formatting import (
    FRENCH,
    INTERNATIONAL,
    UNITS,
    count,
    csv_number,
    day,
    file_size,
    in_percent,
    measure,
    moment,
    number,
    percent,
    rounded,
    write_csv,
)
from spaser.indicators.catalogue import CATALOGUE
from spaser.plans.models import ManualUnit


N, S = "\u202f", "\u00a0"  # thousands separator, space between a number and its unit


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (18.15, 1, "18,2"),  # the float is 18.1499999…: rounded on the written « 18.15 »
        (18.18, 1, "18,2"),
        (1.67, 1, "1,7"),
        (2.5, 0, "3"),  # half-up, not Python's half-to-even (round(2.5) == 2)
        (0.125, 2, "0,13"),
        (-2.5, 0, "-3"),  # half away from zero
        (-0.04, 1, "0,0"),  # never « -0,0 »
        (7, 1, "7,0"),
        (1234567.25, 1, f"1{N}234{N}567,3"),
        (1000, 0, f"1{N}000"),
        (999.95, 1, f"1{N}000,0"),
        (None, 1, "—"),
    ],
)
def test_number_rounds_half_up_on_the_written_value(value, decimals, expected):
    assert number(value, decimals) == expected


def test_rounded_keeps_the_decimals_for_exports_and_charts():
    assert [str(rounded(v, d)) for v, d in ((0.18181, 3), (18.15, 1), (4, 2))] == ["0.182", "18.2", "4.00"]
    assert rounded(None, 1) is None


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, f"0{S}marché"),
        (1, 0, f"1{S}marché"),
        (1.5, 1, f"1,5{S}marché"),
        (1.96, 1, f"2,0{S}marchés"),  # the agreement follows the number as shown
        (2, 0, f"2{S}marchés"),
        (-3, 0, f"-3{S}marchés"),
        (2500, 0, f"2{N}500{S}marchés"),
        (None, 0, "—"),
    ],
)
def test_a_count_agrees_with_its_noun(value, decimals, expected):
    assert count(value, "marché", decimals=decimals) == expected


def test_an_irregular_plural_is_given():
    assert (count(1, "travail", "travaux"), count(4, "travail", "travaux")) == (f"1{S}travail", f"4{S}travaux")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (12.25, "%", f"12,3{S}%"),
        (2.25, "offres", f"2,3{S}offres"),
        (1.5, "offres", f"1,5{S}offre"),
        (3, "marchés", f"3{S}marchés"),
        (1, "marchés", f"1{S}marché"),
        (2500, "heures", f"2{N}500{S}heures"),
        (1730.5, "heures", f"1{N}731{S}heures"),
        (12, "nombre", "12"),
        (124999.5, "euros", f"125{N}000{S}€"),
        (12.45, "tCO2e", f"12,5{S}tCO2e"),
        (None, "heures", "—"),
    ],
)
def test_a_measure_is_shown_in_its_unit(value, unit, expected):
    assert measure(value, unit) == expected


def test_every_unit_of_the_catalogue_and_of_manual_indicators_is_shown_without_the_word_nombre():
    codes = {indicator.unit for indicator in CATALOGUE} | set(ManualUnit.values)

    assert codes <= UNITS.keys()
    assert all("nombre" not in measure(3, code) for code in codes)


def test_a_share_is_a_percentage_scaled_in_decimal():
    assert 0.0145 * 100 != 1.45  # what the decimal scaling avoids
    assert (in_percent(0.0145), percent(0.0145), percent(0.1818), percent(1), percent(None)) == (
        1.45,
        f"1,5{S}%",
        f"18,2{S}%",
        f"100,0{S}%",
        "—",
    )


def test_csv_numbers_in_both_conventions():
    assert [csv_number(v) for v in (1234567.5, 1500000.0, 0.1, 1e-7, rounded(0.5, 3), None)] == [
        "1234567,5",
        "1500000",
        "0,1",
        "0,0000001",
        "0,500",
        "",
    ]
    assert [csv_number(v, INTERNATIONAL) for v in (1234567.5, rounded(0.5, 3))] == ["1234567.5", "0.500"]


ROWS = [("M1", 1234.5, date(2024, 3, 1), None), ("M;2", 7, date(2024, 12, 31), "non compté")]


def test_french_csv_has_a_bom_semicolons_decimal_commas_and_french_dates():
    out = io.StringIO()

    write_csv(out, ["id", "montant", "date", "statut"], ROWS, FRENCH)

    text = out.getvalue()
    assert text.startswith("\ufeffid;montant")
    assert list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))[1:] == [
        ["M1", "1234,5", "01/03/2024", ""],
        ["M;2", "7", "31/12/2024", "non compté"],
    ]


def test_international_csv_has_commas_decimal_points_and_iso_dates_without_bom():
    out = io.StringIO()

    write_csv(out, ["id", "montant", "date", "statut"], ROWS, INTERNATIONAL)

    text = out.getvalue()
    assert text.startswith("id,montant")
    assert list(csv.reader(io.StringIO(text)))[1:] == [
        ["M1", "1234.5", "2024-03-01", ""],
        ["M;2", "7", "2024-12-31", "non compté"],
    ]


INJECTIONS = ['=HYPERLINK("http://evil.example","clic")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("convention", [FRENCH, INTERNATIONAL])
def test_text_starting_like_a_formula_is_neutralised_but_numbers_stay_numbers(convention):
    out = io.StringIO()
    rows = [(text, -1234.5, Decimal("-0.5"), -3) for text in INJECTIONS] + [("marché - lot 1", 0.0, None, 0)]

    write_csv(out, ["objet", "montant", "part", "nombre"], rows, convention)

    text = out.getvalue().removeprefix("\ufeff")
    read = list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if convention == FRENCH else ","))
    assert [row[0] for row in read[1:]] == [f"'{text}" for text in INJECTIONS] + ["marché - lot 1"]
    negative = "-1234,5" if convention == FRENCH else "-1234.5"
    assert {tuple(row[1:]) for row in read[1:-1]} == {(negative, "-0,5" if convention == FRENCH else "-0.5", "-3")}


def test_file_size_uses_french_units_rounded_half_up():
    sizes = (0, 1023, 1536, 1280, 5 * 1024**2, 3 * 1024**3)
    assert [file_size(size) for size in sizes] == [
        f"0{S}o",
        f"1023{S}o",
        f"1,5{S}Ko",
        f"1,3{S}Ko",  # 1280 / 1024 = 1.25 exactly: half-up, where f"{1.25:.1f}" gives 1.2
        f"5,0{S}Mo",
        f"3,0{S}Go",
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 12, 6), "6 décembre 2026"),
        (date(2026, 3, 1), "1er mars 2026"),  # the first of the month is written « 1er »
        (date(2024, 8, 15), "15 août 2024"),
        (datetime(2026, 2, 1, 23, 30), "1er février 2026"),  # a datetime gives its day
        (None, "—"),
    ],
)
def test_day_in_words(value, expected):
    assert day(value) == expected


def test_moment_is_read_in_the_time_zone_of_france():
    winter = datetime(2026, 12, 6, 16, 38, tzinfo=UTC)  # UTC+1 in December
    summer = datetime(2026, 6, 30, 22, 5, tzinfo=UTC)  # UTC+2 in June: already 1 July in Paris

    assert moment(winter) == "6 décembre 2026 à 17 h 38"
    assert moment(summer) == "1er juillet 2026 à 0 h 05"
    assert moment(summer, UTC) == "30 juin 2026 à 22 h 05"
    assert moment(datetime(2026, 12, 6, 9, 0)) == "6 décembre 2026 à 9 h 00"  # naive: shown as it is
    assert moment(None) == "—"


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("marché rattaché", "marchés rattachés"),
        ("autre acheteur", "autres acheteurs"),
        ("SPASER publié", "SPASER publiés"),
        ("action en retard", "actions en retard"),
        ("projet d'achat", "projets d'achat"),
        ("prix", "prix"),
    ],
)
def test_every_word_of_a_noun_group_agrees_up_to_its_preposition(noun, expected):
    assert count(3, noun) == f"3{S}{expected}"
