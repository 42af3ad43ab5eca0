"""The publishing checklist, and publishing only through it: what is missing is named, with where to fix it."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from spaser.plans import publishing
from spaser.plans.exchange import import_scheme
from spaser.plans.models import Scheme, Status
from tests.organisations.factories import OrganisationFactory
from tests.plans.factories import AxisFactory, EngagementFactory, ObjectiveFactory, SchemeFactory


pytestmark = pytest.mark.django_db


def states(scheme) -> dict[str, tuple[bool, bool]]:
    return {item.label: (item.done, item.required) for item in publishing.checklist(scheme)}


def test_a_new_draft_misses_every_item_and_each_item_says_where_to_fix_it():
    scheme = SchemeFactory()
    items = {item.label: item for item in publishing.checklist(scheme)}
    edit = reverse("plans:edit", args=[scheme.pk])

    assert states(scheme) == {
        "Date d'adoption": (False, True),
        "Délibération": (False, True),
        "Au moins un objectif par axe": (False, True),
        "Document du SPASER": (False, True),
        "Fiche de l'annuaire national": (False, False),
    }
    assert items["Date d'adoption"].fix_url == f"{edit}#id_adoption_date"
    assert items["Document du SPASER"].fix_url == f"{edit}#id_document"
    assert items["Au moins un objectif par axe"].fix_url == reverse("plans:create_node", args=["axes", scheme.pk])
    assert "pas encore d'axe" in items["Au moins un objectif par axe"].explanation


def test_the_axes_without_objective_are_named_and_the_first_one_linked():
    scheme = SchemeFactory(ready_to_publish=True)
    ObjectiveFactory(engagement__axis=AxisFactory(scheme=scheme, title="Social", position=1))
    empty = AxisFactory(scheme=scheme, title="Environnement", position=2)
    EngagementFactory(axis=empty)  # an engagement without objective does not count
    AxisFactory(scheme=scheme, title="Économie", position=3)

    item = next(item for item in publishing.checklist(scheme) if item.label == "Au moins un objectif par axe")

    assert not item.done
    assert item.explanation.startswith("Sans objectif : axe 2 « Environnement », axe 3 « Économie ».")
    assert item.fix_url == f"{scheme.get_absolute_url()}#axes-{empty.pk}"
    assert item.fix_label == "Ajouter un objectif à l'axe 2"


def ready_scheme(**kwargs) -> Scheme:
    scheme = SchemeFactory(ready_to_publish=True, **kwargs)
    ObjectiveFactory(engagement__axis__scheme=scheme)
    return scheme


def test_a_complete_scheme_publishes_even_without_the_recommended_directory_fields():
    scheme = ready_scheme()
    assert publishing.missing(publishing.checklist(scheme)) == []

    publishing.publish(scheme)

    scheme.refresh_from_db()
    assert scheme.status == Status.PUBLISHED
    assert list(Scheme.objects.published()) == [scheme]


def test_publishing_is_refused_while_a_required_item_is_missing_and_says_which():
    scheme = ready_scheme(deliberation="", document="")

    with pytest.raises(publishing.PublishingRefused) as refused:
        publishing.publish(scheme)

    assert str(refused.value) == (
        "Ce SPASER ne peut pas encore être publié. À compléter : Délibération ; Document du SPASER."
    )
    scheme.refresh_from_db()
    assert scheme.status == Status.ADOPTED


def test_unpublishing_keeps_the_scheme_adopted_and_changes_its_date():
    scheme = ready_scheme()
    publishing.publish(scheme)
    published_at = scheme.updated_at

    publishing.unpublish(scheme)

    scheme.refresh_from_db()
    assert (scheme.status, scheme.adoption_date.isoformat()) == (Status.ADOPTED, "2024-03-28")
    assert scheme.updated_at > published_at  # the public pages' cache versions follow it
    assert not Scheme.objects.published().exists()


def test_the_publication_date_is_the_last_publishing_and_goes_with_unpublishing(monkeypatch):
    scheme = ready_scheme()

    def at(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    at(datetime(2025, 3, 3, 9, tzinfo=UTC))
    publishing.publish(scheme)
    at(datetime(2025, 4, 1, 9, tzinfo=UTC))
    scheme.title = "Titre corrigé"
    scheme.save()
    assert scheme.published_at == datetime(2025, 3, 3, 9, tzinfo=UTC)  # an edit is not a publication

    publishing.unpublish(scheme)
    assert Scheme.objects.get(pk=scheme.pk).published_at is None
    at(datetime(2025, 5, 2, 9, tzinfo=UTC))
    publishing.publish(scheme)

    assert Scheme.objects.get(pk=scheme.pk).published_at == datetime(2025, 5, 2, 9, tzinfo=UTC)


def test_an_imported_scheme_never_arrives_published():
    document = json.loads((Path(__file__).parents[1] / "fixtures/exchange/good_minimal.json").read_text("utf-8"))
    document["scheme"].update(status="published", adoption_date="2025-01-30", deliberation="Délibération n° 2025-3")

    scheme = import_scheme(document, OrganisationFactory())

    assert scheme.status == Status.DRAFT
    assert not scheme.is_public
    assert not Scheme.objects.published().exists()
