"""Partnerships: counted, read and offering manual data only once the partner's admin accepted, as long as it lasts."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from spaser.organisations.models import Role
from spaser.plans import partnerships, steering
from spaser.plans.access import can_read
from spaser.plans.exchange import export_scheme, import_scheme
from spaser.plans.models import PartnershipStatus
from tests.indicators.factories import SIREN_A, SIREN_B
from tests.organisations.factories import BuyerAFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.plans.factories import (
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    PartnershipFactory,
    SchemeFactory,
    TargetFactory,
)


@pytest.fixture
def scheme(decp_store):
    return SchemeFactory(organisation=BuyerAFactory(), start_year=2024, end_year=2026)


@pytest.fixture
def partner():
    return OrganisationFactory(siren=SIREN_B, name="Commune B fictive")


@pytest.fixture
def partner_admin(partner):
    return MembershipFactory(organisation=partner, role=Role.ADMIN).user


@pytest.fixture
def hours(partner):
    indicator = ManualIndicatorFactory(organisation=partner, code="heures", label="Heures d'insertion de B")
    ManualValueFactory(indicator=indicator, year=2025, value=1200)
    return indicator


def hours_objective(scheme, indicator):
    objective = ObjectiveFactory(
        engagement__axis__scheme=scheme, indicator_code="", manual_indicator=indicator, baseline_value=1000
    )
    TargetFactory(objective=objective, year=2026, value=3000)
    return objective


def series_of(scheme, objective):
    return next(series for series in steering.dashboard(scheme) if series.objective == objective)


def test_an_invitation_is_pending_and_changes_nothing(scheme, partner, partner_admin, hours):
    partnership = partnerships.propose(scheme, partner, invited_by=UserFactory())

    assert partnership.status == PartnershipStatus.PENDING
    assert scheme.partners == []
    assert steering.scheme_sirens(scheme) == (SIREN_A,)
    assert not can_read(partner_admin, scheme)
    assert hours not in scheme.usable_manual_indicators()
    assert export_scheme(scheme)["scheme"]["organisations"] == [{"siren": SIREN_A, "name": scheme.organisation.name}]


def test_once_accepted_the_partner_is_counted_read_and_shares_only_what_it_chose(
    scheme, partner, partner_admin, hours
):
    kept = ManualIndicatorFactory(organisation=partner, code="formations")
    own = ManualIndicatorFactory(organisation=scheme.organisation)
    partnership = partnerships.propose(scheme, partner, invited_by=None)
    version = steering.dashboard_version(scheme)

    partnerships.accept(partnership, partner_admin, [hours])

    partnership.refresh_from_db()
    assert (partnership.status, partnership.answered_by) == (PartnershipStatus.ACCEPTED, partner_admin)
    assert scheme.partners == [partner]
    assert steering.scheme_sirens(scheme) == (SIREN_A, SIREN_B)
    assert can_read(partner_admin, scheme)
    assert set(scheme.usable_manual_indicators()) == {own, hours}
    assert kept not in scheme.usable_manual_indicators()
    scheme.refresh_from_db()
    assert steering.dashboard_version(scheme) != version  # the cached dashboard is recomputed


def test_a_declined_invitation_counts_nothing_and_can_be_sent_again(scheme, partner, partner_admin):
    partnership = partnerships.propose(scheme, partner, invited_by=None)

    partnerships.decline(partnership, partner_admin)

    assert scheme.partners == []
    assert not can_read(partner_admin, scheme)
    with pytest.raises(ValidationError):
        partnerships.accept(partnership, partner_admin)
    again = partnerships.propose(scheme, partner, invited_by=None)
    assert (again.pk, again.status, again.answered_at) == (partnership.pk, PartnershipStatus.PENDING, None)


@pytest.mark.parametrize("side", ["owner", "partner"])
def test_either_side_ends_a_partnership_and_the_shared_values_disappear(scheme, partner, partner_admin, hours, side):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner, accepted=True)
    partnership.shared_indicators.set([hours])
    objective = hours_objective(scheme, hours)
    assert series_of(scheme, objective).points[1].value == 1200

    ender = partner_admin if side == "partner" else MembershipFactory(organisation=scheme.organisation).user
    partnerships.end(partnership, ender)

    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.REVOKED
    assert not partnership.shared_indicators.exists()
    assert scheme.partners == []
    assert not can_read(partner_admin, scheme)
    # Hidden, not detached: the objective keeps its indicator, its values stop being shown.
    point = series_of(scheme, objective).points[1]
    assert (point.value, point.missing) == (None, steering.NOT_SHARED)
    objective.refresh_from_db()
    assert objective.manual_indicator == hours


def test_a_partner_that_stops_sharing_an_indicator_hides_its_values(scheme, partner, partner_admin, hours):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner, accepted=True)
    partnership.shared_indicators.set([hours])
    objective = hours_objective(scheme, hours)

    partnerships.share(partnership, [])

    assert series_of(scheme, objective).points[1].value is None
    assert scheme.partners == [partner]


def test_a_pending_partner_values_are_never_shown_even_if_attached(scheme, partner, hours):
    PartnershipFactory(scheme=scheme, organisation=partner).shared_indicators.set([hours])
    objective = hours_objective(scheme, hours)  # as a crafted or older row would

    assert series_of(scheme, objective).points[1].value is None


def test_only_the_partner_own_indicators_can_be_shared(scheme, partner):
    partnership = partnerships.propose(scheme, partner, invited_by=None)

    with pytest.raises(ValidationError):
        partnerships.accept(partnership, None, [ManualIndicatorFactory(organisation=scheme.organisation)])
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PENDING


def test_the_owner_is_never_its_own_partner_and_an_open_invitation_is_not_sent_twice(scheme, partner):
    with pytest.raises(ValidationError):
        partnerships.propose(scheme, scheme.organisation, invited_by=None)
    partnerships.propose(scheme, partner, invited_by=None)
    with pytest.raises(ValidationError, match="invitation en attente"):
        partnerships.propose(scheme, partner, invited_by=None)


def test_the_invitation_mail_goes_to_the_partner_admins_only(scheme, partner, partner_admin):
    MembershipFactory(organisation=partner, role=Role.EDITOR)
    MembershipFactory(organisation=scheme.organisation, role=Role.ADMIN)

    partnerships.invite(scheme, partner, UserFactory(), lambda p: f"https://spaser.example/partenariats/{p.pk}/")

    (message,) = mail.outbox
    assert message.to == [partner_admin.email]
    assert scheme.title in message.body and "/partenariats/" in message.body


def test_a_json_import_invites_the_known_partners_and_attaches_none(scheme, partner, partner_admin):
    document = export_scheme(scheme)
    document["scheme"]["organisations"].append({"siren": SIREN_B, "name": "Commune B"})
    importer = OrganisationFactory()

    imported = import_scheme(document, importer)

    (partnership,) = imported.partnerships.all()  # the document's first organisation, its author, is not invited
    assert (partnership.organisation, partnership.status) == (partner, PartnershipStatus.PENDING)
    assert imported.partners == []
    assert partnerships.invitation_notice(partnership) == (
        "Invitation envoyée à Commune B fictive (fictive) ; elle sera comptée quand un administrateur de "
        "Commune B fictive (fictive) l'aura acceptée."
    )
