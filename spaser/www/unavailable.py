"""Pages that read the analytics store say when it cannot be read, and keep the rest of the page.

They answer 503 (Service Unavailable) with a `Retry-After`: the page is there, its data are not, and neither
monitoring nor a proxy's cache should take it for the real page.
"""

import logging

from django.http import HttpResponse
from django.shortcuts import render

from spaser.indicators.readers import StoreUnavailable


logger = logging.getLogger(__name__)

UNAVAILABLE = (
    "Les données de la commande publique (DECP) ne peuvent pas être lues pour le moment. Le reste de la page reste "
    "consultable ; réessayez dans quelques minutes."
)
RETRY_AFTER_S = 300


def unavailable(request, template: str, context: dict, error: StoreUnavailable):
    """`template` rendered with `context` and the « données indisponibles » alert instead of the store's data."""
    logger.warning("Store unavailable for %s: %s", request.path, error)
    response = render(request, template, {**context, "store_unavailable": UNAVAILABLE}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


def unavailable_file(request, error: StoreUnavailable) -> HttpResponse:
    """A download whose data cannot be read: 503, the French reason in plain text, and when to retry."""
    logger.warning("Store unavailable for %s: %s", request.path, error)
    response = HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response
