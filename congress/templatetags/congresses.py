"""Addresses on another congress's site: {% congress_url congress "/suggestions/" %}."""

from django import template

from congress.tenancy import url_in

register = template.Library()


@register.simple_tag
def congress_url(congress, path="/"):
    return url_in(congress, path)
