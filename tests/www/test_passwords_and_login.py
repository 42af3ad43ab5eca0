"""Password rules wherever a password is chosen, and login throttling by account and by address (django-axes)."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core import mail
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from spaser.organisations.models import Invitation, Membership
from spaser.www.accounts_views.throttling import client_ip
from tests.organisations.factories import MembershipFactory, UserFactory


PASSWORD = "mot-de-passe-de-test"
TOO_SHORT = "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères."
RULE_SHOWN = "Votre mot de passe doit contenir au minimum 12 caractères."
LOCKED = "Trop de tentatives de connexion infructueuses"


@pytest.fixture
def invitation():
    return Invitation.objects.create(organisation=MembershipFactory().organisation, email="lea.durand@ville.example")


def _signup(client, invitation, password, confirmation=None):
    return client.post(
        reverse("accounts:invitation", args=[invitation.token]),
        {"first_name": "Léa", "last_name": "Durand", "password1": password, "password2": confirmation or password},
    )


def test_the_invitation_form_shows_the_rules_and_asks_for_a_confirmation(client, invitation):
    page = client.get(reverse("accounts:invitation", args=[invitation.token])).content.decode()

    assert RULE_SHOWN in page
    assert 'name="password2"' in page


@pytest.mark.parametrize(
    ("password", "confirmation", "error"),
    [
        ("a", None, TOO_SHORT),
        ("123456789012", None, "Ce mot de passe est entièrement numérique."),
        ("password1234", None, "Ce mot de passe est trop courant."),
        ("lea.durand@ville", None, "Le mot de passe est trop semblable au champ"),
        ("un-mot-de-passe-solide", "un-autre-mot-de-passe", "Les deux mots de passe ne correspondent pas."),
    ],
)
def test_a_weak_or_unconfirmed_password_creates_no_account(client, invitation, password, confirmation, error):
    response = _signup(client, invitation, password, confirmation)

    assert error in response.content.decode()
    assert not User.objects.filter(username=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_solid_password_creates_the_account(client, invitation):
    _signup(client, invitation, "un-mot-de-passe-solide")

    assert Membership.objects.filter(user__username=invitation.email, organisation=invitation.organisation).exists()


def test_password_reset_follows_the_rules(client):
    user = UserFactory()
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url

    page = client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": "a", "new_password2": "a"})

    assert RULE_SHOWN in page
    assert TOO_SHORT in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_password_reset_ends_the_accounts_lock(client):
    user = UserFactory()
    for n in range(5):
        _login(client, user.email, "faux", ip=f"198.51.100.{n}")
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = re.search(r"https?://[^/]+(/compte/mot-de-passe/nouveau/\S+)", mail.outbox[0].body).group(1)
    new = "un-nouveau-mot-de-passe-solide"

    client.post(client.get(link).url, {"new_password1": new, "new_password2": new})

    assert _login(client, user.email, new, ip="203.0.113.9").url == reverse("organisations:home")


def test_a_logged_in_user_changes_their_password_within_the_rules(client):
    user = UserFactory()
    client.force_login(user)
    url = reverse("accounts:password_change")
    new = "un-nouveau-mot-de-passe-solide"

    weak = client.post(url, {"old_password": PASSWORD, "new_password1": "a", "new_password2": "a"})
    wrong_old = client.post(url, {"old_password": "faux", "new_password1": new, "new_password2": new})
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert TOO_SHORT in weak.content.decode()
    assert "Votre ancien mot de passe est incorrect." in wrong_old.content.decode()

    response = client.post(url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}, follow=True)
    user.refresh_from_db()
    assert user.check_password(new)
    assert "Votre mot de passe a été modifié." in response.content.decode()


def _login(client, username, password, ip="192.0.2.1"):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_an_account_stays_locked_after_many_failures_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(100):
        _login(client, user.email, "faux")

    response = _login(client, user.email, PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert (
        f"{LOCKED} : la connexion à ce compte, ou depuis votre adresse réseau, est bloquée pendant 15 minutes" in page
    )
    assert "Account locked" not in page
    assert not _logged_in(client)


def test_an_account_is_locked_whatever_the_addresses_the_failures_come_from(client):
    user = UserFactory()
    for n in range(5):
        _login(client, user.email, "faux", ip=f"198.51.100.{n}")

    assert _login(client, user.email, PASSWORD, ip="203.0.113.9").status_code == 429
    assert not _logged_in(client)


def test_an_address_is_locked_whatever_the_accounts_tried(client):
    for n in range(5):
        _login(client, f"inconnu{n}@ville.example", "faux", ip="198.51.100.7")
    other = UserFactory()

    locked = _login(client, other.email, PASSWORD, ip="198.51.100.7")
    assert locked.status_code == 429 and LOCKED in locked.content.decode()
    assert not _logged_in(client)

    assert _login(client, other.email, PASSWORD, ip="203.0.113.9").url == reverse("organisations:home")


def test_a_success_resets_the_count_and_the_lock_lifts_after_the_cool_off(client):
    user = UserFactory()
    for _ in range(4):
        _login(client, user.email, "faux")
    assert _login(client, user.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _login(client, user.email, "faux")
    assert _login(client, user.email, PASSWORD).status_code == 302  # 8 failures in all, but never 5 in a row
    client.logout()

    for _ in range(5):
        _login(client, user.email, "faux")
    assert _login(client, user.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    assert _login(client, user.email, PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_comes_from_the_configured_header(settings):
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "1.2.3.4, 203.0.113.5"}

    assert client_ip(RequestFactory().get("/", **forwarded)) == "10.0.0.2"
    settings.SPASER_CLIENT_IP_HEADER = "X-Forwarded-For"
    # The proxy appends the address it sees: the left entries are whatever the client sent.
    assert client_ip(RequestFactory().get("/", **forwarded)) == "203.0.113.5"
    assert client_ip(RequestFactory().get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_the_login_form_says_se_connecter_and_a_wrong_password_once(client):
    user = UserFactory()

    page = _login(client, user.email, "faux").content.decode()

    assert ">Se connecter</button>" in page and ">Enregistrer</button>" not in page
    assert page.count("Adresse électronique ou mot de passe incorrect.") == 1
