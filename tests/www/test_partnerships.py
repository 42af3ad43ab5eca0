"""Partnership screens and what a pending, accepted or ended partner gets: readers, objective choices, public data."""

import json

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from spaser.organisations.models import Role
from spaser.plans import partnerships
from spaser.plans.exchange import export_scheme
from spaser.plans.models import Objective, PartnershipStatus, Status
from tests.indicators.factories import SIREN_B
from tests.organisations.factories import BuyerAFactory, MembershipFactory, OrganisationFactory
from tests.plans.factories import (
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    PartnershipFactory,
    SchemeFactory,
    TargetFactory,
)


@pytest.fixture
def owner_editor(decp_store):
    return MembershipFactory(organisation=BuyerAFactory(), role=Role.EDITOR).user


@pytest.fixture
def scheme(owner_editor):
    organisation = owner_editor.memberships.get().organisation
    return SchemeFactory(organisation=organisation, start_year=2024, end_year=2026, title="SPASER mutualisé de A")


@pytest.fixture
def partner():
    return OrganisationFactory(siren=SIREN_B, name="Commune B")


@pytest.fixture
def partner_admin(partner):
    return MembershipFactory(organisation=partner, role=Role.ADMIN).user


@pytest.fixture
def partner_member(partner):
    return MembershipFactory(organisation=partner, role=Role.VIEWER).user


@pytest.fixture
def shared_hours(partner):
    indicator = ManualIndicatorFactory(organisation=partner, code="heures", label="Heures d'insertion de B")
    ManualValueFactory(indicator=indicator, year=2025, value=4321)
    return indicator


@pytest.fixture
def private_hours(partner):
    indicator = ManualIndicatorFactory(organisation=partner, code="brouillon", label="Brouillon interne de B")
    ManualValueFactory(indicator=indicator, year=2025, value=9876)
    return indicator


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def objective_post(client, scheme, indicator_pk: int):
    engagement = ObjectiveFactory(engagement__axis__scheme=scheme).engagement
    return client.post(
        reverse("plans:create_node", args=["objectifs", engagement.pk]),
        {"title": "Heures", "indicator": f"saisi:{indicator_pk}", "deadline_year": 2026, "target_2026": 3000},
    )


# Invitation, answer, end


def test_an_owner_editor_invites_and_the_partner_admins_are_told(client, scheme, partner, partner_admin):
    client.force_login(scheme.organisation.memberships.get().user)

    response = client.post(reverse("plans:invite_partner", args=[scheme.pk]), {"organisation": partner.pk})

    partnership = scheme.partnerships.get()
    assert (partnership.organisation, partnership.status) == (partner, PartnershipStatus.PENDING)
    assert texts(response) == [
        "Invitation envoyée à Commune B (fictive) ; elle sera comptée quand un administrateur de Commune B (fictive) "
        "l'aura acceptée."
    ]
    (message,) = mail.outbox
    assert message.to == [partner_admin.email]
    assert reverse("plans:partnership", args=[partnership.pk]) in message.body
    page = client.get(reverse("plans:detail", args=[scheme.pk])).content.decode()
    assert "Invitation en attente" in page and "Annuler l'invitation" in page


def test_a_viewer_of_the_owner_cannot_invite(client, scheme, partner):
    client.force_login(MembershipFactory(organisation=scheme.organisation, role=Role.VIEWER).user)

    response = client.post(reverse("plans:invite_partner", args=[scheme.pk]), {"organisation": partner.pk})

    assert response.status_code == 403
    assert not scheme.partnerships.exists()


def test_the_owner_cannot_invite_itself(client, scheme, owner_editor):
    client.force_login(owner_editor)

    client.post(reverse("plans:invite_partner", args=[scheme.pk]), {"organisation": scheme.organisation.pk})

    assert not scheme.partnerships.exists()


def test_the_partner_admin_sees_the_invitation_and_accepts_sharing_one_indicator(
    client, scheme, partner_admin, partner, shared_hours, private_hours
):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner)
    client.force_login(partner_admin)
    assert "SPASER mutualisé de A" in client.get(reverse("organisations:home")).content.decode()
    assert (
        reverse("plans:partnership", args=[partnership.pk])
        in client.get(reverse("organisations:detail", args=[partner.pk])).content.decode()
    )
    form = client.get(reverse("plans:partnership", args=[partnership.pk])).content.decode()
    assert "Brouillon interne de B" in form  # its own indicators, to choose from

    client.post(
        reverse("plans:partnership", args=[partnership.pk]), {"action": "accepter", "indicators": [shared_hours.pk]}
    )

    partnership.refresh_from_db()
    assert (partnership.status, partnership.answered_by) == (PartnershipStatus.ACCEPTED, partner_admin)
    assert list(partnership.shared_indicators.all()) == [shared_hours]


def test_a_crafted_acceptance_sharing_another_organisation_indicator_is_refused(
    client, scheme, partner_admin, partner
):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner)
    foreign = ManualIndicatorFactory(organisation=scheme.organisation)
    client.force_login(partner_admin)

    response = client.post(
        reverse("plans:partnership", args=[partnership.pk]), {"action": "accepter", "indicators": [foreign.pk]}
    )

    assert response.status_code == 200
    assert "indicators" in response.context["form"].errors
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PENDING


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_only_the_partner_admins_answer(client, scheme, partner, role):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner)
    client.force_login(MembershipFactory(organisation=partner, role=role).user)

    assert client.get(reverse("plans:partnership", args=[partnership.pk])).status_code == 403
    response = client.post(reverse("plans:partnership", args=[partnership.pk]), {"action": "accepter"})

    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PENDING


def test_the_owner_cannot_accept_for_the_partner(client, scheme, owner_editor, partner):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner)
    client.force_login(owner_editor)

    response = client.post(reverse("plans:partnership", args=[partnership.pk]), {"action": "accepter"})

    assert response.status_code == 403
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.PENDING


def test_the_partner_admin_declines(client, scheme, partner_admin, partner):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner)
    client.force_login(partner_admin)

    response = client.post(reverse("plans:partnership", args=[partnership.pk]), {"action": "decliner"})

    assert response.url == reverse("organisations:detail", args=[partner.pk])
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.DECLINED


def test_the_partner_admin_changes_the_shared_indicators(client, scheme, partner_admin, partner, shared_hours):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner, accepted=True)
    partnership.shared_indicators.set([shared_hours])
    client.force_login(partner_admin)

    client.post(reverse("plans:partnership", args=[partnership.pk]), {"action": "partager"})

    assert not partnership.shared_indicators.exists()


@pytest.mark.parametrize("side", ["owner editor", "partner admin"])
def test_either_side_ends_the_partnership(client, scheme, owner_editor, partner_admin, partner, side):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner, accepted=True)
    client.force_login(owner_editor if side == "owner editor" else partner_admin)

    client.post(reverse("plans:end_partnership", args=[partnership.pk]))

    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.REVOKED


@pytest.mark.parametrize("who", ["partner member", "owner viewer", "stranger admin"])
def test_no_one_else_ends_a_partnership(client, scheme, partner, partner_member, who):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner, accepted=True)
    users = {
        "partner member": partner_member,
        "owner viewer": MembershipFactory(organisation=scheme.organisation, role=Role.VIEWER).user,
        "stranger admin": MembershipFactory(role=Role.ADMIN).user,
    }
    client.force_login(users[who])

    expected = 404 if who == "stranger admin" else 403  # outsiders do not learn that the partnership exists
    assert client.post(reverse("plans:end_partnership", args=[partnership.pk])).status_code == expected
    partnership.refresh_from_db()
    assert partnership.status == PartnershipStatus.ACCEPTED


# What a pending or accepted partner gets


@pytest.mark.parametrize("name", ["plans:detail", "plans:dashboard"])
def test_a_pending_partner_members_cannot_read_the_scheme(client, scheme, partner, partner_admin, name):
    PartnershipFactory(scheme=scheme, organisation=partner)
    client.force_login(partner_admin)

    assert client.get(reverse(name, args=[scheme.pk])).status_code == 404  # like a missing scheme


def test_an_accepted_partner_members_read_the_scheme_but_do_not_edit_it(client, scheme, partner, partner_member):
    PartnershipFactory(scheme=scheme, organisation=partner, accepted=True)
    client.force_login(partner_member)

    assert client.get(reverse("plans:detail", args=[scheme.pk])).status_code == 200
    assert client.get(reverse("plans:edit", args=[scheme.pk])).status_code == 403


def test_a_pending_partner_indicators_are_neither_offered_nor_accepted(client, scheme, owner_editor, partner):
    indicator = ManualIndicatorFactory(organisation=partner, label="Heures de B en attente")
    partnership = PartnershipFactory(scheme=scheme, organisation=partner)
    partnership.shared_indicators.set([indicator])
    client.force_login(owner_editor)
    engagement = ObjectiveFactory(engagement__axis__scheme=scheme).engagement

    form = client.get(reverse("plans:create_node", args=["objectifs", engagement.pk])).content.decode()
    response = objective_post(client, scheme, indicator.pk)

    assert "Heures de B en attente" not in form
    assert "indicator" in response.context["form"].errors
    assert not Objective.objects.filter(manual_indicator=indicator).exists()


def test_only_the_shared_indicators_of_an_accepted_partner_are_usable(
    client, scheme, owner_editor, partner, shared_hours, private_hours
):
    PartnershipFactory(scheme=scheme, organisation=partner, accepted=True).shared_indicators.set([shared_hours])
    client.force_login(owner_editor)
    engagement = ObjectiveFactory(engagement__axis__scheme=scheme).engagement

    form = client.get(reverse("plans:create_node", args=["objectifs", engagement.pk])).content.decode()
    refused = objective_post(client, scheme, private_hours.pk)
    accepted = objective_post(client, scheme, shared_hours.pk)

    assert "Heures d&#x27;insertion de B\n" in form and "Partagé par Commune B (fictive). Unité : heures." in form
    assert "Brouillon interne de B" not in form
    assert "indicator" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert Objective.objects.filter(manual_indicator=shared_hours).exists()
    assert not Objective.objects.filter(manual_indicator=private_hours).exists()


# Public page and API


@pytest.fixture
def published(scheme, partner, shared_hours):
    scheme.status = Status.PUBLISHED
    scheme.save()
    objective = ObjectiveFactory(
        engagement__axis__scheme=scheme, indicator_code="", manual_indicator=shared_hours, baseline_value=1000
    )
    TargetFactory(objective=objective, year=2026, value=3000)
    return scheme


def public_views(client, scheme) -> tuple[str, dict, dict, dict]:
    page = client.get(scheme.public_url()).content.decode()
    listed = client.get(reverse("api:schemes")).json()["results"][0]
    detail = client.get(reverse("api:scheme", args=[scheme.slug])).json()
    indicators = client.get(reverse("api:indicators", args=[scheme.slug])).json()
    return page, listed, detail, indicators


def hours_values(indicators: dict) -> list:
    (objective,) = [item for item in indicators["objectives"] if item["indicator"]["kind"] == "manual"]
    return [value["value"] for value in objective["values"]]


def test_a_pending_partner_is_not_shown_and_its_values_are_not_published(client, published, partner, shared_hours):
    PartnershipFactory(scheme=published, organisation=partner).shared_indicators.set([shared_hours])

    page, listed, detail, indicators = public_views(client, published)

    assert "Commune B" not in page and "4\u202f321" not in page
    assert listed["partners"] == detail["partners"] == []
    assert SIREN_B not in page
    assert 4321 not in hours_values(indicators)
    assert client.get(reverse("api:schemes"), {"siren": SIREN_B}).json()["count"] == 0


def test_an_accepted_partner_and_its_shared_values_are_published(client, published, partner, shared_hours):
    PartnershipFactory(scheme=published, organisation=partner, accepted=True).shared_indicators.set([shared_hours])

    page, listed, detail, indicators = public_views(client, published)

    assert "Commune B" in page and "4\u202f321" in page
    assert [item["siren"] for item in listed["partners"]] == [SIREN_B]
    assert 4321 in hours_values(indicators)
    assert client.get(reverse("api:schemes"), {"siren": SIREN_B}).json()["count"] == 1


def test_once_the_partner_leaves_its_values_disappear_from_the_public_page_and_api(
    client, real_cache, published, partner, partner_admin, shared_hours
):
    partnership = PartnershipFactory(scheme=published, organisation=partner, accepted=True)
    partnership.shared_indicators.set([shared_hours])
    assert "4\u202f321" in client.get(published.public_url()).content.decode()  # cached before the end
    assert 4321 in hours_values(client.get(reverse("api:indicators", args=[published.slug])).json())
    client.force_login(partner_admin)
    client.post(reverse("plans:end_partnership", args=[partnership.pk]))
    client.logout()

    page, listed, _, indicators = public_views(client, published)

    assert "4\u202f321" not in page and "Commune B" not in page
    assert listed["partners"] == []
    assert 4321 not in hours_values(indicators)


def test_once_the_partner_stops_sharing_its_values_disappear_from_the_cached_pages(
    client, real_cache, published, partner, shared_hours
):
    partnership = PartnershipFactory(scheme=published, organisation=partner, accepted=True)
    partnership.shared_indicators.set([shared_hours])
    assert "4\u202f321" in client.get(published.public_url()).content.decode()
    assert 4321 in hours_values(client.get(reverse("api:indicators", args=[published.slug])).json())

    partnerships.share(partnership, [])

    page, _, _, indicators = public_views(client, published)
    assert "4\u202f321" not in page and "Commune B" in page
    assert 4321 not in hours_values(indicators)


# JSON import


def test_a_json_import_proposes_invitations_and_says_so(client, scheme, partner, partner_admin):
    document = export_scheme(scheme)
    document["scheme"]["organisations"].append({"siren": SIREN_B, "name": "Commune B"})
    importer = MembershipFactory(role=Role.EDITOR)
    client.force_login(importer.user)

    response = client.post(
        reverse("exchange:import"),
        {
            "organisation": importer.organisation.pk,
            "file": SimpleUploadedFile("spaser.json", json.dumps(document).encode(), "application/json"),
        },
    )

    (partnership,) = importer.organisation.schemes.get().partnerships.all()
    assert partnership.status == PartnershipStatus.PENDING
    assert (
        "Invitation envoyée à Commune B (fictive) ; elle sera comptée quand un administrateur de Commune B (fictive) "
        "l'aura acceptée."
    ) in texts(response)
    assert [message.to for message in mail.outbox] == [[partner_admin.email]]


def test_editing_an_objective_whose_indicator_is_no_longer_shared_says_so(client, scheme, owner_editor, shared_hours):
    objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="", manual_indicator=shared_hours)
    client.force_login(owner_editor)

    response = client.get(reverse("plans:edit_node", args=["objectifs", objective.pk]))

    assert "n'est plus partagé avec ce SPASER" in response.context["form"].fields["indicator"].help_text


def test_my_space_lists_the_schemes_my_organisation_shares_once_accepted(client, scheme, partner, partner_member):
    partnership = PartnershipFactory(scheme=scheme, organisation=partner)
    client.force_login(partner_member)
    assert scheme.title not in client.get(reverse("organisations:home")).content.decode()

    partnership.status = PartnershipStatus.ACCEPTED
    partnership.save()

    page = client.get(reverse("organisations:home")).content.decode()
    assert page.count(f'<a href="{reverse("plans:detail", args=[scheme.pk])}">{scheme.title}</a>') == 1
