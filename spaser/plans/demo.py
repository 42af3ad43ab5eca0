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

from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from spaser import formatting
from spaser.decp.store import database_path
from spaser.demo.queries import (
    MIN_CONTRACTS,
    TAGGED_CLAUSES,
    StoreBuyer,
    baselines,
    clause_contracts,
    data_years,
    insertion_hours,
    pick_buyer,
)
from spaser.errors import SpaserError
from spaser.indicators.engine import stores
from spaser.organisations.models import Establishment, Membership, Organisation, Role
from spaser.plans.demo_content import (
    DEMO_NAMES,
    FICTITIOUS_NOTICE,
    HOURS,
    LOGINS,
    PLATFORM_ADMIN,
    PLATFORM_ADMIN_NAME,
    PROFILES,
    REAL_ENTRIES,
    REAL_SIRENS,
    SCHEMES,
    STRUCTURE_NOTICE,
    TREE,
    BuyerProfile,
    RealEntry,
    SchemePlan,
)
from spaser.plans.manual import Row, import_values
from spaser.plans.models import (
    Action,
    ActionStatus,
    Axis,
    ContractTag,
    Engagement,
    ManualIndicator,
    ManualUnit,
    Objective,
    Partnership,
    PartnershipStatus,
    Population,
    PurchaseVolume,
    Scheme,
    Status,
    Target,
)


DEMO_PASSWORD = "spaser-demo"

MISSING_STORE = (
    "Aucun entrepôt DECP dans « {store} ». Les données de démonstration s'appuient sur les DECP synthétiques : "
    "lancez d'abord « make demo », ou « spaser demo generate --marches 20000 --seed 2024 --out "
    "var/demo/decp-demo.json », « spaser decp import var/demo/decp-demo.json --store {store} » puis « spaser demo "
    "reference --store {store} »."
)


class DemoError(SpaserError):
    pass


@dataclass
class Loaded:
    """What was loaded, for the summary printed by the command."""

    organisations: list[Organisation] = field(default_factory=list)
    schemes: list[Scheme] = field(default_factory=list)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # e-mail, organisation, role label


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
    periods = {plan.owner: plan.period(first) for plan in SCHEMES}
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
    platform_admin = _user(PLATFORM_ADMIN, *PLATFORM_ADMIN_NAME, staff=True)
    loaded.logins.append((PLATFORM_ADMIN, "Plateforme (toutes organisations)", "Équipe de la plateforme"))

    organisations: dict[str, Organisation] = {}
    facilitators: dict[str, object] = {}
    editors: dict[str, object] = {}
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
            if role == Role.EDITOR:
                editors[profile.key] = user

    for plan in SCHEMES:
        scheme = _fictitious_scheme(plan, first, organisations)
        sirens = tuple(sorted(organisations[key].siren for key in (plan.owner, *plan.partners)))
        _fill_tree(connection, refs, scheme, sirens, years, facilitators[plan.owner])
        _follow_up(scheme, editors[plan.owner], facilitators[plan.owner])
        _tag_contracts(connection, scheme, sirens, editors[plan.owner])
        loaded.schemes.append(scheme)

    for entry in REAL_ENTRIES:
        organisation, scheme = _real_entry(entry, platform_admin)
        loaded.organisations.append(organisation)
        loaded.schemes.append(scheme)
    return loaded


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
    period = plan.period(first)
    start, end = period[0], period[-1]
    adoption = plan.adoption.after(start) if plan.adoption else None
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
    observed[HOURS.code] = sum(hours.values.filter(year=start).values_list("value", flat=True)) or None
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
                    indicator_code="" if plan.indicator == HOURS.code else plan.indicator,
                    manual_indicator=hours if plan.indicator == HOURS.code else None,
                    baseline_year=start,
                    baseline_value=baseline,
                    deadline_year=end,
                    position=position,
                )
                Target.objects.bulk_create(
                    Target(objective=objective, year=year, value=_linear(baseline, final, year - start, end - start))
                    for year in range(start + 1, end + 1)
                )
            bulk_create_with_history(
                [
                    Action(
                        engagement=engagement,
                        title=action.title,
                        owner=action.owner,
                        status=action.status,
                        due_date=action.due.after(start),
                        position=position,
                    )
                    for position, action in enumerate(engagement_plan.actions, start=1)
                ],
                Action,
            )


def _follow_up(scheme: Scheme, editor, facilitator) -> None:
    """An overdue action handed to the facilitator, restarted by the editor and commented on: what the history, the
    action page and the digests show."""
    action = (
        Action.objects.overdue(timezone.localdate())
        .filter(engagement__axis__scheme=scheme)
        .order_by("status", "due_date", "pk")  # « à lancer » first
        .first()
    )
    if action is None:
        return
    action.referent, action.status, action._history_user = facilitator, ActionStatus.ONGOING, editor
    action.save()
    action.comments.create(
        author=facilitator, text="Cahier des charges relu avec la direction pilote ; consultation relancée ce mois-ci."
    )


def _tag_contracts(connection, scheme: Scheme, sirens: tuple[str, ...], editor) -> None:
    """The first engagement of the social and environmental axes gets the first year's largest marchés with the
    matching clause, as an editor ties them (the tree was just replaced: no tag of an earlier load is left)."""
    for axis in scheme.axes.filter(theme__in=TAGGED_CLAUSES):
        engagement = axis.engagements.first()
        rows = clause_contracts(connection, sirens, scheme.start_year, axis.theme)
        bulk_create_with_history(
            [
                ContractTag(
                    engagement=engagement, uid=uid, contract_id=contract_id, buyer_siret=siret, tagged_by=editor
                )
                for uid, contract_id, siret in rows
            ],
            ContractTag,
            default_user=editor,
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
        code=HOURS.code,
        defaults={"label": HOURS.label, "unit": ManualUnit.HOURS, "definition": HOURS.definition},
    )
    indicator.values.all().delete()
    indicator.imports.all().delete()
    hours = insertion_hours(connection, sirens, years)
    rows = [
        Row(line, row.year, row.contract_id, row.planned, row.done, row.persons)
        for line, row in enumerate(hours, start=2)  # under the header line of a CSV file
    ]
    import_values(indicator, rows, HOURS.filename, facilitator)
    return indicator


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
    for position, target in enumerate(entry.targets, start=1):
        axis = Axis.objects.create(scheme=scheme, title=target.axis, theme=target.theme, position=position)
        engagement = Engagement.objects.create(axis=axis, title="Objectif chiffré publié", position=1)
        objective = Objective.objects.create(
            engagement=engagement,
            title=target.title,
            indicator_code=target.indicator,
            deadline_year=entry.end_year,
            position=1,
        )
        Target.objects.create(objective=objective, year=entry.end_year, value=target.value)
    return organisation, scheme
