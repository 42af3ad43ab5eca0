"""Inviting a member by e-mail and accepting the invitation."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from spaser.organisations.models import Invitation, Membership


def invite(organisation, email: str, role: str, invited_by, accept_url_for) -> Invitation:
    invitation = Invitation.objects.create(
        organisation=organisation, email=email.lower(), role=role, invited_by=invited_by
    )
    send_mail(
        subject=f"Invitation à rejoindre {organisation} sur Spaser",
        message=(
            f"Bonjour,\n\n{invited_by.get_full_name() or invited_by.email} vous invite à rejoindre l'espace de "
            f"{organisation} sur Spaser, avec le rôle « {invitation.get_role_display()} ».\n\n"
            f"Pour accepter l'invitation : {accept_url_for(invitation)}\n\nL'équipe Spaser"
        ),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return invitation


@transaction.atomic
def accept(invitation: Invitation, user) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership
