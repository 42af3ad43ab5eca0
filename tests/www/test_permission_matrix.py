"""Every URL of the platform × every kind of visitor × GET and POST, against the expected status in MATRIX.

The URL list comes from the URL configuration: a new URL without its row here fails `test_every_url_has_a_row`.
Each request runs in a savepoint rolled back afterwards, so that a POST that deletes or changes something does not
change what the next visitor meets. POSTs carry no data: a role that may act gets its form back with errors (200)
or is redirected (302); the point is who gets through, not what the form does.

Partner personas belong to two other organisations: one invited to share the scheme (pending), one whose admin
accepted. An accepted partner reads the scheme like the owner's members, without editing it; a pending one is an
outsider until it accepts, except on its own invitation.

Statuses: LOGIN is the login page (LoginRequiredMiddleware sends anonymous visitors there); 404 for outsiders is
the answer of a missing object, so that ids do not reveal what exists; 403 is a member whose role does not allow
the action; 405 a method the URL does not take.
"""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from spaser.directory.models import DirectoryEntry, DirectoryImport
from spaser.observatory.refresh import refresh
from spaser.organisations.models import Invitation, Role
from spaser.plans.models import ContractTag
from tests.governance.factories import matrix_arguments
from tests.indicators.factories import A1, SIREN_A
from tests.organisations.factories import BuyerAFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.plans.factories import (
    ActionFactory,
    ManualImportFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    PartnershipFactory,
    PublishedSchemeFactory,
    TargetFactory,
)
from tests.publications.factories import PublicationFactory


LOGIN = "login page"  # a redirection to the login page, told apart from the other 302
ROLES = {"admin": Role.ADMIN, "editor": Role.EDITOR, "facilitator": Role.FACILITATOR, "viewer": Role.VIEWER}
OWNER = tuple(f"owner_{role}" for role in ROLES)
OTHER = tuple(f"other_{role}" for role in ROLES)
PENDING = ("pending_partner_admin", "pending_partner_member")
ACCEPTED = ("accepted_partner_admin", "accepted_partner_member")
PARTNERS = (*PENDING, *ACCEPTED)
PERSONAS = ("anonymous", *OWNER, *OTHER, *PARTNERS, "staff")
GROUPS = {
    "everyone": PERSONAS,
    "owner": OWNER,
    "other": OTHER,
    "pending": PENDING,
    "accepted": ACCEPTED,
    "members": (*OWNER, *OTHER, *PARTNERS, "staff"),
}


def expect(**statuses: int | str) -> dict[str, int | str]:
    """Statuses per persona; a group (everyone, owner, other, members) first, then the personas it does not fit."""
    table = {}
    for key, status in statuses.items():
        table.update(dict.fromkeys(GROUPS.get(key, (key,)), status))
    assert set(table) == set(PERSONAS), f"personas without a status: {set(PERSONAS) - set(table)}"
    return table


PUBLIC = expect(everyone=200)
PUBLIC_READ_ONLY = expect(everyone=405)  # the API and pages that only read
READ = expect(anonymous=LOGIN, owner=200, other=404, pending=404, accepted=404, staff=200)
SCHEME_READ = {**READ, **dict.fromkeys(ACCEPTED, 200)}
OWNER_READ = {**READ, **dict.fromkeys(ACCEPTED, 403)}  # partners read the scheme, not what is the owner's own
EDIT = expect(
    anonymous=LOGIN, owner=403, owner_admin=200, owner_editor=200, other=404, pending=404, accepted=403, staff=403
)
EDIT_REDIRECT = {**EDIT, "owner_admin": 302, "owner_editor": 302}
MANUAL_DATA = expect(anonymous=LOGIN, owner=200, owner_viewer=403, other=404, pending=404, accepted=404, staff=403)
ORGANISATION_ADMIN = expect(
    anonymous=LOGIN, owner=403, owner_admin=302, other=404, pending=404, accepted=404, staff=403
)
# Purchase questionnaires: the owner's admins, editors and clause facilitators answer them; readers read.
QUESTION = expect(anonymous=LOGIN, owner=200, owner_viewer=403, other=404, pending=404, accepted=403, staff=403)
QUESTION_REDIRECT = {**QUESTION, **dict.fromkeys(("owner_admin", "owner_editor", "owner_facilitator"), 302)}
NOT_POST = {**expect(everyone=405), "anonymous": LOGIN}
NOT_GET = {**expect(everyone=405), "anonymous": LOGIN}
# Creating needs to be admin or editor somewhere: the other organisation's admins and editors create theirs.
CREATE = expect(
    anonymous=LOGIN,
    members=403,
    owner_admin=200,
    owner_editor=200,
    other_admin=200,
    other_editor=200,
    pending_partner_admin=200,
    accepted_partner_admin=200,
)
MANUAL_CREATE = CREATE
SIGNED_IN = expect(anonymous=LOGIN, members=200)
STAFF = expect(anonymous=LOGIN, members=403, staff=200)
ADMIN_SITE = expect(everyone=302, staff=200)
# The pending invitation: its admins answer it; the other members of both sides learn why they may not.
ANSWER = expect(anonymous=LOGIN, owner=403, other=404, pending=403, pending_partner_admin=200, accepted=404, staff=403)
# The accepted partnership: either side ends it (the owner's admins and editors, the partner's admins).
END = expect(
    anonymous=LOGIN,
    owner=403,
    owner_admin=302,
    owner_editor=302,
    other=404,
    pending=404,
    accepted=403,
    accepted_partner_admin=302,
    staff=403,
)

MATRIX = {
    "public:home": {"GET": PUBLIC, "POST": PUBLIC},
    "public:schemes": {"GET": PUBLIC, "POST": PUBLIC},
    "public:scheme": {"GET": PUBLIC, "POST": PUBLIC},
    "public:document": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},  # unpublished: tests/www/test_documents.py
    "public:contracts": {"GET": PUBLIC, "POST": PUBLIC},
    "public:audit": {"GET": PUBLIC, "POST": PUBLIC},
    "public:report": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "public:report_pdf": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "public:api": {"GET": PUBLIC, "POST": PUBLIC},
    "public:publications": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "public:publication": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "public:publication_download": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:publications": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "public:accessibility": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "public:legal": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "public:personal_data": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "public:indicators": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:obligation": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:obligation_buyer": {"GET": expect(everyone=301), "POST": PUBLIC_READ_ONLY},  # to the profile
    "observatory:profile": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:profiles_download": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:observatory_profile": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:obligation_download": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:schemes": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:directory": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:directory": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:directory_csv": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:directory_parquet": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:directory_schema": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:directory_template": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:directory_import": {"GET": STAFF, "POST": STAFF},
    "observatory:directory_add": {"GET": STAFF, "POST": STAFF},
    "observatory:directory_edit": {"GET": STAFF, "POST": STAFF},
    "observatory:directory_undo": {"GET": NOT_GET, "POST": expect(anonymous=LOGIN, members=403, staff=302)},
    "api:scheme": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:indicators": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:observatory_series": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:home": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:series": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "observatory:series_download": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:obligation": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:openapi": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:index": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "api:docs": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "exchange:schema": {"GET": PUBLIC, "POST": PUBLIC},
    "accounts:login": {"GET": PUBLIC, "POST": PUBLIC},
    "accounts:logout": {"GET": NOT_GET, "POST": expect(everyone=302, anonymous=LOGIN)},
    "accounts:password_reset": {"GET": PUBLIC, "POST": PUBLIC},
    "accounts:password_reset_done": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "accounts:password_reset_confirm": {"GET": PUBLIC, "POST": PUBLIC},
    "accounts:password_reset_complete": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "accounts:invitation": {"GET": PUBLIC, "POST": PUBLIC},
    "accounts:password_change": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "organisations:home": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "organisations:list": {"GET": STAFF, "POST": STAFF},
    "organisations:create": {"GET": STAFF, "POST": STAFF},
    "organisations:detail": {"GET": READ, "POST": READ},
    # An invalid invitation comes back on the members page, with the errors on its fields.
    "organisations:invite": {"GET": NOT_GET, "POST": {**ORGANISATION_ADMIN, "owner_admin": 200}},
    "organisations:member": {"GET": NOT_GET, "POST": ORGANISATION_ADMIN},
    "organisations:invitation": {"GET": NOT_GET, "POST": ORGANISATION_ADMIN},
    "plans:create": {"GET": CREATE, "POST": CREATE},
    "plans:detail": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    "plans:edit": {"GET": EDIT, "POST": EDIT},
    "plans:delete": {
        "GET": NOT_GET,
        "POST": expect(anonymous=LOGIN, members=403, owner_admin=302, other=404, pending=404),
    },
    # Editors see the checklist and the preview; only administrators publish and unpublish.
    "plans:publish": {"GET": EDIT, "POST": {**EDIT, "owner_admin": 302, "owner_editor": 403}},
    "plans:unpublish": {"GET": NOT_GET, "POST": {**EDIT, "owner_admin": 302, "owner_editor": 403}},
    "plans:dashboard": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    "plans:legal": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    "plans:contracts": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    "plans:audit": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    # The history tells the owner's manual data too: its members and staff, not partners.
    "plans:history": {"GET": OWNER_READ, "POST": OWNER_READ},
    # Admins, editors and clause facilitators comment an action (an empty comment comes back with its error).
    "plans:action": {
        "GET": SCHEME_READ,
        "POST": {**SCHEME_READ, "owner_viewer": 403, **dict.fromkeys(ACCEPTED, 403), "staff": 403},
    },
    # Members read the contracts tied to an engagement; admins and editors tie and untie them.
    "plans:engagement_contracts": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    "plans:tag_contract": {"GET": EDIT, "POST": EDIT},
    "plans:untag_contract": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "plans:import_tags": {"GET": EDIT, "POST": EDIT},
    "plans:tags_template": {"GET": EDIT, "POST": EDIT},
    "plans:report": {"GET": SCHEME_READ, "POST": NOT_POST},
    "plans:report_pdf": {"GET": SCHEME_READ, "POST": NOT_POST},
    "plans:create_node": {"GET": EDIT, "POST": EDIT},
    "plans:edit_node": {"GET": EDIT, "POST": EDIT},
    "plans:delete_node": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "plans:move_node": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "plans:invite_partner": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "plans:partnership": {"GET": ANSWER, "POST": ANSWER},
    "plans:end_partnership": {"GET": NOT_GET, "POST": END},
    "exchange:export": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    # Editors prepare the drafts; only the scheme organisation's administrators publish them.
    "publications:list": {"GET": SCHEME_READ, "POST": NOT_POST},
    "publications:prepare": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "publications:detail": {"GET": SCHEME_READ, "POST": NOT_POST},
    "publications:publish": {"GET": NOT_GET, "POST": {**EDIT, "owner_admin": 302, "owner_editor": 403}},
    "exchange:import": {"GET": CREATE, "POST": CREATE},
    "manual:list": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "manual:create": {"GET": MANUAL_CREATE, "POST": MANUAL_CREATE},
    "manual:detail": {"GET": READ, "POST": READ},
    "manual:value_create": {"GET": NOT_GET, "POST": MANUAL_DATA},
    "manual:import": {"GET": NOT_GET, "POST": MANUAL_DATA},
    "manual:import_confirm": {"GET": NOT_GET, "POST": {**MANUAL_DATA, **dict.fromkeys(OWNER[:3], 302)}},
    "manual:import_undo": {"GET": NOT_GET, "POST": {**MANUAL_DATA, **dict.fromkeys(OWNER[:3], 302)}},
    "manual:value_delete": {"GET": NOT_GET, "POST": {**MANUAL_DATA, **dict.fromkeys(OWNER[:3], 302)}},
    "manual:template": {"GET": READ, "POST": READ},
    # Governance: every reader of the scheme reads committees and meetings, its editors manage them; calendar
    # clients cannot log in, the feed's secret address (tests/www/test_governance_views.py) lets them in.
    "governance:index": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    "governance:committee_create": {"GET": EDIT, "POST": EDIT},
    "governance:committee_edit": {"GET": EDIT, "POST": EDIT},
    "governance:committee_delete": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "governance:member_add": {"GET": EDIT, "POST": EDIT},
    "governance:member_delete": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "governance:meeting_create": {"GET": EDIT, "POST": EDIT},
    "governance:meeting": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    "governance:meeting_edit": {"GET": EDIT, "POST": EDIT},
    "governance:meeting_delete": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "governance:decision_create": {"GET": EDIT, "POST": EDIT},
    "governance:decision_edit": {"GET": EDIT, "POST": EDIT},
    "governance:decision_delete": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "governance:calendar": {"GET": PUBLIC, "POST": PUBLIC_READ_ONLY},
    "governance:calendar_renew": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    "governance:questionnaires": {"GET": SCHEME_READ, "POST": SCHEME_READ},
    "governance:project_create": {"GET": QUESTION, "POST": QUESTION},
    "governance:project_edit": {"GET": QUESTION, "POST": QUESTION},
    "governance:project_delete": {"GET": NOT_GET, "POST": QUESTION_REDIRECT},
    "governance:project_contract": {"GET": QUESTION, "POST": QUESTION},
    "governance:project_unlink": {"GET": NOT_GET, "POST": QUESTION_REDIRECT},
    "governance:question_create": {"GET": EDIT, "POST": EDIT},
    "governance:question_edit": {"GET": EDIT, "POST": EDIT},
    "governance:question_delete": {"GET": NOT_GET, "POST": EDIT_REDIRECT},
    # Django's admin sends whoever is not staff to its own login page.
    "admin:index": {"GET": ADMIN_SITE, "POST": ADMIN_SITE},
}


@dataclass
class World:
    users: dict
    scheme: object
    objective: object
    action: object
    indicator: object
    value: object
    manual_import: object
    member: object
    invitation: object
    pending: object
    accepted: object
    publication: object


@pytest.fixture
def world(decp_store):
    owner, other = BuyerAFactory(), OrganisationFactory()
    users = {"anonymous": None, "staff": UserFactory(is_staff=True)}
    for organisation, prefix in ((owner, "owner"), (other, "other")):
        for name, role in ROLES.items():
            users[f"{prefix}_{name}"] = MembershipFactory(organisation=organisation, role=role).user
    scheme = PublishedSchemeFactory(organisation=owner, start_year=2024, end_year=2026, with_document=True)
    partnerships = {}
    for state, accepted in (("pending", False), ("accepted", True)):
        partner = OrganisationFactory()
        partnerships[state] = PartnershipFactory(scheme=scheme, organisation=partner, accepted=accepted)
        users[f"{state}_partner_admin"] = MembershipFactory(organisation=partner, role=Role.ADMIN).user
        users[f"{state}_partner_member"] = MembershipFactory(organisation=partner, role=Role.VIEWER).user
    objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1")
    TargetFactory(objective=objective, year=2026, value=30)
    indicator = ManualIndicatorFactory(organisation=owner)
    refresh(decp_store)
    return World(
        users=users,
        scheme=scheme,
        objective=objective,
        action=ActionFactory(engagement=objective.engagement),
        indicator=indicator,
        value=ManualValueFactory(indicator=indicator),
        manual_import=ManualImportFactory(indicator=indicator, values=1),
        member=users["owner_viewer"].memberships.get(),
        invitation=Invitation.objects.create(organisation=owner, email="nouvelle@collectivite.example"),
        publication=PublicationFactory(scheme=scheme, organisation=owner, published=True),
        **partnerships,
    )


def arguments(name: str, world: World) -> dict:
    scheme, objective = world.scheme, world.objective
    if name.startswith("governance:"):
        return matrix_arguments(name, scheme)
    return {
        "public:scheme": {"slug": scheme.slug},
        "public:document": {"slug": scheme.slug},
        "public:contracts": {"slug": scheme.slug, "objective_pk": objective.pk, "year": 2024},
        "public:audit": {"slug": scheme.slug, "objective_pk": objective.pk, "year": 2024},
        "public:report": {"slug": scheme.slug, "year": 2025},
        "public:report_pdf": {"slug": scheme.slug, "year": 2025},
        "api:scheme": {"slug": scheme.slug},
        "api:indicators": {"slug": scheme.slug},
        "observatory:series_download": {"name": "series.csv"},
        "observatory:directory_schema": {"name": "annuaire-spaser"},
        "observatory:directory_edit": {
            "pk": DirectoryEntry.objects.get_or_create(siren="216900001", start_year=2024, name="Commune")[0].pk
        },
        "observatory:directory_undo": {
            "pk": DirectoryImport.objects.get_or_create(file_name="annuaire.csv", rows=0)[0].pk
        },
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "jeton-perime"},
        "accounts:invitation": {"token": world.invitation.token},
        "organisations:detail": {"pk": scheme.organisation.pk},
        "organisations:invite": {"pk": scheme.organisation.pk},
        "organisations:member": {"pk": scheme.organisation.pk, "membership_pk": world.member.pk},
        "organisations:invitation": {"pk": scheme.organisation.pk, "invitation_pk": world.invitation.pk},
        "plans:detail": {"pk": scheme.pk},
        "plans:edit": {"pk": scheme.pk},
        "plans:delete": {"pk": scheme.pk},
        "plans:publish": {"pk": scheme.pk},
        "plans:unpublish": {"pk": scheme.pk},
        "plans:dashboard": {"pk": scheme.pk},
        "plans:legal": {"pk": scheme.pk},
        "plans:history": {"pk": scheme.pk},
        "plans:action": {"pk": world.action.pk},
        "plans:contracts": {"pk": scheme.pk, "objective_pk": objective.pk, "year": 2024},
        "plans:audit": {"pk": scheme.pk, "objective_pk": objective.pk, "year": 2024},
        "plans:engagement_contracts": {"pk": scheme.pk, "engagement_pk": objective.engagement.pk},
        "plans:tag_contract": {"pk": scheme.pk},
        "plans:import_tags": {"pk": scheme.pk},
        "plans:tags_template": {"pk": scheme.pk},
        "plans:untag_contract": {"pk": scheme.pk, "engagement_pk": objective.engagement.pk, "tag_pk": tag(world).pk},
        "plans:report": {"pk": scheme.pk, "year": 2025},
        "plans:report_pdf": {"pk": scheme.pk, "year": 2025},
        "plans:create_node": {"kind": "objectifs", "parent_pk": objective.engagement.pk},
        "plans:edit_node": {"kind": "objectifs", "node_pk": objective.pk},
        "plans:delete_node": {"kind": "actions", "node_pk": world.action.pk},
        "plans:move_node": {"kind": "objectifs", "node_pk": objective.pk},
        "exchange:export": {"pk": scheme.pk},
        "plans:invite_partner": {"pk": scheme.pk},
        "plans:partnership": {"pk": world.pending.pk},
        "plans:end_partnership": {"pk": world.accepted.pk},
        "manual:detail": {"pk": world.indicator.pk},
        "manual:value_create": {"pk": world.indicator.pk},
        "manual:import": {"pk": world.indicator.pk},
        "manual:import_confirm": {"pk": world.indicator.pk},
        "manual:import_undo": {"pk": world.indicator.pk, "import_pk": world.manual_import.pk},
        "manual:value_delete": {"pk": world.indicator.pk, "value_pk": world.value.pk},
        "manual:template": {"pk": world.indicator.pk},
        "observatory:obligation_buyer": {"siren": SIREN_A},
        "observatory:profile": {"siren": SIREN_A},
        "observatory:profiles_download": {"name": "profils.csv"},
        "api:observatory_profile": {"siren": SIREN_A},
        "observatory:obligation_download": {"file_format": "csv"},
        "publications:list": {"pk": scheme.pk},
        "publications:prepare": {"pk": scheme.pk},
        "publications:detail": {"pk": world.publication.pk},
        "publications:publish": {"pk": world.publication.pk},
        "public:publications": {"slug": scheme.slug},
        "public:publication": {"slug": scheme.slug, "year": world.publication.last_year},
        "public:publication_download": {"slug": scheme.slug, "year": world.publication.last_year, "name": "csv"},
        "api:publications": {"slug": scheme.slug},
    }.get(name, {})


def tag(world: World) -> ContractTag:
    engagement = world.objective.engagement
    return ContractTag.objects.get_or_create(
        engagement=engagement, uid=f"marche|{A1}|M1", contract_id="M1", buyer_siret=A1
    )[0]


def url_names(patterns, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def platform_url_names() -> set[str]:
    # The admin site guards every URL it generates with AdminSite.admin_view; its index stands for them.
    return {name for name in url_names(get_resolver().url_patterns) if not name.startswith("admin:")} | {"admin:index"}


def test_every_url_has_a_row():
    assert platform_url_names() - set(MATRIX) == set(), "add these URLs to MATRIX"
    assert set(MATRIX) - platform_url_names() == set(), "these rows name no URL"


def status(client, method: str, url: str, user) -> int | str:
    client.logout()
    if user is not None:
        client.force_login(user)
    with transaction.atomic():
        response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    if response.status_code == 302 and response.url.startswith(f"{reverse('accounts:login')}?next="):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_who_gets_through(client, world, name):
    url = reverse(name, kwargs=arguments(name, world))
    for method, expected in MATRIX[name].items():
        seen = {persona: status(client, method, url, world.users[persona]) for persona in PERSONAS}
        assert seen == expected, f"{method} {url}"
