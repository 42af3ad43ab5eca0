"""The biennial publication's pages: preparing the drafts of every buyer, the draft's checklist, publishing through
the dialog, the public period page with each figure next to its target, its downloads and the API."""

import csv
import datetime
import io

import pytest
from django.urls import reverse

from spaser.formatting import INTERNATIONAL
from spaser.organisations.models import Role
from spaser.publications.models import Publication, Status
from spaser.tables import PUBLICATION_CSV
from tests.organisations.factories import BuyerAFactory, MembershipFactory, OrganisationFactory
from tests.plans.factories import (
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    PartnershipFactory,
    PublishedSchemeFactory,
    TargetFactory,
)
from tests.table_schemas import csv_errors
from tests.www.test_api import get


pytestmark = pytest.mark.django_db


@pytest.fixture
def scheme(decp_store):
    """Buyer A's published scheme 2024-2026 with targets on ESUS (50 % in value) and inclusive employers (20 %)."""
    scheme = PublishedSchemeFactory(
        organisation=BuyerAFactory(), slug="lyon-fictive", adoption_date=datetime.date(2024, 3, 28)
    )
    for code, value in (("A2", 50), ("A3", 20)):
        objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code=code, title=f"Objectif {code}")
        TargetFactory(objective=objective, year=2024, value=value)
    hours = ManualIndicatorFactory(organisation=scheme.organisation, label="Heures d'insertion réalisées")
    ManualValueFactory(indicator=hours, year=2024, value=1500)
    return scheme


def member(scheme, role):
    return MembershipFactory(organisation=scheme.organisation, role=role).user


def prepare(client, scheme, first_year=2024):
    return client.post(reverse("publications:prepare", args=[scheme.pk]), {"first_year": first_year})


def test_preparing_makes_one_draft_per_buyer_of_a_joint_scheme(client, scheme):
    partner = PartnershipFactory(scheme=scheme, organisation=OrganisationFactory(), accepted=True).organisation
    client.force_login(member(scheme, Role.EDITOR))

    response = prepare(client, scheme)

    assert response.url == reverse("publications:list", args=[scheme.pk])
    drafts = Publication.objects.filter(scheme=scheme, status=Status.DRAFT)
    assert {p.organisation for p in drafts} == {scheme.organisation, partner}
    page = client.get(response.url).content.decode()
    assert "Préparer la publication" in page and "Brouillon" in page


def test_the_draft_page_shows_the_checklist_and_the_figures_next_to_their_targets(client, scheme):
    scheme.adoption_date = None
    scheme.save()
    client.force_login(member(scheme, Role.ADMIN))
    draft = Publication.objects.get(pk=prepare(client, scheme).url.split("/")[-2])

    page = client.get(reverse("publications:detail", args=[draft.pk])).content.decode()

    assert "La date d&#x27;adoption du SPASER manque" in page
    assert "Pas encore publiable" in page
    assert "57,1\u00a0%" in page  # ESUS in value, 2024: 200 000 of 350 000 €
    assert "Non atteinte" in page  # inclusive employers: 14,3 % against 20 %
    assert "Heures d&#x27;insertion réalisées en 2024 : <strong>1\u202f500\u00a0heures</strong>" in page


def test_an_editor_may_prepare_not_publish_an_administrator_publishes(client, scheme):
    editor, admin = member(scheme, Role.EDITOR), member(scheme, Role.ADMIN)
    client.force_login(editor)
    draft = Publication.objects.get(pk=prepare(client, scheme).url.split("/")[-2])
    publish_url = reverse("publications:publish", args=[draft.pk])
    page = client.get(reverse("publications:detail", args=[draft.pk])).content.decode()
    assert "Seul un administrateur" in page and 'aria-controls="modale-publier"' not in page
    assert client.post(publish_url).status_code == 403

    client.force_login(admin)
    page = client.get(reverse("publications:detail", args=[draft.pk])).content.decode()
    assert 'aria-controls="modale-publier"' in page and 'action="' + publish_url + '"' in page
    assert client.post(publish_url).status_code == 302

    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == (Status.PUBLISHED, admin)


def published(client, scheme) -> Publication:
    client.force_login(member(scheme, Role.ADMIN))
    draft = Publication.objects.get(pk=prepare(client, scheme).url.split("/")[-2])
    client.post(reverse("publications:publish", args=[draft.pk]))
    client.logout()
    draft.refresh_from_db()
    return draft


def test_the_public_page_shows_each_figure_next_to_its_target_missed_ones_openly(client, scheme):
    publication = published(client, scheme)

    listing = client.get(reverse("public:publications", args=[scheme.slug])).content.decode()
    page = client.get(reverse("public:publication", args=[scheme.slug, 2025])).content.decode()

    assert reverse("public:publication", args=[scheme.slug, 2025]) in listing
    assert f"SIREN {publication.siren}" in page
    assert "14,3\u00a0%" in page and "20,0\u00a0%" in page and "Non atteinte" in page
    assert "3 cibles non atteintes sur ces deux années" in page  # inclusive 2024 and 2025, ESUS 2025
    assert "pas d&#x27;objectif fixé" in page
    assert f"version <code>{publication.catalogue_version}</code>" in page
    assert "Règles de comptage" in page


def test_a_superseded_publication_stays_on_the_page(client, scheme):
    first = published(client, scheme)
    second = published(client, scheme)

    page = client.get(reverse("public:publication", args=[scheme.slug, 2025])).content.decode()

    assert first.pk != second.pk
    assert "Versions remplacées" in page and f'id="ancienne-{first.pk}"' in page


def test_drafts_and_other_periods_are_not_public(client, scheme):
    client.force_login(member(scheme, Role.EDITOR))
    prepare(client, scheme)
    client.logout()

    assert client.get(reverse("public:publication", args=[scheme.slug, 2025])).status_code == 404
    assert client.get(reverse("public:publication_download", args=[scheme.slug, 2025, "csv"])).status_code == 404


def test_the_csv_follows_its_table_schema_and_keeps_the_unrounded_figures(client, scheme):
    publication = published(client, scheme)

    response = client.get(reverse("public:publication_download", args=[scheme.slug, 2025, f"{INTERNATIONAL}.csv"]))

    text = response.content.decode()
    assert csv_errors(text, PUBLICATION_CSV, INTERNATIONAL) == []
    rows = {(r["year"], r["category"], r["measure"]): r for r in csv.DictReader(io.StringIO(text))}
    assert len(rows) == 24
    inclusive = rows[("2024", "inclusif", "valeur")]
    assert (inclusive["value"], inclusive["target"], inclusive["reached"]) == ("0.14285714285714285", "0.2", "non")
    assert inclusive["siren"] == publication.siren
    assert "attachment" in response["Content-Disposition"]


def test_the_json_download_and_the_api_say_the_same(client, scheme):
    published(client, scheme)

    download = client.get(reverse("public:publication_download", args=[scheme.slug, 2025, "json"])).json()
    api = get(client, reverse("api:publications", args=[scheme.slug])).json()

    assert download["publications"] == api["publications"]
    assert api["publications"][0]["manual_values"][0]["value"] == 1500
    assert api["publications"][0]["data_version"]["decp_import"] == 1
