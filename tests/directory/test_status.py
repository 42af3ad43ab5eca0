import pytest

from spaser.directory.status import Adoption, adoption_status
from spaser.plans.models import Status
from tests.directory.factories import DirectoryEntryFactory
from tests.organisations.factories import OrganisationFactory
from tests.plans.factories import PartnershipFactory, SchemeFactory


@pytest.mark.django_db
def test_a_scheme_is_in_force_within_its_period_and_expired_after():
    first = DirectoryEntryFactory(start_year=2019, end_year=2022, edition=1)
    second = DirectoryEntryFactory(start_year=2023, end_year=2027, edition=2)

    assert adoption_status({"216900001"}, 2020)["216900001"].evidence.edition == first.edition
    assert adoption_status({"216900001"}, 2025)["216900001"].evidence.edition == second.edition
    expired = adoption_status({"216900001"}, 2028)["216900001"]
    assert expired.adoption == Adoption.EXPIRED and expired.evidence.end_year == 2027
    assert adoption_status({"216900001"}, 2018)["216900001"].adoption == Adoption.ABSENT


@pytest.mark.django_db
def test_a_period_without_end_stays_in_force_and_a_shared_scheme_counts_for_each_buyer():
    DirectoryEntryFactory(siren="243300001", start_year=2024, end_year=None, other_sirens="211300009")

    statuses = adoption_status({"243300001", "211300009", "200040004"}, 2040)

    assert statuses["243300001"].adoption == statuses["211300009"].adoption == Adoption.IN_FORCE
    assert statuses["200040004"].adoption == Adoption.ABSENT and statuses["200040004"].evidence is None


@pytest.mark.django_db
def test_published_schemes_and_their_partners_count_drafts_do_not():
    owner, partner = OrganisationFactory(), OrganisationFactory()
    scheme = SchemeFactory(organisation=owner, status=Status.PUBLISHED, start_year=2024, end_year=2026)
    PartnershipFactory(scheme=scheme, organisation=partner, accepted=True)
    draft_owner = SchemeFactory(status=Status.DRAFT).organisation

    statuses = adoption_status({owner.siren, partner.siren, draft_owner.siren}, 2025)

    assert statuses[owner.siren].adoption == statuses[partner.siren].adoption == Adoption.IN_FORCE
    assert statuses[owner.siren].evidence.url == scheme.public_url()
    assert statuses[draft_owner.siren].adoption == Adoption.ABSENT
