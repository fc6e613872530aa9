"""Who a user is to the system. One place, so every page and action asks the same question."""

from django.contrib.auth.models import Group

STAFF_GROUP = "congress_staff"


def is_congress_staff(user):
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_congress_staff", None)
    if cached is None:
        cached = user.groups.filter(name=STAFF_GROUP).exists()
        user._is_congress_staff = cached
    return cached


def staff_group():
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    return group
