import datetime

import factory

from spaser.plans.models import (
    Action,
    Axis,
    Engagement,
    ManualImport,
    ManualIndicator,
    ManualValue,
    Objective,
    Partnership,
    PartnershipStatus,
    Scheme,
    Status,
    Target,
    Theme,
)
from tests.organisations.factories import OrganisationFactory


def _pdf():
    return factory.django.FileField(filename="deliberation.pdf", data=b"%PDF-1.4\n% SPASER fictif\n")


class SchemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scheme

    organisation = factory.SubFactory(OrganisationFactory)
    title = factory.Sequence(lambda n: f"SPASER fictif n° {n}")
    slug = factory.Sequence(lambda n: f"spaser-fictif-{n}")
    edition = 1
    start_year = 2024
    end_year = 2026
    status = Status.DRAFT

    class Params:
        with_document = factory.Trait(document=_pdf())
        # Every required item of the publishing checklist, but no axis (add one with an objective).
        ready_to_publish = factory.Trait(
            status=Status.ADOPTED,
            adoption_date=datetime.date(2024, 3, 28),
            deliberation="Délibération n° 2024-12 du 28 mars 2024",
            document=_pdf(),
        )


class PublishedSchemeFactory(SchemeFactory):
    status = Status.PUBLISHED


class AxisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Axis

    scheme = factory.SubFactory(SchemeFactory)
    title = "Achats socialement responsables"
    theme = Theme.SOCIAL
    position = factory.Sequence(int)


class EngagementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engagement

    axis = factory.SubFactory(AxisFactory)
    title = "Développer les clauses sociales"
    position = factory.Sequence(int)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    """`target=30` gives it a target of 30 in its deadline year."""

    class Meta:
        model = Objective
        skip_postgeneration_save = True

    engagement = factory.SubFactory(EngagementFactory)
    title = "30 % de marchés avec une considération sociale"
    indicator_code = "S1"
    baseline_year = 2024
    baseline_value = 20
    deadline_year = 2026
    position = factory.Sequence(int)

    @factory.post_generation
    def target(objective, create, value, **kwargs):
        if value is not None:
            TargetFactory(objective=objective, year=objective.deadline_year, value=value)


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    objective = factory.SubFactory(ObjectiveFactory)
    year = 2026
    value = 30


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    engagement = factory.SubFactory(EngagementFactory)
    title = "Former les acheteurs aux clauses d'insertion"
    owner = "Direction de la commande publique"


class ManualIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManualIndicator

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"heures-insertion-{n}")
    label = "Heures d'insertion réalisées"
    unit = "heures"


class ManualValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ManualValue

    indicator = factory.SubFactory(ManualIndicatorFactory)
    year = 2024
    value = 100


class ManualImportFactory(factory.django.DjangoModelFactory):
    """An imported file; `values=n` gives it n values in 2024, of contracts of its own (I<pk>-1…I<pk>-n)."""

    class Meta:
        model = ManualImport
        skip_postgeneration_save = True

    indicator = factory.SubFactory(ManualIndicatorFactory)
    filename = "heures.csv"
    rows = 0

    @factory.post_generation
    def values(source, create, count, **kwargs):
        for number in range(1, (count or 0) + 1):
            ManualValueFactory(
                indicator=source.indicator, source=source, contract_id=f"I{source.pk}-{number}", value=number
            )


class PartnershipFactory(factory.django.DjangoModelFactory):
    """A pending invitation; `accepted=True` once the partner's admin agreed."""

    class Meta:
        model = Partnership

    scheme = factory.SubFactory(SchemeFactory)
    organisation = factory.SubFactory(OrganisationFactory)

    class Params:
        accepted = factory.Trait(status=PartnershipStatus.ACCEPTED)
