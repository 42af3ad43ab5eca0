from django import template
from django.forms import BaseForm
from django.utils import timezone

from spaser import formatting


register = template.Library()


@register.simple_tag(takes_context=True)
def error_prefix(context) -> str:
    """« Erreur : » before the page title when a form of the page has errors (RGAA 11.10: the title says it)."""
    forms = (value for value in context.flatten().values() if isinstance(value, BaseForm))
    return "Erreur : " if any(form.is_bound and form.errors for form in forms) else ""


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


# Figures go through spaser.formatting, as on the command line: « 75,0 % », « 2 500 heures », « — » when unknown
# (None, or the empty string a template gives for a missing attribute).


@register.filter
def measure(value, unit: str) -> str:  # {{ value|measure:unit_code }}
    return formatting.measure(_known(value), unit)


@register.filter
def share(value) -> str:  # {{ coverage|share }}: a share from 0 to 1
    return formatting.percent(_known(value))


@register.filter
def number(value, decimals: int = 0) -> str:  # {{ value|number }}, {{ value|number:1 }}
    return formatting.number(_known(value), decimals)


# Dates too: « 6 décembre 2026 », « 6 décembre 2026 à 17 h 38 » in the page's time zone, « — » when unknown.


@register.filter
def day(value) -> str:  # {{ scheme.adoption_date|day }}
    return formatting.day(_known(value))


@register.filter
def moment(value) -> str:  # {{ value.entered_at|moment }}
    return formatting.moment(_known(value), timezone.get_current_timezone())


def _known(value):
    return None if value == "" else value
