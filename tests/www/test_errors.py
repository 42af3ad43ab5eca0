"""The French DSFR pages of 403, 404, 500 and a refused form, as production serves them (DEBUG off)."""

from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from spaser.organisations.models import Role
from tests.organisations.factories import MembershipFactory
from tests.plans.factories import SchemeFactory


def assert_french_error_page(content: str, heading: str, code: int) -> None:
    assert f"<title>{heading} — Spaser</title>" in content
    assert f"<h1>{heading}</h1>" in content
    assert f"Erreur {code}" in content
    assert 'href="/">Page d\'accueil</a>' in content
    assert "dsfr.min.css" in content


def test_not_found_page(client, settings):
    assert settings.DEBUG is False
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    content = response.content.decode()
    assert_french_error_page(content, "Page non trouvée", 404)
    assert "data-spaser-back" in content  # « Page précédente », shown by spaser.js when there is one


def test_forbidden_page_says_why_in_french(client):
    viewer = MembershipFactory(role=Role.VIEWER)
    scheme = SchemeFactory(organisation=viewer.organisation)
    client.force_login(viewer.user)
    response = client.get(reverse("plans:edit", args=[scheme.pk]))
    assert response.status_code == 403
    content = response.content.decode()
    assert_french_error_page(content, "Accès refusé", 403)
    assert "Seuls les administrateurs et rédacteurs de l&#x27;organisation porteuse modifient ce SPASER." in content


def test_server_error_page_needs_neither_database_nor_context_processors(django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert_french_error_page(response.content.decode(), "Erreur inattendue", 500)


def test_refused_form_page_in_french():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": "a", "password": "b"})
    assert response.status_code == 403
    content = response.content.decode()
    assert_french_error_page(content, "Formulaire expiré", 403)
    assert "CSRF" not in content
