"""A buyer's biennial publication: figures next to the scheme's targets, the checklist, publishing freezes them,
a new publication supersedes the old one."""

import datetime
from pathlib import Path

import orjson
import pytest

from spaser.decp.importer import import_files
from spaser.plans.publishing import PublishingRefused
from spaser.publications import preparing
from spaser.publications.models import Publication, Status
from tests.indicators.factories import A1, marche
from tests.organisations.factories import OrganisationFactory, UserFactory
from tests.plans.factories import ManualIndicatorFactory, ManualValueFactory, ObjectiveFactory, TargetFactory
from tests.publications.factories import PublicationFactory


pytestmark = pytest.mark.django_db


def complete(publication: Publication) -> Publication:
    """Targets for the two categories the law names (ESUS in value, inclusive employers in value)."""
    for code, value in (("A2", 50), ("A3", 20)):
        objective = ObjectiveFactory(engagement__axis__scheme=publication.scheme, indicator_code=code)
        TargetFactory(objective=objective, year=2024, value=value)
    return publication


def by_key(shown: preparing.Figures) -> dict:
    return {(row["year"], row["category"], row["measure"]): row for row in shown.figures}


def test_each_figure_is_next_to_the_scheme_target_of_the_year(decp_store):
    publication = complete(PublicationFactory())
    shown = by_key(preparing.figures(publication))

    esus = shown[(2024, "esus", "valeur")]  # 200 000 of 350 000 € (hand-counted): 57,1 % against 50 %
    inclusive = shown[(2024, "inclusif", "valeur")]  # 50 000 of 350 000 €: 14,3 % against 20 %, missed
    assert (esus["target"], esus["target_basis"], esus["reached"]) == (0.5, "cible 2024", True)
    assert (inclusive["target"], inclusive["reached"]) == (0.2, False)
    assert shown[(2025, "inclusif", "valeur")]["target_basis"] == "cible 2024, la dernière fixée"
    assert shown[(2024, "social", "nombre")]["target_basis"] == "pas d'objectif fixé"
    assert shown[(2024, "social", "nombre")]["value"] == 0.75


def test_the_buyer_manual_indicators_of_the_two_years_are_shown(decp_store):
    publication = PublicationFactory()
    hours = ManualIndicatorFactory(organisation=publication.organisation, label="Heures d'insertion")
    ManualValueFactory(indicator=hours, year=2024, value=1200)
    ManualValueFactory(indicator=hours, year=2024, contract_id="M1", value=300)
    ManualValueFactory(indicator=hours, year=2023, value=999)

    rows = preparing.figures(publication).manual_values

    assert [(row["label"], row["year"], row["value"]) for row in rows] == [("Heures d'insertion", 2024, 1500)]


def test_the_checklist_names_what_is_missing_in_french(decp_store):
    publication = PublicationFactory(scheme__adoption_date=None, scheme__end_year=2024)
    items = {item.label: item for item in preparing.checklist(publication, preparing.figures(publication))}

    assert not items["Date d'adoption du SPASER"].done
    assert "La date d'adoption du SPASER manque" in items["Date d'adoption du SPASER"].explanation
    assert items["Années dans la période du SPASER"].explanation.startswith(
        "2025 est hors de la période du SPASER (2024 à 2024)"
    )
    assert (
        "Pas d'objectif ni de cible pour 2024-2025 : Marchés attribués à une entreprise agréée ESUS ; Marchés "
        "attribués à un employeur inclusif" in items["Objectifs ESUS et employeurs inclusifs"].explanation
    )
    assert items["Marchés de l'acheteur dans les DECP"].done


def test_a_buyer_without_decp_data_cannot_publish(decp_store):
    publication = complete(PublicationFactory(organisation=OrganisationFactory(name="Commune sans marché")))
    publication.scheme.organisation = publication.organisation
    publication.scheme.save()

    with pytest.raises(PublishingRefused, match="Aucun marché de Commune sans marché .SIREN \\d{9}. notifié en 2024"):
        preparing.publish(publication, UserFactory())
    assert Publication.objects.get().status == Status.DRAFT


def test_publishing_freezes_the_figures_while_a_new_draft_follows_new_data(decp_store, tmp_path):
    publication = complete(PublicationFactory())
    published = preparing.publish(publication, UserFactory())
    frozen = by_key(preparing.figures(published))[(2025, "environnement", "nombre")]
    assert frozen["numerator"] == 0

    newer = tmp_path / "newer.json"
    contract = marche(8, A1, 70000, ["Pas de considération sociale"], ["Critère environnemental"], year=2025)
    newer.write_bytes(orjson.dumps({"marches": {"marche": [contract]}}))
    import_files([newer], decp_store)

    published.refresh_from_db()
    assert by_key(preparing.figures(published))[(2025, "environnement", "nombre")] == frozen
    assert published.data_version["decp_import"] == 1
    draft = preparing.prepare(published.scheme, published.organisation, 2024, UserFactory())
    fresh = by_key(preparing.figures(draft))[(2025, "environnement", "nombre")]
    assert (fresh["numerator"], fresh["contracts"]) == (1, 2)
    assert preparing.figures(draft).data_version["decp_import"] == 2


def test_a_new_publication_supersedes_the_old_one_which_stays_readable(decp_store):
    first = preparing.publish(complete(PublicationFactory()), UserFactory())
    draft = preparing.prepare(first.scheme, first.organisation, 2024, UserFactory())
    second = preparing.publish(draft, UserFactory())

    first.refresh_from_db()
    assert (first.status, first.superseded_by, second.status) == (Status.SUPERSEDED, second, Status.PUBLISHED)
    assert first.figures == second.figures


def test_publishing_twice_is_refused(decp_store):
    published = preparing.publish(complete(PublicationFactory()), UserFactory())

    with pytest.raises(PublishingRefused, match="déjà publiée"):
        preparing.publish(published, UserFactory())


def test_preparing_twice_gives_the_same_draft(decp_store):
    draft = PublicationFactory()

    assert preparing.prepare(draft.scheme, draft.organisation, 2024, None) == draft
    assert preparing.default_first_year(datetime.date(2026, 12, 6)) == 2025


def test_the_published_figures_name_their_versions(decp_store):
    published = preparing.publish(complete(PublicationFactory()), UserFactory())

    assert len(published.catalogue_version) == 12
    assert set(published.data_version) == {"decp_import", "decp_date", "decp", "reference"}
    assert (published.siren, published.published_by is not None) == (published.organisation.siren, True)


def test_a_missing_store_is_said(settings, tmp_path):
    from spaser.indicators.readers import StoreUnavailable

    settings.SPASER_STORE_DIR = Path(tmp_path / "nothing")
    with pytest.raises(StoreUnavailable):
        preparing.figures(PublicationFactory())


def test_the_baseline_year_has_no_target_the_next_ones_follow_the_trajectory(decp_store):
    publication = PublicationFactory()
    objective = ObjectiveFactory(engagement__axis__scheme=publication.scheme, indicator_code="S1")  # 20 % in 2024
    TargetFactory(objective=objective, year=2026, value=30)

    shown = by_key(preparing.figures(publication))

    assert shown[(2024, "social", "nombre")]["target_basis"] == "année de référence de l'objectif, sans cible"
    assert shown[(2024, "social", "nombre")]["reached"] is None
    assert (shown[(2025, "social", "nombre")]["target"], shown[(2025, "social", "nombre")]["reached"]) == (0.25, True)


def test_a_baseline_alone_is_no_target_and_leaves_the_checklist_item_to_complete(decp_store):
    publication = PublicationFactory()
    ObjectiveFactory(engagement__axis__scheme=publication.scheme, indicator_code="A2", baseline_year=2023)

    shown = preparing.figures(publication)
    row = by_key(shown)[(2025, "esus", "valeur")]
    items = {item.label: item for item in preparing.checklist(publication, shown)}

    assert (row["objective"] is not None, row["target"], row["target_basis"]) == (True, None, "pas de cible pour 2025")
    assert "ESUS" in items["Objectifs ESUS et employeurs inclusifs"].explanation
    assert not items["Objectifs ESUS et employeurs inclusifs"].done
