"""The publishing page (checklist and preview), publish and unpublish: editors prepare, administrators publish;
what is unpublished leaves every public page, cached or not, and the API."""

import pytest
from django.test import Client
from django.urls import reverse

from spaser.formatting import day
from spaser.organisations.models import Role
from spaser.plans.models import Scheme, Status
from tests.organisations.factories import BuyerAFactory, MembershipFactory
from tests.plans.factories import ObjectiveFactory, SchemeFactory, TargetFactory


@pytest.fixture
def organisation(decp_store):
    return BuyerAFactory()


def signed_in(organisation, role) -> Client:
    client = Client()
    client.force_login(MembershipFactory(organisation=organisation, role=role).user)
    return client


@pytest.fixture
def admin(organisation):
    return signed_in(organisation, Role.ADMIN)


@pytest.fixture
def editor(organisation):
    return signed_in(organisation, Role.EDITOR)


def ready(organisation, **kwargs) -> Scheme:
    scheme = SchemeFactory(organisation=organisation, ready_to_publish=True, start_year=2024, end_year=2026, **kwargs)
    objective = ObjectiveFactory(engagement__axis__scheme=scheme, indicator_code="S1", title="Objectif social")
    TargetFactory(objective=objective, year=2026, value=30)
    return scheme


def page(client, scheme):
    return client.get(reverse("plans:publish", args=[scheme.pk]))


def test_the_page_shows_the_checklist_and_a_noindexed_preview_of_the_public_page(editor, organisation):
    scheme = ready(organisation, deliberation="")

    response = page(editor, scheme)

    content = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert [(item.label, item.done) for item in response.context["missing"]] == [("Délibération", False)]
    assert "À compléter d'abord : Délibération." in content
    assert f'href="{reverse("plans:edit", args=[scheme.pk])}#id_deliberation"' in content
    assert "Aperçu — non publié" in content
    assert "Objectif social" in content  # the dashboard as the public page shows it
    assert "Fiche du SPASER" in content
    assert "Publier ce SPASER" not in content


def test_an_editor_sees_a_ready_scheme_but_may_not_publish_it(editor, organisation):
    scheme = ready(organisation)

    content = page(editor, scheme).content.decode()
    response = editor.post(reverse("plans:publish", args=[scheme.pk]))

    assert "Seul un administrateur" in content
    assert "Publier ce SPASER" not in content
    assert response.status_code == 403
    scheme.refresh_from_db()
    assert scheme.status == Status.ADOPTED


def test_an_administrator_publishes_a_ready_scheme_after_the_preview(admin, organisation):
    scheme = ready(organisation)
    assert "Publier ce SPASER" in page(admin, scheme).content.decode()

    response = admin.post(reverse("plans:publish", args=[scheme.pk]))

    assert response.url == scheme.get_absolute_url()
    scheme.refresh_from_db()
    assert scheme.status == Status.PUBLISHED
    public = Client().get(scheme.public_url())
    assert public.status_code == 200
    assert f"{day(scheme.published_at)}, mis à jour le {day(scheme.updated_at)}" in public.content.decode()


def test_publishing_waits_for_the_missing_items_and_names_them(admin, organisation):
    scheme = SchemeFactory(organisation=organisation, start_year=2024, end_year=2026)

    response = admin.post(reverse("plans:publish", args=[scheme.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Erreur : Publier" in content
    assert (
        "À compléter : Date d&#x27;adoption ; Délibération ; Au moins un objectif par axe ; Document du SPASER."
        in content
    )
    scheme.refresh_from_db()
    assert scheme.status == Status.DRAFT


def test_the_detail_page_offers_publier_to_editors_and_depublier_to_administrators_only(admin, editor, organisation):
    draft, published = ready(organisation), ready(organisation, status=Status.PUBLISHED)
    publish_url = reverse("plans:publish", args=[draft.pk])
    unpublish_url = reverse("plans:unpublish", args=[published.pk])

    assert publish_url in editor.get(draft.get_absolute_url()).content.decode()
    assert unpublish_url not in editor.get(published.get_absolute_url()).content.decode()
    admin_page = admin.get(published.get_absolute_url()).content.decode()
    assert unpublish_url in admin_page
    assert 'aria-controls="modale-depublier"' in admin_page  # a DSFR dialog, not confirm()


def test_unpublishing_is_refused_to_editors(editor, organisation):
    scheme = ready(organisation, status=Status.PUBLISHED)

    assert editor.post(reverse("plans:unpublish", args=[scheme.pk])).status_code == 403
    scheme.refresh_from_db()
    assert scheme.is_public


def test_an_unpublished_scheme_leaves_the_cached_public_pages_and_the_api(admin, organisation, real_cache):
    scheme = ready(organisation, status=Status.PUBLISHED)
    objective = scheme.axes.get().engagements.get().objectives.get()
    anonymous = Client()
    scheme_pages = [
        scheme.public_url(),
        reverse("public:contracts", args=[scheme.slug, objective.pk, 2024]),
        reverse("api:scheme", args=[scheme.slug]),
        reverse("api:indicators", args=[scheme.slug]),
    ]
    lists = [reverse("public:home"), reverse("public:schemes"), reverse("api:schemes")]
    for url in [*scheme_pages, *lists] * 2:  # the second visit is served from the cache
        assert anonymous.get(url).status_code == 200, url
    assert all(scheme.title in anonymous.get(url).content.decode() for url in lists)

    response = admin.post(reverse("plans:unpublish", args=[scheme.pk]))

    assert response.url == scheme.get_absolute_url()
    assert [anonymous.get(url).status_code for url in scheme_pages] == [404, 404, 404, 404]
    assert all(scheme.title not in anonymous.get(url).content.decode() for url in lists)
    scheme.refresh_from_db()
    assert scheme.status == Status.ADOPTED


def test_the_form_of_a_published_scheme_has_no_status_and_keeps_what_publishing_required(admin, organisation):
    scheme = ready(organisation, status=Status.PUBLISHED)
    url = reverse("plans:edit", args=[scheme.pk])
    data = {"title": scheme.title, "edition": 1, "start_year": 2024, "end_year": 2026, "mutualised": "False"}

    form = admin.post(url, {**data, "status": Status.DRAFT, "document-clear": "on"}).context["form"]

    assert "status" not in form.fields
    assert form.errors == {
        "adoption_date": ["Un SPASER publié garde sa date d'adoption : dépubliez-le d'abord pour l'enlever."],
        "deliberation": [
            "Un SPASER publié garde la référence de sa délibération : dépubliez-le d'abord pour l'enlever."
        ],
        "document": ["Un SPASER publié garde son document : dépubliez-le d'abord pour l'enlever."],
    }
    scheme.refresh_from_db()
    assert scheme.is_public and scheme.document


def test_a_scheme_published_before_the_checklist_stays_editable_without_what_it_lacks(admin, organisation):
    scheme = SchemeFactory(organisation=organisation, status=Status.PUBLISHED)  # no date, deliberation nor document
    data = {"title": "Retitré", "edition": 2, "start_year": 2024, "end_year": 2026, "mutualised": "False"}

    response = admin.post(reverse("plans:edit", args=[scheme.pk]), data)

    assert response.status_code == 302
    scheme.refresh_from_db()
    assert (scheme.title, scheme.edition, scheme.is_public) == ("Retitré", 2, True)


def test_the_form_asks_the_directory_questions_and_refuses_edition_zero(editor, organisation):
    scheme = SchemeFactory(organisation=organisation)
    url = reverse("plans:edit", args=[scheme.pk])

    response = editor.post(url, {"title": "T", "edition": 0, "start_year": 2024, "end_year": 2026, "status": "draft"})

    form = response.context["form"]
    assert form.errors["edition"] == [
        "L'édition commence à 1 : indiquez 1 pour une première édition, 2 pour une deuxième, etc."
    ]
    assert form.fields["mutualised"].label == "Le SPASER est-il mutualisé avec d'autres structures publiques ?"
    assert [label for _, label in form.fields["status"].choices] == ["Brouillon", "Adopté"]
    assert 'min="1"' in str(form["edition"])
    assert form.fields["population"].choices[0] == ("", "Non renseigné")
    assert "Plus de 200 millions d&#x27;euros HT" in response.content.decode()
