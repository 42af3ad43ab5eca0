"""Demonstration data: fictitious buyers drawn from the synthetic DECP store, and real directory entries.

`load_demo` picks the most active synthetic buyers of four types in the store (`spaser demo generate` then
`spaser decp import`), turns them into clearly labelled fictitious organisations (`fictitious=True`, "Exemple" in
the name) with their SIRETs, and gives each a complete SPASER modelled on published schemes (three axes, targets of
30 % of contracts with a social consideration and 100 % with an environmental one at the end of the period, as in
the PNAD 2022-2025 and the Gironde scheme; insertion hours as in the State and Lyon schemes; actions with owners).
Baselines are the values the indicators take in the store for the first year of the period.

It also records two real entries of the national SPASER directory (achats-durables.gouv.fr) as published metadata.
Everything is keyed on natural keys (SIREN, SIRET, slug, e-mail) and the trees are replaced: loading twice gives
the same data.
"""

import zlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch
from django.utils import timezone

from spaser import formatting
from spaser.decp.store import database_path
from spaser.errors import SpaserError
from spaser.indicators.engine import Filters, Scope, compute, stores
from spaser.organisations.models import Establishment, Membership, Organisation, Role
from spaser.plans.models import (
    Action,
    ActionStatus,
    Axis,
    Engagement,
    ManualImport,
    ManualIndicator,
    ManualUnit,
    ManualValue,
    Objective,
    Partnership,
    PartnershipStatus,
    Population,
    PurchaseVolume,
    Scheme,
    Status,
    Target,
    Theme,
)


DEMO_PASSWORD = "spaser-demo"
PLATFORM_ADMIN = "admin@spaser.example"
HOURS_CODE = "heures-insertion"
HOURS_LABEL = "Heures d'insertion réalisées"
HOURS_FILE = "demo-heures-insertion.csv"
HOURS_CONTRACTS_PER_YEAR = 6
HOURS_GROWTH = 0.15  # a year: the demo shows insertion hours on track (targets: +10 % a year)
MIN_CONTRACTS = 10  # marchés of a buyer in its scheme period
MIN_YEAR_SHARE = 0.05  # a year holding less than this share of the busiest year is stray data (bad dates)

DCP = "Direction de la commande publique"
DIE = "Direction de l'insertion et de l'emploi"
DTE = "Direction de la transition écologique"
DDE = "Direction du développement économique"
DRH = "Direction des ressources humaines"
DSI = "Direction des systèmes d'information"

MISSING_STORE = (
    "Aucun entrepôt DECP dans « {store} ». Les données de démonstration s'appuient sur les DECP synthétiques : "
    "lancez d'abord « make demo », ou « spaser demo generate --marches 20000 --seed 2024 --out "
    "var/demo/decp-demo.json », « spaser decp import var/demo/decp-demo.json --store {store} » puis « spaser demo "
    "reference --store {store} »."
)


class DemoError(SpaserError):
    pass


# ---------------------------------------------------------------------------------------------------------------
# What is loaded.


@dataclass(frozen=True)
class BuyerProfile:
    key: str
    siren_prefix: str  # INSEE conventions, as in the generator: 21 communes, 22 départements, 23 régions, 24 EPCI
    name: str
    buyer_type: str
    domain: str  # of the demo logins


PROFILES = (
    BuyerProfile("region", "23", "Région Exemple", "Région", "region-exemple.example"),
    BuyerProfile("departement", "22", "Département Exemple", "Département", "departement-exemple.example"),
    BuyerProfile("agglomeration", "24", "Agglomération Exemple", "EPCI", "agglomeration-exemple.example"),
    BuyerProfile("ville", "21", "Ville Exemple", "Commune", "ville-exemple.example"),
)
DEMO_NAMES = tuple(profile.name for profile in PROFILES)

LOGINS = (  # local part of the e-mail, role
    ("admin", Role.ADMIN),
    ("redacteur", Role.EDITOR),
    ("facilitateur", Role.FACILITATOR),
    ("lecteur", Role.VIEWER),
)


@dataclass(frozen=True)
class SchemePlan:
    owner: str  # profile key
    partners: tuple[str, ...]
    title: str  # {start} and {end} are the period
    slug: str
    offset: int  # first year = first year of the synthetic data + offset
    length: int  # years
    edition: int
    status: str
    population: str
    purchase_volume: str
    adoption: tuple[int, int, int] | None  # (years after the first year, month, day), adopted the year before
    deliberation: str
    summary: str


FICTITIOUS_NOTICE = (
    "Données fictives de démonstration : l'organisation n'existe pas, ses marchés sont des DECP synthétiques "
    "produites par le générateur de Spaser. "
)
STRUCTURE_NOTICE = (
    "Structure inspirée de SPASER publiés (trois axes social, environnemental et économique comme en "
    "Seine-Saint-Denis ; cibles de 30 % de marchés avec une considération sociale et 100 % avec une considération "
    "environnementale comme dans le PNAD 2022-2025 et le SPASER de la Gironde ; suivi des heures d'insertion). "
    "Les valeurs de "
    "référence sont celles des indicateurs calculés sur l'entrepôt de démonstration pour la première année."
)

SCHEMES = (
    SchemePlan(
        owner="region",
        partners=(),
        title="SPASER {start}-{end} de la Région Exemple",
        slug="region-exemple-{start}-{end}",
        offset=0,
        length=5,
        edition=2,
        status=Status.PUBLISHED,
        population=Population.OVER_200K,
        purchase_volume=PurchaseVolume.OVER_200M,
        adoption=(-1, 12, 14),
        deliberation="Délibération n° {year}-SP-0412 de l'assemblée plénière du {day} (fictive)",
        summary="Deuxième édition du schéma régional, pilotée par un comité associant élus et directions. ",
    ),
    SchemePlan(
        owner="departement",
        partners=(),
        title="SPASER {start}-{end} du Département Exemple",
        slug="departement-exemple-{start}-{end}",
        offset=0,
        length=4,
        edition=2,
        status=Status.PUBLISHED,
        population=Population.OVER_200K,
        purchase_volume=PurchaseVolume.FROM_100M,
        adoption=(0, 3, 28),
        deliberation="Délibération n° {year}-III-07 du conseil départemental du {day} (fictive)",
        summary="Chaque axe est décliné en engagements : objectifs, actions et indicateurs de suivi. ",
    ),
    SchemePlan(
        owner="agglomeration",
        partners=("ville",),
        title="SPASER commun {start}-{end} de l'Agglomération Exemple et de la Ville Exemple",
        slug="agglomeration-ville-exemple-{start}-{end}",
        offset=0,
        length=3,
        edition=1,
        status=Status.PUBLISHED,
        population=Population.FROM_100K,
        purchase_volume=PurchaseVolume.FROM_50M,
        adoption=(0, 6, 27),
        deliberation="Délibérations concordantes n° {year}-094 du conseil communautaire du {day} (fictives)",
        summary="Schéma mutualisé (article L2111-3 modifié par la loi Industrie verte) : les indicateurs sont "
        "suivis pour chaque acheteur et pour l'ensemble. ",
    ),
    SchemePlan(
        owner="ville",
        partners=(),
        title="Projet de SPASER {start}-{end} de la Ville Exemple",
        slug="ville-exemple-{start}-{end}",
        offset=1,
        length=3,
        edition=1,
        status=Status.DRAFT,
        population=Population.FROM_50K,
        purchase_volume=PurchaseVolume.UNDER_50M,
        adoption=None,
        deliberation="",
        summary="Brouillon, non visible du public : la Ville prépare ses engagements propres, en complément du "
        "SPASER commun de l'Agglomération Exemple. ",
    ),
)


@dataclass(frozen=True)
class ObjectivePlan:
    indicator: str  # catalogue code, or HOURS_CODE for the manual insertion-hours indicator
    title: str  # {final} is the target at the end of the period, {end} its year
    final: object  # callable(baseline, years of the period) -> final target
    fallback: float  # baseline when the store cannot give one (indicators needing the reference data)


@dataclass(frozen=True)
class ActionPlan:
    title: str
    owner: str
    status: str
    due: tuple[int, int, int]  # (years after the first year, month, day)


@dataclass(frozen=True)
class EngagementPlan:
    title: str
    objectives: tuple[ObjectivePlan, ...]
    actions: tuple[ActionPlan, ...]


@dataclass(frozen=True)
class AxisPlan:
    theme: str
    title: str
    description: str
    engagements: tuple[EngagementPlan, ...]


def _fixed(value: float):
    return lambda baseline, years: value


def _doubled(minimum: float):
    return lambda baseline, years: round(max(minimum, 2 * baseline), 1)


def _count_up(baseline: float, years: int) -> float:
    return float(max(baseline + 2 * years, round(1.5 * baseline)))


def _single_bid_down(baseline: float, years: int) -> float:
    return 20.0 if baseline > 25 else round(0.75 * baseline, 1)


def _hours_up(baseline: float, years: int) -> float:
    return float(round(baseline * (1 + 0.10 * years), -1))  # +10 % a year, as the State scheme 2025-2027


TREE = (
    AxisPlan(
        Theme.SOCIAL,
        "Achats socialement responsables",
        "Favoriser l'insertion professionnelle des personnes éloignées de l'emploi et des personnes handicapées.",
        (
            EngagementPlan(
                "Généraliser les considérations sociales dans les marchés",
                (
                    ObjectivePlan(
                        "S1", "{final} % des marchés avec au moins une considération sociale en {end}", _fixed(30), 15
                    ),
                ),
                (
                    ActionPlan(
                        "Repérer dès la programmation annuelle les marchés propices à une clause sociale",
                        DCP,
                        ActionStatus.ONGOING,
                        (1, 6, 30),
                    ),
                    ActionPlan(
                        "Conventionner avec le facilitateur des clauses sociales du territoire",
                        DIE,
                        ActionStatus.DONE,
                        (0, 12, 31),
                    ),
                ),
            ),
            EngagementPlan(
                "Développer l'insertion par l'activité économique",
                (ObjectivePlan(HOURS_CODE, "{final} heures d'insertion réalisées en {end}", _hours_up, 2000),),
                (
                    ActionPlan(
                        "Importer chaque année les heures d'insertion par marché transmises par le facilitateur",
                        DIE,
                        ActionStatus.ONGOING,
                        (1, 3, 31),
                    ),
                    ActionPlan(
                        "Former les acheteurs et les prescripteurs aux clauses d'insertion",
                        DRH,
                        ActionStatus.PLANNED,
                        (2, 6, 30),
                    ),
                ),
            ),
            EngagementPlan(
                "Ouvrir les marchés aux structures du handicap et de l'insertion",
                (
                    ObjectivePlan("S3_RESERVE", "{final} % de marchés réservés en {end}", _doubled(3), 1.5),
                    ObjectivePlan("R2", "{final} marchés réservés notifiés en {end}", _count_up, 2),
                ),
                (
                    ActionPlan(
                        "Réserver des lots aux ESAT, entreprises adaptées et SIAE (articles L2113-12 et L2113-13)",
                        DCP,
                        ActionStatus.ONGOING,
                        (1, 12, 31),
                    ),
                    ActionPlan(
                        "Publier la cartographie des structures inclusives du territoire",
                        DIE,
                        ActionStatus.PLANNED,
                        (2, 3, 31),
                    ),
                ),
            ),
        ),
    ),
    AxisPlan(
        Theme.ENVIRONMENTAL,
        "Achats écologiquement responsables",
        "Réduire l'empreinte environnementale des achats : émissions de gaz à effet de serre, déchets, "
        "consommations d'eau, d'énergie et de matériaux.",
        (
            EngagementPlan(
                "Intégrer une considération environnementale dans tous les marchés",
                (
                    ObjectivePlan(
                        "E1",
                        "{final} % des marchés avec au moins une considération environnementale en {end}",
                        _fixed(100),
                        25,
                    ),
                ),
                (
                    ActionPlan(
                        "Adopter des clauses environnementales types par famille d'achats",
                        DTE,
                        ActionStatus.DONE,
                        (0, 10, 31),
                    ),
                    ActionPlan(
                        "Introduire un critère environnemental pondéré à 10 % au moins dans chaque consultation",
                        DCP,
                        ActionStatus.ONGOING,
                        (2, 8, 21),
                    ),
                ),
            ),
            EngagementPlan(
                "Réduire l'empreinte carbone et les déchets des achats",
                (
                    ObjectivePlan(
                        "E2",
                        "{final} % du montant des marchés avec une considération environnementale en {end}",
                        _fixed(90),
                        30,
                    ),
                ),
                (
                    ActionPlan(
                        "Réaliser le bilan carbone des achats (méthode monétaire de l'ADEME)",
                        DTE,
                        ActionStatus.PLANNED,
                        (2, 12, 31),
                    ),
                    ActionPlan(
                        "Généraliser le réemploi du matériel informatique et du mobilier",
                        DSI,
                        ActionStatus.ONGOING,
                        (1, 12, 31),
                    ),
                ),
            ),
        ),
    ),
    AxisPlan(
        Theme.ECONOMIC,
        "Achats économiquement responsables",
        "Ouvrir la commande publique aux TPE-PME et à l'économie sociale et solidaire, et renforcer la concurrence.",
        (
            EngagementPlan(
                "Faciliter l'accès de l'ESS et des TPE-PME à la commande publique",
                (ObjectivePlan("A1", "{final} % du montant des achats auprès de l'ESS en {end}", _doubled(5), 3),),
                (
                    ActionPlan(
                        "Publier la programmation des achats et organiser des rencontres acheteurs-entreprises",
                        DDE,
                        ActionStatus.DONE,
                        (0, 11, 30),
                    ),
                    ActionPlan(
                        "Allotir les marchés pour les rendre accessibles aux TPE-PME et aux structures de l'ESS",
                        DCP,
                        ActionStatus.ONGOING,
                        (1, 12, 31),
                    ),
                ),
            ),
            EngagementPlan(
                "Renforcer la concurrence dans les consultations",
                (
                    ObjectivePlan(
                        "P3_OFFRE_UNIQUE",
                        "{final} % au plus de marchés n'ayant reçu qu'une offre en {end}",
                        _single_bid_down,
                        30,
                    ),
                ),
                (
                    ActionPlan(
                        "Sourcer avant chaque consultation de plus de 90 000 € HT",
                        DCP,
                        ActionStatus.ONGOING,
                        (1, 6, 30),
                    ),
                    ActionPlan("Créer une bourse locale de la sous-traitance", DDE, ActionStatus.DROPPED, (1, 12, 31)),
                ),
            ),
        ),
    ),
)


# Real entries of the national directory (achats-durables.gouv.fr, shared/seeds and shared/research/anchors.md §3.1,
# §4.1). Only what the sources say: Grand Est's two published targets, no target for Seine-Saint-Denis.

DECP_NOTICE = (
    " Les valeurs des indicateurs de Spaser sont calculées à partir des DECP ; les marchés de {who} ne figurent pas "
    "dans l'entrepôt de démonstration (DECP synthétiques), ses indicateurs y restent donc vides."
)


@dataclass(frozen=True)
class RealEntry:
    siren: str
    name: str
    buyer_type: str
    title: str
    slug: str
    start_year: int
    end_year: int
    edition: int
    summary: str
    targets: tuple[tuple[str, str, str, str, float], ...] = field(default=())  # theme, axis, code, title, value


REAL_ENTRIES = (
    RealEntry(
        siren="200052264",
        name="Région Grand Est",
        buyer_type="Région",
        title="SPASER ORCHIDÉE",
        slug="region-grand-est-2022-2026",
        start_year=2022,
        end_year=2026,
        edition=2,
        summary=(
            "Spaser ORCHIDÉE (Orientations Régionales pour une Commande publique intégrant l'Humain, l'Insertion, "
            "le Développement Économique et l'Environnement), démarche engagée en 2017 ; deuxième édition adoptée "
            "en octobre 2022 pour 2022-2026, en trois axes de développement déclinés en 20 engagements, suivie par "
            "un comité de pilotage d'élus et de techniciens. Objectifs publiés pour 2026 : 100 % des marchés avec "
            "une clause environnementale et 70 % avec une clause sociale. Source : fiche de l'annuaire des SPASER, "
            "https://achats-durables.gouv.fr/region-grand-est-574 (publiée le 31 janvier 2025, mise à jour le "
            "5 mai 2025)." + DECP_NOTICE.format(who="la Région Grand Est")
        ),
        targets=(
            (
                Theme.SOCIAL,
                "Achats socialement responsables",
                "S3_CLAUSE",
                "70 % des marchés avec une clause sociale en 2026 (objectif publié)",
                70.0,
            ),
            (
                Theme.ENVIRONMENTAL,
                "Achats écologiquement responsables",
                "E3_CLAUSE",
                "100 % des marchés avec une clause environnementale en 2026 (objectif publié)",
                100.0,
            ),
        ),
    ),
    RealEntry(
        siren="229300082",
        name="Département de la Seine-Saint-Denis",
        buyer_type="Département",
        title="SPASER départemental 2024-2028",
        slug="departement-seine-saint-denis-2024-2028",
        start_year=2024,
        end_year=2028,
        edition=2,
        summary=(
            "Deuxième Spaser du Département, pour 2024-2028, en trois axes correspondant chacun à un pilier de "
            "l'achat durable : achats socialement responsables (axe I), écologiquement responsables (axe II) et "
            "économiquement responsables (axe III). Chaque axe est décliné en engagements composés d'objectifs, "
            "d'actions et d'indicateurs de suivi ; objectif stratégique : des achats plus sobres, fondés sur "
            "l'analyse du juste besoin. Les cibles chiffrées ne figurent pas dans nos sources. Source : fiche de "
            "l'annuaire des SPASER, https://achats-durables.gouv.fr/departement-seine-saint-denis-702 (publiée le "
            "10 juillet 2025, mise à jour le 16 juillet 2025)." + DECP_NOTICE.format(who="la Seine-Saint-Denis")
        ),
    ),
)
REAL_SIRENS = tuple(entry.siren for entry in REAL_ENTRIES)


# ---------------------------------------------------------------------------------------------------------------
# Reading the store.


@dataclass(frozen=True)
class StoreBuyer:
    siren: str
    contracts: int
    sirets: tuple[str, ...]


@dataclass
class Loaded:
    """What was loaded, for the summary printed by the command."""

    organisations: list[Organisation] = field(default_factory=list)
    schemes: list[Scheme] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # e-mail, organisation, role label


def data_years(connection) -> list[int]:
    """The notification years of the synthetic marchés, without the stray years of defective records."""
    rows = connection.execute(
        "SELECT annee_notification, count(*) FROM contracts WHERE kind = 'marche' "
        "AND annee_notification IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    busiest = max((count for _, count in rows), default=0)
    return [year for year, count in rows if count >= MIN_YEAR_SHARE * busiest]


def pick_buyer(connection, prefix: str, years: list[int], excluded: list[str]) -> StoreBuyer | None:
    """The buyer of the type with the most marchés in the years (ties: smallest SIREN), with its SIRETs."""
    row = connection.execute(
        """
        SELECT acheteur_siren, count(*) AS contracts FROM contracts
        WHERE kind = 'marche' AND list_contains($years, annee_notification)
          AND regexp_full_match(acheteur_siren, '\\d{9}') AND starts_with(acheteur_siren, $prefix)
          AND NOT list_contains($excluded, acheteur_siren)
        GROUP BY 1 HAVING count(*) >= $minimum ORDER BY 2 DESC, 1 LIMIT 1
        """,
        {"years": years, "prefix": prefix, "excluded": excluded or [""], "minimum": MIN_CONTRACTS},
    ).fetchone()
    if row is None:
        return None
    sirets = connection.execute(
        "SELECT DISTINCT acheteur_id FROM contracts WHERE acheteur_siren = $siren "
        "AND regexp_full_match(acheteur_id, '\\d{14}') AND starts_with(acheteur_id, $siren) ORDER BY 1",
        {"siren": row[0]},
    ).fetchall()
    return StoreBuyer(row[0], row[1], tuple(siret for (siret,) in sirets))


def baselines(connection, refs, sirens: tuple[str, ...], year: int) -> dict[str, float]:
    """{code: value in display unit (0-100 for percentages)} of the buyers together for the year."""
    values = compute(connection, refs, Scope(sirens=sirens), Filters(years=(year,)), group="national")
    return {
        value.code: round(value.value * 100 if value.unit == "%" else value.value, 1)
        for value in values
        if value.value is not None
    }


def hours_rows(connection, sirens: tuple[str, ...], years: list[int]) -> list[tuple[int, str]]:
    """(year, contract id) of a few marchés per year with a social clause, to carry insertion hours."""
    rows = connection.execute(
        """
        SELECT annee_notification, id FROM (
            SELECT annee_notification, id,
                   row_number() OVER (PARTITION BY annee_notification ORDER BY id) AS rank
            FROM (SELECT DISTINCT annee_notification, id FROM contracts
                  WHERE kind = 'marche' AND list_contains($sirens, acheteur_siren)
                    AND list_contains($years, annee_notification) AND length(id) BETWEEN 1 AND 64
                    AND list_contains(considerationsSociales, 'Clause sociale')))
        WHERE rank <= $per_year ORDER BY 1, 2
        """,
        {"sirens": list(sirens), "years": years, "per_year": HOURS_CONTRACTS_PER_YEAR},
    ).fetchall()
    return [(year, contract_id) for year, contract_id in rows]


def contract_hours(contract_id: str) -> tuple[float, float, int]:
    """Deterministic planned hours, hours done and persons of a contract."""
    digest = zlib.crc32(contract_id.encode())
    planned = 350 + digest % 1500
    done = round(planned * (0.80 + (digest >> 12) % 35 / 100))
    return float(planned), float(done), max(1, round(done / 150))


# ---------------------------------------------------------------------------------------------------------------
# Loading.


def load_demo(store: Path) -> Loaded:
    """Load (or reload) every demonstration organisation, scheme and login, in one transaction."""
    store = Path(store)
    if not database_path(store).exists():
        raise DemoError(MISSING_STORE.format(store=store))
    with stores(store) as (connection, refs), transaction.atomic():
        return _load(connection, refs)


def _load(connection, refs) -> Loaded:
    years = data_years(connection)
    if not years:
        raise DemoError("L'entrepôt DECP ne contient aucun marché daté : importez d'abord les DECP de démonstration.")
    first = years[0]
    loaded = Loaded()
    periods = {plan.owner: _period(plan, first) for plan in SCHEMES}
    excluded = list(REAL_SIRENS) + list(
        Organisation.objects.exclude(fictitious=True, name__in=DEMO_NAMES).values_list("siren", flat=True)
    )

    chosen: dict[str, StoreBuyer] = {}
    for profile in PROFILES:
        buyer = pick_buyer(connection, profile.siren_prefix, list(periods[profile.key]), excluded)
        if buyer is None:
            raise DemoError(
                f"L'entrepôt DECP ne contient aucun acheteur de type « {profile.buyer_type} » (SIREN commençant "
                f"par {profile.siren_prefix}) avec au moins {MIN_CONTRACTS} marchés en "
                f"{periods[profile.key][0]}-{periods[profile.key][-1]} : générez davantage de marchés "
                "(« spaser demo generate --marches 20000 »)."
            )
        chosen[profile.key] = buyer

    _remove_stale_demo(chosen)
    platform_admin = _user(PLATFORM_ADMIN, "Administration", "Spaser", staff=True)
    loaded.logins.append((PLATFORM_ADMIN, "Plateforme (toutes organisations)", "Équipe de la plateforme"))

    organisations: dict[str, Organisation] = {}
    facilitators: dict[str, object] = {}
    for profile in PROFILES:
        organisation = _fictitious_organisation(profile, chosen[profile.key])
        organisations[profile.key] = organisation
        loaded.organisations.append(organisation)
        for local_part, role in LOGINS:
            email = f"{local_part}@{profile.domain}"
            user = _user(email, Role(role).label, profile.name)
            Membership.objects.update_or_create(user=user, organisation=organisation, defaults={"role": role})
            loaded.logins.append((email, str(organisation), Role(role).label))
            if role == Role.FACILITATOR:
                facilitators[profile.key] = user

    for plan in SCHEMES:
        scheme = _fictitious_scheme(plan, first, organisations)
        sirens = tuple(sorted(organisations[key].siren for key in (plan.owner, *plan.partners)))
        _fill_tree(connection, refs, scheme, sirens, years, facilitators[plan.owner])
        loaded.schemes.append(scheme)

    for entry in REAL_ENTRIES:
        organisation, scheme = _real_entry(entry, platform_admin)
        loaded.organisations.append(organisation)
        loaded.schemes.append(scheme)
    return loaded


def _period(plan: SchemePlan, first: int) -> range:
    start = first + plan.offset
    return range(start, start + plan.length)


def _remove_stale_demo(chosen: dict[str, StoreBuyer]) -> None:
    """Demo organisations of an earlier load on another store (other SIRENs), with their schemes."""
    stale = Organisation.objects.filter(fictitious=True, name__in=DEMO_NAMES).exclude(
        siren__in=[buyer.siren for buyer in chosen.values()]
    )
    schemes = Scheme.objects.filter(organisation__in=stale)
    Axis.objects.filter(scheme__in=schemes).delete()  # objectives first: they protect manual indicators
    schemes.delete()
    stale.delete()


def _user(email: str, first_name: str, last_name: str, staff: bool = False):
    user, _ = get_user_model().objects.update_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": first_name[:150],
            "last_name": last_name[:150],
            "is_staff": staff,
            "is_superuser": staff,
            "is_active": True,
        },
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _fictitious_organisation(profile: BuyerProfile, buyer: StoreBuyer) -> Organisation:
    organisation, _ = Organisation.objects.update_or_create(
        siren=buyer.siren,
        defaults={"name": profile.name, "buyer_type": profile.buyer_type, "fictitious": True},
    )
    foreign = set(
        Establishment.objects.filter(siret__in=buyer.sirets)
        .exclude(organisation=organisation)
        .values_list("siret", flat=True)
    )
    sirets = [siret for siret in buyer.sirets if siret not in foreign]
    organisation.establishments.exclude(siret__in=sirets).delete()
    for number, siret in enumerate(sirets, start=1):
        Establishment.objects.update_or_create(
            siret=siret,
            defaults={"organisation": organisation, "label": f"{profile.name} — établissement {number} (fictif)"},
        )
    return organisation


def _fictitious_scheme(plan: SchemePlan, first: int, organisations: dict[str, Organisation]) -> Scheme:
    period = _period(plan, first)
    start, end = period[0], period[-1]
    adoption = None
    if plan.adoption:
        years_after, month, day = plan.adoption
        adoption = date(start + years_after, month, day)
    deliberation = ""
    if adoption:
        deliberation = plan.deliberation.format(year=adoption.year, day=formatting.day(adoption))
    partners = [organisations[key] for key in plan.partners]
    scheme, _ = Scheme.objects.update_or_create(
        slug=plan.slug.format(start=start, end=end),
        defaults={
            "organisation": organisations[plan.owner],
            "title": plan.title.format(start=start, end=end),
            "edition": plan.edition,
            "start_year": start,
            "end_year": end,
            "status": plan.status,
            "adoption_date": adoption,
            "deliberation": deliberation,
            "summary": FICTITIOUS_NOTICE + plan.summary + STRUCTURE_NOTICE,
            "population": plan.population,
            "purchase_volume": plan.purchase_volume,
            "mutualised": bool(partners),
            "mutualised_with": ", ".join(partner.name for partner in partners),
        },
    )
    _accepted_partners(scheme, partners)
    # Demo slugs of an earlier load whose period followed other synthetic years (schemes users added are kept).
    prefix = plan.slug.split("{start}")[0]
    older = Scheme.objects.filter(organisation=scheme.organisation, slug__startswith=prefix).exclude(pk=scheme.pk)
    Axis.objects.filter(scheme__in=older).delete()
    older.delete()
    return scheme


def _fill_tree(connection, refs, scheme: Scheme, sirens: tuple[str, ...], data: list[int], facilitator) -> None:
    scheme.axes.all().delete()
    start, end = scheme.start_year, scheme.end_year
    observed = baselines(connection, refs, sirens, start)
    hours = _hours_indicator(connection, scheme, sirens, [year for year in data if year in scheme.years], facilitator)
    observed[HOURS_CODE] = sum(hours.values.filter(year=start).values_list("value", flat=True)) or None
    for axis_position, axis_plan in enumerate(TREE, start=1):
        axis = Axis.objects.create(
            scheme=scheme,
            title=axis_plan.title,
            theme=axis_plan.theme,
            description=axis_plan.description,
            position=axis_position,
        )
        for engagement_position, engagement_plan in enumerate(axis_plan.engagements, start=1):
            engagement = Engagement.objects.create(
                axis=axis, title=engagement_plan.title, position=engagement_position
            )
            for position, plan in enumerate(engagement_plan.objectives, start=1):
                baseline = observed.get(plan.indicator)
                baseline = plan.fallback if baseline is None else baseline
                final = plan.final(baseline, end - start)
                objective = Objective.objects.create(
                    engagement=engagement,
                    title=plan.title.format(
                        final=formatting.number(final, 0 if float(final).is_integer() else 1), end=end
                    ),
                    indicator_code="" if plan.indicator == HOURS_CODE else plan.indicator,
                    manual_indicator=hours if plan.indicator == HOURS_CODE else None,
                    baseline_year=start,
                    baseline_value=baseline,
                    deadline_year=end,
                    position=position,
                )
                Target.objects.bulk_create(
                    Target(objective=objective, year=year, value=_linear(baseline, final, year - start, end - start))
                    for year in range(start + 1, end + 1)
                )
            Action.objects.bulk_create(
                Action(
                    engagement=engagement,
                    title=action.title,
                    owner=action.owner,
                    status=action.status,
                    due_date=date(start + action.due[0], action.due[1], action.due[2]),
                    position=position,
                )
                for position, action in enumerate(engagement_plan.actions, start=1)
            )


def _accepted_partners(scheme: Scheme, partners: list[Organisation]) -> None:
    """Fictitious partners have accepted: the demonstration shows a mutualised scheme as it works once agreed."""
    scheme.partnerships.exclude(organisation__in=partners).delete()
    for partner in partners:
        Partnership.objects.update_or_create(
            scheme=scheme,
            organisation=partner,
            defaults={"status": PartnershipStatus.ACCEPTED, "answered_at": timezone.now()},
        )


def _linear(baseline: float, final: float, step: int, steps: int) -> float:
    return final if step == steps else round(baseline + (final - baseline) * step / steps, 1)


def _hours_indicator(connection, scheme: Scheme, sirens, years: list[int], facilitator) -> ManualIndicator:
    """The owner's insertion-hours indicator, refilled with hours per marché as a facilitator's import would."""
    indicator, _ = ManualIndicator.objects.update_or_create(
        organisation=scheme.organisation,
        code=HOURS_CODE,
        defaults={
            "label": HOURS_LABEL,
            "unit": ManualUnit.HOURS,
            "definition": "Heures de travail réalisées par des personnes en insertion dans l'exécution des marchés "
            "comportant une clause sociale, déclarées par le facilitateur des clauses (données fictives).",
        },
    )
    indicator.values.all().delete()
    indicator.imports.all().delete()
    rows = hours_rows(connection, sirens, years)
    source = ManualImport.objects.create(
        indicator=indicator, filename=HOURS_FILE, rows=len(rows), imported_by=facilitator
    )
    figures = {(year, contract_id): contract_hours(contract_id) for year, contract_id in rows}
    scales = _hours_scales(figures)
    values = []
    for (year, contract_id), (planned, done, persons) in figures.items():
        values.append(
            ManualValue(
                indicator=indicator,
                year=year,
                contract_id=contract_id,
                value=round(done * scales[year]),
                planned=round(planned * scales[year]),
                persons=max(1, round(persons * scales[year])),
                source=source,
                entered_by=facilitator,
            )
        )
    ManualValue.objects.bulk_create(values)
    return indicator


def _hours_scales(figures: dict[tuple[int, str], tuple[float, float, int]]) -> dict[int, float]:
    """Per-year factors giving yearly totals that grow by HOURS_GROWTH from the first year's total."""
    totals: dict[int, float] = {}
    for (year, _), (_, done, _) in figures.items():
        totals[year] = totals.get(year, 0.0) + done
    if not totals:
        return {}
    first = min(totals)
    return {year: totals[first] * (1 + HOURS_GROWTH) ** (year - first) / total for year, total in totals.items()}


def _real_entry(entry: RealEntry, platform_admin) -> tuple[Organisation, Scheme]:
    organisation, _ = Organisation.objects.update_or_create(
        siren=entry.siren, defaults={"name": entry.name, "buyer_type": entry.buyer_type, "fictitious": False}
    )
    scheme, _ = Scheme.objects.update_or_create(
        slug=entry.slug,
        defaults={
            "organisation": organisation,
            "title": entry.title,
            "edition": entry.edition,
            "start_year": entry.start_year,
            "end_year": entry.end_year,
            "status": Status.PUBLISHED,
            "adoption_date": None,  # the sources give a month at most ("octobre 2022"), never a day
            "deliberation": "",
            "summary": entry.summary,
            "population": Population.OVER_200K,
            "purchase_volume": PurchaseVolume.OVER_200M,
            "mutualised": False,
            "mutualised_with": "",
        },
    )
    scheme.partnerships.all().delete()
    scheme.axes.all().delete()
    for position, (theme, axis_title, code, title, value) in enumerate(entry.targets, start=1):
        axis = Axis.objects.create(scheme=scheme, title=axis_title, theme=theme, position=position)
        engagement = Engagement.objects.create(axis=axis, title="Objectif chiffré publié", position=1)
        objective = Objective.objects.create(
            engagement=engagement, title=title, indicator_code=code, deadline_year=entry.end_year, position=1
        )
        Target.objects.create(objective=objective, year=entry.end_year, value=value)
    return organisation, scheme


# ---------------------------------------------------------------------------------------------------------------
# Summary.


def public_path(scheme: Scheme) -> str:
    try:
        return scheme.public_url()
    except NoReverseMatch:  # the public pages may not be wired yet
        return f"/spaser/{scheme.slug}/"


def summary_tables(loaded: Loaded) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows) of the tables the command prints."""
    organisations = [
        [
            str(organisation),
            organisation.siren,
            organisation.buyer_type,
            "oui" if organisation.fictitious else "non (annuaire national)",
            str(organisation.establishments.count()),
        ]
        for organisation in loaded.organisations
    ]
    schemes = []
    for scheme in loaded.schemes:
        scheme.refresh_from_db()
        schemes.append(
            [
                scheme.title,
                " + ".join(str(organisation) for organisation in scheme.all_organisations()),
                f"{scheme.start_year}-{scheme.end_year}",
                str(scheme.edition),
                scheme.get_status_display(),
                public_path(scheme) if scheme.is_public else "(brouillon, non public)",
            ]
        )
    logins = [[email, organisation, role, DEMO_PASSWORD] for email, organisation, role in loaded.logins]
    return [
        ("Organisations", ["Nom", "SIREN", "Type", "Fictive", "SIRET"], organisations),
        ("SPASER", ["Titre", "Organisations", "Période", "Édition", "Statut", "Adresse publique"], schemes),
        ("Comptes de démonstration", ["Identifiant", "Organisation", "Rôle", "Mot de passe"], logins),
    ]


def format_table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()

    return [line(header), line(["-" * width for width in widths]), *(line(row) for row in rows)]
