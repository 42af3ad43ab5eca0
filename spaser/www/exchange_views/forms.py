"""The upload form of a SPASER exchange file: which organisation imports it, and the file, read as JSON."""

from django import forms

from spaser.organisations.models import Organisation
from spaser.plans.exchange_validation import UnreadableDocument, read_document
from spaser.www.forms import DsfrForm


MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ImportForm(DsfrForm):
    organisation = forms.ModelChoiceField(
        label="Organisation porteuse",
        queryset=Organisation.objects.none(),
        empty_label=None,
        help_text="Le SPASER importé appartiendra à cette organisation, comme brouillon.",
    )
    file = forms.FileField(
        label="Fichier du SPASER",
        help_text="Format .json encodé en UTF-8, conforme au schéma d'échange SPASER 1.0, 2 Mo au plus.",
        widget=forms.FileInput(attrs={"class": "fr-upload", "accept": ".json,application/json"}),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.document = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".json"):
            raise forms.ValidationError(f"« {upload.name} » n'est pas un fichier .json : exportez le SPASER en JSON.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"« {upload.name} » dépasse 2 Mo : un SPASER tient dans un fichier plus petit."
            )
        try:
            self.document = read_document(upload.read(), upload.name)
        except UnreadableDocument as error:
            raise forms.ValidationError(str(error)) from error
        return upload
