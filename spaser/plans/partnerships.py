"""Partnerships between organisations on a scheme: invited by the owner, accepted or declined by the partner.

A partner is counted in the scheme's indicators, shown and reads the scheme only once an administrator of it has
accepted; it shares only the manual indicators it picks. Either side may end the partnership. Who may call each
function is checked by `spaser.plans.access`.
"""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from spaser.organisations.models import Organisation, Role
from spaser.plans.models import ManualIndicator, Partnership, PartnershipStatus, Scheme


OPEN = (PartnershipStatus.PENDING, PartnershipStatus.ACCEPTED)


@transaction.atomic
def propose(scheme: Scheme, organisation: Organisation, invited_by) -> Partnership:
    """A pending invitation (a declined or ended one is reopened); no e-mail: see `notify`."""
    if organisation.pk == scheme.organisation_id:
        raise ValidationError("L'organisation porteuse ne peut pas être sa propre partenaire.")
    partnership, created = Partnership.objects.get_or_create(
        scheme=scheme, organisation=organisation, defaults={"invited_by": invited_by}
    )
    if created:
        return partnership
    if partnership.status == PartnershipStatus.PENDING:
        raise ValidationError(f"{organisation} a déjà une invitation en attente pour ce SPASER.")
    if partnership.status == PartnershipStatus.ACCEPTED:
        raise ValidationError(f"{organisation} est déjà partenaire de ce SPASER.")
    partnership.status, partnership.invited_by, partnership.invited_at = (
        PartnershipStatus.PENDING,
        invited_by,
        timezone.now(),
    )
    partnership.answered_by = partnership.answered_at = None
    partnership.save()
    partnership.shared_indicators.clear()
    return partnership


def notify(partnership: Partnership, answer_url: str) -> int:
    """E-mail the partner's administrators; the number of recipients."""
    admins = partnership.organisation.memberships.filter(role=Role.ADMIN).values_list("user__email", flat=True)
    recipients = sorted(set(admins))
    if not recipients:
        return 0
    scheme = partnership.scheme
    inviter = partnership.invited_by
    who = (inviter.get_full_name() or inviter.email) if inviter else "Un membre"
    send_mail(
        subject=f"{scheme.organisation} vous invite à partager son SPASER sur Spaser",
        message=(
            f"Bonjour,\n\n{who} de {scheme.organisation} invite {partnership.organisation} à partager le SPASER "
            f"« {scheme.title} » ({scheme.start_year}–{scheme.end_year}).\n\n"
            "Si vous acceptez, les marchés de votre organisation seront comptés dans ses indicateurs, ses membres "
            "pourront le consulter et vous choisirez les indicateurs saisis que vous partagez avec lui. "
            "Rien n'est partagé tant qu'un administrateur n'a pas accepté.\n\n"
            f"Pour répondre : {answer_url}\n\nL'équipe Spaser"
        ),
        from_email=None,
        recipient_list=recipients,
    )
    return len(recipients)


def invite(scheme: Scheme, organisation: Organisation, invited_by, answer_url_for: Callable) -> Partnership:
    partnership = propose(scheme, organisation, invited_by)
    notify(partnership, answer_url_for(partnership))
    return partnership


def invitation_notice(partnership: Partnership) -> str:
    partner = partnership.organisation
    return f"Invitation envoyée à {partner} ; elle sera comptée quand un administrateur de {partner} l'aura acceptée."


def _answer(partnership: Partnership, status: str, user) -> None:
    partnership.status, partnership.answered_by, partnership.answered_at = status, user, timezone.now()
    partnership.save(update_fields=["status", "answered_by", "answered_at"])
    partnership.scheme.touch()  # the scope, the readers and the manual values of the dashboard change


def _require(partnership: Partnership, *statuses: str) -> None:
    if partnership.status not in statuses:
        raise ValidationError(f"Ce partenariat est dans l'état « {partnership.get_status_display()} ».")


@transaction.atomic
def accept(partnership: Partnership, user, indicators: Iterable[ManualIndicator] = ()) -> None:
    _require(partnership, PartnershipStatus.PENDING)
    share(partnership, indicators)
    _answer(partnership, PartnershipStatus.ACCEPTED, user)


@transaction.atomic
def decline(partnership: Partnership, user) -> None:
    _require(partnership, PartnershipStatus.PENDING)
    _answer(partnership, PartnershipStatus.DECLINED, user)


@transaction.atomic
def end(partnership: Partnership, user) -> None:
    """Cancel an invitation or end a partnership, from either side; the partner's values stop being shown."""
    _require(partnership, *OPEN)
    partnership.shared_indicators.clear()
    _answer(partnership, PartnershipStatus.REVOKED, user)


@transaction.atomic
def share(partnership: Partnership, indicators: Iterable[ManualIndicator]) -> None:
    """The partner's manual indicators offered to the scheme; only its own indicators can be shared."""
    _require(partnership, *OPEN)
    indicators = list(indicators)
    if any(indicator.organisation_id != partnership.organisation_id for indicator in indicators):
        raise ValidationError("Seuls les indicateurs saisis de l'organisation partenaire peuvent être partagés.")
    partnership.shared_indicators.set(indicators)
    partnership.scheme.touch()
