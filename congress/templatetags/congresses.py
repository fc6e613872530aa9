"""Addresses on another congress's site, for pages that list the rows of several congresses (a
deputy at two levels, a transfer, notifications): {% congress_url congress "/suggestions/" %},
or a named page there, {% congress_reverse congress "workbench:suggestion" pk %}."""

from django import template

from congress.tenancy import reverse_in, url_in

register = template.Library()


@register.simple_tag
def congress_url(congress, path="/"):
    return url_in(congress, path)


@register.simple_tag
def congress_reverse(congress, viewname, *args):
    return reverse_in(congress, viewname, *args)
