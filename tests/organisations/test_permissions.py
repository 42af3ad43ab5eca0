"""The organisations a user may create in: the one query behind the scheme, import and manual indicator pages."""

from django.contrib.auth.models import AnonymousUser

from spaser.organisations.models import Role
from spaser.organisations.permissions import editable_organisations
from tests.organisations.factories import MembershipFactory, OrganisationFactory, UserFactory


def test_editable_organisations_are_those_where_the_user_is_admin_or_editor():
    user = UserFactory()
    memberships = {role: MembershipFactory(user=user, role=role) for role in Role.values}
    MembershipFactory(role=Role.ADMIN)  # someone else's organisation
    OrganisationFactory()

    editable = set(editable_organisations(user))

    assert editable == {memberships[Role.ADMIN].organisation, memberships[Role.EDITOR].organisation}


def test_an_anonymous_visitor_edits_nothing():
    assert list(editable_organisations(AnonymousUser())) == []
