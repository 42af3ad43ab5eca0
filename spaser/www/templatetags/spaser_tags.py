import re

from django import template
from django.forms import BaseForm
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from spaser import formatting
from spaser.plans.models import Action, Axis, Engagement, Objective


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


@register.filter
def count(value, noun: str) -> str:  # {{ objectives|count:"objectif" }}: « 1 objectif », « 12 objectifs »
    return formatting.count(_known(value), noun)


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


# What a deletion takes with it, counted from the prefetched tree: « 2 engagements, 5 objectifs et 3 actions ».


@register.filter
def deleted_with(item) -> str:  # {{ axis|deleted_with }}; a scheme's list of axes too
    if isinstance(item, Action):
        return ""
    if isinstance(item, Objective):
        counts = {"cible annuelle": len(item.targets.all())}
    elif isinstance(item, Engagement):
        counts = {"objectif": len(item.objectives.all()), "action": len(item.actions.all())}
    else:
        axes = [item] if isinstance(item, Axis) else list(item)
        engagements = [engagement for axis in axes for engagement in axis.engagements.all()]
        counts = {
            "axe": 0 if isinstance(item, Axis) else len(axes),
            "engagement": len(engagements),
            "objectif": sum(len(engagement.objectives.all()) for engagement in engagements),
            "action": sum(len(engagement.actions.all()) for engagement in engagements),
        }
    parts = [formatting.count(count, noun, _plural(noun)) for noun, count in counts.items() if count]
    return " et ".join(filter(None, [", ".join(parts[:-1]), parts[-1]])) if parts else ""


def _plural(noun: str) -> str:  # « cible annuelle » → « cibles annuelles »
    return " ".join(f"{word}s" for word in noun.split())
