"""Who a user is to the system. One place, so every page and action asks the same question."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from django.utils.translation import gettext_lazy as _

STAFF_GROUP = "代表工委"  # congress staff; renamed from congress_staff (migration 0005)
STAFF_APPS = ["congress", "deputies", "suggestions", "reports"]


def is_congress_staff(user, congress=None):
    """Staff (代表工委) of `congress` (default: the congress being worked for, or the default
    one): in the staff group and among that congress's staff; a member of the group who is on
    no congress's staff is the default congress's. A superuser is staff everywhere."""
    from congress.tenancy import congress_of_work

    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    staffed = getattr(user, "_staffed_congresses", None)
    if staffed is None:
        in_group = user.groups.filter(name=STAFF_GROUP).exists()
        staffed = set(user.staffed_congresses.values_list("pk", flat=True)) if in_group else False
        user._staffed_congresses = staffed
    if staffed is False:
        return False
    congress = congress or congress_of_work()
    return congress.pk in staffed if staffed else congress.is_default


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


# Django names each permission once, in English, when it creates it ("Can add delegation").
ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def name_permissions(app_label, using="default"):
    """Name an app's default permissions in the site's language (可修改代表团), as the back office
    shows them beside its Chinese app and model names. Idempotent: rewrites only what differs."""
    renamed = []
    with translation.override(settings.LANGUAGE_CODE):
        permissions = Permission.objects.using(using).filter(content_type__app_label=app_label)
        for permission in permissions.select_related("content_type"):
            model = permission.content_type.model_class()
            action = permission.codename.split("_", 1)[0]
            if model is None or permission.codename != f"{action}_{model._meta.model_name}":
                continue  # a model since removed, or a permission of the app's own
            if action in ACTIONS:
                name = str(ACTIONS[action] % {"model": model._meta.verbose_name})
                if permission.name != name:
                    permission.name = name
                    renamed.append(permission)
    Permission.objects.using(using).bulk_update(renamed, ["name"])
