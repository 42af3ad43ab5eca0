"""Files waiting for their user's confirmation (unknown contract ids): kept in the default storage, one day at
most, and known to the session that uploaded them only."""

import secrets
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from spaser.plans.models import ManualIndicator


FOLDER = "imports-en-attente"
KEPT = timedelta(days=1)
SESSION_KEY = "pending_imports"


def hold(request, indicator: ManualIndicator, data: bytes, filename: str) -> str:
    """Keeps the file; the token the confirmation form sends back."""
    _forget_old()
    token = secrets.token_urlsafe(16)
    default_storage.save(_path(token), ContentFile(data))
    request.session[SESSION_KEY] = {
        **request.session.get(SESSION_KEY, {}),
        token: {"indicator": indicator.pk, "filename": filename},
    }
    return token


def take(request, indicator: ManualIndicator, token: str) -> tuple[bytes, str] | None:
    """The file held under `token` for this indicator by this session, removed from the storage; None when it
    is unknown or gone."""
    held = request.session.get(SESSION_KEY, {})
    entry = held.pop(token, None)
    request.session[SESSION_KEY] = held
    if entry is None or entry["indicator"] != indicator.pk or not default_storage.exists(_path(token)):
        return None
    with default_storage.open(_path(token), "rb") as file:
        data = file.read()
    default_storage.delete(_path(token))
    return data, entry["filename"]


def _path(token: str) -> str:
    return f"{FOLDER}/{token}.csv"


def _forget_old() -> None:
    """Files never confirmed: removed a day later."""
    if not default_storage.exists(FOLDER):
        return
    limit = timezone.now() - KEPT
    for name in default_storage.listdir(FOLDER)[1]:
        if default_storage.get_modified_time(f"{FOLDER}/{name}") < limit:
            default_storage.delete(f"{FOLDER}/{name}")
