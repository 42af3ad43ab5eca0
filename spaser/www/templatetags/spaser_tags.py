import re

from django import template
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from spaser import formatting


register = template.Library()


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


INLINE_CODE = re.compile(r"`([^`]+)`")


@register.filter
def inline_code(text: str) -> str:  # {{ operation.description|inline_code }}: the `code` spans of OpenAPI text
    return mark_safe(INLINE_CODE.sub(r"<code>\1</code>", escape(text)))


def _known(value):
    return None if value == "" else value
