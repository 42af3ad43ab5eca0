import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from spaser.organisations.models import Invitation, Membership, Organisation, Role
from spaser.www.templatetags.spaser_tags import day
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
    password = "un-mot-de-passe-solide"
    client.post(
        reverse("accounts:invitation", args=[invitation.token]),
        {"first_name": "Léa", "last_name": "Durand", "password1": password, "password2": password},
    )
    membership = Membership.objects.get(user__email="nouvelle@ville.example")
    assert (membership.organisation, membership.role) == (admin.organisation, Role.EDITOR)
    used = client.get(reverse("accounts:invitation", args=[invitation.token]))
    assert used.status_code == 410
    assert "Cette invitation a déjà été acceptée." in used.content.decode()


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


def test_an_admin_is_told_a_member_is_already_there(client, admin):
    colleague = MembershipFactory(organisation=admin.organisation, user=UserFactory(email="lea@ville.example"))

    response = client.post(
        reverse("organisations:invite", args=[admin.organisation.pk]),
        {"email": "lea@ville.example", "role": "editor"},
        follow=True,
    )

    assert f"lea@ville.example est déjà membre de {colleague.organisation}." in response.content.decode()
    assert not Invitation.objects.exists()
    assert f"<title>Erreur : {admin.organisation} — Spaser</title>" in response.content.decode()
    assert response.context["invitation_form"].errors["email"] == [
        f"lea@ville.example est déjà membre de {colleague.organisation}."
    ]


def test_inviting_a_pending_address_again_says_the_invitation_is_sent_again(client, admin):
    invite_url = reverse("organisations:invite", args=[admin.organisation.pk])
    client.post(invite_url, {"email": "lea@ville.example", "role": "editor"})

    response = client.post(invite_url, {"email": "Lea@ville.example", "role": "editor"}, follow=True)

    assert "Une invitation était déjà en attente pour lea@ville.example" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_the_members_page_lists_pending_invitations_and_names_the_member_of_each_button(client, admin):
    colleague = MembershipFactory(organisation=admin.organisation, user=UserFactory(email="paul@ville.example"))
    members_url = reverse("organisations:detail", args=[admin.organisation.pk])
    assert "Aucune invitation en attente." in client.get(members_url).content.decode()
    invitation = Invitation.objects.create(organisation=admin.organisation, email="lea@ville.example")

    page = client.get(members_url).content.decode()

    assert f"Jusqu'au {day(invitation.expires_at)}" in page
    assert """Retirer<span class="fr-sr-only"> paul@ville.example de l'organisation</span>""" in page
    assert 'Changer<span class="fr-sr-only"> le rôle de paul@ville.example</span>' in page
    assert """Renvoyer<span class="fr-sr-only"> l'invitation de lea@ville.example</span>""" in page
    assert """Annuler<span class="fr-sr-only"> l'invitation de lea@ville.example</span>""" in page
    assert f'for="role-{colleague.pk}">Rôle de paul@ville.example</label>' in page


def test_an_admin_sends_again_then_cancels_an_invitation_from_the_members_page(client, admin):
    invite_url = reverse("organisations:invite", args=[admin.organisation.pk])
    client.post(invite_url, {"email": "lea@ville.example", "role": "editor"})
    client.post(invite_url, {"email": "lea@ville.example", "role": "editor"})
    invitation = Invitation.objects.get()
    manage_url = reverse("organisations:invitation", args=[admin.organisation.pk, invitation.pk])
    assert manage_url in client.get(reverse("organisations:detail", args=[admin.organisation.pk])).content.decode()
    old_link = reverse("accounts:invitation", args=[invitation.token])

    client.post(manage_url, {"action": "renvoyer"})
    invitation.refresh_from_db()
    new_link = reverse("accounts:invitation", args=[invitation.token])
    assert len(mail.outbox) == 3 and new_link in mail.outbox[-1].body
    client.logout()
    dead = client.get(old_link)
    assert dead.status_code == 404 and "utilisez le dernier courriel" in dead.content.decode()
    assert client.get(new_link).status_code == 200

    client.force_login(admin.user)
    client.post(manage_url, {"action": "annuler"})
    client.logout()
    cancelled = client.get(new_link)
    assert cancelled.status_code == 410 and "Cette invitation a été annulée." in cancelled.content.decode()
    assert client.post(manage_url, {"action": "renvoyer"}).status_code == 302  # to the login page
    assert len(mail.outbox) == 3


def test_an_expired_invitation_is_explained(client, admin, settings):
    settings.SPASER_INVITATION_DAYS = 0
    client.post(
        reverse("organisations:invite", args=[admin.organisation.pk]), {"email": "lea@ville.example", "role": "editor"}
    )
    client.logout()

    response = client.post(
        reverse("accounts:invitation", args=[Invitation.objects.get().token]),
        {"first_name": "Léa", "last_name": "Durand", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 410 and "Cette invitation a expiré le" in response.content.decode()
    assert not User.objects.filter(username="lea@ville.example").exists()


def test_only_admins_send_again_or_cancel(client, admin):
    invitation = Invitation.objects.create(organisation=admin.organisation, email="lea@ville.example")
    editor = MembershipFactory(organisation=admin.organisation, role=Role.EDITOR)
    client.force_login(editor.user)

    response = client.post(
        reverse("organisations:invitation", args=[admin.organisation.pk, invitation.pk]), {"action": "annuler"}
    )

    assert response.status_code == 403
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None
