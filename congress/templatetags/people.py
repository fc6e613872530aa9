"""{{ user|person }}: a person by name and role wherever a page shows who did something."""

from django import template

from congress.viewer import person as person_shown

register = template.Library()


@register.filter
def person(user):
    return person_shown(user) if user else ""
