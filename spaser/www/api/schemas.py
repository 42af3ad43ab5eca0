"""What the read-only API answers, declared once: django-ninja turns these into the responses and the OpenAPI document.

Where the API shows what the exchange format already declares (an organisation's SIREN and name, a target), the
declaration of `spaser.plans.exchange_format` is reused. Every object lists all its fields as required and forbids
others, so a client validating against the document notices any change. Descriptions are French: they are the
published documentation.
"""

from datetime import date, datetime
from typing import Literal

from django.db.models import TextChoices
from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict, create_model

from spaser.indicators.catalogue import BY_CODE
from spaser.observatory.vocabulary import GROUPS, MEASURES, SUBJECTS, UNIVERSES
from spaser.plans import exchange_format
from spaser.plans.models import (
    Action as ActionModel,
    ActionStatus,
    Objective as ObjectiveModel,
    Population,
    PurchaseVolume,
    Scheme,
    Theme,
)
from spaser.plans.steering import STATUS_BADGES, ObjectiveSeries
from spaser.tables import PROFILE_FIELDS, PUBLICATION_FIELDS, SERIES_FIELDS


SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
SERIES_FIELDS_BY_NAME = {field.name: field for field in SERIES_FIELDS}
PROFILE_FIELDS_BY_NAME = {field.name: field for field in PROFILE_FIELDS}


def _closed(schema: dict) -> None:
    """No other field than the declared ones, and no English titles (Pydantic's, from the names) over the French."""
    schema["additionalProperties"] = False
    for field in schema.get("properties", {}).values():
        field.pop("title", None)


class ApiSchema(Schema):
    # "forbid" would make django-ninja validate the object itself before its resolvers run: the document says it.
    model_config = ConfigDict(
        extra="ignore", json_schema_serialization_defaults_required=True, json_schema_extra=_closed
    )


def _coded(choices: type[TextChoices], description: str) -> type[ApiSchema]:
    """A coded field as {code, label}: programs rely on the code, people read the label."""
    return create_model(
        choices.__name__,
        __base__=ApiSchema,
        __doc__=description,
        code=(Literal[tuple(choices.values)], Field(description="Code stable, à utiliser dans les programmes.")),
        label=(str, Field(description="Libellé en français.")),
    )


PopulationRange = _coded(Population, "Nombre d'habitants de la collectivité.")
PurchaseVolumeRange = _coded(PurchaseVolume, "Volume annuel d'achat estimé.")
ThemeChoice = _coded(Theme, "Thème de l'axe.")
ActionStatusChoice = _coded(ActionStatus, "État d'avancement de l'action.")


def choice(value: str, choices: type[TextChoices]) -> dict | None:
    return {"code": value, "label": choices(value).label} if value else None


class Error(ApiSchema):
    """Erreur, expliquée en français."""

    erreur: str = Field(description="Message d'erreur.")


class Organisation(ApiSchema, exchange_format.Organisation):
    """Acheteur public identifié par son SIREN."""

    buyer_type: str = Field(description="Type d'acheteur (Commune, Département, Région…) ; vide si inconnu.")
    fictitious: bool = Field(description="Vrai pour une organisation de démonstration, sans existence réelle.")


class Urls(ApiSchema):
    """Adresses liées au SPASER, en chemins relatifs au serveur."""

    api: str = Field(description="Le SPASER complet dans l'API.", json_schema_extra={"format": "uri-reference"})
    indicators: str = Field(
        description="Les valeurs des indicateurs dans l'API.", json_schema_extra={"format": "uri-reference"}
    )
    page: str = Field(
        description="La page publique du SPASER (/spaser/<slug>/).", json_schema_extra={"format": "uri-reference"}
    )

    @staticmethod
    def of(scheme: Scheme) -> dict:
        return {
            "api": reverse("api:scheme", args=[scheme.slug]),
            "indicators": reverse("api:indicators", args=[scheme.slug]),
            "page": scheme.public_url(),
        }


class SchemeSummary(ApiSchema):
    """Un SPASER publié, sans son contenu."""

    slug: str = Field(description="Identifiant du SPASER dans les adresses.", pattern=SLUG_PATTERN)
    title: str = Field(description="Titre du SPASER.")
    organisation: Organisation
    partners: list[Organisation] = Field(
        description="Organisations qui ont accepté de partager ce SPASER mutualisé (vide sinon)."
    )
    edition: int = Field(description="Numéro d'édition du schéma (1 pour le premier).", ge=1)
    start_year: int = Field(description="Première année de la période couverte.")
    end_year: int = Field(description="Dernière année de la période couverte.")
    adoption_date: date | None = Field(description="Date d'adoption par l'assemblée délibérante.")
    deliberation: str = Field(description="Référence de la délibération d'adoption ; vide si non renseignée.")
    population: PopulationRange | None
    purchase_volume: PurchaseVolumeRange | None
    mutualised: bool = Field(description="Vrai si le SPASER est mutualisé entre plusieurs acheteurs.")
    urls: Urls

    @staticmethod
    def resolve_population(scheme: Scheme) -> dict | None:
        return choice(scheme.population, Population)

    @staticmethod
    def resolve_purchase_volume(scheme: Scheme) -> dict | None:
        return choice(scheme.purchase_volume, PurchaseVolume)

    @staticmethod
    def resolve_urls(scheme: Scheme) -> dict:
        return Urls.of(scheme)


class SchemePage(ApiSchema):
    """Une page de la liste des SPASER publiés (50 par page), triés par acheteur puis édition décroissante."""

    count: int = Field(description="Nombre total de SPASER correspondant aux filtres.", ge=0)
    page: int = Field(description="Numéro de cette page.", ge=1)
    pages: int = Field(description="Nombre de pages.", ge=1)
    next: str | None = Field(description="Adresse de la page suivante.", json_schema_extra={"format": "uri-reference"})
    previous: str | None = Field(
        description="Adresse de la page précédente.", json_schema_extra={"format": "uri-reference"}
    )
    results: list[SchemeSummary]


class Indicator(ApiSchema):
    """Indicateur mesurant un objectif : du catalogue (calculé sur les DECP) ou saisi par l'acheteur."""

    code: str = Field(description="Code de l'indicateur (catalogue) ou code choisi par l'acheteur (saisi).")
    label: str = Field(description="Libellé de l'indicateur.")
    unit: str = Field(description="Unité des valeurs ; « % » pour une part exprimée de 0 à 100.")
    definition: str = Field(description="Définition ; vide si l'acheteur n'en a pas donné.")
    kind: Literal["catalogue", "manual"] = Field(
        description=(
            "« catalogue » : calculé sur les données essentielles de la commande publique ; « manual » : saisi."
        )
    )

    @staticmethod
    def of(objective: ObjectiveModel) -> dict:
        if objective.manual_indicator_id:
            entry, kind = objective.manual_indicator, "manual"
        else:
            entry, kind = BY_CODE[objective.indicator_code], "catalogue"
        return {
            "code": entry.code,
            "label": entry.label,
            "unit": entry.unit,
            "definition": entry.definition,
            "kind": kind,
        }


class Baseline(ApiSchema):
    """Valeur de référence, dans l'unité de l'indicateur."""

    year: int | None = Field(description="Année de référence.")
    value: float | None = Field(description="Valeur de référence.")


class Target(ApiSchema, exchange_format.Target):
    """Cible d'une année, dans l'unité de l'indicateur."""


class Objective(ApiSchema):
    """Objectif chiffré : valeur de référence, cibles annuelles et échéance."""

    id: int = Field(description="Identifiant de l'objectif, repris dans les valeurs des indicateurs.")
    title: str = Field(description="Intitulé de l'objectif.")
    indicator: Indicator
    baseline: Baseline
    targets: list[Target] = Field(description="Cibles par année, dans l'unité de l'indicateur.")
    deadline_year: int = Field(description="Année d'échéance de l'objectif.")

    @staticmethod
    def resolve_indicator(objective: ObjectiveModel) -> dict:
        return Indicator.of(objective)

    @staticmethod
    def resolve_baseline(objective: ObjectiveModel) -> dict:
        return {"year": objective.baseline_year, "value": objective.baseline_value}

    @staticmethod
    def resolve_targets(objective: ObjectiveModel) -> list[dict]:
        return [{"year": target.year, "value": target.value} for target in objective.targets.all()]


class Action(ApiSchema):
    """Action prévue pour tenir un engagement."""

    title: str = Field(description="Intitulé de l'action.")
    owner: str = Field(description="Direction pilote.")
    status: ActionStatusChoice
    due_date: date | None = Field(description="Échéance de l'action.")

    @staticmethod
    def resolve_status(action: ActionModel) -> dict | None:
        return choice(action.status, ActionStatus)


class Engagement(ApiSchema):
    """Engagement d'un axe, décliné en objectifs chiffrés et en actions."""

    title: str = Field(description="Titre de l'engagement.")
    description: str = Field(description="Description ; vide si non renseignée.")
    objectives: list[Objective]
    actions: list[Action]


class Axis(ApiSchema):
    """Axe du SPASER, rattaché à un thème."""

    title: str = Field(description="Titre de l'axe.")
    theme: ThemeChoice
    description: str = Field(description="Description ; vide si non renseignée.")
    engagements: list[Engagement]

    @staticmethod
    def resolve_theme(axis) -> dict | None:
        return choice(axis.theme, Theme)


class SchemeDetail(SchemeSummary):
    """Un SPASER publié avec son arborescence : axes, engagements, objectifs et actions."""

    summary: str = Field(description="Présentation du SPASER.")
    mutualised_with: str = Field(description="Précisions sur la mutualisation ; vide si non renseignée.")
    document: str | None = Field(
        description="Adresse du document PDF du SPASER.", json_schema_extra={"format": "uri-reference"}
    )
    axes: list[Axis]

    @staticmethod
    def resolve_document(scheme: Scheme) -> str | None:
        return scheme.document_url() if scheme.document else None


class YearValue(ApiSchema):
    """Mesure d'une année : valeur réalisée, cible, trajectoire et couverture des données."""

    year: int = Field(description="Année.")
    value: float | None = Field(description="Valeur réalisée dans l'unité de l'indicateur (de 0 à 100 pour « % »).")
    target: float | None = Field(description="Cible fixée pour cette année, s'il y en a une.")
    trajectory: float | None = Field(
        description="Valeur attendue sur la droite tracée de la référence à chaque cible annuelle."
    )
    coverage: float | None = Field(
        description="Part des marchés de l'année qui renseignent la donnée, de 0 à 1 (1 pour un indicateur saisi).",
        ge=0,
        le=1,
    )
    contracts: int | None = Field(description="Nombre de marchés de l'année (indicateurs du catalogue).")
    missing: str | None = Field(
        description="Pourquoi la valeur manque ou est fragile (pas de marché, données de référence absentes, "
        "couverture inférieure à la moitié…), en français ; null quand la valeur est là et solide."
    )


Status = Literal[tuple(STATUS_BADGES)]
STATUS = "Statut selon la règle `status_rule`."
STATUS_BASIS = "L'année qui décide du statut et la comparaison faite, en français."


class BuyerValues(ApiSchema):
    """Les mesures d'un acheteur."""

    siren: str = Field(description="SIREN de l'acheteur.", pattern=exchange_format.SIREN_PATTERN)
    name: str = Field(description="Nom de l'acheteur.")
    status: Status = Field(description=STATUS)
    status_basis: str = Field(description=STATUS_BASIS)
    values: list[YearValue]


class ObjectiveRef(ApiSchema):
    """L'objectif mesuré (voir l'arborescence du SPASER)."""

    id: int = Field(description="Identifiant de l'objectif.")
    title: str = Field(description="Intitulé.")


class ObjectiveValues(ApiSchema):
    """Valeurs d'un objectif par année et son statut."""

    objective: ObjectiveRef
    indicator: Indicator
    status: Status = Field(description=STATUS)
    status_basis: str = Field(description=STATUS_BASIS)
    final_target: float | None = Field(description="Cible de l'échéance (à défaut, la dernière cible).")
    values: list[YearValue] = Field(
        description="Une mesure par année, de l'année de référence à la fin de la période. Pour un SPASER "
        "mutualisé, les valeurs portent sur l'ensemble des acheteurs."
    )
    per_buyer: list[BuyerValues] = Field(
        description="Pour un SPASER mutualisé, les mêmes mesures acheteur par acheteur (vide sinon)."
    )

    @staticmethod
    def of(series: ObjectiveSeries, names: dict[str, str]) -> dict:
        return {
            "objective": series.objective,
            "indicator": Indicator.of(series.objective),
            "status": series.status,
            "status_basis": series.verdict.basis,
            "final_target": series.final_target,
            "values": series.points,
            "per_buyer": [
                {
                    "siren": siren,
                    "name": names.get(siren, ""),
                    "status": series.per_buyer_verdicts[siren].status,
                    "status_basis": series.per_buyer_verdicts[siren].basis,
                    "values": points,
                }
                for siren, points in series.per_buyer.items()
            ],
        }


class SchemeRef(ApiSchema):
    """Le SPASER."""

    slug: str = Field(description="Identifiant.")
    title: str = Field(description="Titre.")
    urls: Urls

    @staticmethod
    def resolve_urls(scheme: Scheme) -> dict:
        return Urls.of(scheme)


class SchemeIndicators(ApiSchema):
    """Les valeurs des indicateurs de chaque objectif d'un SPASER publié, dans l'ordre de l'arborescence."""

    scheme: SchemeRef
    status_rule: str = Field(description="La règle qui donne le statut de chaque objectif, en français.")
    objectives: list[ObjectiveValues]


# The observatory's national series (spaser.observatory.series; the same fields as its files, SERIES_CSV)

ObservatoryUniverse = Literal[tuple(UNIVERSES)]
ObservatoryGroup = Literal[tuple(GROUPS)]


class SeriesPoint(ApiSchema):
    """Une série d'une année, d'un univers et d'un groupe d'acheteurs, avec ses deux dénominateurs."""

    year: int = Field(description=SERIES_FIELDS_BY_NAME["year"].description)
    universe: ObservatoryUniverse = Field(description=SERIES_FIELDS_BY_NAME["universe"].description)
    buyer_group: ObservatoryGroup = Field(description=SERIES_FIELDS_BY_NAME["buyer_group"].description)
    series: Literal[tuple(SUBJECTS)] = Field(description=SERIES_FIELDS_BY_NAME["series"].description)
    measure: Literal[tuple(MEASURES)] = Field(description=SERIES_FIELDS_BY_NAME["measure"].description)
    contracts: int = Field(description=SERIES_FIELDS_BY_NAME["contracts"].description, ge=0)
    numerator: float = Field(description=SERIES_FIELDS_BY_NAME["numerator"].description, ge=0)
    known_denominator: float = Field(description=SERIES_FIELDS_BY_NAME["known_denominator"].description, ge=0)
    known_share: float | None = Field(description=SERIES_FIELDS_BY_NAME["known_share"].description)
    all_denominator: float = Field(description=SERIES_FIELDS_BY_NAME["all_denominator"].description, ge=0)
    all_share: float | None = Field(description=SERIES_FIELDS_BY_NAME["all_share"].description)


class ObservatorySeries(ApiSchema):
    """Les séries nationales de l'observatoire et la version des données dont elles sont calculées."""

    decp_date: date = Field(description="Date de l'entrepôt DECP dont les séries sont calculées.")
    refreshed_at: datetime = Field(description="Date et heure du calcul des séries.")
    results: list[SeriesPoint]


class ObligationRow(ApiSchema):
    """Un acheteur une année dans le registre de l'obligation d'adopter un SPASER (article L2111-3)."""

    siren: str = Field(description="SIREN de l'acheteur.", pattern=r"^\d{9}$")
    year: int = Field(description="Année civile de notification des marchés comptés.")
    name: str | None = Field(description="Dénomination SIRENE.")
    buyer_type: str = Field(description="Type d'acheteur, d'après la catégorie juridique SIRENE.")
    uncertain_type: bool = Field(description="Vrai quand la catégorie juridique ne permet pas de conclure.")
    contracts_amount: float | None = Field(
        description="Marchés notifiés dans l'année (DECP), en euros HT ; accords-cadres à leur maximum ; "
        "concessions, marchés de défense ou de sécurité et montants suspects exclus ; vide sans marché."
    )
    framework_amount: float | None = Field(description="Dont accords-cadres, en euros HT.")
    contracts: int = Field(description="Marchés notifiés dans l'année.", ge=0)
    framework_contracts: int = Field(description="Dont accords-cadres.", ge=0)
    excluded_amounts: int = Field(description="Marchés dont le montant suspect n'est pas additionné.", ge=0)
    spend_amount: float | None = Field(
        description="Dépenses comptables (balances DGFiP), en euros ; vide sans balance importée."
    )
    status: Literal["obligé probable", "incertain", "non obligé", "aucune donnée DECP"] = Field(
        description="Obligation probable d'adopter un SPASER (seuil de 50 M€ HT, article D2111-3)."
    )
    reason: str = Field(description="Ce qui décide du statut.")


class ObligationPage(ApiSchema):
    """Le registre de l'obligation, filtré ; données calculées une fois par version des données DECP."""

    decp_date: date | None = Field(description="Date des données DECP dont le registre est calculé.")
    count: int = Field(description="Nombre de lignes correspondant aux filtres.", ge=0)
    results: list[ObligationRow]


def _profile_field(name: str, **constraints):
    return Field(description=PROFILE_FIELDS_BY_NAME[name].description, **constraints)


class ProfileIndicator(ApiSchema):
    """Une série de l'observatoire pour un acheteur une année, et sa place parmi les acheteurs de même type et
    taille (ceux aux données insuffisantes écartés)."""

    year: int = _profile_field("year")
    series: Literal[tuple(SUBJECTS)] = _profile_field("series")
    measure: Literal[tuple(MEASURES)] = _profile_field("measure")
    buyer_type: str = _profile_field("buyer_type")
    size_bracket: str = _profile_field("size_bracket")
    contracts: int = _profile_field("contracts", ge=0)
    numerator: float = _profile_field("numerator", ge=0)
    denominator: float = _profile_field("denominator", ge=0)
    share: float | None = _profile_field("share")
    peers: int = _profile_field("peers", ge=0)
    insufficient_peers: int = _profile_field("insufficient_peers", ge=0)
    rank: int | None = _profile_field("rank")
    percentile: float | None = _profile_field("percentile")
    peer_median: float | None = _profile_field("peer_median")


class DirectoryItem(ApiSchema):
    """Un SPASER de l'annuaire de l'observatoire : publié sur la plateforme, importé de l'annuaire national ou saisi
    par l'équipe. Les champs absents de la source sont vides (null ou chaîne vide)."""

    siren: str = Field(description="SIREN de l'acheteur qui porte le SPASER.", pattern=r"^\d{9}$")
    name: str = Field(description="Nom de l'acheteur.")
    structure_type: str = Field(description="Type de structure ; vide si inconnu.")
    rtes_category: str = Field(description="Catégorie d'acheteur du décompte du RTES.")
    title: str = Field(description="Titre du SPASER ; vide s'il n'en a pas.")
    start_year: int = Field(description="Première année de la période.")
    end_year: int | None = Field(description="Dernière année de la période ; null quand la source ne la donne pas.")
    edition: int | None = Field(description="Numéro d'édition ; null si inconnu.")
    mutualised: bool = Field(description="Vrai pour un SPASER commun à plusieurs acheteurs.")
    other_sirens: list[str] = Field(description="SIREN des autres acheteurs d'un SPASER mutualisé.")
    population: str = Field(description="Tranche du nombre d'habitants ; vide si sans objet ou inconnue.")
    purchase_volume: str = Field(description="Tranche du volume annuel d'achat estimé ; vide si inconnue.")
    document_url: str = Field(description="Lien du document du SPASER ; vide si inconnu.")
    published_on: date | None = Field(description="Date de publication de la fiche.")
    updated_on: date | None = Field(description="Date de la dernière mise à jour de la fiche.")
    source: Literal["publié sur la plateforme", "importé", "saisi par l'équipe"] = Field(
        description="Où la plateforme connaît ce SPASER."
    )
    page: str | None = Field(
        description="Page publique du SPASER sur la plateforme, s'il y est publié.",
        json_schema_extra={"format": "uri-reference"},
    )

    @staticmethod
    def resolve_rtes_category(listed) -> str:
        return listed.category

    @staticmethod
    def resolve_page(listed) -> str | None:
        return listed.url or None


class Directory(ApiSchema):
    """Les SPASER de l'annuaire de l'observatoire."""

    count: int = Field(description="Nombre de SPASER.")
    results: list[DirectoryItem]


class BuyerProfile(ApiSchema):
    """Le profil d'un acheteur dans l'observatoire : registre de l'obligation, SPASER connus, indicateurs par année
    et comparaison avec les acheteurs de même type et taille."""

    siren: str = Field(description="SIREN de l'acheteur.", pattern=r"^\d{9}$")
    name: str | None = Field(description="Dénomination SIRENE, ou nom de l'annuaire ; null si inconnue.")
    decp_data: bool = Field(
        description="Faux quand l'acheteur n'a aucun marché dans les DECP (« aucune donnée DECP »)."
    )
    decp_date: date | None = Field(description="Date des données DECP dont le profil est calculé.")
    obligation: list[ObligationRow] = Field(description="Le registre de l'obligation, dernière année d'abord.")
    schemes: list[DirectoryItem] = Field(description="Les SPASER de l'annuaire portés par l'acheteur ou partagés.")
    indicators: list[ProfileIndicator] = Field(description="Les séries de l'acheteur, dernière année d'abord.")


# The biennial legal publications of a scheme's buyers (spaser.publications; the same fields as PUBLICATION_CSV)

PUBLICATION_FIELDS_BY_NAME = {field.name: field for field in PUBLICATION_FIELDS}


def _described(name: str, **constraints):
    return Field(description=PUBLICATION_FIELDS_BY_NAME[name].description, **constraints)


class PublicationFigure(ApiSchema):
    """Un taux réel d'une année, d'une catégorie et d'une mesure, à côté de la cible du SPASER ; valeurs non
    arrondies, figées à la publication."""

    siren: str = _described("siren", pattern=r"^\d{9}$")
    buyer_name: str = _described("buyer_name")
    first_year: int = _described("first_year")
    last_year: int = _described("last_year")
    year: int = _described("year")
    category: Literal[tuple(SUBJECTS)] = _described("category")
    measure: Literal[tuple(MEASURES)] = _described("measure")
    code: str = _described("code")
    contracts: int = _described("contracts", ge=0)
    numerator: float = _described("numerator", ge=0)
    denominator: float = _described("denominator", ge=0)
    value: float | None = _described("value")
    coverage: float | None = _described("coverage")
    objective: str | None = _described("objective")
    target: float | None = _described("target")
    target_basis: str = _described("target_basis")
    reached: Literal["oui", "non"] | None = _described("reached")
    rule: str = _described("rule")
    published_at: date = _described("published_at")
    catalogue_version: str = _described("catalogue_version")
    decp_date: date | None = _described("decp_date")


class PublicationManualValue(ApiSchema):
    """Un indicateur saisi par l'acheteur (heures d'insertion…) une année, avec la cible du SPASER."""

    code: str = Field(description="Code de l'indicateur saisi.")
    label: str = Field(description="Libellé.")
    unit: str = Field(description="Unité.")
    year: int = Field(description="Année.")
    value: float = Field(description="Valeur de l'année : somme des valeurs saisies, ou leur moyenne pour une part.")
    target: float | None = Field(description="Cible de l'année ; vide sans cible.")


class DataVersion(ApiSchema):
    """Les données dont les taux sont calculés."""

    decp_import: int | None = Field(description="Numéro du dernier import DECP de l'entrepôt.")
    decp_date: date | None = Field(description="Date de ce dernier import.")
    decp: str | None = Field(description="Version du fichier des DECP (date de modification et taille).")
    reference: str | None = Field(description="Version du fichier des données de référence ; vide sans elles.")


class Publication(ApiSchema):
    """La publication biennale d'un acheteur (article L2111-3), figée à sa publication."""

    siren: str = Field(description="SIREN de l'acheteur.", pattern=r"^\d{9}$")
    buyer_name: str = Field(description="Nom de l'acheteur à la publication.")
    first_year: int = Field(description="Première des deux années civiles publiées.")
    last_year: int = Field(
        description="Dernière ; la page publique de la publication est …/publications/<last_year>/."
    )
    status: Literal["published", "superseded"] = Field(
        description="« published » : en vigueur ; « superseded » : remplacée par une publication plus récente de la "
        "même période, restée lisible."
    )
    published_at: datetime = Field(description="Date et heure de la publication.")
    catalogue_version: str = Field(description="Empreinte des définitions des indicateurs à la publication.")
    data_version: DataVersion
    figures: list[PublicationFigure]
    manual_values: list[PublicationManualValue]


class SchemePublications(ApiSchema):
    """Les publications biennales des acheteurs d'un SPASER publié, les plus récentes d'abord."""

    scheme: SchemeRef
    publications: list[Publication]
