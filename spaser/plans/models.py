"""A SPASER as structured data: scheme → axes → engagements → objectives (targets) and actions; manual data."""

from django.conf import settings
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from spaser.indicators.catalogue import BY_CODE
from spaser.organisations.models import Organisation
from spaser.tables import FIRST_YEAR, LAST_YEAR


year_validators = [MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]


def change_history(*excluded_fields: str) -> HistoricalRecords:
    """Who changed what and when (read by the scheme's « Historique » page); the user comes from the request."""
    return HistoricalRecords(excluded_fields=list(excluded_fields))


class Status(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    ADOPTED = "adopted", "Adopté"
    PUBLISHED = "published", "Publié"


class Population(models.TextChoices):
    UNDER_20K = "moins-20000", "Moins de 20 000"
    FROM_20K = "20000-50000", "Entre 20 000 et 50 000"
    FROM_50K = "50000-100000", "Entre 50 000 et 100 000"
    FROM_100K = "101000-200000", "Entre 101 000 et 200 000"
    OVER_200K = "plus-200000", "Plus de 200 000"


class PurchaseVolume(models.TextChoices):
    UNDER_50M = "moins-50", "Moins de 50 millions d'euros HT"
    FROM_50M = "50-100", "De 50 à 100 millions d'euros HT"
    FROM_100M = "100-200", "De 100 à 200 millions d'euros HT"
    OVER_200M = "plus-200", "Plus de 200 millions d'euros HT"


class SchemeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def with_partners(self):
        """Fetch the accepted partners of every scheme in one query (read by `Scheme.partners`)."""
        accepted = Partnership.objects.accepted().select_related("organisation")
        return self.prefetch_related(models.Prefetch("partnerships", accepted, to_attr="accepted_partnerships"))


class Scheme(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="schemes", verbose_name="organisation porteuse"
    )
    title = models.CharField("titre", max_length=255)
    slug = models.SlugField("adresse publique", max_length=120, unique=True)
    edition = models.PositiveSmallIntegerField("édition", default=1, validators=[MinValueValidator(1)])
    start_year = models.PositiveSmallIntegerField("première année", validators=year_validators)
    end_year = models.PositiveSmallIntegerField("dernière année", validators=year_validators)
    status = models.CharField("statut", max_length=16, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField("publié le", null=True, blank=True, editable=False)
    adoption_date = models.DateField("date d'adoption", null=True, blank=True)
    deliberation = models.CharField("référence de la délibération", max_length=255, blank=True)
    document = models.FileField(
        "document du SPASER (PDF)",
        upload_to="spaser/documents/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    summary = models.TextField("présentation", blank=True)
    population = models.CharField("nombre d'habitants", max_length=16, choices=Population.choices, blank=True)
    purchase_volume = models.CharField(
        "volume annuel d'achat estimé", max_length=16, choices=PurchaseVolume.choices, blank=True
    )
    mutualised = models.BooleanField("SPASER mutualisé", default=False)
    mutualised_with = models.CharField("mutualisé avec", max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchemeQuerySet.as_manager()
    history = change_history("created_at", "updated_at")

    class Meta:
        ordering = ["organisation__name", "-edition"]
        verbose_name = "SPASER"
        constraints = [
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="period_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # The publication date follows the status, whoever changes it: publishing flow, demo, back office.
        if self.status != Status.PUBLISHED:
            self.published_at = None
        elif self.published_at is None:
            self.published_at = timezone.now()
        if kwargs.get("update_fields") is not None and "status" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
        super().save(*args, **kwargs)

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def partners(self) -> list[Organisation]:
        """The organisations whose administrator accepted the invitation: the only ones counted, shown and readers."""
        partnerships = getattr(self, "accepted_partnerships", None)
        if partnerships is None:
            partnerships = self.partnerships.accepted().select_related("organisation")
        return [partnership.organisation for partnership in partnerships]

    def all_organisations(self) -> list[Organisation]:
        return [self.organisation, *self.partners]

    def usable_manual_indicators(self):
        """The owner's manual indicators and those its accepted partners share with this scheme."""
        shared = models.Q(partnerships__scheme=self, partnerships__status=PartnershipStatus.ACCEPTED)
        return ManualIndicator.objects.filter(models.Q(organisation=self.organisation_id) | shared).distinct()

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    def touch(self) -> None:
        """Mark the scheme changed when a node of its tree changes (dashboards are cached by this date)."""
        self.updated_at = timezone.now()
        Scheme.objects.filter(pk=self.pk).update(updated_at=self.updated_at)

    def public_url(self) -> str:
        return reverse("public:scheme", args=[self.slug])

    def document_url(self) -> str:
        """The document served with its permissions (spaser.www.public_views.views.document), never MEDIA_URL."""
        return reverse("public:document", args=[self.slug])


SLUG_BASE_LENGTH = 110  # Scheme.slug holds 120 characters: room for a "-NNN" suffix


def unique_slug(text: str) -> str:
    """A public address for a new scheme, from its organisation and title, unique with a -2, -3… suffix."""
    base = slugify(text)[:SLUG_BASE_LENGTH].strip("-") or "spaser"
    taken = set(Scheme.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, suffix = base, 2
    while slug in taken:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


class Theme(models.TextChoices):
    SOCIAL = "social", "Achats socialement responsables"
    ENVIRONMENTAL = "environnemental", "Achats écologiquement responsables"
    ECONOMIC = "economique", "Achats économiquement responsables"
    CROSS_CUTTING = "transversal", "Transversal (pilotage, formation, gouvernance)"


class Axis(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="axes")
    title = models.CharField("titre", max_length=255)
    theme = models.CharField("thème", max_length=16, choices=Theme.choices)
    description = models.TextField("description", blank=True)
    position = models.PositiveIntegerField("rang", default=0)
    history = change_history()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "axe"

    def __str__(self) -> str:
        return self.title


class Engagement(models.Model):
    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="engagements")
    title = models.CharField("titre", max_length=255)
    description = models.TextField("description", blank=True)
    position = models.PositiveIntegerField("rang", default=0)
    history = change_history()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "engagement"

    def __str__(self) -> str:
        return self.title


class ManualUnit(models.TextChoices):
    HOURS = "heures", "heures"
    NUMBER = "nombre", "nombre"
    PERCENT = "%", "%"
    EUROS = "euros", "euros"
    CO2 = "tCO2e", "tonnes équivalent CO2"


class ManualIndicator(models.Model):
    """An indicator the DECP cannot give (insertion hours, training, CO2), filled in by the organisation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="manual_indicators")
    code = models.SlugField("code", max_length=32)
    label = models.CharField("libellé", max_length=255)
    unit = models.CharField("unité", max_length=8, choices=ManualUnit.choices, default=ManualUnit.HOURS)
    definition = models.TextField("définition", blank=True)
    history = change_history()

    class Meta:
        ordering = ["label"]
        verbose_name = "indicateur saisi"
        constraints = [models.UniqueConstraint(fields=["organisation", "code"], name="manual_code_per_organisation")]

    def __str__(self) -> str:
        return self.label


class PartnershipStatus(models.TextChoices):
    PENDING = "pending", "Invitation en attente"
    ACCEPTED = "accepted", "Partenaire"
    DECLINED = "declined", "Invitation déclinée"
    REVOKED = "revoked", "Partenariat terminé"


class PartnershipQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(status=PartnershipStatus.ACCEPTED)

    def pending(self):
        return self.filter(status=PartnershipStatus.PENDING)


class Partnership(models.Model):
    """An organisation invited to share a scheme: counted, shown and reading it only once its admin accepted.

    One row per scheme and organisation: a new invitation after a refusal or an end reopens it.
    """

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="partnerships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="partnerships", verbose_name="organisation partenaire"
    )
    status = models.CharField(
        "état", max_length=16, choices=PartnershipStatus.choices, default=PartnershipStatus.PENDING
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    invited_at = models.DateTimeField("invitée le", default=timezone.now)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField("réponse le", null=True, blank=True)
    shared_indicators = models.ManyToManyField(
        ManualIndicator, blank=True, related_name="partnerships", verbose_name="indicateurs saisis partagés"
    )

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = "partenariat"
        constraints = [models.UniqueConstraint(fields=["scheme", "organisation"], name="one_partnership_per_scheme")]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.scheme} ({self.get_status_display()})"


class Objective(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="objectives")
    title = models.CharField("intitulé", max_length=255)
    # Validated against the catalogue by the forms and the JSON import (choices here would tie migrations to labels).
    indicator_code = models.CharField("indicateur du catalogue", max_length=32, blank=True)
    manual_indicator = models.ForeignKey(
        ManualIndicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objectives",
        verbose_name="indicateur saisi",
    )
    baseline_year = models.PositiveSmallIntegerField(
        "année de référence", null=True, blank=True, validators=year_validators
    )
    baseline_value = models.FloatField("valeur de référence", null=True, blank=True)
    deadline_year = models.PositiveSmallIntegerField("échéance", validators=year_validators)
    position = models.PositiveIntegerField("rang", default=0)
    history = change_history()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "objectif"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(indicator_code="") & models.Q(manual_indicator__isnull=False))
                | (~models.Q(indicator_code="") & models.Q(manual_indicator__isnull=True)),
                name="one_indicator_per_objective",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def unit(self) -> str:
        return self.manual_indicator.unit if self.manual_indicator_id else BY_CODE[self.indicator_code].unit

    @property
    def indicator_label(self) -> str:
        return self.manual_indicator.label if self.manual_indicator_id else BY_CODE[self.indicator_code].label

    @property
    def scheme(self) -> Scheme:
        return self.engagement.axis.scheme

    def set_targets(self, values: dict[int, float]) -> None:
        """One target per year given, the others removed; only the targets that differ are written, so that the
        history tells which target changed, from what to what."""
        current = {target.year: target for target in self.targets.all()}
        for year, target in current.items():
            if year not in values:
                target.delete()
        for year, value in values.items():
            target = current.get(year)
            if target is None:
                Target.objects.create(objective=self, year=year, value=value)
            elif target.value != value:
                target.value = value
                target.save(update_fields=["value"])


class Target(models.Model):
    """The value the objective aims at in a year; percentages are stored from 0 to 100."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("année", validators=year_validators)
    value = models.FloatField("cible")
    history = change_history()

    class Meta:
        ordering = ["year"]
        verbose_name = "cible"
        constraints = [models.UniqueConstraint(fields=["objective", "year"], name="one_target_per_year")]

    def __str__(self) -> str:
        return f"{self.year} : {self.value}"


class ActionStatus(models.TextChoices):
    PLANNED = "a-lancer", "À lancer"
    ONGOING = "en-cours", "En cours"
    DONE = "realisee", "Réalisée"
    DROPPED = "abandonnee", "Abandonnée"


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.ONGOING)


class ActionQuerySet(models.QuerySet):
    def overdue(self, today):
        """Actions still to do or under way whose due date has passed."""
        return self.filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)


class Action(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField("intitulé", max_length=255)
    owner = models.CharField("direction pilote", max_length=255)
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referent_actions",
        verbose_name="référent sur Spaser",
        help_text="Membre de l'organisation qui reçoit le récapitulatif des actions en retard.",
    )
    status = models.CharField("état", max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    due_date = models.DateField("échéance", null=True, blank=True)
    position = models.PositiveIntegerField("rang", default=0)

    objects = ActionQuerySet.as_manager()
    history = change_history()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = "action"

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status in OPEN_ACTION_STATUSES and self.due_date is not None and self.due_date < today

    @property
    def scheme(self) -> Scheme:
        return self.engagement.axis.scheme


class ActionComment(models.Model):
    """A note on an action's follow-up, by a member of the organisation (append-only: the thread is the record)."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur"
    )
    text = models.TextField("commentaire", max_length=5000)
    created = models.DateTimeField("écrit le", auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = "commentaire d'action"

    def __str__(self) -> str:
        return f"{self.author} — {self.created:%d/%m/%Y}"


class ManualImport(models.Model):
    """Provenance of values loaded from a file: who, when, which file."""

    indicator = models.ForeignKey(ManualIndicator, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField("fichier", max_length=255)
    rows = models.PositiveIntegerField("lignes importées")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    history = change_history("imported_at")

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = "import de fichier"


class ManualValue(models.Model):
    """One reported figure: a yearly total, or one contract's figure (insertion hours per contract)."""

    indicator = models.ForeignKey(ManualIndicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField("année", validators=year_validators)
    contract_id = models.CharField("identifiant du marché", max_length=64, blank=True)
    value = models.FloatField("valeur réalisée", validators=[MinValueValidator(0)])
    planned = models.FloatField("valeur prévue", null=True, blank=True, validators=[MinValueValidator(0)])
    persons = models.PositiveIntegerField("personnes concernées", null=True, blank=True)
    source = models.ForeignKey(ManualImport, on_delete=models.CASCADE, null=True, blank=True, related_name="values")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    history = change_history("entered_at")

    class Meta:
        ordering = ["year", "contract_id"]
        verbose_name = "valeur saisie"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "contract_id"], name="one_value_per_contract_and_year"
            )
        ]


class IndicatorSnapshot(models.Model):
    """Indicator values of a scope computed from one version of the DECP store, read by dashboards."""

    scope = models.CharField(max_length=255)  # sorted SIRENs joined by commas, then "@" and the group
    data_version = models.CharField(max_length=64)
    buyer = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=32)
    numerator = models.FloatField()
    denominator = models.FloatField(null=True)
    value = models.FloatField(null=True)
    coverage = models.FloatField(null=True)
    contracts = models.PositiveIntegerField()
    missing = models.CharField(max_length=16, blank=True)  # why the value is missing or weak (engine's code)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "data_version"])]


class DigestSent(models.Model):
    """One e-mail digest sent: the key (period or meeting) makes sending idempotent, never twice the same digest."""

    recipient = models.EmailField("destinataire")
    key = models.CharField("récapitulatif", max_length=64)  # "retard:2026-W49", "reunion:12:2026-12-15"
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = "récapitulatif envoyé"
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_digest_per_recipient_and_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"


class ContractTag(models.Model):
    """A DECP contract a buyer says serves an engagement, keyed on the store's `uid` (kind|buyer SIRET|id[|lot]): it
    survives rebuilding the store, and is kept, flagged, when the current store no longer holds the contract."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="contract_tags")
    uid = models.CharField("identité du marché dans l'entrepôt", max_length=255)
    contract_id = models.CharField("identifiant du marché", max_length=64)
    buyer_siret = models.CharField("SIRET de l'acheteur", max_length=14)
    note = models.CharField("note", max_length=255, blank=True)
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="rattaché par"
    )
    tagged_at = models.DateTimeField("rattaché le", auto_now_add=True)
    history = change_history("tagged_at")

    class Meta:
        ordering = ["engagement", "contract_id", "uid"]
        verbose_name = "marché rattaché"
        verbose_name_plural = "marchés rattachés"
        constraints = [
            models.UniqueConstraint(fields=["engagement", "uid"], name="one_tag_per_engagement_and_contract")
        ]

    def __str__(self) -> str:
        return f"marché {self.contract_id} (SIRET {self.buyer_siret})"
