"""Pieces other apps' pages include, so they show deputy support and committee work without
importing the reports app in their views."""

from django import template

from reports import services
from reports.figures import show_number

register = template.Library()


@register.filter
def yuan(value):
    return show_number(value or 0)


@register.inclusion_tag("reports/_support_totals.html")
def support_totals(year):
    """The year's support for deputies (public station figures page)."""
    return {"totals": services.support_totals(int(year))}


@register.inclusion_tag("reports/_deputy_support.html")
def deputy_support(deputy):
    """A deputy's payments, courses and materials (their duty record)."""
    return services.deputy_support(deputy)


@register.inclusion_tag("reports/_informed.html")
def informed_work(suggestion):
    """The standing committee's work a suggestion informed (its public page)."""
    return {"work": list(suggestion.committee_work.all())}
