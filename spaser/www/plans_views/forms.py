import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy

from spaser.formatting import UNITS, csv_number, day
from spaser.indicators.catalogue import BY_CODE, THEMES
from spaser.organisations.models import Organisation
from spaser.plans.documents import check_pdf, megabytes
from spaser.plans.exchange_format import MAX_EDITION
from spaser.plans.models import (
    Action,
    ActionComment,
    Axis,
    Engagement,
    ManualIndicator,
    Objective,
    Partnership,
    Scheme,
    Status,
)
from spaser.plans.partnerships import OPEN
from spaser.plans.rules import check_baseline_year, check_period, check_target_value, check_year_in_period
from spaser.www.forms import CsvUploadForm, DsfrForm, DsfrModelForm


UNPUBLISHED = (Status.DRAFT, Status.ADOPTED)


class DateInput(forms.DateInput):
    input_type = "date"


def _document_help() -> str:
    limit = megabytes(settings.SPASER_MAX_DOCUMENT_BYTES)
    return f"Un PDF lisible, non protégé par mot de passe, de {limit} au plus."


EDITION_ERROR = "L'édition commence à 1 : indiquez 1 pour une première édition, 2 pour une deuxième, etc."
# What publishing required (spaser.plans.publishing): a published scheme may change it, not lose it.
KEPT_WHILE_PUBLISHED = {
    "adoption_date": "sa date d'adoption",
    "deliberation": "la référence de sa délibération",
    "document": "son document",
}
DIRECTORY_HELP = "Tranche de l'annuaire national des SPASER (achats-durables.gouv.fr)."


class SchemeForm(DsfrModelForm):
    """The scheme's information, asked as the national directory asks it. Publishing is not a field here: it goes
    through the checklist of spaser.plans.publishing (views `publish` and `unpublish`)."""

    edition = forms.IntegerField(
        label="À quelle édition correspond votre SPASER ?",
        min_value=1,
        max_value=MAX_EDITION,
        initial=1,
        help_text="1 pour une première édition, 2 pour une deuxième, etc.",
        error_messages={"min_value": EDITION_ERROR, "max_value": f"Indiquez une édition de 1 à {MAX_EDITION}."},
    )
    mutualised = forms.TypedChoiceField(
        label="Le SPASER est-il mutualisé avec d'autres structures publiques ?",
        choices=[(False, "Non"), (True, "Oui")],
        coerce=lambda value: value == "True",
        initial=False,
    )

    class Meta:
        model = Scheme
        fields = [
            "title",
            "edition",
            "start_year",
            "end_year",
            "status",
            "adoption_date",
            "deliberation",
            "document",
            "summary",
            "population",
            "purchase_volume",
            "mutualised",
            "mutualised_with",
        ]
        widgets = {"adoption_date": DateInput(format="%Y-%m-%d")}
        labels = {
            "start_year": "Période du SPASER : première année",
            "end_year": "Période du SPASER : dernière année",
            "population": "Nombre d'habitants",
            "purchase_volume": "Volume annuel d'achat estimé",
            "mutualised_with": "Autres structures publiques associées",
        }
        help_texts = {
            "population": f"{DIRECTORY_HELP} Laissez vide pour un service de l'État.",
            "purchase_volume": f"{DIRECTORY_HELP} Montant annuel estimé des achats, hors taxes.",
            "mutualised_with": "Celles qui ne sont pas sur la plateforme ; les autres s'invitent comme partenaires.",
            "status": "La publication se fait ensuite avec « Publier », après une liste de vérification.",
            "document": lazy(_document_help, str)(),
        }

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_public:
            del self.fields["status"]  # a published scheme leaves that state by « Dépublier » only
        else:
            self.fields["status"].choices = [(value, label) for value, label in Status.choices if value in UNPUBLISHED]
        for bracket in ("population", "purchase_volume"):
            self.fields[bracket].choices = [("", "Non renseigné"), *self.fields[bracket].choices[1:]]
        if organisations is not None:
            self.fields["organisation"] = forms.ModelChoiceField(
                organisations, label="Organisation porteuse", empty_label=None
            )
            self.order_fields(["organisation"])

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if isinstance(document, UploadedFile):  # not the file already stored
            check_pdf(document)
        return document

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_year"), cleaned.get("end_year")
        if start and end and (error := check_period(start, end)):
            self.add_error("end_year", error)
        if cleaned.get("status") == Status.ADOPTED and not cleaned.get("adoption_date"):
            self.add_error("adoption_date", "Indiquez la date d'adoption d'un SPASER adopté.")
        if self.instance.is_public:  # the instance still holds the stored values here
            for name, what in KEPT_WHILE_PUBLISHED.items():
                if getattr(self.instance, name) and not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, f"Un SPASER publié garde {what} : dépubliez-le d'abord pour l'enlever.")
        return cleaned


class AxisForm(DsfrModelForm):
    class Meta:
        model = Axis
        fields = ["title", "theme", "description"]


class EngagementForm(DsfrModelForm):
    class Meta:
        model = Engagement
        fields = ["title", "description"]


class ActionForm(DsfrModelForm):
    class Meta:
        model = Action
        fields = ["title", "owner", "referent", "status", "due_date"]
        widgets = {"due_date": DateInput(format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The instance always has its engagement (a new action is built under it): its members only.
        members = get_user_model().objects.filter(memberships__organisation=self.instance.scheme.organisation_id)
        self.fields["referent"].queryset = members.order_by("last_name", "first_name", "email")
        self.fields["referent"].label_from_instance = lambda user: user.get_full_name() or user.email


class ActionCommentForm(DsfrModelForm):
    class Meta:
        model = ActionComment
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


CATALOGUE_PREFIX, MANUAL_PREFIX = "catalogue:", "saisi:"
NO_UNIT_YET = "Dans l'unité de l'indicateur choisi."


def unit_hint(unit: str) -> str:
    """What a value of an objective is typed in: « En % (de 0 à 100). », « En heures. »."""
    if unit == "%":
        return "En % (de 0 à 100)."
    shown = UNITS[unit].plural
    return f"En {shown}." if shown else "Un nombre."


class TypedNumberField(forms.FloatField):
    """A number typed the French way: « 12,5 », « 1 000 » (the decimal point is accepted too), shown as typed."""

    def __init__(self, **kwargs):
        super().__init__(localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **kwargs)

    def to_python(self, value):
        return super().to_python(re.sub(r"\s", "", value) if isinstance(value, str) else value)

    def prepare_value(self, value):
        return csv_number(value) if isinstance(value, int | float) else value


@dataclass(frozen=True)
class IndicatorOption:
    value: str
    label: str
    detail: str  # the definition, or who shares a manual indicator
    unit: str
    code: str = ""

    @property
    def hint(self) -> str:
        return unit_hint(self.unit)


class ObjectiveForm(DsfrModelForm):
    """An objective with its indicator, chosen from the catalogue or the manual indicators (preselected only by a link
    that names it, `?indicateur=catalogue:A2`), and one target field per year of the scheme's period, each in the
    unit of the indicator."""

    indicator = forms.ChoiceField(
        label="Indicateur suivi",
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez l'indicateur que cet objectif suit."},
    )
    baseline_value = TypedNumberField(label="Valeur de référence", required=False)

    class Meta:
        model = Objective
        fields = ["title", "baseline_year", "baseline_value", "deadline_year"]
        help_texts = {"baseline_year": "L'année de départ de l'objectif, si vous en avez une."}

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        self.manual = scheme.usable_manual_indicators().select_related("organisation")
        self.fields["indicator"].choices = [
            (group, [(option.value, option.label) for option in options]) for group, options in self.indicator_groups()
        ]
        self.order_fields(["title", "indicator"])
        targets = {t.year: t.value for t in self.instance.targets.all()} if self.instance.pk else {}
        for year in scheme.years:
            self.fields[f"target_{year}"] = TypedNumberField(
                label=f"Cible {year}", required=False, initial=targets.get(year)
            )
        if self.instance.manual_indicator_id and not self.manual.filter(pk=self.instance.manual_indicator_id).exists():
            self._help(
                "indicator",
                f"L'indicateur actuel « {self.instance.manual_indicator} » n'est plus partagé avec ce SPASER par "
                "son organisation : ses valeurs ne sont plus affichées. Choisissez un autre indicateur.",
            )
        if self.instance.pk:
            self.initial["indicator"] = (
                f"{MANUAL_PREFIX}{self.instance.manual_indicator_id}"
                if self.instance.manual_indicator_id
                else f"{CATALOGUE_PREFIX}{self.instance.indicator_code}"
            )
        else:
            self.initial["deadline_year"] = scheme.end_year
        hint = self.chosen_unit_hint()
        for name in ["baseline_value", *(f"target_{year}" for year in scheme.years)]:
            self._help(name, hint)

    def _help(self, name: str, text: str) -> None:
        """A help text set after the form is built: its bound field already copied the field's."""
        self.fields[name].help_text = self[name].help_text = text

    def indicator_groups(self) -> list[tuple[str, list[IndicatorOption]]]:
        """The catalogue by theme, then the manual indicators this scheme may follow."""
        groups = [
            (
                theme.label,
                [
                    IndicatorOption(f"{CATALOGUE_PREFIX}{code}", i.label, i.definition, i.unit, code)
                    for code in theme.codes
                    for i in [BY_CODE[code]]
                ],
            )
            for theme in THEMES
        ]
        manual = [IndicatorOption(f"{MANUAL_PREFIX}{m.pk}", m.label, self._detail(m), m.unit) for m in self.manual]
        return groups + [("Indicateurs saisis par les organisations du SPASER", manual)] if manual else groups

    def _detail(self, indicator: ManualIndicator) -> str:
        own = indicator.organisation_id == self.scheme.organisation_id
        by = f"{'Saisi' if own else 'Partagé'} par {indicator.organisation}."
        return f"{indicator.definition.strip()} {by}".lstrip()

    def chosen(self) -> str:
        """The indicator chosen in the data sent, or the objective's; "" before any choice."""
        return (self.data.get("indicator") if self.is_bound else self.initial.get("indicator")) or ""

    def chosen_unit_hint(self) -> str:
        unit = self._unit(self.chosen())
        return NO_UNIT_YET if unit is None else unit_hint(unit)

    def target_fields(self):
        return [self[f"target_{year}"] for year in self.scheme.years]

    def _unit(self, choice: str) -> str | None:
        """The unit of a choice, None for an unknown one (the field says why)."""
        if choice.startswith(MANUAL_PREFIX):
            pk = choice.removeprefix(MANUAL_PREFIX)
            found = ManualIndicator.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
            return found.unit if found else None
        indicator = BY_CODE.get(choice.removeprefix(CATALOGUE_PREFIX)) if choice.startswith(CATALOGUE_PREFIX) else None
        return indicator.unit if indicator else None

    def clean(self):
        cleaned = super().clean()
        start, end = self.scheme.start_year, self.scheme.end_year
        if cleaned.get("deadline_year") and (
            error := check_year_in_period(cleaned["deadline_year"], start, end, "L'échéance")
        ):
            self.add_error("deadline_year", error)
        if cleaned.get("baseline_year") and (error := check_baseline_year(cleaned["baseline_year"], start, end)):
            self.add_error("baseline_year", error)
        self._check_baseline_pair(cleaned)
        targets = {year: cleaned.get(f"target_{year}") for year in self.scheme.years}
        if all(value is None for value in targets.values()) and not any(f"target_{y}" in self.errors for y in targets):
            raise forms.ValidationError("Fixez au moins une cible annuelle à l'objectif.")
        unit = self._unit(cleaned.get("indicator", ""))  # None without a valid choice: only « négatif » is checked
        for year, value in targets.items():
            if value is not None and (error := check_target_value(unit, value)):
                self.add_error(f"target_{year}", error)
        if cleaned.get("baseline_value") is not None and (
            error := check_target_value(unit, cleaned["baseline_value"])
        ):
            self.add_error("baseline_value", error)
        return cleaned

    def _check_baseline_pair(self, cleaned: dict) -> None:
        """The baseline is a year and a value, or nothing: the field left empty says so, never the one filled."""
        if "baseline_year" in self.errors or "baseline_value" in self.errors:
            return  # the field already says what is wrong with it
        year, value = cleaned.get("baseline_year"), cleaned.get("baseline_value")
        if year is not None and value is None:
            self.add_error("baseline_value", f"Indiquez la valeur de référence de {year}, ou effacez l'année.")
        elif value is not None and year is None:
            self.add_error("baseline_year", "Indiquez l'année de la valeur de référence, ou effacez la valeur.")

    def save(self, commit=True):
        objective = super().save(commit=False)
        choice = self.cleaned_data["indicator"]
        if choice.startswith(MANUAL_PREFIX):
            objective.manual_indicator_id, objective.indicator_code = int(choice.removeprefix(MANUAL_PREFIX)), ""
        else:
            objective.manual_indicator_id, objective.indicator_code = None, choice.removeprefix(CATALOGUE_PREFIX)
        objective.save()
        objective.set_targets(
            {
                year: self.cleaned_data[f"target_{year}"]
                for year in self.scheme.years
                if self.cleaned_data.get(f"target_{year}") is not None
            }
        )
        return objective

    def clean_indicator(self):
        choice = self.cleaned_data["indicator"]
        if choice.startswith(MANUAL_PREFIX):
            allowed = self.scheme.usable_manual_indicators().filter(pk=int(choice.removeprefix(MANUAL_PREFIX)))
            if not allowed.exists():
                raise forms.ValidationError(
                    "Cet indicateur saisi n'est partagé avec ce SPASER par aucune organisation."
                )
        elif choice.removeprefix(CATALOGUE_PREFIX) not in BY_CODE:
            raise forms.ValidationError("Indicateur inconnu du catalogue.")
        return choice


class PartnerInvitationForm(DsfrForm):
    organisation = forms.ModelChoiceField(
        Organisation.objects.none(),
        label="Organisation à inviter",
        help_text="Un administrateur de cette organisation doit accepter : ses marchés ne sont comptés, et ses "
        "membres ne lisent ce SPASER, qu'après son accord.",
    )

    def __init__(self, *args, scheme: Scheme, **kwargs):
        super().__init__(*args, **kwargs)
        already = scheme.partnerships.filter(status__in=OPEN).values_list("organisation", flat=True)
        self.fields["organisation"].queryset = Organisation.objects.exclude(pk=scheme.organisation_id).exclude(
            pk__in=already
        )


class SharedIndicatorsForm(DsfrForm):
    indicators = forms.ModelMultipleChoiceField(
        ManualIndicator.objects.none(),
        label="Indicateurs saisis partagés avec ce SPASER",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Seuls les indicateurs cochés pourront être suivis par ce SPASER et publiés avec lui, valeurs "
        "comprises. Vous pourrez changer ce choix plus tard.",
    )

    def __init__(self, *args, partnership: Partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = partnership.organisation.manual_indicators.all()
        self.initial.setdefault("indicators", list(partnership.shared_indicators.all()))


class ContractTagForm(DsfrForm):
    """Ties one of the contracts published under an id (several when the buyer reused it) to an engagement."""

    contract = forms.ChoiceField(label="Marché", widget=forms.RadioSelect)
    engagement = forms.ModelChoiceField(label="Engagement", queryset=Engagement.objects.none())
    note = forms.CharField(
        label="Note", max_length=255, required=False, help_text="Pourquoi ce marché sert l'engagement."
    )

    def __init__(self, *args, scheme: Scheme, contracts: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [(contract.uid, _contract_label(contract)) for contract in contracts]
        if len(contracts) == 1:
            self.fields["contract"].initial = contracts[0].uid
        engagements = Engagement.objects.filter(axis__scheme=scheme).select_related("axis")
        self.fields["engagement"].queryset = engagements.order_by("axis__position", "axis__pk", "position", "pk")
        self.fields["engagement"].label_from_instance = lambda engagement: f"{engagement.axis} — {engagement}"


def _contract_label(contract) -> str:
    return f"{contract.id} — {contract.objet} (SIRET {contract.buyer_siret}, notifié le {day(contract.notified)})"


class ContractTagsUploadForm(CsvUploadForm):
    label = "Fichier CSV des marchés à rattacher"
