"""A scheme's document is served by a view that checks who may read it, never from MEDIA_URL."""

from django.urls import reverse

from spaser.organisations.models import Role
from spaser.plans.models import Status
from tests.organisations.factories import MembershipFactory, UserFactory
from tests.plans.factories import PartnershipFactory, PublishedSchemeFactory, SchemeFactory


def document_of(client, scheme):
    return client.get(reverse("public:document", args=[scheme.slug]))


def test_anyone_downloads_the_document_of_a_published_scheme(client):
    scheme = PublishedSchemeFactory(with_document=True)
    response = document_of(client, scheme)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n% SPASER fictif\n"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=60"


def test_the_document_of_an_unpublished_scheme_is_not_found_for_the_public(client):
    for status in (Status.DRAFT, Status.ADOPTED):
        scheme = SchemeFactory(with_document=True, status=status)
        assert document_of(client, scheme).status_code == 404
        client.force_login(UserFactory())  # a user of another organisation is the public here
        assert document_of(client, scheme).status_code == 404
        client.logout()


def test_a_member_of_the_scheme_reads_its_unpublished_document_without_any_shared_cache(client):
    membership = MembershipFactory(role=Role.VIEWER)
    scheme = SchemeFactory(with_document=True, organisation=membership.organisation)
    client.force_login(membership.user)
    response = document_of(client, scheme)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_an_accepted_partner_reads_the_unpublished_document_a_pending_one_does_not(client):
    scheme = SchemeFactory(with_document=True)
    for accepted, status in ((False, 404), (True, 200)):
        membership = MembershipFactory(role=Role.VIEWER)
        PartnershipFactory(scheme=scheme, organisation=membership.organisation, accepted=accepted)
        client.force_login(membership.user)
        assert document_of(client, scheme).status_code == status


def test_a_scheme_without_document_has_no_document_address(client):
    assert document_of(client, PublishedSchemeFactory()).status_code == 404


def test_pages_link_to_the_checked_view_not_to_media(client):
    scheme = PublishedSchemeFactory(with_document=True)
    page = client.get(scheme.public_url()).content.decode()
    assert f'href="{scheme.document_url()}"' in page
    assert "/media/" not in page


def test_media_url_serves_nothing(client):
    scheme = PublishedSchemeFactory(with_document=True)
    assert client.get(f"/media/{scheme.document.name}").status_code == 404
