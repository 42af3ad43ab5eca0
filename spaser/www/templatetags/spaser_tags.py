from django import template

from spaser import formatting


register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key)


# Figures go through spaser.formatting, as on the command line: « 75,0 % », « 2 500 heures », « — » when unknown.
register.filter("measure", formatting.measure)  # {{ value|measure:unit_code }}
register.filter("share", formatting.percent)  # {{ coverage|share }}: a share from 0 to 1
register.filter("number", formatting.number)  # {{ value|number }}, {{ value|number:1 }}
