"""Up to date, late or missing: the biennial publication's status the observatory shows per buyer."""

import datetime

import pytest

from spaser.publications.models import Status
from spaser.publications.status import (
    LATE,
    MISSING,
    UP_TO_DATE,
    biennial_due,
    last_publication,
    publication_status,
)
from tests.organisations.factories import OrganisationFactory
from tests.plans.factories import PartnershipFactory, SchemeFactory
from tests.publications.factories import PublicationFactory


pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 6)


def published_on(day: datetime.date, status=Status.PUBLISHED, **kwargs):
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
    return PublicationFactory(status=status, published_at=moment, **kwargs)


def test_a_publication_less_than_two_years_old_is_up_to_date():
    publication = published_on(datetime.date(2025, 1, 15))

    found = publication_status([publication.organisation.siren], TODAY)[publication.organisation.siren]

    assert (found.label, found.due, found.badge) == (UP_TO_DATE, datetime.date(2027, 1, 15), "success")


def test_the_last_publication_older_than_two_years_is_late_even_superseded_ones_count():
    publication = published_on(datetime.date(2024, 6, 1))
    published_on(datetime.date(2023, 6, 1), scheme=publication.scheme, status=Status.SUPERSEDED)

    found = publication_status([publication.organisation.siren], TODAY)[publication.organisation.siren]

    assert (found.label, found.last, found.badge) == (LATE, datetime.date(2024, 6, 1), "warning")


def test_a_draft_does_not_count_and_an_old_adoption_makes_it_missing():
    draft = PublicationFactory(scheme__adoption_date=datetime.date(2023, 3, 1))

    found = publication_status([draft.organisation.siren], TODAY)[draft.organisation.siren]

    assert (found.label, found.due, found.badge) == (MISSING, datetime.date(2025, 3, 1), "error")


def test_before_its_first_publication_is_due_a_recent_adopter_is_up_to_date_partners_too():
    scheme = SchemeFactory(adoption_date=datetime.date(2025, 10, 1))
    partner = PartnershipFactory(scheme=scheme, organisation=OrganisationFactory(), accepted=True).organisation
    unknown = "123456789"

    found = publication_status([scheme.organisation.siren, partner.siren, unknown], TODAY)

    assert found[scheme.organisation.siren].label == UP_TO_DATE
    assert found[partner.siren].due == datetime.date(2027, 10, 1)
    assert (found[unknown].label, found[unknown].due) == (MISSING, None)


def test_a_meeting_hears_of_the_biennial_publication_two_months_before_it_is_due_and_after():
    draft = PublicationFactory()  # adopted 28 March 2024, nothing published: due 28 March 2026
    scheme = draft.scheme

    early = biennial_due(scheme, datetime.date(2026, 1, 25))
    soon = biennial_due(scheme, datetime.date(2026, 1, 26))
    late = biennial_due(scheme, datetime.date(2026, 4, 1))
    published_on(datetime.date(2026, 3, 20), scheme=scheme)

    assert early == ""
    assert soon == (
        "Publication biennale des indicateurs (article L2111-3) à faire : due le 28 mars 2026, deux ans après "
        "l'adoption du 28 mars 2024."
    )
    assert late.startswith("Publication biennale des indicateurs (article L2111-3) en retard : due le 28 mars 2026")
    assert last_publication(scheme) == datetime.date(2026, 3, 20)
    assert biennial_due(scheme, datetime.date(2026, 4, 1)) == ""
