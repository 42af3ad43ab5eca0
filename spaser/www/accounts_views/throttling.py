"""Login throttling by django-axes, told in French: the client's address, and the page shown while locked."""

from django.conf import settings
from django.shortcuts import render

from spaser.www.accounts_views.forms import LoginForm


LOGIN_TITLE = "Connexion"
LOGIN_LABEL = "Se connecter"


def client_ip(request) -> str | None:
    """The address counted by the throttling: behind a reverse proxy, the last entry of the header it writes
    (SPASER_CLIENT_IP_HEADER), which a client cannot forge as the proxy appends it; otherwise the connection's."""
    header = settings.SPASER_CLIENT_IP_HEADER
    forwarded = request.META.get(f"HTTP_{header.upper().replace('-', '_')}", "") if header else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        "Trop de tentatives de connexion infructueuses : la connexion à ce compte, ou depuis votre adresse réseau, "
        f"est bloquée pendant {minutes} minutes. Réessayez plus tard ; si c'est votre compte qui est bloqué, "
        "choisir un nouveau mot de passe avec « Mot de passe oublié ? » le débloque aussitôt."
    )


def locked_out(request, original_response=None, credentials=None):
    """The login page, with the lock explained instead of the form's errors (429, as axes answers)."""
    context = {
        "title": LOGIN_TITLE,
        "submit_label": LOGIN_LABEL,
        "form": LoginForm(request),
        "lockout_message": lockout_message(),
    }
    return render(request, "accounts/login.html", context, status=429)
