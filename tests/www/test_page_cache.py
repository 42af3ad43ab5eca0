"""Whole public pages served again to anonymous visitors while what they show is unchanged, and never a page
that depends on who asks (a signed-in user, a pending message) nor one of an unpublished scheme."""

import os

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.urls import reverse

from spaser.plans.models import Scheme, Status
from tests.organisations.factories import MembershipFactory


pytestmark = pytest.mark.usefixtures("real_cache")


@pytest.fixture
def objective(published_objective):
    return published_objective


def pages(objective) -> list[str]:
    scheme = objective.engagement.axis.scheme
    return [
        reverse("public:home"),
        reverse("public:schemes"),
        scheme.public_url(),
        reverse("public:contracts", args=[scheme.slug, objective.pk, 2024]),
    ]


def visit(client, urls) -> None:
    """Twice: the first visit of a scheme page computes its snapshots, which its version follows."""
    for url in [*urls, *urls]:
        assert client.get(url).status_code == 200, url


def retitle_quietly(scheme, title: str) -> None:
    """A change no page version follows: `update` leaves `updated_at` as it was."""
    Scheme.objects.filter(pk=scheme.pk).update(title=title)


def test_an_unchanged_page_is_served_again_and_a_change_of_the_scheme_renders_it_anew(client, objective):
    scheme = objective.engagement.axis.scheme
    visit(client, pages(objective))
    for url in pages(objective):
        assert scheme.title in client.get(url).content.decode(), url
    retitle_quietly(scheme, "SPASER retitré")

    assert all("SPASER retitré" not in client.get(url).content.decode() for url in pages(objective))

    scheme.refresh_from_db()
    scheme.summary = "Une présentation revue."
    scheme.save()
    for url in pages(objective):
        assert "SPASER retitré" in client.get(url).content.decode(), url


def test_a_new_store_renders_the_scheme_pages_anew(client, objective, decp_store):
    scheme_pages = pages(objective)[2:]
    visit(client, scheme_pages)
    retitle_quietly(objective.engagement.axis.scheme, "SPASER retitré")

    stat = (decp_store / "decp.duckdb").stat()
    os.utime(decp_store / "decp.duckdb", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))

    for url in scheme_pages:
        assert "SPASER retitré" in client.get(url).content.decode(), url


def test_an_unpublished_scheme_is_never_served_from_the_cache(client, objective):
    scheme = objective.engagement.axis.scheme
    for url in pages(objective)[2:]:
        assert client.get(url).status_code == 200

    scheme.status = Status.ADOPTED
    scheme.save()

    assert [client.get(url).status_code for url in pages(objective)[2:]] == [404, 404]
    assert scheme.title not in client.get(reverse("public:schemes")).content.decode()


def test_pages_that_depend_on_who_asks_are_neither_served_from_nor_kept_in_the_cache(client, objective):
    url = objective.engagement.axis.scheme.public_url()
    visit(client, [url])
    client.force_login(MembershipFactory().user)
    assert "Se déconnecter" in client.get(url).content.decode()
    client.logout()

    client.cookies[CookieStorage.cookie_name] = "un-message-en-attente"
    client.get(url)
    retitle_quietly(objective.engagement.axis.scheme, "SPASER retitré")
    assert "SPASER retitré" in client.get(url).content.decode()

    del client.cookies[CookieStorage.cookie_name]
    anonymous = client.get(url).content.decode()
    assert "SPASER retitré" not in anonymous and "Se déconnecter" not in anonymous
