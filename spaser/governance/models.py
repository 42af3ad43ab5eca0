"""Who steers a scheme: committees (COTECH, COPIL, partner committees) with their members, their meetings
(minutes, attendance) and the decisions taken there, tied to the scheme's objectives and actions."""

import secrets

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from spaser.formatting import day
from spaser.plans.models import Action, ActionStatus, Objective, Scheme


class CommitteeKind(models.TextChoices):
    COTECH = "cotech", "Comité technique (COTECH)"
    COPIL = "copil", "Comité de pilotage (COPIL)"
    PARTNERS = "partenarial", "Comité partenarial"
    OTHER = "autre", "Autre instance"


class Frequency(models.TextChoices):
    MONTHLY = "mensuelle", "Tous les mois"
    QUARTERLY = "trimestrielle", "Tous les trois mois"
    HALF_YEARLY = "semestrielle", "Tous les six mois"
    YEARLY = "annuelle", "Tous les ans"
    ON_DEMAND = "a-la-demande", "À la demande (sans rythme fixe)"


class Committee(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="committees")
    name = models.CharField("nom", max_length=255)
    kind = models.CharField("type d'instance", max_length=16, choices=CommitteeKind.choices)
    frequency = models.CharField("fréquence des réunions", max_length=16, choices=Frequency.choices)

    class Meta:
        ordering = ["scheme", "pk"]
        verbose_name = "comité"

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    """A user of the scheme's organisations, or a person outside the platform (a partner's representative)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField("nom et prénom", max_length=255, blank=True)
    organisation_name = models.CharField("organisation", max_length=255, blank=True)
    email = models.EmailField("adresse e-mail", blank=True)

    class Meta:
        ordering = ["committee", "pk"]
        verbose_name = "membre d'un comité"
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(user__isnull=False) & models.Q(name=""))
                | (models.Q(user__isnull=True) & ~models.Q(name="")),
                name="member_inside_or_outside",
            ),
            models.UniqueConstraint(fields=["committee", "user"], name="one_seat_per_user"),
        ]

    def __str__(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.email
        return f"{self.name} ({self.organisation_name})" if self.organisation_name else self.name

    @property
    def outside(self) -> bool:
        return self.user_id is None


class Meeting(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    date = models.DateField("date")
    start_time = models.TimeField("heure de début", null=True, blank=True)
    place = models.CharField("lieu", max_length=255, blank=True)
    minutes = models.TextField("compte rendu", blank=True)
    attendees = models.ManyToManyField(
        CommitteeMember, blank=True, related_name="meetings_attended", verbose_name="présents"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["date", "start_time", "pk"]
        verbose_name = "réunion"

    def __str__(self) -> str:
        return f"{self.committee} du {day(self.date)}"

    @property
    def scheme(self) -> Scheme:
        return self.committee.scheme


class DecisionStatus(models.TextChoices):
    OPEN = "a-suivre", "À suivre"
    DONE = "realisee", "Réalisée"
    DROPPED = "abandonnee", "Abandonnée"


class Decision(models.Model):
    """What a meeting decided; it may create an action or set the state or due date of the actions it names."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("décision")
    owner = models.ForeignKey(
        CommitteeMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name="responsable",
    )
    deadline = models.DateField("échéance", null=True, blank=True)
    status = models.CharField("suivi", max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.OPEN)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="decisions", verbose_name="objectifs")
    actions = models.ManyToManyField(Action, blank=True, related_name="decisions", verbose_name="actions")
    created_action = models.ForeignKey(
        Action, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="action créée"
    )
    action_status = models.CharField(
        "nouvel état des actions", max_length=16, choices=ActionStatus.choices, blank=True
    )
    action_due_date = models.DateField("nouvelle échéance des actions", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting__date", "pk"]
        verbose_name = "décision"

    def __str__(self) -> str:
        return self.text[:80]


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The secret address of a scheme's meetings calendar: calendar clients cannot log in (docs/decisions.md)."""

    scheme = models.OneToOneField(Scheme, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "calendrier des réunions"

    def renew(self) -> None:
        self.token = new_token()
        self.save(update_fields=["token", "created_at"])


class Lever(models.TextChoices):
    """What a question of the per-purchase questionnaire measures."""

    SOURCING = "sourcing", "Sourcing"
    RESERVED = "marche-reserve", "Lot ou marché réservé"
    SOCIAL_CLAUSE = "clause-sociale", "Clause sociale"
    ENVIRONMENTAL = "critere-environnemental", "Critère environnemental"
    RECYCLED = "recycle-biosource", "Produits recyclés ou biosourcés"
    SME_LOTS = "allotissement-pme", "Allotissement pour les PME"
    OTHER = "autre", "Autre levier"


class PurchaseQuestion(models.Model):
    """A question every purchase of the scheme is asked before its consultation (answered yes, no, not applicable)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="purchase_questions")
    text = models.CharField("question", max_length=500)
    lever = models.CharField("levier mesuré", max_length=32, choices=Lever.choices)
    position = models.PositiveIntegerField("ordre", default=0)

    class Meta:
        ordering = ["scheme", "position", "pk"]
        verbose_name = "question du questionnaire d'achat"

    def __str__(self) -> str:
        return self.text


class ProjectStatus(models.TextChoices):
    PREPARING = "en-preparation", "En préparation"
    LAUNCHED = "consultation-lancee", "Consultation lancée"
    AWARDED = "attribue", "Attribué"
    ABANDONED = "abandonne", "Abandonné"


class PurchaseProject(models.Model):
    """A procurement project questioned before its consultation, later linked to the DECP contract it became
    (`contract_uid` is the store's contract identity, spaser/decp/identity.py; the label keeps what it was)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="purchase_projects")
    title = models.CharField("objet de l'achat", max_length=255)
    estimated_amount = models.FloatField("montant estimé (€ HT)", null=True, blank=True)
    consultation_date = models.DateField("date prévue de la consultation", null=True, blank=True)
    buyer = models.CharField("service acheteur", max_length=255, blank=True)
    status = models.CharField("état", max_length=24, choices=ProjectStatus.choices, default=ProjectStatus.PREPARING)
    questioned_on = models.DateField("questionné le", null=True, blank=True)
    contract_uid = models.CharField("marché lié (identité DECP)", max_length=600, blank=True)
    contract_label = models.CharField("marché lié", max_length=800, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheme", "-consultation_date", "pk"]
        verbose_name = "projet d'achat"

    def __str__(self) -> str:
        return self.title


class Answer(models.TextChoices):
    YES = "oui", "Oui"
    NO = "non", "Non"
    NOT_APPLICABLE = "sans-objet", "Sans objet"


class PurchaseAnswer(models.Model):
    project = models.ForeignKey(PurchaseProject, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(PurchaseQuestion, on_delete=models.CASCADE, related_name="answers")
    answer = models.CharField("réponse", max_length=16, choices=Answer.choices)

    class Meta:
        ordering = ["project", "question__position", "question__pk"]
        verbose_name = "réponse au questionnaire d'achat"
        constraints = [models.UniqueConstraint(fields=["project", "question"], name="one_answer_per_question")]
