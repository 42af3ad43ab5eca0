from datetime import date
from pathlib import Path

import duckdb
import pytest

from spaser.decp.importer import import_files
from spaser.decp.store import open_read_only
from tests.decp.factories import FIXTURES


def contracts(store: Path) -> dict[str, dict]:
    connection = open_read_only(store)
    try:
        cursor = connection.execute("SELECT * FROM contracts ORDER BY id")
        names = [column[0] for column in cursor.description]
        return {row[names.index("id")]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    finally:
        connection.close()


def as_parquet(csv_path: Path, target: Path) -> Path:
    connection = duckdb.connect()
    connection.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar = true)) TO '{target}' (FORMAT parquet)"
    )
    connection.close()
    return target


@pytest.mark.parametrize("as_file", ["csv", "parquet"])
def test_decp_processing_rows_are_grouped_into_contracts(as_file, tmp_path):
    source = FIXTURES / "decp_processing.csv"
    if as_file == "parquet":
        source = as_parquet(source, tmp_path / "decp.parquet")

    report = import_files([source], tmp_path / "store")

    assert (report.files[0].format, report.records_read, report.new) == (as_file, 2, 2)
    by_id = contracts(tmp_path / "store")
    works, catering = by_id["2024TRV012"], by_id["2024-FCS-031"]
    # One awardee per row: the rows' order says nothing, the awardees are in the order of their ids.
    assert [t["id"] for t in works["titulaires"]] == ["44120576200012", "82049331000024"]
    assert (works["considerationsSociales"], works["considerationsEnvironnementales"]) == (
        ["Clause sociale", "Critère social"],
        [],
    )
    assert (catering["dateNotification"], catering["montant"], catering["montant_actuel"]) == (
        date(2024, 1, 22),
        280000.0,
        322000.0,
    )
    assert [(m["id"], m["dateNotificationModification"]) for m in catering["modifications"]] == [
        (1, date(2024, 9, 16))
    ]
    assert works["montant_actuel"] + catering["montant_actuel"] == 734350


def test_data_economie_markers_are_read(tmp_path):
    report = import_files([FIXTURES / "data_economie_2022.csv"], tmp_path / "store")

    assert (report.records_read, report.new) == (3, 3)
    by_id = contracts(tmp_path / "store")
    bread, fuel = by_id["2024 PAIN 03"], by_id["2024CARB02"]
    assert bread["considerationsSociales"] is None
    assert bread["considerationsEnvironnementales"] == ["Clause environnementale"]
    assert [t["id"] for t in bread["titulaires"]] == ["87190623600041", "50212836600015"]
    assert {f["code"] for f in bread["flags"]} >= {"valeur_inexacte"}
    assert (fuel["codeCPV"], fuel["montant"], fuel["montant_actuel"]) == ("09132100", 220000.0, 265000.0)
    assert by_id["2024F0117"]["actesSousTraitance"][0]["sousTraitant_id"] == "50833465300062"


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        pytest.param("nom;ville", "« acheteur_id », « id »", id="neither"),
        pytest.param("id;objet;montant", "« acheteur_id »", id="no-buyer"),
        pytest.param("acheteur.id;objet;montant", "« id »", id="no-id"),
    ],
)
def test_a_tabular_file_without_identifying_columns_is_refused_by_name(header, missing, tmp_path):
    from spaser.errors import SpaserError

    store = tmp_path / "store"
    import_files([FIXTURES / "decp_processing.csv"], store)
    before = contracts(store)
    source = tmp_path / "contacts.csv"
    source.write_text(f"{header}\nA;B;C\n", encoding="utf-8")

    with pytest.raises(SpaserError) as refused:
        import_files([source], store)

    message = str(refused.value)
    assert message.startswith("contacts.csv : fichier tabulaire non reconnu comme DECP")
    assert f"colonne(s) {missing} introuvable(s)" in message
    assert header.split(";")[0] in message  # the columns it did find
    assert contracts(store) == before
