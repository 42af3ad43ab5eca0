"""Forms of the manual indicators: creating an indicator, typing one value, uploading a CSV file."""

from django import forms
from django.utils import timezone

from spaser.plans.manual import MAX_CONTRACT_ID
from spaser.plans.models import FIRST_YEAR, LAST_YEAR, ManualIndicator, ManualUnit
from spaser.tables import MAX_HOURS
from spaser.www.forms import CsvUploadForm, DsfrForm, DsfrModelForm


DECIMAL_INPUT = forms.TextInput(attrs={"inputmode": "decimal"})


class IndicatorForm(DsfrModelForm):
    class Meta:
        model = ManualIndicator
        fields = ["organisation", "label", "code", "unit", "definition"]
        help_texts = {
            "code": "Identifiant court, en minuscules, sans espace ni accent (par exemple : heures-insertion).",
            "label": "Par exemple : Heures d'insertion réalisées dans les marchés.",
            "unit": "Pour importer un fichier d'heures d'insertion par marché, choisissez « heures ».",
            "definition": "Ce que mesure l'indicateur, sa source et la façon de le compter.",
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None


class ValueForm(DsfrForm):
    """One figure; its limits depend on the unit of the indicator (hours, percentage)."""

    year = forms.IntegerField(
        label="Année", min_value=FIRST_YEAR, max_value=LAST_YEAR, initial=lambda: timezone.localdate().year
    )
    contract_id = forms.CharField(
        label="Identifiant du marché",
        max_length=MAX_CONTRACT_ID,
        required=False,
        help_text="Laissez vide pour saisir la valeur globale de l'année.",
    )
    # Localised: agents type decimal commas ("12,5").
    value = forms.FloatField(label="Valeur réalisée", min_value=0, localize=True, widget=DECIMAL_INPUT)
    planned = forms.FloatField(label="Valeur prévue", min_value=0, required=False, localize=True, widget=DECIMAL_INPUT)
    persons = forms.IntegerField(label="Personnes concernées", min_value=0, required=False)

    def __init__(self, *args, indicator: ManualIndicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        unit = indicator.get_unit_display()
        # Bound fields already hold their labels (the DSFR mixin built them).
        self["value"].label = f"Valeur réalisée ({unit})"
        self["planned"].label = f"Valeur prévue ({unit})"

    def clean_value(self):
        return self._within_unit_limit(self.cleaned_data["value"])

    def clean_planned(self):
        return self._within_unit_limit(self.cleaned_data["planned"])

    def clean_contract_id(self):
        return self.cleaned_data["contract_id"].strip()

    def _within_unit_limit(self, value):
        if value is None:
            return value
        if self.indicator.unit == ManualUnit.PERCENT and value > 100:
            raise forms.ValidationError("Un pourcentage est compris entre 0 et 100.")
        if self.indicator.unit == ManualUnit.HOURS and value > MAX_HOURS:
            raise forms.ValidationError("Plus de 1 000 000 heures pour un seul marché : vérifiez la valeur.")
        return value

    def clean(self):
        cleaned = super().clean()
        if "year" in cleaned and "contract_id" in cleaned:
            self._refuse_double_count(cleaned["year"], cleaned["contract_id"])
        return cleaned

    def _refuse_double_count(self, year: int, contract_id: str) -> None:
        """A year holds either one global value or values per contract, never both (the total would count twice)."""
        values = self.indicator.values.filter(year=year)
        if contract_id and values.filter(contract_id="").exists():
            raise forms.ValidationError(
                f"L'année {year} a déjà une valeur globale sans identifiant de marché : "
                "supprimez-la avant de saisir des valeurs par marché."
            )
        if not contract_id and values.exclude(contract_id="").exists():
            raise forms.ValidationError(
                f"L'année {year} a déjà des valeurs par marché : le total de l'année est leur somme. "
                "Indiquez un identifiant de marché."
            )


class UploadForm(CsvUploadForm):
    label = "Fichier CSV des heures d'insertion"
