"""A named address on another congress's site, for pages that list the rows of several
congresses (a deputy at two levels, a transfer):
{% url_in_congress congress "workbench:suggestion" pk %}."""

from django import template
from django.urls import get_script_prefix, reverse

from congress.tenancy import url_in

register = template.Library()


def reverse_in(congress, viewname, *args):
    """`reverse(viewname, args)` on `congress`'s site, whichever site this request is on."""
    here = reverse(viewname, args=args)  # under this site's script prefix
    return url_in(congress, "/" + here[len(get_script_prefix()) :])


@register.simple_tag
def url_in_congress(congress, viewname, *args):
    return reverse_in(congress, viewname, *args)
