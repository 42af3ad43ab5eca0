"""Who may do what in an organisation. Every view and API endpoint goes through these functions."""

from django.core.exceptions import PermissionDenied

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


def require_role(user, organisation: Organisation, roles: set[str] | None = None) -> str:
    """The user's role in the organisation, or PermissionDenied (staff reads every organisation)."""
    role = role_in(user, organisation)
    if role is None and user.is_authenticated and user.is_staff and roles is None:
        return Role.VIEWER
    if role is None or (roles is not None and role not in roles):
        raise PermissionDenied("Vous n'avez pas accès à cette organisation.")
    return role
