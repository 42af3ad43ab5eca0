"""One row per contract with everything the catalogue counts: the `facts` relation of the indicator SQL.

Contracts come from the DECP store (view `contracts`); awardee and buyer classes from the reference store
(`reference.duckdb`, attached as `ref`) when it is there. Without it, classification indicators have no
known contract and a coverage of 0: they are never guessed.
"""

from spaser.indicators.classification import buyer_type_sql


SOCIAL = ("Clause sociale", "Critère social", "Marché réservé", "Concession réservée")
ENVIRONMENTAL = ("Clause environnementale", "Critère environnemental")

# Empty stand-ins with the reference tables' columns, used when the reference store is absent.
REFERENCE_STUBS = {
    "unites_legales": "SELECT NULL::VARCHAR AS siren, NULL::VARCHAR AS denomination, "
    "NULL::VARCHAR AS categorie_juridique, NULL::VARCHAR AS categorie_entreprise, NULL::BOOLEAN AS ess "
    "WHERE false",
    "etablissements": "SELECT NULL::VARCHAR AS siret, NULL::VARCHAR AS code_commune WHERE false",
    "communes": "SELECT NULL::VARCHAR AS code_insee, NULL::VARCHAR AS departement, NULL::VARCHAR AS region "
    "WHERE false",
    "annuaire_entreprises": "SELECT NULL::VARCHAR AS siren, NULL::BOOLEAN AS est_ess, NULL::BOOLEAN AS est_siae "
    "WHERE false",
    "structures_inclusives": "SELECT NULL::VARCHAR AS siret, NULL::VARCHAR AS siren WHERE false",
    "esus": "SELECT NULL::VARCHAR AS siren WHERE false",
}


def _any(values: tuple[str, ...], column: str) -> str:
    return "(" + " OR ".join(f"list_contains({column}, '{value}')" for value in values) + ")"


def reference_relations(available: set[str]) -> dict[str, str]:
    """SQL relation of each reference table: the attached table, or an empty stand-in."""
    return {name: f"ref.{name}" if name in available else f"({stub})" for name, stub in REFERENCE_STUBS.items()}


def facts_sql(scope_condition: str, refs: dict[str, str]) -> str:
    """The facts of the contracts matching `scope_condition` (a condition on the view `contracts`)."""
    return f"""
WITH scoped AS (
    SELECT * FROM contracts WHERE {scope_condition}
),
awardees AS (
    SELECT s.uid, unnest(s.titulaires) AS awardee FROM scoped s
),
buyer_places AS (
    SELECT DISTINCT s.acheteur_id, co.departement, co.region
    FROM scoped s
    JOIN {refs["etablissements"]} et ON et.siret = s.acheteur_id
    JOIN {refs["communes"]} co ON co.code_insee = et.code_commune
),
awardee_classes AS (
    SELECT a.uid,
        bool_or(ul.siren IS NOT NULL) AS awardees_known,
        bool_or(coalesce(ul.ess, false) OR coalesce(ae.est_ess, false)) AS any_ess,
        bool_or(es.siren IS NOT NULL) AS any_esus,
        bool_or(si.siret IS NOT NULL OR sn.siren IS NOT NULL OR coalesce(ae.est_siae, false)) AS any_inclusive,
        bool_or(ul.categorie_entreprise = 'PME') AS any_pme,
        bool_or(ul.categorie_entreprise IS NOT NULL) AS category_known,
        bool_or(co.departement = bp.departement) AS any_local_departement,
        bool_or(co.region = bp.region) AS any_local_region,
        bool_or(co.departement IS NOT NULL AND bp.departement IS NOT NULL) AS location_known
    FROM awardees a
    JOIN scoped s ON s.uid = a.uid
    LEFT JOIN {refs["unites_legales"]} ul
        ON a.awardee.typeIdentifiant = 'SIRET' AND ul.siren = substr(a.awardee.id, 1, 9)
    LEFT JOIN {refs["annuaire_entreprises"]} ae ON ae.siren = ul.siren
    LEFT JOIN {refs["esus"]} es ON es.siren = ul.siren
    LEFT JOIN {refs["structures_inclusives"]} si ON si.siret = a.awardee.id
    LEFT JOIN (SELECT DISTINCT siren FROM {refs["structures_inclusives"]} WHERE siret IS NULL) sn
        ON sn.siren = ul.siren
    LEFT JOIN {refs["etablissements"]} et ON et.siret = a.awardee.id
    LEFT JOIN {refs["communes"]} co ON co.code_insee = et.code_commune
    LEFT JOIN buyer_places bp ON bp.acheteur_id = s.acheteur_id
    GROUP BY a.uid
),
facts AS (
    SELECT
        s.uid, s.kind, s.acheteur_id, s.acheteur_siren, s.annee_notification AS year,
        {buyer_type_sql("s.acheteur_siren", "ul_buyer.categorie_juridique")} AS buyer_type,
        s.montant,
        s.montant > 0 AND len(list_filter(s.flags, lambda f: starts_with(f.code, 'montant_'))) = 0 AS amount_ok,
        s.considerationsSociales IS NOT NULL AS social_known,
        coalesce({_any(SOCIAL, "s.considerationsSociales")}, false) AS has_social,
        coalesce(list_contains(s.considerationsSociales, 'Clause sociale'), false) AS social_clause,
        coalesce(list_contains(s.considerationsSociales, 'Critère social'), false) AS social_criterion,
        coalesce({_any(SOCIAL[2:], "s.considerationsSociales")}, false) AS reserved,
        s.considerationsEnvironnementales IS NOT NULL AS env_known,
        coalesce({_any(ENVIRONMENTAL, "s.considerationsEnvironnementales")}, false) AS has_env,
        coalesce(list_contains(s.considerationsEnvironnementales, 'Clause environnementale'), false) AS env_clause,
        coalesce(list_contains(s.considerationsEnvironnementales, 'Critère environnemental'), false)
            AS env_criterion,
        s.marcheInnovant AS innovative,
        CASE WHEN s.offresRecues >= 1 THEN s.offresRecues END AS offers,
        s.attributionAvance AS advance,
        CASE WHEN s.origineFrance BETWEEN 0 AND 1 THEN s.origineFrance END AS origin_france,
        CASE WHEN s.origineUE BETWEEN 0 AND 1 THEN s.origineUE END AS origin_eu,
        coalesce(ac.awardees_known, false) AS awardees_known,
        coalesce(ac.any_ess, false) AS any_ess,
        coalesce(ac.any_esus, false) AS any_esus,
        coalesce(ac.any_inclusive, false) AS any_inclusive,
        coalesce(ac.any_pme, false) AS any_pme,
        coalesce(ac.category_known, false) AS category_known,
        coalesce(ac.any_local_departement, false) AS any_local_departement,
        coalesce(ac.any_local_region, false) AS any_local_region,
        coalesce(ac.location_known, false) AS location_known
    FROM scoped s
    LEFT JOIN awardee_classes ac ON ac.uid = s.uid
    LEFT JOIN {refs["unites_legales"]} ul_buyer ON ul_buyer.siren = s.acheteur_siren
)
"""
