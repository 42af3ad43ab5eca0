"""Who may do what in an organisation. Every view and API endpoint goes through these functions."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from spaser.organisations.models import Membership, Organisation, Role


EDIT_ROLES = {Role.ADMIN, Role.EDITOR}
MANUAL_DATA_ROLES = {Role.ADMIN, Role.EDITOR, Role.FACILITATOR}


def role_in(user, organisation: Organisation) -> str | None:
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, organisation=organisation).only("role").first()
    return membership.role if membership else None


def organisations_of(user):
    return (
        Organisation.objects.filter(memberships__user=user) if user.is_authenticated else Organisation.objects.none()
    )


def editable_organisations(user):
    """The organisations where the user may create and edit (schemes, manual indicators, imports): admin or editor."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__role__in=EDIT_ROLES)


def require_role(user, organisation: Organisation, roles: set[str] | None = None) -> str:
    """The user's role in the organisation (staff reads every organisation).

    Outsiders get the 404 of a missing object, so that ids do not reveal what exists; members (and staff) who may
    read but not do the action get a 403 that says why."""
    role = role_in(user, organisation)
    staff = user.is_authenticated and user.is_staff
    if role is None and not staff:
        raise Http404("Organisation introuvable.")
    if role is None and roles is None:
        return Role.VIEWER
    if role is None or (roles is not None and role not in roles):
        raise PermissionDenied("Votre rôle dans cette organisation ne permet pas cette action.")
    return role
