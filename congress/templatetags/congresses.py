"""Addresses on another congress's site: {% congress_url congress "/suggestions/" %}, or a
named page there, {% congress_reverse congress "workbench:suggestion" pk %}."""

from django import template
from django.urls import get_script_prefix, reverse, set_script_prefix

from congress.tenancy import url_in

register = template.Library()


@register.simple_tag
def congress_url(congress, path="/"):
    return url_in(congress, path)


@register.simple_tag
def congress_reverse(congress, viewname, *args):
    """{% url viewname *args %} as it is on `congress`'s site, from whichever site."""
    prefix = get_script_prefix()
    set_script_prefix("/")
    try:
        path = reverse(viewname, args=args)
    finally:
        set_script_prefix(prefix)
    return url_in(congress, path)
