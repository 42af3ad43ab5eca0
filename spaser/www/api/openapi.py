"""The OpenAPI 3.1 description of the read-only API, served at /api/openapi.json.

tests/www/test_api.py checks that every route is described and validates real responses against these schemas,
so objects list every property as required and forbid unknown ones: a field added in serializers.py without its
description here fails the tests.
"""

from django.db.models import TextChoices

from spaser.indicators.catalogue import BY_CODE
from spaser.plans.models import ActionStatus, ManualUnit, Population, PurchaseVolume, Theme
from spaser.plans.steering import STATUS_BADGES


VERSION = "1.0.0"
JSON = "application/json"
# Listed for readers; not an enum, so that a new catalogue or manual unit doesn't break clients' validation.
UNITS = sorted({indicator.unit for indicator in BY_CODE.values()} | set(ManualUnit.values))


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def scalar(kind: str, description: str, null: bool = False, **extra) -> dict:
    return {"type": [kind, "null"] if null else kind, "description": description, **extra}


def strict_object(description: str, properties: dict) -> dict:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def coded(description: str, choices: type[TextChoices]) -> dict:
    return strict_object(
        description,
        {
            "code": scalar("string", "Code stable, à utiliser dans les programmes.", enum=list(choices.values)),
            "label": scalar("string", "Libellé en français."),
        },
    )


ORGANISATION = strict_object(
    "Acheteur public identifié par son SIREN.",
    {
        "siren": scalar("string", "SIREN de l'acheteur.", pattern=r"^\d{9}$"),
        "name": scalar("string", "Nom de l'acheteur."),
        "buyer_type": scalar("string", "Type d'acheteur (Commune, Département, Région…) ; vide si inconnu."),
        "fictitious": scalar("boolean", "Vrai pour une organisation de démonstration, sans existence réelle."),
    },
)

URLS = strict_object(
    "Adresses liées au SPASER, en chemins relatifs au serveur.",
    {
        "api": scalar("string", "Le SPASER complet dans l'API.", format="uri-reference"),
        "indicators": scalar("string", "Les valeurs des indicateurs dans l'API.", format="uri-reference"),
        "page": scalar("string", "La page publique du SPASER (/spaser/<slug>/).", format="uri-reference"),
    },
)

SUMMARY_PROPERTIES = {
    "slug": scalar("string", "Identifiant du SPASER dans les adresses.", pattern=r"^[-a-zA-Z0-9_]+$"),
    "title": scalar("string", "Titre du SPASER."),
    "organisation": ref("Organisation"),
    "partners": {
        "type": "array",
        "description": "Organisations qui ont accepté de partager ce SPASER mutualisé (vide sinon).",
        "items": ref("Organisation"),
    },
    "edition": scalar("integer", "Numéro d'édition du schéma (1 pour le premier).", minimum=1),
    "start_year": scalar("integer", "Première année de la période couverte."),
    "end_year": scalar("integer", "Dernière année de la période couverte."),
    "adoption_date": scalar("string", "Date d'adoption par l'assemblée délibérante.", null=True, format="date"),
    "deliberation": scalar("string", "Référence de la délibération d'adoption ; vide si non renseignée."),
    "population": nullable(ref("Population")),
    "purchase_volume": nullable(ref("PurchaseVolume")),
    "mutualised": scalar("boolean", "Vrai si le SPASER est mutualisé entre plusieurs acheteurs."),
    "urls": ref("Urls"),
}

SCHEME_SUMMARY = strict_object("Un SPASER publié, sans son contenu.", SUMMARY_PROPERTIES)

SCHEME = strict_object(
    "Un SPASER publié avec son arborescence : axes, engagements, objectifs et actions.",
    SUMMARY_PROPERTIES
    | {
        "summary": scalar("string", "Présentation du SPASER."),
        "mutualised_with": scalar("string", "Précisions sur la mutualisation ; vide si non renseignée."),
        "document": scalar("string", "Adresse du document PDF du SPASER.", null=True, format="uri-reference"),
        "axes": {"type": "array", "items": ref("Axis")},
    },
)

SCHEME_PAGE = strict_object(
    "Une page de la liste des SPASER publiés (50 par page), triés par acheteur puis édition décroissante.",
    {
        "count": scalar("integer", "Nombre total de SPASER correspondant aux filtres.", minimum=0),
        "page": scalar("integer", "Numéro de cette page.", minimum=1),
        "pages": scalar("integer", "Nombre de pages.", minimum=1),
        "next": scalar("string", "Adresse de la page suivante.", null=True, format="uri-reference"),
        "previous": scalar("string", "Adresse de la page précédente.", null=True, format="uri-reference"),
        "results": {"type": "array", "items": ref("SchemeSummary")},
    },
)

AXIS = strict_object(
    "Axe du SPASER, rattaché à un thème.",
    {
        "title": scalar("string", "Titre de l'axe."),
        "theme": ref("Theme"),
        "description": scalar("string", "Description ; vide si non renseignée."),
        "engagements": {"type": "array", "items": ref("Engagement")},
    },
)

ENGAGEMENT = strict_object(
    "Engagement d'un axe, décliné en objectifs chiffrés et en actions.",
    {
        "title": scalar("string", "Titre de l'engagement."),
        "description": scalar("string", "Description ; vide si non renseignée."),
        "objectives": {"type": "array", "items": ref("Objective")},
        "actions": {"type": "array", "items": ref("Action")},
    },
)

INDICATOR = strict_object(
    "Indicateur mesurant un objectif : du catalogue (calculé sur les DECP) ou saisi par l'acheteur.",
    {
        "code": scalar("string", "Code de l'indicateur (catalogue) ou code choisi par l'acheteur (saisi)."),
        "label": scalar("string", "Libellé de l'indicateur."),
        "unit": scalar("string", "Unité des valeurs ; « % » pour une part exprimée de 0 à 100.", examples=UNITS),
        "definition": scalar("string", "Définition ; vide si l'acheteur n'en a pas donné."),
        "kind": scalar(
            "string",
            "« catalogue » : calculé sur les données essentielles de la commande publique ; « manual » : saisi.",
            enum=["catalogue", "manual"],
        ),
    },
)

OBJECTIVE = strict_object(
    "Objectif chiffré : valeur de référence, cibles annuelles et échéance.",
    {
        "id": scalar("integer", "Identifiant de l'objectif, repris dans les valeurs des indicateurs."),
        "title": scalar("string", "Intitulé de l'objectif."),
        "indicator": ref("Indicator"),
        "baseline": strict_object(
            "Valeur de référence, dans l'unité de l'indicateur.",
            {
                "year": scalar("integer", "Année de référence.", null=True),
                "value": scalar("number", "Valeur de référence.", null=True),
            },
        ),
        "targets": {
            "type": "array",
            "description": "Cibles par année, dans l'unité de l'indicateur.",
            "items": strict_object(
                "Cible d'une année.",
                {"year": scalar("integer", "Année."), "value": scalar("number", "Valeur visée.")},
            ),
        },
        "deadline_year": scalar("integer", "Année d'échéance de l'objectif."),
    },
)

ACTION = strict_object(
    "Action prévue pour tenir un engagement.",
    {
        "title": scalar("string", "Intitulé de l'action."),
        "owner": scalar("string", "Direction pilote."),
        "status": ref("ActionStatus"),
        "due_date": scalar("string", "Échéance de l'action.", null=True, format="date"),
    },
)

YEAR_VALUE = strict_object(
    "Mesure d'une année : valeur réalisée, cible, trajectoire et couverture des données.",
    {
        "year": scalar("integer", "Année."),
        "value": scalar("number", "Valeur réalisée dans l'unité de l'indicateur (de 0 à 100 pour « % »).", null=True),
        "target": scalar("number", "Cible fixée pour cette année, s'il y en a une.", null=True),
        "trajectory": scalar(
            "number", "Valeur attendue sur la droite tracée de la référence à chaque cible annuelle.", null=True
        ),
        "coverage": scalar(
            "number",
            "Part des marchés de l'année qui renseignent la donnée, de 0 à 1 (1 pour un indicateur saisi).",
            null=True,
            minimum=0,
            maximum=1,
        ),
        "contracts": scalar("integer", "Nombre de marchés de l'année (indicateurs du catalogue).", null=True),
        "missing": scalar(
            "string",
            "Pourquoi la valeur manque ou est fragile (pas de marché, données de référence absentes, couverture "
            "inférieure à la moitié…), en français ; null quand la valeur est là et solide.",
            null=True,
        ),
    },
)
STATUS = scalar("string", "Statut selon la règle `status_rule`.", enum=list(STATUS_BADGES))
STATUS_BASIS = scalar("string", "L'année qui décide du statut et la comparaison faite, en français.")

OBJECTIVE_VALUES = strict_object(
    "Valeurs d'un objectif par année et son statut.",
    {
        "objective": strict_object(
            "L'objectif mesuré (voir l'arborescence du SPASER).",
            {"id": scalar("integer", "Identifiant de l'objectif."), "title": scalar("string", "Intitulé.")},
        ),
        "indicator": ref("Indicator"),
        "status": STATUS,
        "status_basis": STATUS_BASIS,
        "final_target": scalar("number", "Cible de l'échéance (à défaut, la dernière cible).", null=True),
        "values": {
            "type": "array",
            "description": "Une mesure par année, de l'année de référence à la fin de la période. Pour un SPASER "
            "mutualisé, les valeurs portent sur l'ensemble des acheteurs.",
            "items": ref("YearValue"),
        },
        "per_buyer": {
            "type": "array",
            "description": "Pour un SPASER mutualisé, les mêmes mesures acheteur par acheteur (vide sinon).",
            "items": strict_object(
                "Les mesures d'un acheteur.",
                {
                    "siren": scalar("string", "SIREN de l'acheteur.", pattern=r"^\d{9}$"),
                    "name": scalar("string", "Nom de l'acheteur."),
                    "status": STATUS,
                    "status_basis": STATUS_BASIS,
                    "values": {"type": "array", "items": ref("YearValue")},
                },
            ),
        },
    },
)

SCHEME_INDICATORS = strict_object(
    "Les valeurs des indicateurs de chaque objectif d'un SPASER publié, dans l'ordre de l'arborescence.",
    {
        "scheme": strict_object(
            "Le SPASER.",
            {"slug": scalar("string", "Identifiant."), "title": scalar("string", "Titre."), "urls": ref("Urls")},
        ),
        "status_rule": scalar("string", "La règle qui donne le statut de chaque objectif, en français."),
        "objectives": {"type": "array", "items": ref("ObjectiveValues")},
    },
)

ERROR = strict_object("Erreur, expliquée en français.", {"erreur": scalar("string", "Message d'erreur.")})

SCHEMAS = {
    "Error": ERROR,
    "Organisation": ORGANISATION,
    "Urls": URLS,
    "Population": coded("Nombre d'habitants de la collectivité.", Population),
    "PurchaseVolume": coded("Volume annuel d'achat estimé.", PurchaseVolume),
    "Theme": coded("Thème de l'axe.", Theme),
    "ActionStatus": coded("État d'avancement de l'action.", ActionStatus),
    "SchemeSummary": SCHEME_SUMMARY,
    "SchemePage": SCHEME_PAGE,
    "Scheme": SCHEME,
    "Axis": AXIS,
    "Engagement": ENGAGEMENT,
    "Indicator": INDICATOR,
    "Objective": OBJECTIVE,
    "Action": ACTION,
    "YearValue": YEAR_VALUE,
    "ObjectiveValues": OBJECTIVE_VALUES,
    "SchemeIndicators": SCHEME_INDICATORS,
}


def response(description: str, schema: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": ref(schema)}}}


NOT_FOUND = response(
    "Aucun SPASER publié à cette adresse (les brouillons et les SPASER adoptés non publiés "
    "n'existent pas pour l'API).",
    "Error",
)

SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "description": "Identifiant du SPASER, tel que donné par la liste (`slug`).",
    "schema": {"type": "string"},
}


def query_parameter(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


# Every 200 carries an ETag; a GET with `If-None-Match` giving it back answers 304 while the data is unchanged.
NOT_MODIFIED = {"description": "Rien n'a changé depuis la réponse dont l'en-tête `If-None-Match` donne l'ETag."}


def operation(operation_id: str, summary: str, description: str, responses: dict, parameters: list) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "parameters": parameters,
            "responses": {**responses, "304": NOT_MODIFIED},
        }
    }


PATHS = {
    "/api/spaser/": operation(
        "listerSpaser",
        "Liste des SPASER publiés",
        "Les SPASER publiés, 50 par page. Les brouillons et les SPASER adoptés mais non publiés n'y figurent pas.",
        {
            "200": response("Une page de SPASER publiés.", "SchemePage"),
            "400": response("Paramètre invalide (page, siren ou année).", "Error"),
            "404": response("Page au-delà de la dernière.", "Error"),
        },
        [
            query_parameter("page", "Numéro de page, à partir de 1.", {"type": "integer", "minimum": 1, "default": 1}),
            query_parameter(
                "siren",
                "SPASER portés par cet acheteur ou mutualisés avec lui.",
                {"type": "string", "pattern": r"^\d{9}$"},
            ),
            query_parameter("annee", "SPASER dont la période couvre cette année.", {"type": "integer", "minimum": 1}),
        ],
    ),
    "/api/spaser/{slug}/": operation(
        "lireSpaser",
        "Un SPASER publié",
        "Le SPASER avec ses axes, engagements, objectifs chiffrés (indicateur, référence, cibles, échéance) "
        "et actions (direction pilote, état, échéance).",
        {"200": response("Le SPASER et son arborescence.", "Scheme"), "404": NOT_FOUND},
        [SLUG],
    ),
    "/api/spaser/{slug}/indicateurs/": operation(
        "lireIndicateursSpaser",
        "Valeurs des indicateurs d'un SPASER publié",
        "Pour chaque objectif : valeur réalisée, cible, trajectoire et couverture des données par année, "
        "statut et règle de calcul du statut ; pour un SPASER mutualisé, aussi acheteur par acheteur. "
        "Les indicateurs du catalogue sont calculés sur les données essentielles de la commande publique (DECP).",
        {
            "200": response("Les valeurs des indicateurs.", "SchemeIndicators"),
            "404": NOT_FOUND,
            "503": response("Données DECP momentanément illisibles (réessayer après `Retry-After`).", "Error"),
        },
        [SLUG],
    ),
}

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "API Spaser",
        "version": VERSION,
        "description": (
            "API en lecture seule des schémas de promotion des achats socialement et écologiquement responsables "
            "(SPASER) publiés sur Spaser : schémas, objectifs et valeurs des indicateurs. Sans authentification ; "
            "réponses en JSON, accessibles depuis tout domaine (CORS) ; les données publiées peuvent être gardées "
            "1 minute en cache et revalidées par leur ETag (réponse 304 si rien n'a changé). Toute autre "
            'méthode que GET ou HEAD reçoit une erreur 405. Les erreurs sont de la forme `{"erreur": "…"}`.'
        ),
        "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
    },
    "servers": [{"url": "/"}],
    "paths": PATHS,
    "components": {"schemas": SCHEMAS},
}
