"""DSFR rendering for every form of the site (django-dsfr's field templates, optional fields marked), with an
error summary at the top of a form that has errors."""

from django import forms
from django.core.validators import FileExtensionValidator
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr


class DsfrFormMixin:
    template_name = "includes/form.html"
    bound_field_class = DsfrBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for visible in self.visible_fields():
            if isinstance(visible.field.widget, forms.FileInput):
                visible.field.widget.attrs.setdefault("class", "fr-upload")
                visible.field.widget.group_class = "fr-upload-group"
            dsfr_input_class_attr(visible)

    def get_context(self):
        # DSFR recommends marking optional fields rather than required ones.
        return {**super().get_context(), "DSFR_MARK_OPTIONAL_FIELDS": True}

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor, field label, message) of each error, the form's own and its hidden fields' first (no anchor)."""
        summary = [("", "", error) for error in self.non_field_errors()]
        summary += [("", "", error) for field in self.hidden_fields() for error in field.errors]
        for field in self.visible_fields():
            # A group of checkboxes or radios has no element of the field's id: its first option has "<id>_0".
            multiple = isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            anchor = f"{field.auto_id}_0" if multiple else field.id_for_label
            summary += [(anchor, field.label, error) for error in field.errors]
        return summary


class DsfrForm(DsfrFormMixin, forms.Form):
    pass


class DsfrModelForm(DsfrFormMixin, forms.ModelForm):
    pass


CSV_MAX_BYTES = 5 * 1024 * 1024


class CsvUploadForm(DsfrForm):
    """A CSV file of at most 5 MB; each import names what the file holds in `label`."""

    label = "Fichier CSV"
    file = forms.FileField(
        help_text="Format .csv encodé en UTF-8, séparateur point-virgule ou virgule, 5 Mo au plus.",
        validators=[FileExtensionValidator(["csv"], "Le fichier doit avoir l'extension .csv.")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The mixin's __init__ already made the bound field (with Django's default label « File »): relabel both.
        self.fields["file"].label = self["file"].label = self.label

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")
        return upload
