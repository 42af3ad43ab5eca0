"""The small DECP fixture the indicator and platform tests count by hand (see tests/indicators/test_engine.py)."""

from pathlib import Path

import duckdb
import orjson

from spaser.decp.importer import import_files


def siret(siren8: str, nic4: str = "0001") -> str:
    """A SIRET whose SIREN and SIRET both pass the Luhn check, from 8 + 4 digits."""
    siren = next(siren8 + str(d) for d in range(10) if _luhn(siren8 + str(d)))
    return next(siren + nic4 + str(d) for d in range(10) if _luhn(siren + nic4 + str(d)))


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


A1, A2 = siret("21690123"), siret("21690123", "0002")
B1 = siret("22010001")
T1, T2, T3 = siret("44112233"), siret("55112233"), siret("66112233")
SIREN_A, SIREN_B = A1[:9], B1[:9]


def marche(number, buyer, amount, social, environmental, year=2024, cpv="90910000", titulaires=(T1,), **extra):
    record = {
        "id": f"M{number}",
        "acheteur": {"id": buyer},
        "nature": "Marché",
        "objet": f"Marché {number}",
        "codeCPV": cpv,
        "procedure": "Procédure adaptée",
        "dureeMois": 12,
        "dateNotification": f"{year}-03-01",
        "datePublicationDonnees": f"{year}-03-15",
        "montant": amount,
        "formePrix": "Forfaitaire",
        "titulaires": [{"titulaire": {"typeIdentifiant": kind, "id": ident}} for kind, ident in _typed(titulaires)],
        **extra,
    }
    if social is not None:
        record["considerationsSociales"] = {"considerationSociale": social}
        record["considerationsEnvironnementales"] = {"considerationEnvironnementale": environmental}
    return record


def _typed(titulaires):
    return [("TVA", t) if t.startswith("FR") else ("SIRET", t) for t in titulaires]


NONE_S, NONE_E = ["Pas de considération sociale"], ["Pas de considération environnementale"]
MARCHES = [
    marche(1, A1, 100000, ["Clause sociale"], ["Clause environnementale", "Critère environnemental"], cpv="45210000",
           offresRecues=3, attributionAvance=True, marcheInnovant=False, origineFrance=0.6, origineUE=0.8),
    marche(2, A1, 50000, NONE_S, ["Critère environnemental"], cpv="45430000", titulaires=(T2,), offresRecues=1,
           attributionAvance=False, marcheInnovant=True, origineFrance=0.2, origineUE=0.4),
    marche(3, A2, 200000, ["Marché réservé"], NONE_E, cpv="15110000", titulaires=(T3,), offresRecues=2,
           attributionAvance=False, marcheInnovant=False, origineFrance=0.5, origineUE=0.9),
    marche(4, A1, 30000, None, None, cpv="34110000", titulaires=("FR12345678901",)),
    marche(5, A1, 999999999, ["Critère social"], ["Clause environnementale"], cpv="33600000", titulaires=(T1, T2),
           offresRecues=5, attributionAvance=False, marcheInnovant=False),
    marche(6, A2, 80000, ["Clause sociale"], NONE_E, year=2025),
    marche(7, B1, 60000, NONE_S, ["Clause environnementale"], titulaires=(T3,)),
]  # fmt: skip
CONCESSION = {
    "id": "C1",
    "autoriteConcedante": {"id": A1},
    "nature": "Concession de service",
    "objet": "Restauration",
    "procedure": "Procédure négociée ouverte",
    "dureeMois": 60,
    "dateSignature": "2024-05-01",
    "datePublicationDonnees": "2024-05-10",
    "dateDebutExecution": "2024-06-01",
    "valeurGlobale": 1000000,
    "montantSubventionPublique": 0,
    "concessionnaires": [{"concessionnaire": {"typeIdentifiant": "SIRET", "id": T3}}],
    "considerationsSociales": {"considerationSociale": ["Concession réservée"]},
    "considerationsEnvironnementales": {"considerationEnvironnementale": NONE_E},
}


def write_reference(store: Path) -> None:
    """Tables as `spaser reference import` writes them: T1 ESS PME in the Rhône, T2 PME SIAE in the Ain (same
    région as the buyer), T3 a large ESUS company in Paris; buyer establishments in Lyon."""
    connection = duckdb.connect(str(store / "reference.duckdb"))
    connection.execute(
        "CREATE TABLE unites_legales AS SELECT * FROM (VALUES "
        f"('{T1[:9]}', 'T1', '5710', 'PME', true), ('{T2[:9]}', 'T2', '9220', 'PME', false), "
        f"('{T3[:9]}', 'T3', '5599', 'GE', false), ('{SIREN_A}', 'A', '7210', NULL, NULL), "
        f"('{SIREN_B}', 'B', '7220', NULL, NULL)) "
        "t(siren, denomination, categorie_juridique, categorie_entreprise, ess)"
    )
    places = [(T1, "69123"), (T2, "01053"), (T3, "75056"), (A1, "69123"), (A2, "69123"), (B1, "01053")]
    connection.execute(
        "CREATE TABLE etablissements (siret VARCHAR, siren VARCHAR, code_commune VARCHAR, siege BOOLEAN)"
    )
    connection.executemany(
        "INSERT INTO etablissements VALUES (?, ?, ?, ?)", [(s, s[:9], c, s != A2) for s, c in places]
    )
    connection.execute(
        "CREATE TABLE communes AS SELECT * FROM (VALUES ('69123', '69', '84'), ('01053', '01', '84'), "
        "('75056', '75', '11')) t(code_insee, departement, region)"
    )
    connection.execute(
        f"CREATE TABLE structures_inclusives AS SELECT '{T2}' AS siret, '{T2[:9]}' AS siren, 'SIAE' AS famille, "
        "'ACI' AS type"
    )
    connection.execute(f"CREATE TABLE esus AS SELECT '{T3[:9]}' AS siren")
    connection.close()


def build_store(folder: Path, reference: bool = True) -> Path:
    """Import MARCHES and CONCESSION into `folder/store`, with the reference tables when asked."""
    source = folder / "decp.json"
    source.write_bytes(orjson.dumps({"marches": {"marche": MARCHES, "contrat-concession": [CONCESSION]}}))
    store = folder / "store"
    import_files([source], store)
    if reference:
        write_reference(store)
    return store
