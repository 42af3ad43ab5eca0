import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from spaser.organisations.invitations import InvitationRefused, accept, cancel, invite, send_again
from spaser.organisations.models import Invitation, Membership, Role
from tests.organisations.factories import MembershipFactory, UserFactory


def _url(invitation):
    return f"https://spaser.example/compte/invitation/{invitation.token}/"


@pytest.fixture
def admin():
    return MembershipFactory(role=Role.ADMIN)


def test_an_invitation_expires_after_the_configured_days(admin, settings):
    settings.SPASER_INVITATION_DAYS = 3
    before = timezone.now()

    invitation = invite(admin.organisation, "Lea@Ville.example", Role.EDITOR, admin.user, _url)

    assert before + timedelta(days=3) <= invitation.expires_at <= timezone.now() + timedelta(days=3)
    assert _url(invitation) in mail.outbox[0].body
    assert "Ce lien est valable jusqu'au" in mail.outbox[0].body


def test_inviting_a_pending_address_again_sends_a_new_link_instead_of_a_second_invitation(admin):
    first = invite(admin.organisation, "lea@ville.example", Role.VIEWER, admin.user, _url)
    old_token = first.token
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(days=1))

    again = invite(admin.organisation, "LEA@ville.example", Role.EDITOR, admin.user, _url)

    assert Invitation.objects.get() == again
    assert (again.role, again.expired) == (Role.EDITOR, False)
    assert again.token != old_token
    assert not Invitation.objects.filter(token=old_token).exists()
    assert len(mail.outbox) == 2 and _url(again) in mail.outbox[1].body


def test_a_member_is_not_invited_again(admin):
    member = MembershipFactory(organisation=admin.organisation, user=UserFactory(email="lea@ville.example"))

    with pytest.raises(
        InvitationRefused, match=re.escape(f"lea@ville.example est déjà membre de {member.organisation}.")
    ):
        invite(admin.organisation, "Lea@ville.example", Role.ADMIN, admin.user, _url)

    assert not Invitation.objects.exists() and not mail.outbox


def test_a_member_whose_login_differs_from_the_address_is_not_invited_again(admin):
    MembershipFactory(
        organisation=admin.organisation, user=UserFactory(username="lea.durand", email="lea@ville.example")
    )

    with pytest.raises(InvitationRefused, match="déjà membre"):
        invite(admin.organisation, "lea@ville.example", Role.ADMIN, admin.user, _url)


def test_sending_again_renews_the_token_and_the_expiry(admin):
    invitation = invite(admin.organisation, "lea@ville.example", Role.VIEWER, admin.user, _url)
    old_token, old_expiry = invitation.token, invitation.expires_at

    send_again(invitation, admin.user, _url)

    invitation.refresh_from_db()
    assert invitation.token != old_token and invitation.expires_at > old_expiry


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"expires_at": timezone.now() - timedelta(minutes=1)}, "Cette invitation a expiré le"),
        ({"cancelled_at": timezone.now()}, "Cette invitation a été annulée."),
        ({"accepted_at": timezone.now()}, "Cette invitation a déjà été acceptée."),
    ],
)
def test_an_expired_cancelled_or_used_invitation_is_refused_in_french(admin, change, reason):
    invitation = Invitation.objects.create(organisation=admin.organisation, email="lea@ville.example", **change)

    with pytest.raises(InvitationRefused, match=reason):
        accept(invitation, UserFactory(email="lea@ville.example"))

    assert not Membership.objects.filter(user__email="lea@ville.example").exists()


def test_a_cancelled_invitation_is_no_longer_open(admin):
    invitation = invite(admin.organisation, "lea@ville.example", Role.VIEWER, admin.user, _url)

    cancel(invitation)

    assert not admin.organisation.invitations.open().exists()
    assert invite(admin.organisation, "lea@ville.example", Role.VIEWER, admin.user, _url).pk != invitation.pk
