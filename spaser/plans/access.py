"""Who may read or change a scheme: members of its organisations read, the owner's admins and editors write."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from spaser.organisations.models import Membership
from spaser.organisations.permissions import EDIT_ROLES
from spaser.plans.models import Scheme


def can_read(user, scheme: Scheme) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    organisations = [scheme.organisation_id, *scheme.partners.values_list("pk", flat=True)]
    return Membership.objects.filter(user=user, organisation__in=organisations).exists()


def can_edit(user, scheme: Scheme) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation=scheme.organisation_id, role__in=EDIT_ROLES).exists()
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
