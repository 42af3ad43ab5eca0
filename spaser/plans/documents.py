"""The PDF document of a scheme: what is accepted, and its file removed from storage once no scheme points to it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from pypdf import PdfReader

from spaser.formatting import number
from spaser.plans.models import Scheme


MEGABYTE = 1024 * 1024


def megabytes(size: int) -> str:
    return f"{number(size / MEGABYTE, 0 if size % MEGABYTE == 0 else 1)} Mo"


def check_pdf(upload) -> None:
    """A readable, unencrypted PDF within SPASER_MAX_DOCUMENT_BYTES, or a ValidationError naming the file.

    The size is the upload's, known before any byte is read; the content is then parsed down to its pages."""
    name, limit = upload.name, settings.SPASER_MAX_DOCUMENT_BYTES
    if upload.size > limit:
        raise ValidationError(f"« {name} » dépasse la taille maximale d'un document : {megabytes(limit)}.")
    upload.seek(0)
    if upload.read(5) != b"%PDF-":
        raise ValidationError(f"« {name} » n'est pas un fichier PDF.")
    try:
        reader = PdfReader(upload)
        encrypted = reader.is_encrypted
        if not encrypted:
            len(reader.pages)  # walks the page tree, where a damaged file fails
    except Exception as error:  # pypdf raises many unrelated types for a damaged file
        raise ValidationError(
            f"« {name} » commence comme un PDF mais ne peut pas être lu (fichier endommagé ou incomplet)."
        ) from error
    finally:
        upload.seek(0)
    if encrypted:
        raise ValidationError(f"« {name} » est protégé par un mot de passe : déposez une version non chiffrée.")


def delete_after_commit(former: str, current: str = "") -> None:
    """Remove a scheme's former file once the change that replaced or deleted it is committed (a rollback keeps
    the file its row still names); `current` is the name the scheme holds now."""
    if former and former != current:
        storage = Scheme._meta.get_field("document").storage
        transaction.on_commit(lambda: storage.delete(former))
