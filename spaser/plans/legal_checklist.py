"""What article L2111-3 of the code de la commande publique asks a SPASER to contain, checked on a scheme's data.

Each element is an item of the publishing checklist's kind (spaser.plans.publishing.ChecklistItem): done or not,
what is there or missing, and where to fix it; `applicable` is False when the element does not concern the scheme
(per-buyer indicators of a scheme with one buyer). A second section holds the richer content proposed in 2021 and
not adopted: never required, shown as a way further.

The biennial publication lives in another app, above this one (spaser.publications): the web layer passes what it
knows of it (`Biennial`).
"""

from dataclasses import dataclass
from datetime import date

from django.urls import reverse
from django.utils import timezone

from spaser.formatting import day, number
from spaser.indicators.catalogue import BY_CODE, THEME_OF, THEMES
from spaser.plans.models import Engagement, ManualIndicator, ManualUnit, Objective, Scheme
from spaser.plans.publishing import ChecklistItem


PRESENT, MISSING, NOT_APPLICABLE = "Présent", "Manquant", "Non applicable"
ABSENT = "Absent"  # an optional element the scheme does not have
L2111_3 = "Article L2111-3 du code de la commande publique"
PROPOSED_2021 = "Amendement de 2021 créant un article L2111-4, non adopté"
# The choice values of the objective form (spaser.www.plans_views.forms): `?indicateur=` preselects one.
CATALOGUE_CHOICE, MANUAL_CHOICE = "catalogue:", "saisi:"
SOCIAL, ENVIRONMENTAL, ECONOMIC = "social", "environnemental", "economique"
ESUS_CODES = ("A2",)
VULNERABLE_CODES = ("A3", "S3_RESERVE", "R2")  # inclusive employers, and contracts reserved to them
ESS_CODES = ("A1", "A2")
RESERVED_CODES = ("S3_RESERVE", "R2")
SME_CODES = ("P1",)
CRITERIA_CODES = ("E3_CRITERE", "S3_CRITERE")


@dataclass(frozen=True)
class Basis:
    """Where an element comes from: a short quote, in French, and its source."""

    quote: str
    source: str


@dataclass(frozen=True)
class LegalItem:
    check: ChecklistItem
    basis: Basis

    @property
    def state(self) -> str:
        if not self.check.applicable:
            return NOT_APPLICABLE
        if self.check.done:
            return PRESENT
        return MISSING if self.check.required else ABSENT

    @property
    def badge(self) -> str:
        """The DSFR badge modifier of its state."""
        return {PRESENT: "success", MISSING: "warning", ABSENT: "info"}.get(self.state, "")


@dataclass(frozen=True)
class Biennial:
    """What Spaser knows of a scheme's publications of its indicators every two years."""

    last_published: date | None
    prepare_url: str  # where its administrators prepare the next one


@dataclass(frozen=True)
class LegalChecklist:
    required: list[LegalItem]
    proposed: list[LegalItem]  # 2021 proposals, optional

    @property
    def applicable(self) -> int:
        return sum(1 for item in self.required if item.check.applicable)

    @property
    def present(self) -> int:
        return sum(1 for item in self.required if item.state == PRESENT)

    @property
    def summary(self) -> str:
        """« 5 éléments sur 7 »: the elements present among those that concern the scheme."""
        present = number(self.present)
        return f"{present} élément{'s' if self.present > 1 else ''} sur {number(self.applicable)}"


@dataclass(frozen=True)
class ObjectiveFacts:
    title: str
    code: str  # catalogue code, "" for a manual indicator
    manual_unit: str  # unit of its manual indicator, "" for a catalogue one
    theme: str  # the catalogue theme of its indicator, or its axis's for a manual one
    has_target: bool


def legal_checklist(scheme: Scheme, biennial: Biennial, today: date | None = None) -> LegalChecklist:
    objectives = _objective_facts(scheme)
    links = FixLinks(scheme)
    today = today or timezone.localdate()
    return LegalChecklist(
        required=[
            _theme_item(objectives, links, SOCIAL),
            _theme_item(objectives, links, ENVIRONMENTAL),
            _target_item(
                objectives,
                links,
                "Cible d'achats auprès des entreprises solidaires d'utilité sociale (ESUS)",
                ESUS_CODES,
                Basis(
                    "Des objectifs cibles « notamment » pour les achats auprès des entreprises solidaires d'utilité "
                    "sociale agréées (article L3332-17-1 du code du travail).",
                    L2111_3,
                ),
            ),
            _target_item(
                objectives,
                links,
                "Cible d'achats auprès des employeurs de personnes défavorisées ou vulnérables",
                VULNERABLE_CODES,
                Basis(
                    "Des objectifs cibles « notamment » pour les achats auprès « des entreprises employant des "
                    "personnes défavorisées ou appartenant à des groupes vulnérables ».",
                    L2111_3,
                ),
            ),
            _count_or_value_item(objectives, links),
            _biennial_item(scheme, biennial, today),
            _online_item(scheme),
            _per_buyer_item(scheme, objectives, links),
        ],
        proposed=[
            _target_item(
                objectives,
                links,
                "Cible pour les PME",
                SME_CODES,
                Basis("Des objectifs pour les PME, en nombre et en valeur.", PROPOSED_2021),
                required=False,
            ),
            _ess_item(objectives, links),
            _clauses_carried_out_item(scheme, objectives, links),
            _target_item(
                objectives,
                links,
                "Critères d'attribution autres que le prix",
                CRITERIA_CODES,
                Basis("L'usage de critères d'attribution autres que le prix, et leur pondération.", PROPOSED_2021),
                required=False,
            ),
        ],
    )


def _objective_facts(scheme: Scheme) -> list[ObjectiveFacts]:
    objectives = (
        Objective.objects.filter(engagement__axis__scheme=scheme)
        .select_related("engagement__axis", "manual_indicator")
        .prefetch_related("targets")
    )
    return [
        ObjectiveFacts(
            title=objective.title,
            code=objective.indicator_code,
            manual_unit=objective.manual_indicator.unit if objective.manual_indicator_id else "",
            theme=THEME_OF[objective.indicator_code].slug
            if objective.indicator_code in THEME_OF
            else objective.engagement.axis.theme,
            has_target=bool(objective.targets.all()),
        )
        for objective in objectives
    ]


class FixLinks:
    """Where to add what is missing: the objective form with the indicator chosen, in an engagement of the right
    theme when there is one; otherwise the form of the engagement, or of the axis, it needs first."""

    def __init__(self, scheme: Scheme):
        self.scheme = scheme
        self.axes = list(scheme.axes.order_by("position", "pk"))
        self.engagements = list(
            Engagement.objects.filter(axis__scheme=scheme)
            .select_related("axis")
            .order_by("axis__position", "axis", "position", "pk")
        )

    def objective(self, choice: str, theme: str) -> str:
        """`choice`: the value of the objective form's indicator field, such as « catalogue:A2 »."""
        engagement = _first(self.engagements, lambda engagement: engagement.axis.theme == theme)
        if engagement is not None:
            return f"{reverse('plans:create_node', args=['objectifs', engagement.pk])}?indicateur={choice}"
        axis = _first(self.axes, lambda axis: axis.theme == theme)
        if axis is not None:
            return reverse("plans:create_node", args=["engagements", axis.pk])
        return reverse("plans:create_node", args=["axes", self.scheme.pk])

    def catalogue(self, code: str) -> str:
        return self.objective(f"{CATALOGUE_CHOICE}{code}", THEME_OF[code].slug)

    def what(self) -> str:
        """What the links above lead to adding: an objective needs an engagement, an engagement an axis."""
        if self.engagements:
            return "Ajouter un objectif"
        return "Ajouter d'abord un engagement" if self.axes else "Ajouter d'abord un axe et un engagement"


def _first(nodes: list, fits) -> object | None:
    """The first node that fits, else the first one, else None."""
    return next((node for node in nodes if fits(node)), nodes[0] if nodes else None)


def _with_targets(objectives: list[ObjectiveFacts], codes: tuple[str, ...]) -> list[ObjectiveFacts]:
    return [objective for objective in objectives if objective.code in codes and objective.has_target]


def _titles(objectives: list[ObjectiveFacts]) -> str:
    return " ; ".join(f"« {objective.title} »" for objective in objectives)


THEME_ITEMS = {
    SOCIAL: (
        "Objectifs d'achats socialement responsables",
        "S1",
        Basis(
            "Le schéma détermine des objectifs de politique d'achat comportant des éléments à caractère social, "
            "visant à concourir à l'intégration sociale et professionnelle de « travailleurs handicapés ou "
            "défavorisés ».",
            L2111_3,
        ),
    ),
    ENVIRONMENTAL: (
        "Objectifs d'achats écologiquement responsables",
        "E1",
        Basis(
            "Le schéma détermine des objectifs comportant des éléments à caractère écologique, notamment la "
            "« réduction des émissions de gaz à effet de serre » et la « sobriété en matière de consommation d'eau, "
            "d'énergie et de matériaux ».",
            L2111_3,
        ),
    ),
}


def _theme_item(objectives: list[ObjectiveFacts], links: FixLinks, theme: str) -> LegalItem:
    label, suggested, basis = THEME_ITEMS[theme]
    found = [objective for objective in objectives if objective.theme == theme and objective.has_target]
    without_target = [objective for objective in objectives if objective.theme == theme and not objective.has_target]
    if found:
        explanation = f"{_count(len(found), 'objectif chiffré')} : {_titles(found)}."
    elif without_target:
        explanation = f"Objectifs sans cible : {_titles(without_target)}. Fixez-leur une cible chiffrée."
    else:
        explanation = f"Aucun objectif de ce thème. Par exemple : « {BY_CODE[suggested].label} » ({suggested})."
    return LegalItem(
        ChecklistItem(label, bool(found), explanation, links.catalogue(suggested), f"{links.what()} ({suggested})"),
        basis,
    )


def _target_item(
    objectives: list[ObjectiveFacts],
    links: FixLinks,
    label: str,
    codes: tuple[str, ...],
    basis: Basis,
    required: bool = True,
) -> LegalItem:
    found = _with_targets(objectives, codes)
    followed = ", ".join(f"{BY_CODE[code].label} ({code})" for code in codes)
    if found:
        explanation = f"{_count(len(found), 'objectif chiffré')} : {_titles(found)}."
    else:
        explanation = f"Aucun objectif avec une cible sur : {followed}."
    first = codes[0]
    return LegalItem(
        ChecklistItem(
            label, bool(found), explanation, links.catalogue(first), f"{links.what()} ({first})", required=required
        ),
        basis,
    )


def counted_in(code: str) -> str:
    """« en nombre de marchés », « en valeur », or "" for an indicator that is neither (a mean, a coverage)."""
    indicator = BY_CODE.get(code)
    if indicator is None or indicator.unit not in ("%", "marchés"):
        return ""
    return {"marchés": "en nombre de marchés", "euros": "en valeur"}.get(indicator.counts_in, "")


def _count_or_value_item(objectives: list[ObjectiveFacts], links: FixLinks) -> LegalItem:
    """Both categories of the article, social and ecological, need a rate in count or value of contracts: the
    manual indicators (hours, tonnes) complement them and are not such rates."""
    label = "Indicateurs exprimés en nombre de contrats ou en valeur"
    measured = {
        theme: sorted(
            {f"{o.code} ({counted_in(o.code)})" for o in objectives if o.theme == theme and counted_in(o.code)}
        )
        for theme in (SOCIAL, ENVIRONMENTAL)
    }
    lacking = [theme for theme, codes in measured.items() if not codes]
    names = {theme.slug: theme.label for theme in THEMES}
    explanation = " ; ".join(
        f"{names[theme]} : {', '.join(codes) if codes else 'aucun'}" for theme, codes in measured.items()
    )
    suggested = "S1" if SOCIAL in lacking else "E1"
    if lacking:
        explanation += (
            ". Les indicateurs saisis (heures, tonnes…) complètent ces taux sans les remplacer : suivez au moins un "
            "taux en nombre de marchés ou en valeur pour chaque catégorie."
        )
    else:
        explanation += "."
    return LegalItem(
        ChecklistItem(label, not lacking, explanation, links.catalogue(suggested), f"{links.what()} ({suggested})"),
        Basis(
            "Le schéma comporte « des indicateurs précis, exprimés en nombre de contrats ou en valeur […] sur les "
            "taux réels d'achats publics relevant des catégories de l'achat socialement et écologiquement "
            "responsable ».",
            L2111_3,
        ),
    )


def two_years_after(start: date) -> date:
    """When the next biennial publication is due (article L2111-3: « publiés tous les deux ans »)."""
    try:
        return start.replace(year=start.year + 2)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 2, day=28)


def _biennial_item(scheme: Scheme, biennial: Biennial, today: date) -> LegalItem:
    label = "Publication des indicateurs tous les deux ans"
    basis = Basis("Les indicateurs sont « publiés tous les deux ans ».", L2111_3)
    edit_url = reverse("plans:edit", args=[scheme.pk])
    if scheme.adoption_date is None:
        return LegalItem(
            ChecklistItem(
                label,
                False,
                "Sans date d'adoption, l'échéance de la première publication (deux ans après) est inconnue.",
                f"{edit_url}#id_adoption_date",
                "Renseigner la date d'adoption",
            ),
            basis,
        )
    last = biennial.last_published
    due = two_years_after(last or scheme.adoption_date)
    if last and today <= due:
        explanation = f"Dernière publication le {day(last)} ; la prochaine est attendue au plus tard le {day(due)}."
        return LegalItem(ChecklistItem(label, True, explanation, biennial.prepare_url, "Voir les publications"), basis)
    if last is None and today <= due:
        explanation = f"Pas encore due : la première publication est attendue au plus tard le {day(due)}."
        return LegalItem(ChecklistItem(label, False, explanation, "", "", applicable=False), basis)
    since = f"Publication attendue depuis le {day(due)}."
    return LegalItem(
        ChecklistItem(
            label, False, f"{since} Aucune publication depuis.", biennial.prepare_url, "Préparer la publication"
        ),
        basis,
    )


def _online_item(scheme: Scheme) -> LegalItem:
    label = "Publication en ligne du schéma"
    basis = Basis(
        "Le schéma est « rendu public notamment par une mise en ligne sur le site internet » de l'acheteur, "
        "lorsqu'il existe.",
        L2111_3,
    )
    if scheme.is_public:
        explanation = f"Publié sur Spaser le {day(scheme.published_at)}, avec ses objectifs et leur suivi."
        return LegalItem(ChecklistItem(label, True, explanation, scheme.public_url(), "Voir la page publique"), basis)
    return LegalItem(
        ChecklistItem(
            label,
            False,
            "Le SPASER n'est pas publié sur Spaser. Publiez-le, et mettez-le en ligne sur le site de l'acheteur.",
            reverse("plans:publish", args=[scheme.pk]),
            "Publier le SPASER",
        ),
        basis,
    )


def _per_buyer_item(scheme: Scheme, objectives: list[ObjectiveFacts], links: FixLinks) -> LegalItem:
    """Targets are the scheme's, one per objective and year; what is per buyer is the measure: every DECP indicator
    is computed for each SIREN of the scheme (spaser.plans.steering), a manual one for the organisation entering it."""
    label = "Indicateurs établis pour chaque acheteur (SPASER mutualisé)"
    basis = Basis(
        "Un schéma peut être élaboré en commun par plusieurs acheteurs ; « les indicateurs […] sont établis pour "
        "chaque acheteur public ».",
        f"{L2111_3} (loi Industrie verte, 2023)",
    )
    invite_url = f"{scheme.get_absolute_url()}#partenaires"
    partners = scheme.partners
    if not partners and not scheme.mutualised:
        explanation = f"Un seul acheteur : {scheme.organisation}."
        return LegalItem(ChecklistItem(label, False, explanation, "", "", applicable=False), basis)
    if not partners:
        others = f" avec {scheme.mutualised_with}" if scheme.mutualised_with else ""
        explanation = (
            f"Déclaré mutualisé{others}, mais aucun autre acheteur n'a rejoint ce SPASER sur Spaser : les "
            f"indicateurs ne sont établis que pour {scheme.organisation}."
        )
        return LegalItem(
            ChecklistItem(label, False, explanation, invite_url, "Inviter les acheteurs partenaires"), basis
        )
    buyers = [scheme.organisation, *partners]
    measured = [objective for objective in objectives if objective.code]
    if not measured:
        explanation = (
            f"Aucun objectif suivi à partir des DECP : seuls ceux-là sont calculés pour chacun des "
            f"{number(len(buyers))} acheteurs."
        )
        return LegalItem(
            ChecklistItem(label, False, explanation, links.catalogue("S1"), f"{links.what()} (S1)"), basis
        )
    explanation = (
        f"Les objectifs suivis à partir des DECP ({number(len(measured))}) sont calculés pour chacun des "
        f"{number(len(buyers))} acheteurs ({', '.join(map(str, buyers))}) et comparés à la même cible."
    )
    if manual := [objective for objective in objectives if not objective.code]:
        explanation += f" Indicateurs saisis, propres à l'organisation qui les saisit : {_titles(manual)}."
    return LegalItem(ChecklistItem(label, True, explanation, invite_url, "Voir les partenaires"), basis)


def _ess_item(objectives: list[ObjectiveFacts], links: FixLinks) -> LegalItem:
    """The catalogue measures the ESS share of all contracts and the share of reserved contracts, not the ESS share
    outside them: a target on each stands for the pair the proposal asked for."""
    label = "ESS dans et hors des marchés réservés"
    ess, reserved = _with_targets(objectives, ESS_CODES), _with_targets(objectives, RESERVED_CODES)
    parts = [
        f"ESS : {_titles(ess) or 'aucune cible (A1 ou A2)'}",
        f"marchés réservés : {_titles(reserved) or 'aucune cible (S3_RESERVE ou R2)'}",
    ]
    suggested = "A1" if not ess else "S3_RESERVE"
    return LegalItem(
        ChecklistItem(
            label,
            bool(ess and reserved),
            " ; ".join(parts) + ".",
            links.catalogue(suggested),
            f"{links.what()} ({suggested})",
            required=False,
        ),
        Basis("Des objectifs d'achats auprès de l'ESS, dans et hors des marchés réservés.", PROPOSED_2021),
    )


def _clauses_carried_out_item(scheme: Scheme, objectives: list[ObjectiveFacts], links: FixLinks) -> LegalItem:
    """Clauses carried out are what the DECP never say: hours of insertion done, entered as a manual indicator."""
    label = "Clauses effectivement exécutées"
    basis = Basis("La part des clauses effectivement mises en œuvre dans l'exécution des marchés.", PROPOSED_2021)
    found = [o for o in objectives if o.manual_unit == ManualUnit.HOURS and o.has_target]
    if found:
        explanation = f"{_count(len(found), 'objectif chiffré')} sur les heures réalisées : {_titles(found)}."
        return LegalItem(ChecklistItem(label, True, explanation, "", "", required=False), basis)
    hours: ManualIndicator | None = scheme.usable_manual_indicators().filter(unit=ManualUnit.HOURS).first()
    if hours is None:
        explanation = "Aucun indicateur saisi des heures d'insertion réalisées (transmises par le facilitateur)."
        fix_url, fix_label = reverse("manual:create"), "Créer l'indicateur des heures réalisées"
    else:
        explanation = f"L'indicateur saisi « {hours.label} » n'est suivi par aucun objectif chiffré."
        fix_url = links.objective(f"{MANUAL_CHOICE}{hours.pk}", SOCIAL)
        fix_label = f"{links.what()} ({hours.label})"
    return LegalItem(ChecklistItem(label, False, explanation, fix_url, fix_label, required=False), basis)


def _count(count: int, noun: str) -> str:
    """« 1 objectif chiffré », « 3 objectifs chiffrés »."""
    if count == 1:
        return f"1 {noun}"
    return f"{number(count)} " + " ".join(f"{word}s" for word in noun.split())
