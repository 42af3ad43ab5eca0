from pathlib import Path

import pytest

from spaser.indicators.readers import StoreUnavailable
from spaser.plans import manual
from spaser.plans.csv_uploads import CsvError
from spaser.plans.models import ManualImport, ManualValue
from spaser.tables import INSERTION_HOURS_CSV
from tests.organisations.factories import BuyerAFactory, UserFactory
from tests.plans.factories import ManualIndicatorFactory, ManualValueFactory
from tests.table_schemas import csv_errors


FIXTURES = Path(__file__).parents[1] / "fixtures" / "manual"

# Hand-computed from tests/fixtures/manual/heures_insertion.csv: (done, planned, persons) per year.
EXPECTED_TOTALS = {
    2023: (420 + 1310.5, 500 + 1200, 3 + 9),
    2024: (640 + 150 + 0, 800 + 1000, 6 + 2),
    2025: (700.25, 600, 4),
}


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def parse(name: str):
    return manual.parse_csv(fixture(name), name)


def messages(errors: list[CsvError]) -> list[str]:
    return [str(error) for error in errors]


def totals_by_year(indicator) -> dict:
    return {
        total.year: (total.value, total.planned, total.persons)
        for total in manual.yearly_totals([indicator])[indicator.pk]
    }


# Parsing good files


def test_good_file_is_parsed_line_by_line():
    rows, errors = parse("heures_insertion.csv")

    assert errors == []
    assert [(row.line, row.year, row.contract_id, row.planned, row.done, row.persons) for row in rows] == [
        (2, 2023, "2023-0012", 500, 420, 3),
        (3, 2023, "2023-0031, lot 2", 1200, 1310.5, 9),
        (4, 2024, "2023-0031, lot 2", 800, 640, 6),
        (5, 2024, "2024-0007", None, 150, 2),
        (6, 2024, "2024-0019", 1000, 0, None),
        (7, 2025, "2024-0019", 600, 700.25, 4),
    ]


def test_semicolons_decimal_commas_bom_and_accented_header_give_the_same_rows():
    rows, errors = parse("semicolon_decimal_comma.csv")
    reference, _ = parse("heures_insertion.csv")

    assert errors == []
    assert [(r.year, r.contract_id, r.planned, r.done, r.persons) for r in rows] == [
        (r.year, r.contract_id, r.planned, r.done, r.persons) for r in reference
    ]


def test_imported_good_file_gives_the_hand_computed_totals_per_year():
    indicator = ManualIndicatorFactory()
    user = UserFactory()

    source, errors = manual.import_csv(indicator, fixture("heures_insertion.csv"), "heures_insertion.csv", user)

    assert errors == []
    assert totals_by_year(indicator) == EXPECTED_TOTALS
    assert (source.filename, source.rows, source.imported_by) == ("heures_insertion.csv", 6, user)
    assert set(indicator.values.values_list("source", "entered_by")) == {(source.pk, user.pk)}


# One fixture per failure mode


def test_missing_columns_are_all_named():
    rows, errors = parse("bad_missing_column.csv")

    assert rows == []
    assert len(errors) == 1
    assert str(errors[0]).startswith("Ligne 1 : colonnes manquantes : heures_prevues, personnes.")


def test_a_word_in_a_number_column_is_reported_with_its_line_and_column():
    _, errors = parse("bad_not_a_number.csv")

    assert messages(errors) == [
        "Ligne 4, colonne « heures_realisees » : « abc » n'est pas un nombre",
        "Ligne 5, colonne « heures_prevues » : « cent » n'est pas un nombre",
        "Ligne 5, colonne « personnes » : « deux » n'est pas un nombre",
    ]


def test_negative_hours_and_persons_are_refused():
    _, errors = parse("bad_negative.csv")

    assert [(error.line, error.column) for error in errors] == [(3, "heures_prevues"), (4, "personnes")]
    assert "« -10 » est négatif" in errors[0].message


def test_absurd_hours_on_one_contract_are_refused():
    _, errors = parse("bad_absurd_hours.csv")

    assert messages(errors) == [
        "Ligne 3, colonne « heures_realisees » : « 2000000 » dépasse 1\u202f000\u202f000 heures par ligne : "
        "vérifiez la valeur"
    ]


def test_a_contract_twice_in_the_same_year_is_refused_but_not_in_another_year():
    _, errors = parse("bad_duplicate_line.csv")

    assert messages(errors) == [
        "Ligne 4, colonne « identifiant_marche » : le marché « 2024-0001 » pour 2024 figure déjà à la ligne 2"
    ]


def test_years_outside_2015_2050_or_not_years_are_refused():
    _, errors = parse("bad_year.csv")

    assert [(error.line, error.column) for error in errors] == [(2, "annee"), (3, "annee"), (4, "annee")]
    assert "entre 2015 et 2050" in errors[0].message
    assert "n'est pas une année" in errors[1].message


def test_a_latin1_file_is_refused_naming_utf8_and_the_line():
    rows, errors = parse("bad_latin1.csv")

    assert rows == []
    assert len(errors) == 1
    assert "doit être encodé en UTF-8" in errors[0].message
    assert "ligne 3" in errors[0].message


@pytest.mark.parametrize(
    ("name", "expected"), [("empty.csv", "Le fichier est vide."), ("header_only.csv", "ne contient que l'en-tête")]
)
def test_a_file_without_data_is_refused(name, expected):
    rows, errors = parse(name)

    assert rows == []
    assert expected in errors[0].message


# Edge cases written inline


HEADER = "annee;identifiant_marche;heures_prevues;heures_realisees;personnes\n"


def parse_text(body: str):
    return manual.parse_csv((HEADER + body).encode(), "inline.csv")


def test_missing_required_cells_and_fractional_persons():
    _, errors = parse_text(";;10;;2,5\n")

    assert messages(errors) == [
        "Ligne 2, colonne « annee » : valeur manquante",
        "Ligne 2, colonne « heures_realisees » : valeur manquante",
        "Ligne 2, colonne « personnes » : « 2,5 » n'est pas un nombre entier de personnes",
    ]


def test_too_long_contract_ids_and_ambiguous_numbers_are_refused():
    _, errors = parse_text(f"2024;{'X' * 65};1.200,5;10;1\n")

    assert [(error.column, error.message.split(" ")[-1]) for error in errors] == [
        ("identifiant_marche", "caractères"),
        ("heures_prevues", "décimales)"),
    ]


def test_nan_and_infinity_are_not_numbers():
    _, errors = parse_text("2024;A;nan;inf;1\n")

    assert [error.column for error in errors] == ["heures_prevues", "heures_realisees"]


def test_more_than_50000_lines_are_refused(monkeypatch):
    monkeypatch.setattr(manual, "MAX_ROWS", 3)

    rows, errors = parse_text("".join(f"2024;M{n};1;1;1\n" for n in range(4)))

    assert rows == []
    assert messages(errors) == ["Le fichier dépasse 50 000 lignes : découpez-le en plusieurs fichiers."]


def test_a_spreadsheet_is_recognised():
    _, errors = manual.parse_csv(b"PK\x03\x04rest-of-a-zip", "heures.xlsx")

    assert "« heures.xlsx » est un classeur" in errors[0].message


def test_a_blank_contract_id_is_the_global_value_of_its_year():
    rows, errors = parse_text("2024;;100;90;3\n2025; ;;10;\n")

    assert errors == []
    assert [(row.year, row.contract_id, row.done) for row in rows] == [(2024, "", 90), (2025, "", 10)]


def test_a_global_value_and_contracts_of_the_same_year_are_refused_in_one_file():
    _, errors = parse_text("2024;M1;;10;\n2024;;;90;\n2025;;;5;\n2025;;;6;\n")

    assert messages(errors) == [
        "Ligne 3, colonne « identifiant_marche » : la valeur globale de 2024 (identifiant de marché vide) ne peut "
        "pas s'ajouter aux valeurs par marché de la même année (ligne 2) : le total compterait deux fois",
        "Ligne 5, colonne « identifiant_marche » : la valeur globale de 2025 figure déjà à la ligne 4",
    ]


def test_the_template_parses_without_error_and_follows_its_table_schema():
    rows, errors = manual.parse_csv(manual.template_csv().encode(), "modele.csv")

    assert errors == []
    assert len(rows) == 2
    assert csv_errors(manual.template_csv(), INSERTION_HOURS_CSV) == []


def test_the_import_refuses_the_cells_its_table_schema_refuses():
    """Frictionless reading docs/schemas/heures-insertion.json is the reference for every cell of a French file."""
    content = fixture("bad_cells_french.csv")

    _, errors = manual.parse_csv(content, "bad_cells_french.csv")

    refused = [(line, column) for line, column, _ in csv_errors(content.decode(), INSERTION_HOURS_CSV)]
    assert [(error.line, error.column) for error in errors] == refused
    assert refused == [
        (3, "annee"),
        (4, "annee"),
        (5, "heures_prevues"),
        (6, "heures_realisees"),
        (7, "heures_realisees"),
        (8, "heures_prevues"),
        (8, "personnes"),
        (9, "identifiant_marche"),
        (9, "personnes"),
    ]


# Storing


def test_reimporting_a_corrected_file_replaces_values_instead_of_adding_them():
    indicator = ManualIndicatorFactory()
    user = UserFactory()
    manual.import_csv(indicator, fixture("heures_insertion.csv"), "heures_insertion.csv", user)
    corrected = HEADER + "2024;2024-0007;;200;2\n2024;2024-0099;50;40;1\n"

    source, errors = manual.import_csv(indicator, corrected.encode(), "correction.csv", user)

    assert errors == []
    done_2024 = 640 + 200 + 0 + 40
    assert totals_by_year(indicator)[2024][0] == done_2024
    assert totals_by_year(indicator)[2023] == EXPECTED_TOTALS[2023]
    assert indicator.values.filter(year=2024, contract_id="2024-0007").get().source == source
    assert indicator.imports.count() == 2


def test_reimport_does_not_touch_other_indicators():
    indicator, other = ManualIndicatorFactory(), ManualIndicatorFactory()
    ManualValueFactory(indicator=other, year=2023, contract_id="2023-0012", value=5)

    manual.import_csv(indicator, fixture("heures_insertion.csv"), "heures_insertion.csv", None)

    assert other.values.get().value == 5


def test_nothing_is_stored_when_one_line_is_wrong():
    indicator = ManualIndicatorFactory()
    ManualValueFactory(indicator=indicator, year=2024, contract_id="2024-0001", value=7)

    source, errors = manual.import_csv(indicator, fixture("bad_not_a_number.csv"), "bad.csv", UserFactory())

    assert source is None
    assert errors
    assert ManualImport.objects.count() == 0
    assert list(indicator.values.values_list("contract_id", "value")) == [("2024-0001", 7)]


def test_import_is_atomic_when_the_database_fails_midway(monkeypatch):
    indicator = ManualIndicatorFactory()
    ManualValueFactory(indicator=indicator, year=2023, contract_id="2023-0012", value=7)
    rows, _ = parse("heures_insertion.csv")

    def failing_bulk_create(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(ManualValue.objects, "bulk_create", failing_bulk_create)
    with pytest.raises(RuntimeError):
        manual.import_values(indicator, rows, "heures_insertion.csv", None)

    assert ManualImport.objects.count() == 0
    assert list(indicator.values.values_list("contract_id", "value")) == [("2023-0012", 7)]


def test_contract_lines_are_refused_for_a_year_with_a_global_value():
    indicator = ManualIndicatorFactory()
    ManualValueFactory(indicator=indicator, year=2024, contract_id="", value=1000)

    source, errors = manual.import_csv(indicator, fixture("heures_insertion.csv"), "heures_insertion.csv", None)

    assert source is None
    assert [(error.line, error.column) for error in errors] == [(4, "annee"), (5, "annee"), (6, "annee")]
    assert indicator.values.count() == 1


def test_a_global_line_is_refused_for_a_year_with_values_per_contract():
    indicator = ManualIndicatorFactory()
    ManualValueFactory(indicator=indicator, year=2024, contract_id="M1", value=10)

    source, errors = manual.import_csv(indicator, (HEADER + "2024;;;90;\n2025;;;5;\n").encode(), "global.csv", None)

    assert source is None
    assert messages(errors) == [
        "Ligne 2, colonne « identifiant_marche » : l'année 2024 a déjà des valeurs par marché (le total de l'année "
        "est leur somme) : indiquez un identifiant de marché"
    ]


def test_an_imported_global_line_replaces_the_global_value_of_its_year():
    indicator = ManualIndicatorFactory()
    ManualValueFactory(indicator=indicator, year=2024, contract_id="", value=10)

    source, errors = manual.import_csv(indicator, (HEADER + "2024;;;90;\n").encode(), "global.csv", None)

    assert errors == []
    assert list(indicator.values.values_list("year", "contract_id", "value", "source")) == [(2024, "", 90, source.pk)]


def test_undoing_an_import_removes_only_the_values_still_coming_from_it():
    indicator = ManualIndicatorFactory()
    source, _ = manual.import_csv(indicator, fixture("heures_insertion.csv"), "heures_insertion.csv", None)
    manual.enter_value(indicator, None, year=2024, contract_id="2024-0007", value=1)  # replaces one imported line

    removed = manual.undo_import(source)

    assert removed == 5
    assert list(indicator.values.values_list("contract_id", "value", "source")) == [("2024-0007", 1, None)]
    assert ManualImport.objects.count() == 0


def test_unknown_contract_ids_are_those_the_store_lacks_for_the_organisation(decp_store):
    indicator = ManualIndicatorFactory(organisation=BuyerAFactory())
    rows, _ = manual.parse_csv((HEADER + "2024;M3;;1;\n2024;M7;;1;\n2025;;;4;\n2024;Z;;1;\n").encode())

    assert manual.unknown_contract_ids(indicator, rows, decp_store) == ["M7", "Z"]


def test_unknown_contract_ids_need_a_readable_store(tmp_path):
    rows, _ = manual.parse_csv((HEADER + "2024;M3;;1;\n").encode())

    with pytest.raises(StoreUnavailable):
        manual.unknown_contract_ids(ManualIndicatorFactory(), rows, tmp_path / "absent")


def test_typed_value_replaces_the_same_year_and_contract():
    indicator = ManualIndicatorFactory()
    user = UserFactory()
    manual.enter_value(indicator, user, year=2024, contract_id="M1", value=10, planned=None, persons=None)

    manual.enter_value(indicator, user, year=2024, contract_id="M1", value=12, planned=20, persons=1)

    assert list(indicator.values.values_list("value", "planned", "persons", "entered_by")) == [(12, 20, 1, user.pk)]


def test_percentages_are_averaged_per_year():
    indicator = ManualIndicatorFactory(unit="%")
    ManualValueFactory(indicator=indicator, year=2024, contract_id="A", value=20)
    ManualValueFactory(indicator=indicator, year=2024, contract_id="B", value=40)

    assert totals_by_year(indicator) == {2024: (30, None, None)}
