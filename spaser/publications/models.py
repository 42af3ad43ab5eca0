"""The biennial legal publication of a scheme's buyer (article L2111-3): prepared as a draft, then frozen."""

from django.conf import settings
from django.db import models

from spaser.organisations.models import Organisation
from spaser.plans.models import Scheme, year_validators


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    PUBLISHED = "published", "Publiée"
    SUPERSEDED = "superseded", "Remplacée"


class Publication(models.Model):
    """One buyer of a scheme, two calendar years. A draft computes its figures on every reading; publishing
    freezes them, with the versions of the definitions and of the data, in `figures` and `manual_values` (JSON,
    docs/decisions.md): importing new data never changes a published publication."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="publications")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="publications", verbose_name="acheteur"
    )
    first_year = models.PositiveSmallIntegerField("première année", validators=year_validators)
    last_year = models.PositiveSmallIntegerField("dernière année", validators=year_validators)
    status = models.CharField("statut", max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField("préparée le", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    published_at = models.DateTimeField("publiée le", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Frozen at publication: the buyer as it was named, the figures with their targets, the manual indicators.
    siren = models.CharField("SIREN", max_length=9, blank=True)
    buyer_name = models.CharField("nom de l'acheteur", max_length=255, blank=True)
    catalogue_version = models.CharField("version du catalogue", max_length=32, blank=True)
    data_version = models.JSONField("version des données", default=dict, blank=True)
    figures = models.JSONField("indicateurs", default=list, blank=True)
    manual_values = models.JSONField("indicateurs saisis", default=list, blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="remplacée par"
    )

    class Meta:
        ordering = ["-last_year", "organisation__name", "-published_at", "-pk"]
        verbose_name = "publication biennale"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_year=models.F("first_year") + 1), name="publication_covers_two_years"
            ),
            models.UniqueConstraint(
                fields=["scheme", "organisation", "first_year"],
                condition=models.Q(status="draft"),
                name="one_draft_per_buyer_and_period",
            ),
            models.UniqueConstraint(
                fields=["scheme", "organisation", "first_year"],
                condition=models.Q(status="published"),
                name="one_published_per_buyer_and_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.period} ({self.get_status_display()})"

    @property
    def years(self) -> tuple[int, int]:
        return (self.first_year, self.last_year)

    @property
    def period(self) -> str:
        return f"{self.first_year}-{self.last_year}"

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT
