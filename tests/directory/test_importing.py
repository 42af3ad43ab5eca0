from pathlib import Path

import pytest

from spaser.directory.importing import COLUMNS, import_csv, parse_csv, template_csv, undo_import, valid_siren
from spaser.directory.models import DirectoryEntry, DirectoryImport
from spaser.formatting import FRENCH
from spaser.tables import DIRECTORY_CSV
from tests.directory.factories import DirectoryEntryFactory
from tests.table_schemas import csv_errors


DEMO = Path(__file__).parents[2] / "spaser" / "directory" / "demo_data" / "annuaire-demo.csv"
HEADER = ";".join(COLUMNS)


def csv_of(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


def line(siren="216900001", start="2023", end="2027", edition="1", others="", population="", name="Commune Exemple"):
    cells = [siren, name, "Commune", "", population, "", start, end, edition, "", others, "", "", "", ""]
    return ";".join(cells)


@pytest.mark.parametrize(
    ("siren", "valid"),
    [("200052264", True), ("229300082", True), ("356000000", True), ("200052265", False), ("12345678", False)],
)
def test_a_siren_has_nine_digits_and_a_luhn_key(siren, valid):
    assert valid_siren(siren) is valid


@pytest.mark.django_db
def test_the_demo_file_and_the_template_follow_the_published_schema():
    assert csv_errors(DEMO.read_text(encoding="utf-8"), DIRECTORY_CSV, FRENCH) == []
    assert csv_errors(template_csv(), DIRECTORY_CSV, FRENCH) == []
    rows, errors = parse_csv(DEMO.read_bytes())
    assert errors == [] and len(rows) == 3


@pytest.mark.django_db
def test_uneven_entries_are_taken_as_they_are():
    """Point 8: two editions of one buyer, no end year, no population, a scheme shared by several buyers."""
    data = csv_of(
        line(start="2019", end="2022", edition="1"),
        line(start="2023", end="", edition="2", population="Plus de 200 000"),
        line(siren="243300001", start="2024", end="", others="211300009 200040004"),
    )
    source, errors = import_csv(data, "annuaire.csv", user=None)

    assert errors == []
    assert source.rows == 3
    shared = DirectoryEntry.objects.get(siren="243300001")
    assert shared.sirens == ["243300001", "211300009", "200040004"] and shared.mutualised
    assert shared.end_year is None and shared.period == "depuis 2024" and shared.population == ""
    assert list(DirectoryEntry.objects.filter(siren="216900001").values_list("edition", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_every_problem_is_reported_by_line_and_column_and_nothing_is_stored():
    data = csv_of(
        line(),
        line(siren="216900002"),
        line(siren="216900001", start="2025", end="2024", edition="2"),
        line(),
        line(siren="243300001", others="12345"),
    )
    source, errors = import_csv(data, "annuaire.csv", user=None)

    assert source is None
    assert DirectoryEntry.objects.count() == 0 and DirectoryImport.objects.count() == 0
    assert [str(error) for error in errors] == [
        "Ligne 3, colonne « siren » : « 216900002 » n'est pas un SIREN valide (9 chiffres, clé de Luhn)",
        "Ligne 4, colonne « annee_fin » : la période se termine en 2024, avant de commencer en 2025",
        "Ligne 5, colonne « siren » : le SPASER de 216900001 commençant en 2023 figure déjà à la ligne 2",
        "Ligne 6, colonne « sirens_mutualises » : « 12345 » n'est pas un SIREN valide (9 chiffres, clé de Luhn)",
    ]


@pytest.mark.django_db
def test_missing_columns_are_named():
    _, errors = parse_csv(b"siren;nom\n216900001;Commune\n")

    assert str(errors[0]).startswith("Ligne 1 : colonnes manquantes : type_structure, titre, nombre_habitants")


@pytest.mark.django_db
def test_an_entry_already_in_the_directory_is_refused():
    DirectoryEntryFactory()

    _, errors = import_csv(csv_of(line()), "annuaire.csv", user=None)

    assert [str(error) for error in errors] == [
        "Ligne 2, colonne « siren » : le SPASER de 216900001 commençant en 2023 est déjà dans l'annuaire "
        "(annulez d'abord son import)"
    ]


@pytest.mark.django_db
def test_a_bracket_outside_the_national_directory_is_refused():
    _, errors = parse_csv(csv_of(line(population="beaucoup")))

    assert errors[0].column == "nombre_habitants" and "n'est pas une valeur acceptée" in errors[0].message


@pytest.mark.django_db
def test_undoing_an_import_removes_its_entries_only():
    staff = DirectoryEntryFactory(siren="211300009")
    source, _ = import_csv(csv_of(line()), "annuaire.csv", user=None)

    assert undo_import(source) == 1
    assert list(DirectoryEntry.objects.all()) == [staff]
