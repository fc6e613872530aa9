"""Who a user is to the system. One place, so every page and action asks the same question."""

from django.contrib.auth.models import Group, Permission

STAFF_GROUP = "congress_staff"
STAFF_APPS = ["congress", "deputies", "suggestions", "reports"]


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
    """The congress staff group, with the back-office permissions on the project's own data."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    own = Permission.objects.filter(content_type__app_label__in=STAFF_APPS)
    # Staff unlock accounts and addresses locked out after failed logins (django-axes).
    unlock = Permission.objects.filter(
        content_type__app_label="axes",
        codename__in=["view_accessattempt", "delete_accessattempt"],
    )
    group.permissions.set(own | unlock)
    return group
