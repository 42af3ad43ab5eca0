"""The scheme's PDF: size limit, real parsing, and its file removed from storage only after the commit."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from spaser.organisations.models import Role
from spaser.plans.documents import check_pdf
from spaser.plans.models import Scheme
from tests.organisations.factories import MembershipFactory
from tests.plans.factories import SchemeFactory


def pdf_bytes(password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(content: bytes, name: str = "spaser.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_a_readable_pdf_is_accepted_and_left_ready_to_save():
    document = upload(pdf_bytes())

    check_pdf(document)

    assert document.read() == pdf_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-garbage", "« spaser.pdf » commence comme un PDF mais ne peut pas être lu"),
        (pdf_bytes()[:200], "« spaser.pdf » commence comme un PDF mais ne peut pas être lu"),
        (pdf_bytes(password="secret"), "« spaser.pdf » est protégé par un mot de passe"),
        (b"PK\x03\x04 a zip renamed .pdf", "« spaser.pdf » n'est pas un fichier PDF."),
    ],
)
def test_a_damaged_encrypted_or_other_file_is_refused_by_name(content, message):
    with pytest.raises(ValidationError) as refused:
        check_pdf(upload(content))

    assert refused.value.messages[0].startswith(message)


class Unreadable(io.BytesIO):
    def read(self, *args):
        raise AssertionError("the size is checked before any byte is read")


def test_a_file_over_the_limit_is_refused_before_being_read(settings):
    settings.SPASER_MAX_DOCUMENT_BYTES = 1024 * 1024
    document = upload(b"%PDF-" + b"0" * (1024 * 1024 - 4))
    document.file = Unreadable()

    with pytest.raises(ValidationError, match="« spaser.pdf » dépasse la taille maximale d'un document : 1 Mo."):
        check_pdf(document)


@pytest.fixture
def admin(client):
    membership = MembershipFactory(role=Role.ADMIN)
    client.force_login(membership.user)
    return membership


def _edit(client, scheme, document):
    data = {
        "title": scheme.title,
        "edition": 1,
        "start_year": 2024,
        "end_year": 2026,
        "status": "draft",
        "mutualised": "False",
    }
    return client.post(reverse("plans:edit", args=[scheme.pk]), {**data, "document": document})


def test_the_default_limit_is_20_mo_and_refused_through_the_form(client, admin):
    scheme = SchemeFactory(organisation=admin.organisation)
    page = client.get(reverse("plans:edit", args=[scheme.pk])).content.decode()

    response = _edit(client, scheme, upload(b"%PDF-" + b"0" * (20 * 1024 * 1024 - 4)))  # the limit + 1 byte

    assert "de 20 Mo au plus" in page

    assert response.context["form"].errors["document"] == [
        "« spaser.pdf » dépasse la taille maximale d'un document : 20 Mo."
    ]
    scheme.refresh_from_db()
    assert not scheme.document


def test_a_replaced_document_is_deleted_after_the_commit_only(client, admin, django_capture_on_commit_callbacks):
    scheme = SchemeFactory(organisation=admin.organisation)
    _edit(client, scheme, upload(pdf_bytes(), "premier.pdf"))
    scheme.refresh_from_db()
    first = scheme.document.name
    storage = scheme.document.storage

    with django_capture_on_commit_callbacks() as callbacks:
        _edit(client, scheme, upload(pdf_bytes(), "second.pdf"))
        assert storage.exists(first)  # not before the commit
    for callback in callbacks:
        callback()

    scheme.refresh_from_db()
    assert scheme.document.name != first and storage.exists(scheme.document.name)
    assert not storage.exists(first)


def test_a_refused_replacement_keeps_the_stored_document(client, admin, django_capture_on_commit_callbacks):
    scheme = SchemeFactory(organisation=admin.organisation)
    _edit(client, scheme, upload(pdf_bytes(), "premier.pdf"))
    scheme.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _edit(client, scheme, upload(b"%PDF-garbage", "second.pdf"))

    assert not callbacks
    assert Scheme.objects.get().document.name == scheme.document.name
    assert scheme.document.storage.exists(scheme.document.name)


def test_deleting_a_scheme_deletes_its_document_after_the_commit(client, admin, django_capture_on_commit_callbacks):
    scheme = SchemeFactory(organisation=admin.organisation)
    _edit(client, scheme, upload(pdf_bytes()))
    scheme.refresh_from_db()
    name, storage = scheme.document.name, scheme.document.storage

    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("plans:delete", args=[scheme.pk]))
        assert storage.exists(name)
    for callback in callbacks:
        callback()

    assert not Scheme.objects.exists() and not storage.exists(name)
