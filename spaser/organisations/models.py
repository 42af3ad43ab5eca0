"""Buyers (organisations), their establishments, their members and the invitations sent to new members."""

import secrets

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models


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


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    role = models.CharField("rôle", max_length=16, choices=Role.choices, default=Role.VIEWER)
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
