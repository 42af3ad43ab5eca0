from django import template
from django.utils.formats import number_format


register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


@register.filter
def measure(value: float | None, unit: str) -> str:
    """A value in its unit, French style: « 75,0 % », « 2 500 heures », « — » when unknown."""
    if value is None:
        return "—"
    decimals = 1 if unit in ("%", "offres") else 0
    return f"{number_format(value, decimals, use_l10n=True, force_grouping=True)}\u00a0{unit}"


@register.filter
def share(value: float | None) -> str:
    return "—" if value is None else f"{number_format(value * 100, 0, use_l10n=True)}\u00a0%"
