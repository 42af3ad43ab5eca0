"""The per-purchase questionnaire's forms: the scheme's questions, a purchase project with its answers, and the DECP
contract it became (a contract of another buyer is refused on the field)."""

from pathlib import Path

from django import forms
from django.utils import timezone

from spaser.governance import questionnaires
from spaser.governance.models import Answer, PurchaseProject, PurchaseQuestion
from spaser.indicators.readers import StoreUnavailable
from spaser.plans.models import Scheme
from spaser.www.forms import DsfrForm, DsfrModelForm
from spaser.www.plans_views.forms import DateInput, TypedNumberField


class QuestionForm(DsfrModelForm):
    class Meta:
        model = PurchaseQuestion
        fields = ["text", "lever", "position"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "lever": "Les indicateurs comparent les réponses « oui » aux clauses sociales, marchés réservés et "
            "critères environnementaux publiés dans les DECP du marché lié.",
            "position": "Les questions sont posées dans cet ordre.",
        }


class ProjectForm(DsfrModelForm):
    """The project and one yes / no / not applicable answer per question of the scheme (blank: not yet answered)."""

    estimated_amount = TypedNumberField(label="Montant estimé (€ HT)", min_value=0, required=False)

    class Meta:
        model = PurchaseProject
        fields = ["title", "estimated_amount", "consultation_date", "buyer", "status", "questioned_on"]
        widgets = {
            "consultation_date": DateInput(format="%Y-%m-%d"),
            "questioned_on": DateInput(format="%Y-%m-%d"),
        }
        labels = {"questioned_on": "Date du questionnement"}
        help_texts = {
            "title": "Par exemple « Nettoyage des bâtiments administratifs ».",
            "buyer": "La direction ou le service qui prépare l'achat.",
            "consultation_date": "Le questionnaire compte comme fait avant la consultation s'il est complet à "
            "cette date.",
            "questioned_on": "Remplie le jour où toutes les questions ont une réponse ; corrigez-la si le "
            "questionnement a eu lieu avant sa saisie ici.",
        }

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        given = dict(self.instance.answers.values_list("question", "answer")) if self.instance.pk else {}
        for question in self.questions:
            self.fields[self.answer_name(question)] = forms.ChoiceField(
                label=question.text,
                choices=Answer.choices,
                required=False,
                widget=forms.RadioSelect,
                initial=given.get(question.pk),
                help_text=f"Levier : {question.get_lever_display()}. Laissez sans réponse si elle n'est "
                "pas encore connue.",
            )

    @staticmethod
    def answer_name(question: PurchaseQuestion) -> str:
        return f"question_{question.pk}"

    def clean(self):
        cleaned = super().clean()
        questioned_on = cleaned.get("questioned_on")
        if questioned_on and questioned_on > timezone.localdate():
            self.add_error("questioned_on", "La date du questionnement ne peut pas être dans le futur.")
        elif questioned_on and not all(cleaned.get(self.answer_name(question)) for question in self.questions):
            self.add_error(
                "questioned_on",
                "Un questionnaire incomplet n'a pas de date de questionnement : répondez à toutes les questions "
                "ou videz la date.",
            )
        return cleaned

    def answers(self) -> dict[PurchaseQuestion, str]:
        return {question: self.cleaned_data[self.answer_name(question)] for question in self.questions}


STORE_UNREADABLE = "Les DECP ne peuvent pas être lues pour le moment : réessayez dans quelques minutes."


class ContractForm(DsfrForm):
    """The marché a project became: its DECP id, or a proposed marché (its uid, the store's identity)."""

    contract = forms.CharField(
        label="Identifiant du marché dans les DECP",
        max_length=600,
        help_text="Le champ « id » des données essentielles du marché, tel que publié par votre organisation.",
    )

    def __init__(self, *args, scheme: Scheme, store: Path, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheme, self.store = scheme, store

    def clean_contract(self):
        value = self.cleaned_data["contract"].strip()
        try:
            return questionnaires.contract_for(self.scheme, value, self.store)
        except questionnaires.LinkRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
        except StoreUnavailable as error:
            raise forms.ValidationError(STORE_UNREADABLE) from error
