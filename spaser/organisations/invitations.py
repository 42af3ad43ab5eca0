"""Inviting a member by e-mail, sending an invitation again, cancelling it and accepting it.

A link works until its expiry (SPASER_INVITATION_DAYS after it was sent); sending again draws a new token, so
the previous link dies. An organisation has at most one open invitation per address.
"""

from collections.abc import Callable

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from spaser.organisations.models import Invitation, Membership, Organisation


class InvitationRefused(Exception):
    """What stops an invitation from being sent or accepted, in French for the person who tried."""


AcceptUrl = Callable[[Invitation], str]


def invite(organisation: Organisation, email: str, role: str, invited_by, accept_url_for: AcceptUrl) -> Invitation:
    """A new invitation, or the open one for this address sent again with this role; never for a member."""
    email = email.lower()
    same_address = Q(user__username__iexact=email) | Q(user__email__iexact=email)
    if Membership.objects.filter(same_address, organisation=organisation).exists():
        raise InvitationRefused(f"{email} est déjà membre de {organisation}.")
    invitation = organisation.invitations.open().filter(email=email).first()
    if invitation is None:
        invitation = Invitation(organisation=organisation, email=email)
    invitation.role = role
    return send_again(invitation, invited_by, accept_url_for)


def send_again(invitation: Invitation, invited_by, accept_url_for: AcceptUrl) -> Invitation:
    """Send (again) with a fresh token and expiry: a link sent before stops working."""
    invitation.renew()
    invitation.invited_by = invited_by
    invitation.save()
    until = date_format(timezone.localtime(invitation.expires_at), "j F Y")
    organisation = invitation.organisation
    send_mail(
        subject=f"Invitation à rejoindre {organisation} sur Spaser",
        message=(
            f"Bonjour,\n\n{invited_by.get_full_name() or invited_by.email} vous invite à rejoindre l'espace de "
            f"{organisation} sur Spaser, avec le rôle « {invitation.get_role_display()} ».\n\n"
            f"Pour accepter l'invitation : {accept_url_for(invitation)}\n"
            f"Ce lien est valable jusqu'au {until} ; il remplace tout lien reçu auparavant.\n\nL'équipe Spaser"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return invitation


def cancel(invitation: Invitation) -> None:
    invitation.cancelled_at = timezone.now()
    invitation.save(update_fields=["cancelled_at"])


@transaction.atomic
def accept(invitation: Invitation, user) -> Membership:
    """The user joins with the invited role, once, while the invitation is valid (checked under a row lock)."""
    invitation = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    if refusal := invitation.refusal():
        raise InvitationRefused(refusal)
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership
