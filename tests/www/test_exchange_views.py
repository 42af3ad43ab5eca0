"""Downloading a SPASER as JSON and importing a file: permissions, the created tree, errors listed by place."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from spaser.organisations.models import Role
from spaser.plans.exchange import export_scheme
from spaser.plans.exchange_format import SCHEMA
from spaser.plans.exchange_validation import validate
from spaser.plans.models import Action, Axis, Engagement, Objective, Scheme, Status, Target
from tests.organisations.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.plans.factories import ObjectiveFactory, SchemeFactory, TargetFactory


FIXTURES = Path(__file__).parents[1] / "fixtures" / "exchange"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    if content is None:
        content = (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="application/json")


@pytest.fixture
def member(client):
    membership = MembershipFactory(role=Role.VIEWER)
    client.force_login(membership.user)
    return membership


@pytest.fixture
def scheme(member):
    scheme = SchemeFactory(organisation=member.organisation, title="SPASER de Valbourg", slug="spaser-de-valbourg")
    objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1")
    TargetFactory(objective=objective, year=2026, value=30)
    return scheme


@pytest.fixture
def editor(client):
    membership = MembershipFactory(role=Role.EDITOR)
    client.force_login(membership.user)
    return membership


def post_import(client, organisation, file):
    return client.post(reverse("exchange:import"), {"organisation": organisation.pk, "file": file})


# Export


def test_a_member_downloads_the_scheme_as_a_json_attachment(client, scheme):
    response = client.get(reverse("exchange:export", args=[scheme.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="spaser-de-valbourg.json"'
    document = json.loads(response.content.decode("utf-8"))
    assert document == export_scheme(scheme)
    assert document["axes"][0]["engagements"][0]["objectives"][0]["targets"] == [{"year": 2026, "value": 30}]
    assert validate(document) == []


def test_staff_downloads_any_scheme(client, scheme):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(reverse("exchange:export", args=[scheme.pk])).status_code == 200


def test_a_member_of_another_organisation_cannot_download(client, scheme):
    client.force_login(MembershipFactory(role=Role.ADMIN).user)

    assert client.get(reverse("exchange:export", args=[scheme.pk])).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, scheme):
    client.logout()
    url = reverse("exchange:export", args=[scheme.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_the_schema_is_published(client):
    response = client.get(reverse("exchange:schema"))

    assert response.status_code == 200
    assert json.loads(response.content) == SCHEMA


# Import


def test_the_import_page_offers_the_organisations_the_user_edits(client, editor):
    MembershipFactory(user=editor.user, role=Role.VIEWER, organisation=OrganisationFactory(name="Lecture seule"))

    response = client.get(reverse("exchange:import"))

    assert response.status_code == 200
    choices = list(response.context["form"].fields["organisation"].queryset)
    assert choices == [editor.organisation]
    assert "Lecture seule" not in response.content.decode()


def test_an_editor_imports_a_file_and_gets_the_whole_tree(client, editor):
    response = post_import(client, editor.organisation, upload("good_full.json"))

    scheme = Scheme.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("plans:detail", args=[scheme.pk])
    assert (scheme.organisation, scheme.status) == (editor.organisation, Status.DRAFT)
    document = json.loads((FIXTURES / "good_full.json").read_text(encoding="utf-8"))
    engagements = [e for axis in document["axes"] for e in axis["engagements"]]
    objectives = [o for e in engagements for o in e["objectives"]]
    assert Axis.objects.filter(scheme=scheme).count() == len(document["axes"])
    assert Engagement.objects.filter(axis__scheme=scheme).count() == len(engagements)
    assert Objective.objects.filter(engagement__axis__scheme=scheme).count() == len(objectives)
    assert Target.objects.filter(objective__engagement__axis__scheme=scheme).count() == sum(
        len(o["targets"]) for o in objectives
    )
    assert Action.objects.filter(engagement__axis__scheme=scheme).count() == sum(
        len(e["actions"]) for e in engagements
    )
    messages = [str(message) for message in client.get(reverse("exchange:import")).context["messages"]]
    assert messages == [f"Le SPASER « {document['scheme']['title']} » a été importé comme brouillon."]


def test_errors_are_listed_by_place_and_nothing_is_stored(client, editor):
    response = post_import(client, editor.organisation, upload("bad_target_out_of_range.json"))

    assert response.status_code == 200
    assert not Scheme.objects.exists()
    errors = response.context["errors"]
    assert errors == validate(json.loads((FIXTURES / "bad_target_out_of_range.json").read_bytes()))
    page = response.content.decode()
    assert "« bad_target_out_of_range.json » n'a pas été importé : 4 erreurs" in page
    for error in errors:
        assert f"<strong>{escape(error.place)}</strong> : {escape(error.message)}" in page


def test_malformed_json_is_reported_with_the_file_name_line_and_column(client, editor):
    response = post_import(client, editor.organisation, upload("spaser.json", b'{\n  "format": "spaser",\n}'))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Le fichier « spaser.json » n'est pas un JSON valide : nom de champ entre guillemets droits attendu "
        "(ligne 3, colonne 1)."
    ]
    assert not Scheme.objects.exists()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("spaser.csv", b"{}", "« spaser.csv » n'est pas un fichier .json"),
        ("spaser.json", '{"title": "Schéma"}'.encode("latin-1"), "« spaser.json » n'est pas encodé en UTF-8"),
        ("spaser.json", b" " * (2 * 1024 * 1024 + 1), "« spaser.json » dépasse 2 Mo"),
    ],
)
def test_files_that_are_not_small_utf8_json_are_refused(client, editor, name, content, message):
    response = post_import(client, editor.organisation, upload(name, content))

    (error,) = response.context["form"].errors["file"]
    assert message in error
    assert not Scheme.objects.exists()


def test_a_viewer_cannot_import(client, member):
    assert client.get(reverse("exchange:import")).status_code == 403
    assert post_import(client, member.organisation, upload("good_minimal.json")).status_code == 403
    assert not Scheme.objects.exists()


def test_importing_into_an_organisation_the_user_does_not_edit_is_refused(client, editor):
    viewed = MembershipFactory(user=editor.user, role=Role.VIEWER).organisation
    foreign = OrganisationFactory()

    for organisation in (viewed, foreign):
        response = post_import(client, organisation, upload("good_minimal.json"))

        assert response.status_code == 200
        assert "organisation" in response.context["form"].errors
    assert not Scheme.objects.exists()


def test_an_anonymous_visitor_cannot_import(client):
    response = client.get(reverse("exchange:import"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
