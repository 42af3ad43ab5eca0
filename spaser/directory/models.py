"""Entries of the SPASER directory that are not published on the platform: imported from a CSV of the national
directory's fields (achats-durables.gouv.fr) or entered by the platform team. Real entries are uneven: every field
but the buyer and the first year is optional, a period may have no end, a scheme may be shared by several buyers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from spaser.plans.models import Population, PurchaseVolume, year_validators


sirens_validator = RegexValidator(r"^(\d{9}( \d{9})*)?$", "Indiquez des SIREN de 9 chiffres séparés par des espaces.")


class Source(models.TextChoices):
    IMPORTED = "imported", "importé"
    STAFF = "staff", "saisi par l'équipe"


class DirectoryImport(models.Model):
    """One imported file: undoing it deletes its entries, and only them."""

    file_name = models.CharField("fichier", max_length=255)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name="importé par"
    )
    imported_at = models.DateTimeField("importé le", auto_now_add=True)
    rows = models.PositiveIntegerField("lignes")

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "import de l'annuaire"
        verbose_name_plural = "imports de l'annuaire"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.rows} lignes)"


class DirectoryEntry(models.Model):
    siren = models.CharField("SIREN", max_length=9, validators=[RegexValidator(r"^\d{9}$", "9 chiffres attendus.")])
    name = models.CharField("nom de la structure", max_length=255)
    structure_type = models.CharField("type de structure", max_length=64, blank=True)
    title = models.CharField("titre", max_length=255, blank=True)
    population = models.CharField("nombre d'habitants", max_length=16, choices=Population.choices, blank=True)
    purchase_volume = models.CharField(
        "volume annuel d'achat estimé", max_length=16, choices=PurchaseVolume.choices, blank=True
    )
    start_year = models.PositiveSmallIntegerField("première année", validators=year_validators)
    end_year = models.PositiveSmallIntegerField(
        "dernière année", null=True, blank=True, validators=year_validators, help_text="Vide si non précisée."
    )
    edition = models.PositiveSmallIntegerField(
        "édition", null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(99)]
    )
    mutualised = models.BooleanField("SPASER mutualisé", default=False)
    other_sirens = models.CharField(
        "SIREN des autres acheteurs", max_length=500, blank=True, validators=[sirens_validator]
    )
    document_url = models.URLField("lien du document", max_length=500, blank=True)
    published_on = models.DateField("publié le", null=True, blank=True)
    updated_on = models.DateField("mis à jour le", null=True, blank=True)
    description = models.TextField("présentation", blank=True)
    source = models.CharField("source", max_length=16, choices=Source.choices, default=Source.STAFF, editable=False)
    directory_import = models.ForeignKey(
        DirectoryImport,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        editable=False,
        related_name="entries",
        verbose_name="import",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "start_year"]
        verbose_name = "fiche de l'annuaire"
        verbose_name_plural = "fiches de l'annuaire"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True) | models.Q(end_year__gte=models.F("start_year")),
                name="directory_period_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period})"

    @property
    def sirens(self) -> list[str]:
        """The buyer first, then the buyers that share the scheme."""
        return [self.siren, *self.other_sirens.split()]

    @property
    def period(self) -> str:
        return f"{self.start_year}-{self.end_year}" if self.end_year else f"depuis {self.start_year}"
