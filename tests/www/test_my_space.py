"""/espace/: where each organisation stands and its next step, by role; shared schemes; the staff's list."""

import pytest
from django.urls import reverse

from spaser.organisations.models import Role
from spaser.plans.models import PartnershipStatus
from tests.organisations.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.plans.factories import (
    AxisFactory,
    ManualIndicatorFactory,
    ManualValueFactory,
    ObjectiveFactory,
    PartnershipFactory,
    PublishedSchemeFactory,
    SchemeFactory,
)


HOME = reverse("organisations:home")
CREATE, IMPORT = reverse("plans:create"), reverse("exchange:import")


def my_space(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_an_admin_without_a_scheme_is_told_to_create_it(client):
    admin = MembershipFactory(role=Role.ADMIN)

    page = my_space(client, admin.user)

    assert "Votre SPASER, à créer" in page
    assert "Prochaine étape : Créer le SPASER." in page
    assert f'href="{CREATE}">Créer le SPASER' in page
    assert f'href="{CREATE}">Nouveau SPASER' in page and IMPORT in page
    assert page.count("À compléter") == 4 and "À venir" in page


@pytest.mark.parametrize("role", [Role.VIEWER, Role.FACILITATOR])
def test_readers_and_facilitators_see_the_steps_without_the_actions_they_cannot_take(client, role):
    member = MembershipFactory(role=role)

    page = my_space(client, member.user)

    assert "Prochaine étape : Créer le SPASER." in page
    assert "Cette étape revient à un administrateur ou un rédacteur de l'organisation." in page
    assert CREATE not in page and IMPORT not in page
    assert "Nouveau SPASER" not in page and "Importer un SPASER" not in page


def test_a_facilitator_is_sent_to_the_manual_data_when_it_is_the_next_step(client):
    facilitator = MembershipFactory(role=Role.FACILITATOR)
    scheme = SchemeFactory(organisation=facilitator.organisation)
    hours = ManualIndicatorFactory(organisation=facilitator.organisation, label="Heures d'insertion")
    ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="", manual_indicator=hours)

    page = my_space(client, facilitator.user)

    assert "Prochaine étape : Saisir ou importer les données hors DECP." in page
    assert "Indicateurs suivis sans aucune valeur : Heures d&#x27;insertion." in page
    assert f'href="{reverse("manual:list")}">Saisir ou importer des données' in page


def test_an_editor_is_told_which_axes_lack_objectives(client):
    editor = MembershipFactory(role=Role.EDITOR)
    scheme = SchemeFactory(organisation=editor.organisation)
    ObjectiveFactory(engagement__axis__scheme=scheme)
    AxisFactory(scheme=scheme, title="Achats écologiques")

    page = my_space(client, editor.user)

    assert "Axes sans objectif : Achats écologiques." in page
    assert f'href="{reverse("plans:detail", args=[scheme.pk])}">Ajouter des objectifs' in page


def test_a_scheme_without_axes_asks_for_one(client):
    editor = MembershipFactory(role=Role.EDITOR)
    scheme = SchemeFactory(organisation=editor.organisation)

    page = my_space(client, editor.user)

    assert f'href="{reverse("plans:create_node", args=["axes", scheme.pk])}">Ajouter un axe' in page


def test_a_complete_draft_leads_to_the_publishing_checklist(client):
    editor = MembershipFactory(role=Role.EDITOR)
    scheme = SchemeFactory(organisation=editor.organisation)
    ObjectiveFactory(engagement__axis__scheme=scheme)
    ManualValueFactory(indicator__organisation=editor.organisation)

    page = my_space(client, editor.user)

    assert "Prochaine étape : Publier le SPASER." in page
    assert f'href="{reverse("plans:publish", args=[scheme.pk])}">Préparer la publication' in page


def test_a_published_scheme_with_its_data_has_only_the_upcoming_step_left(client):
    admin = MembershipFactory(role=Role.ADMIN)
    scheme = PublishedSchemeFactory(organisation=admin.organisation)
    ObjectiveFactory(engagement__axis__scheme=scheme)
    ManualValueFactory(indicator__organisation=admin.organisation)

    page = my_space(client, admin.user)

    assert page.count(">Fait</p>") == 4 and "À compléter" not in page
    assert "Toutes les étapes disponibles sont faites." in page


def test_staff_see_no_creation_button_but_the_organisation_list(client):
    staff = UserFactory(is_staff=True)

    page = my_space(client, staff)

    assert CREATE not in page and IMPORT not in page
    assert reverse("organisations:list") in page
    assert "Vous n&#x27;êtes membre d&#x27;aucune organisation" not in page


def test_a_reader_who_types_the_creation_address_is_refused_in_french(client):
    client.force_login(MembershipFactory(role=Role.VIEWER).user)

    response = client.get(CREATE)

    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode() and "Forbidden" not in response.content.decode()


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        (PartnershipStatus.ACCEPTED, True),
        (PartnershipStatus.PENDING, False),
        (PartnershipStatus.DECLINED, False),
        (PartnershipStatus.REVOKED, False),
    ],
)
def test_only_an_accepted_partner_sees_the_shared_scheme_read_only(client, status, shown):
    scheme = SchemeFactory(title="SPASER de la métropole")
    partner_member = MembershipFactory(role=Role.VIEWER)
    PartnershipFactory(scheme=scheme, organisation=partner_member.organisation, status=status)

    page = my_space(client, partner_member.user)

    assert ("SPASER partagés avec vous" in page) is shown
    assert ("SPASER de la métropole" in page) is shown
    assert ("Lecture seule" in page) is shown
    assert ("est partenaire d'un SPASER mutualisé" in page) is shown


def test_a_member_of_both_sides_finds_the_scheme_with_its_owner_only(client):
    scheme = SchemeFactory(title="SPASER de la métropole")
    editor = MembershipFactory(organisation=scheme.organisation, role=Role.EDITOR)
    MembershipFactory(user=editor.user, role=Role.VIEWER, organisation=OrganisationFactory())
    PartnershipFactory(
        scheme=scheme, organisation=editor.user.memberships.exclude(pk=editor.pk).get().organisation, accepted=True
    )

    page = my_space(client, editor.user)

    assert "SPASER partagés avec vous" not in page
    assert page.count(f'<a href="{reverse("plans:detail", args=[scheme.pk])}">SPASER de la métropole</a>') == 1


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    return user


def test_staff_list_every_organisation_with_its_schemes_and_members(client, staff):
    town = OrganisationFactory(name="Commune de Valfleurie", siren="219000501")
    SchemeFactory(organisation=town, title="SPASER de Valfleurie")
    MembershipFactory(organisation=town, user=UserFactory(email="maire@valfleurie.example"), role=Role.ADMIN)
    OrganisationFactory(name="Département du Nord fictif", siren="229000777")

    page = client.get(reverse("organisations:list")).content.decode()

    assert "Commune de Valfleurie" in page and "Département du Nord fictif" in page
    assert "SPASER de Valfleurie" in page and "maire@valfleurie.example — administrateur" in page
    assert reverse("organisations:detail", args=[town.pk]) in page


@pytest.mark.parametrize("query", ["valfleur", "219000501", "219 000"])
def test_staff_search_organisations_by_name_or_siren(client, staff, query):
    OrganisationFactory(name="Commune de Valfleurie", siren="219000501")
    OrganisationFactory(name="Département du Nord fictif", siren="229000777")

    response = client.get(reverse("organisations:list"), {"q": query})

    names = [organisation.name for organisation in response.context["page"].object_list]
    assert names == ["Commune de Valfleurie"]


def test_members_do_not_see_the_organisation_list(client):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)

    response = client.get(reverse("organisations:list"))

    assert response.status_code == 403
    assert "Seule l&#x27;équipe de la plateforme consulte la liste des organisations." in response.content.decode()
