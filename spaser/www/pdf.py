"""HTML pages made PDF documents with WeasyPrint: tagged PDF/UA-1 (title and language from the page), fonts
embedded from the static files, and never a request to the network or to this site."""

from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse


# The address the document's relative links resolve against: a reserved name that no one answers.
BASE_URL = "https://spaser.invalid/"


class PdfError(Exception):
    """The PDF could not be made; the message says why, in French."""


class StaticFiles(URLFetcher):
    """Serves WeasyPrint the static files (stylesheet, Marianne fonts) from disk; refuses any other address."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.lstrip("/")
        name = unquote(parts.path).removeprefix(prefix)
        if parts.netloc != urlsplit(BASE_URL).netloc or not parts.path.startswith(prefix) or ".." in name:
            raise FatalURLFetchingError(f"le document demande une ressource extérieure ({url}), refusée.")
        path = finders.find(name) or (staticfiles_storage.path(name) if staticfiles_storage.exists(name) else None)
        if path is None:
            raise FatalURLFetchingError(
                f"le fichier statique « {name} » est introuvable (collectstatic a-t-il tourné ?)."
            )
        media = {".css": "text/css", ".woff2": "font/woff2"}.get(
            PurePosixPath(name).suffix, "application/octet-stream"
        )
        with open(path, "rb") as file:
            return URLFetcherResponse(url, file.read(), {"Content-Type": media})


def render(html: str) -> bytes:
    """The PDF of a complete HTML document, in memory: nothing is written anywhere unless it is whole.

    Raises PdfError with the reason in French."""
    try:
        return HTML(string=html, base_url=BASE_URL, url_fetcher=StaticFiles()).write_pdf(pdf_variant="pdf/ua-1")
    except FatalURLFetchingError as error:
        raise PdfError(str(error)) from error
    except Exception as error:  # WeasyPrint has no error class of its own: anything it raises fails the document
        raise PdfError(f"le moteur de mise en page (WeasyPrint) a échoué : {type(error).__name__}.") from error
