"""One row per contract with everything the catalogue counts: the `facts` relation of the indicator SQL."""

from spaser.analytics.classes import CLASS_COLUMNS, CLASSIFIED_COLUMNS, classes_sql


SOCIAL = ("Clause sociale", "Critère social", "Marché réservé", "Concession réservée")
ENVIRONMENTAL = ("Clause environnementale", "Critère environnemental")
# The DECP expect origineUE / origineFrance only for food, clothing, health products and vehicles (arrêté du
# 22 décembre 2022), approached by their CPV divisions: other marchés are not expected to publish them.
ORIGIN_CPV_DIVISIONS = ("03", "15", "18", "33", "34")


def _any(values: tuple[str, ...], column: str) -> str:
    return "(" + " OR ".join(f"list_contains({column}, '{value}')" for value in values) + ")"


def facts_sql(scope_condition: str, refs: dict[str, str], stored_classes: bool = False) -> str:
    """The facts of the contracts matching `scope_condition` (a condition on the view `contracts`)."""
    scoped = f"SELECT * FROM contracts WHERE {scope_condition}"
    classified = f"SELECT {CLASSIFIED_COLUMNS} FROM contracts WHERE {scope_condition}"
    classes = "contract_classes" if stored_classes else f"({classes_sql(classified, refs)})"
    return f"""
WITH scoped AS ({scoped}),
facts AS (
    SELECT
        s.uid, s.kind, s.acheteur_id, s.acheteur_siren, s.annee_notification AS year,
        coalesce(cl.buyer_type, 'Autre') AS buyer_type,
        s.montant,
        s.montant > 0 AND array_length(list_filter(s.flags, lambda f: starts_with(f.code, 'montant_'))) = 0
            AS amount_ok,
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
        coalesce(substr(s.codeCPV, 1, 2) IN {ORIGIN_CPV_DIVISIONS}, false) AS origin_concerned,
        {", ".join(f"coalesce(cl.{column}, false) AS {column}" for column in CLASS_COLUMNS)}
    FROM scoped s
    LEFT JOIN {classes} cl ON cl.uid = s.uid
)
"""
