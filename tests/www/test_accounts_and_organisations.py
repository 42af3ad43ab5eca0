import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from spaser.organisations.models import Invitation, Membership, Organisation, Role
from tests.indicators.factories import A1, A2, SIREN_A
from tests.organisations.factories import MembershipFactory, OrganisationFactory, UserFactory


PASSWORD = "mot-de-passe-de-test"


def test_login_and_logout(client):
    user = UserFactory()

    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.url == reverse("organisations:home")
    assert client.get(reverse("organisations:home")).status_code == 200

    client.post(reverse("accounts:logout"))
    assert client.get(reverse("organisations:home")).status_code == 302


def test_wrong_password_is_explained_in_french(client):
    user = UserFactory()

    response = client.post(reverse("accounts:login"), {"username": user.email, "password": "faux"})

    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()


def test_password_reset_by_mail(client):
    user = UserFactory()

    client.post(reverse("accounts:password_reset"), {"email": user.email})

    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session key
    new_password = "un-nouveau-mot-de-passe-solide"
    client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    user.refresh_from_db()
    assert user.check_password(new_password)


@pytest.fixture
def admin(client):
    membership = MembershipFactory(role=Role.ADMIN)
    client.force_login(membership.user)
    return membership


def test_an_admin_invites_a_newcomer_who_creates_an_account(client, admin):
    client.post(
        reverse("organisations:invite", args=[admin.organisation.pk]),
        {"email": "Nouvelle@Ville.example", "role": "editor"},
    )

    invitation = Invitation.objects.get()
    assert invitation.email == "nouvelle@ville.example"
    assert reverse("accounts:invitation", args=[invitation.token]) in mail.outbox[0].body
    client.logout()
    client.post(
        reverse("accounts:invitation", args=[invitation.token]),
        {"first_name": "Léa", "last_name": "Durand", "password": "un-mot-de-passe-solide"},
    )
    membership = Membership.objects.get(user__email="nouvelle@ville.example")
    assert (membership.organisation, membership.role) == (admin.organisation, Role.EDITOR)
    assert client.get(reverse("accounts:invitation", args=[invitation.token])).status_code == 404  # used once


def test_an_existing_user_accepts_while_logged_in(client, admin):
    member = UserFactory(email="deja@ville.example")
    invitation = Invitation.objects.create(organisation=admin.organisation, email=member.email, role=Role.VIEWER)
    client.force_login(member)

    client.post(reverse("accounts:invitation", args=[invitation.token]))

    assert Membership.objects.filter(user=member, organisation=admin.organisation, role=Role.VIEWER).exists()


def test_only_admins_invite_and_manage_members(client):
    editor = MembershipFactory(role=Role.EDITOR)
    colleague = MembershipFactory(organisation=editor.organisation, role=Role.VIEWER)
    client.force_login(editor.user)

    invite = client.post(
        reverse("organisations:invite", args=[editor.organisation.pk]), {"email": "x@y.fr", "role": "admin"}
    )
    change = client.post(
        reverse("organisations:member", args=[editor.organisation.pk, colleague.pk]), {"role": "admin"}
    )

    assert (invite.status_code, change.status_code) == (403, 403)
    assert not Invitation.objects.exists()
    colleague.refresh_from_db()
    assert colleague.role == Role.VIEWER


def test_an_admin_changes_a_role_and_removes_a_member(client, admin):
    colleague = MembershipFactory(organisation=admin.organisation, role=Role.VIEWER)
    url = reverse("organisations:member", args=[admin.organisation.pk, colleague.pk])

    client.post(url, {"role": "facilitator", "action": "changer"})
    colleague.refresh_from_db()
    assert colleague.role == Role.FACILITATOR

    client.post(url, {"action": "retirer"})
    assert not Membership.objects.filter(pk=colleague.pk).exists()


def test_another_organisation_is_closed(client, admin):
    other = MembershipFactory(role=Role.VIEWER)

    assert client.get(reverse("organisations:detail", args=[other.organisation.pk])).status_code == 404
    assert (
        client.post(
            reverse("organisations:invite", args=[other.organisation.pk]), {"email": "a@b.fr", "role": "admin"}
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("organisations:member", args=[other.organisation.pk, other.pk]), {"action": "retirer"}
        ).status_code
        == 404
    )
    assert Membership.objects.filter(pk=other.pk).exists()
    assert other.organisation.name not in client.get(reverse("organisations:home")).content.decode()


def test_staff_creates_an_organisation_from_the_reference_data(client, decp_store):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)

    client.post(reverse("organisations:create"), {"siren": SIREN_A})

    organisation = Organisation.objects.get(siren=SIREN_A)
    # tests/indicators/factories.py: unites_legales names buyer A "A", catégorie juridique 7210 (commune).
    assert (organisation.name, organisation.buyer_type) == ("A", "Commune")
    assert sorted(organisation.sirets) == sorted([A1, A2])
    assert Membership.objects.get(organisation=organisation).user == staff


def test_unknown_siren_needs_a_name_and_non_staff_cannot_create(client, decp_store):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("organisations:create"), {"siren": "123456789"})
    assert "saisissez le nom" in response.content.decode()

    client.force_login(UserFactory(email="agent@ville.example"))
    client.post(reverse("organisations:create"), {"siren": "123456789", "name": "X"})
    assert not Organisation.objects.filter(siren="123456789").exists()


def test_organisation_factory_users_are_distinct():
    assert OrganisationFactory().siren != OrganisationFactory().siren
    assert User.objects.count() == 0
