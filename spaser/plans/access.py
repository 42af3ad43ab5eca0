"""Who may read or change a scheme: members of its owner and accepted partners read, the owner's admins and editors
write; a partner's admins answer its invitations and may leave."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from spaser.organisations.models import Membership, Role
from spaser.organisations.permissions import EDIT_ROLES, MANUAL_DATA_ROLES
from spaser.plans.models import Partnership, Scheme


def can_read(user, scheme: Scheme) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    organisations = [scheme.organisation_id, *scheme.partnerships.accepted().values_list("organisation", flat=True)]
    return Membership.objects.filter(user=user, organisation__in=organisations).exists()


def can_edit(user, scheme: Scheme) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation=scheme.organisation_id, role__in=EDIT_ROLES).exists()
    )


def can_question(user, scheme: Scheme) -> bool:
    """Purchase questionnaires are the owner's buyers' work: its admins, editors and clause facilitators."""
    return (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, organisation=scheme.organisation_id, role__in=MANUAL_DATA_ROLES
        ).exists()
    )


def can_read_history(user, scheme: Scheme) -> bool:
    """The change history (manual data included) is the owner's business: its members and staff, not partners."""
    return user.is_authenticated and (
        user.is_staff or Membership.objects.filter(user=user, organisation=scheme.organisation_id).exists()
    )


def require_read(user, scheme: Scheme) -> None:
    """Outsiders get the 404 of a missing scheme: ids must not reveal which schemes exist."""
    if not can_read(user, scheme):
        raise Http404("SPASER introuvable.")


def require_edit(user, scheme: Scheme) -> None:
    require_read(user, scheme)
    if not can_edit(user, scheme):
        raise PermissionDenied(
            "Seuls les administrateurs et rédacteurs de l'organisation porteuse modifient ce SPASER."
        )


def require_question(user, scheme: Scheme) -> None:
    require_read(user, scheme)
    if not can_question(user, scheme):
        raise PermissionDenied(
            "Seuls les administrateurs, rédacteurs et facilitateurs des clauses de l'organisation porteuse "
            "remplissent les questionnaires d'achat."
        )


def require_history(user, scheme: Scheme) -> None:
    require_read(user, scheme)
    if not can_read_history(user, scheme):
        raise PermissionDenied("L'historique de ce SPASER est réservé aux membres de l'organisation porteuse.")


def can_answer(user, partnership: Partnership) -> bool:
    """Accept, decline, choose the shared indicators or leave: the partner organisation's administrators."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation=partnership.organisation_id, role=Role.ADMIN).exists()
    )


def _refuse(user, partnership: Partnership, reason: str):
    """Outsiders get the 404 of a missing partnership; members of either side (and staff) a 403 that says why."""
    sides = [partnership.organisation_id, partnership.scheme.organisation_id]
    if not (user.is_staff or Membership.objects.filter(user=user, organisation__in=sides).exists()):
        raise Http404("Partenariat introuvable.")
    raise PermissionDenied(reason)


def require_answer(user, partnership: Partnership) -> None:
    if not can_answer(user, partnership):
        _refuse(user, partnership, "Seuls les administrateurs de l'organisation invitée répondent à cette invitation.")


def require_end(user, partnership: Partnership) -> None:
    """Either side ends a partnership: the owner's admins and editors, or the partner's admins."""
    if not (can_edit(user, partnership.scheme) or can_answer(user, partnership)):
        _refuse(
            user,
            partnership,
            "Seuls les administrateurs et rédacteurs de l'organisation porteuse, ou les "
            "administrateurs de l'organisation partenaire, mettent fin à un partenariat.",
        )
