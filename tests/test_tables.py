import json
import re

import pytest
from frictionless import Schema

from spaser.cli import main
from spaser.tables import INSERTION_HOURS_CSV, TABLES, Field, schema_files
from tests.table_schemas import SCHEMAS


def test_published_schemas_are_current():
    """docs/schemas/ is written by `make docs` from spaser/tables.py: rerun it after changing a declaration."""
    assert {path.name: path.read_bytes() for path in SCHEMAS.glob("*.json")} == schema_files()


def test_the_command_line_writes_the_schemas(tmp_path, capsys):
    assert main(["table-schemas", "--out", str(tmp_path / "schemas")]) == 0

    assert {path.name: path.read_bytes() for path in (tmp_path / "schemas").iterdir()} == schema_files()
    assert f"{len(schema_files())}\u00a0fichiers" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_every_schema_is_a_valid_table_schema(name):
    report = Schema.validate_descriptor(json.loads(schema_files()[name]))

    assert report.flatten(["type", "note"]) == []


def test_every_table_has_distinct_columns_and_a_french_title_for_each():
    for table in TABLES:
        assert len(set(table.names)) == len(table.names), table.name
        assert all(column.title and column.description for column in table.fields), table.name


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("1.200,5", "« 1.200,5 » n'est pas un nombre (n'utilisez qu'une virgule pour les décimales)"),
        ("-3", "« -3 » est négatif : indiquez un nombre d'heures positif ou nul"),
        ("douze", "« douze » n'est pas un nombre"),
    ],
)
def test_a_number_field_says_in_french_why_it_refuses_a_cell(raw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        INSERTION_HOURS_CSV.field("heures_prevues").read(raw)


def test_a_number_field_reads_french_and_international_decimals():
    hours = INSERTION_HOURS_CSV.field("heures_prevues")

    assert [hours.read(raw) for raw in ("1 200,5", "1\u202f200,5", "1200.5", "12")] == [1200.5, 1200.5, 1200.5, 12]


def test_an_integer_field_refuses_fractions_and_a_string_field_long_text():
    persons = Field("personnes", "integer", "Personnes", "…", minimum=0, unit="personnes")
    contract = INSERTION_HOURS_CSV.field("identifiant_marche")

    assert persons.read("3,0") == 3
    with pytest.raises(ValueError, match="inférieur au minimum de 2 personnes"):
        Field("personnes", "integer", "Personnes", "…", minimum=2, unit="personnes").read("1")
    with pytest.raises(ValueError, match="n'est pas un nombre entier de personnes"):
        persons.read("2,5")
    with pytest.raises(ValueError, match="dépasse 64 caractères"):
        contract.read("X" * 65)
