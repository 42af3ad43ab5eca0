"""DSFR rendering for every form of the site (django-dsfr's field templates, optional fields marked), with an
error summary at the top of a form that has errors."""

from django import forms
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
