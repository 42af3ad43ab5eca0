"""Buyers (organisations), their establishments, their members and the invitations sent to new members."""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format


siren_validator = RegexValidator(r"^\d{9}$", "Le SIREN compte exactement 9 chiffres.")
siret_validator = RegexValidator(r"^\d{14}$", "Le SIRET compte exactement 14 chiffres.")


class Organisation(models.Model):
    siren = models.CharField("SIREN", max_length=9, unique=True, validators=[siren_validator])
    name = models.CharField("nom", max_length=255)
    buyer_type = models.CharField("type d'acheteur", max_length=64, blank=True)
    fictitious = models.BooleanField(
        "fictive", default=False, help_text="Organisation de démonstration, sans existence réelle."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"

    def __str__(self) -> str:
        return f"{self.name} (fictive)" if self.fictitious else self.name

    @property
    def sirets(self) -> list[str]:
        return [establishment.siret for establishment in self.establishments.all()]


class Establishment(models.Model):
    """A SIRET of the organisation: contracts are published under the buyer's SIRET."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="establishments")
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[siret_validator])
    label = models.CharField("libellé", max_length=255, blank=True)

    class Meta:
        ordering = ["siret"]
        verbose_name = "établissement"

    def __str__(self) -> str:
        return self.siret


class Role(models.TextChoices):
    ADMIN = "admin", "Administrateur"
    EDITOR = "editor", "Rédacteur"
    FACILITATOR = "facilitator", "Facilitateur des clauses"
    VIEWER = "viewer", "Lecteur"


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_user")]
        ordering = ["organisation__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


def _token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.SPASER_INVITATION_DAYS)


class InvitationQuerySet(models.QuerySet):
    def open(self):
        """Neither accepted nor cancelled: expired ones included, as an admin may send them again."""
        return self.filter(accepted_at__isnull=True, cancelled_at__isnull=True)


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=16, choices=Role.choices, default=Role.VIEWER)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("expire le", default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def renew(self) -> None:
        """A new token and a new expiry, for an invitation sent (again)."""
        self.token, self.expires_at = _token(), invitation_expiry()

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def refusal(self) -> str:
        """Why the invitation can no longer be accepted, in French; "" while it can."""
        admins = f"un administrateur de {self.organisation}"
        if self.accepted_at:
            return f"Cette invitation a déjà été acceptée. Connectez-vous avec l'adresse {self.email}."
        if self.cancelled_at:
            return f"Cette invitation a été annulée. Pour rejoindre {self.organisation}, adressez-vous à {admins}."
        if self.expired:
            when = date_format(timezone.localtime(self.expires_at), "j F Y à H:i")
            return f"Cette invitation a expiré le {when}. Demandez à {admins} de vous l'envoyer à nouveau."
        return ""
