"""The synthetic reference store at demo size: every awardee known, each class present, labelled synthetic."""

import duckdb

from spaser.cli import main
from spaser.decp.importer import import_files
from spaser.decp.store import open_read_only
from spaser.demo.generator import generate
from spaser.demo.reference import FILLER, INCLUSIVE_TYPES
from spaser.reference.store import DATABASE_NAME


def reference_rows(store, sql: str) -> list[tuple]:
    connection = duckdb.connect(str(store / DATABASE_NAME), read_only=True)
    try:
        connection.execute(f"ATTACH '{store / 'decp.duckdb'}' AS decp (READ_ONLY)")
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


AWARDEES = """
    SELECT DISTINCT t.id AS siret FROM (SELECT unnest(titulaires) AS t FROM decp.contracts)
    WHERE t.typeIdentifiant = 'SIRET' AND regexp_full_match(t.id, '[0-9]{14}')
"""


def test_every_awardee_siret_and_its_siren_are_in_sirene(demo_store):
    ((awardees, missing_sirets, missing_sirens),) = reference_rows(
        demo_store,
        f"""
        WITH awardees AS ({AWARDEES})
        SELECT count(*), count(*) FILTER (WHERE siret NOT IN (SELECT siret FROM etablissements)),
            count(*) FILTER (WHERE substr(siret, 1, 9) NOT IN (SELECT siren FROM unites_legales))
        FROM awardees
        """,
    )
    assert awardees > 500
    assert (missing_sirets, missing_sirens) == (0, 0)


def test_filler_companies_are_few_and_every_name_says_fictitious(demo_store):
    ((filler, unnamed),) = reference_rows(
        demo_store,
        """
        SELECT (SELECT count(*) FROM etablissements WHERE siret NOT IN (
                SELECT acheteur_id FROM decp.contracts UNION SELECT unnest(titulaires).id FROM decp.contracts)),
            (SELECT count(*) FROM unites_legales WHERE denomination NOT LIKE '% FICTIVE %')
        """,
    )
    assert filler == FILLER
    assert unnamed == 0


def test_some_awardees_are_esus_smes_and_inclusive_employers_of_every_type(demo_store):
    ((awardee_sirens, esus, smes),) = reference_rows(
        demo_store,
        f"""
        WITH awardees AS ({AWARDEES})
        SELECT count(DISTINCT substr(siret, 1, 9)),
            (SELECT count(*) FROM esus SEMI JOIN awardees a ON substr(a.siret, 1, 9) = esus.siren),
            (SELECT count(*) FROM unites_legales u SEMI JOIN awardees a ON substr(a.siret, 1, 9) = u.siren
             WHERE categorie_entreprise = 'PME')
        FROM awardees
        """,
    )
    inclusive = reference_rows(
        demo_store,
        f"SELECT famille, type FROM structures_inclusives SEMI JOIN ({AWARDEES}) a USING (siret) GROUP BY ALL",
    )
    assert 0 < esus < awardee_sirens / 50
    assert awardee_sirens / 3 < smes < awardee_sirens
    assert sorted(inclusive) == sorted(INCLUSIVE_TYPES)


def test_reference_loads_say_each_table_is_synthetic(demo_store):
    loads = reference_rows(demo_store, "SELECT kind, version, rows FROM reference_loads ORDER BY kind")
    sizes = dict(
        reference_rows(
            demo_store,
            "SELECT 'esus', count(*) FROM esus UNION ALL SELECT 'communes', count(*) FROM communes "
            "UNION ALL SELECT 'regions', count(*) FROM regions",
        )
    )
    assert [kind for kind, _, _ in loads] == [
        "communes",
        "esus",
        "etablissements",
        "regions",
        "structures_inclusives",
        "unites_legales",
    ]
    assert all(version == "synthétique (démonstration), graine 7" for _, version, _ in loads)
    assert {kind: rows for kind, _, rows in loads if kind in sizes} == sizes
    assert sizes["regions"] == 18  # every région has départements drawn, each named


def test_the_contracts_are_classified_against_the_synthetic_reference(demo_store):
    connection = open_read_only(demo_store)
    try:
        known, esus, inclusive, pme, local = connection.execute(
            "SELECT avg(awardees_known::INT), bool_or(any_esus), bool_or(any_inclusive), bool_or(any_pme), "
            "bool_or(any_local_departement) FROM contract_classes"
        ).fetchone()
    finally:
        connection.close()
    assert known > 0.9
    assert (esus, inclusive, pme, local) == (True, True, True, True)


def test_cli_builds_reclassifies_and_prints_a_french_summary(tmp_path, capsys):
    generate(tmp_path / "decp.json", marches=400, seed=5)
    import_files([tmp_path / "decp.json"], tmp_path / "store")

    code = main(["demo", "reference", "--store", str(tmp_path / "store"), "--rows", "3000", "--seed", "4"])

    output = capsys.readouterr().out
    assert code == 0
    assert f"Référentiel synthétique (graine 4) écrit dans {tmp_path / 'store' / DATABASE_NAME} :" in output
    assert "  unites_legales : 3\u202f000\u00a0lignes, dont les " in output
    assert "Classement des acheteurs et des titulaires des contrats mis à jour." in output
    assert not list((tmp_path / "store").glob(f"{DATABASE_NAME}.*"))
    connection = open_read_only(tmp_path / "store")
    try:
        assert connection.execute("SELECT count(*) FROM contract_classes WHERE awardees_known").fetchone()[0] > 0
    finally:
        connection.close()


def test_cli_refuses_a_folder_without_a_decp_store_in_french(tmp_path, capsys):
    assert main(["demo", "reference", "--store", str(tmp_path)]) == 2
    assert "aucun entrepôt DECP ici" in capsys.readouterr().err
    assert not (tmp_path / DATABASE_NAME).exists()
