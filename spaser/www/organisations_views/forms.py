from django import forms

from spaser.organisations.models import Membership, Organisation, Role, siren_validator
from spaser.www.forms import DsfrForm, DsfrModelForm


class InvitationForm(DsfrForm):
    email = forms.EmailField(label="Adresse électronique de la personne invitée")
    role = forms.ChoiceField(label="Rôle", choices=Role.choices, initial=Role.VIEWER)


class MembershipRoleForm(DsfrModelForm):
    class Meta:
        model = Membership
        fields = ["role"]


class OrganisationCreationForm(DsfrForm):
    siren = forms.CharField(
        label="SIREN de l'acheteur",
        help_text="9 chiffres. Le nom, le type et les SIRET sont repris du répertoire SIRENE et des DECP.",
        validators=[siren_validator],
    )
    name = forms.CharField(
        label="Nom", required=False, help_text="À saisir seulement si l'acheteur est absent des données de référence."
    )

    def clean_siren(self):
        siren = self.cleaned_data["siren"].replace(" ", "")
        if Organisation.objects.filter(siren=siren).exists():
            raise forms.ValidationError("Une organisation existe déjà avec ce SIREN.")
        return siren
