from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def refresh_staff_group(sender, **kwargs):
    """After each migrate the congress staff group holds the permissions of every model."""
    from congress.roles import staff_group

    staff_group()


def ensure_default_congress(sender, **kwargs):
    """The default congress exists after every migrate, a test database's flush included."""
    from congress.models import Congress
    from congress.tenancy import forget_congresses

    default = settings.DEFAULT_CONGRESS
    Congress.objects.get_or_create(
        is_default=True,
        defaults={
            "name": default["NAME"],
            "short_name": default["SHORT_NAME"],
            "slug": default["SLUG"],
            "level": default["LEVEL"],
        },
    )
    forget_congresses()


def name_permissions(sender, using="default", **kwargs):
    """After each app's migrate (and Django's creating its permissions), name them in Chinese."""
    from congress.roles import name_permissions

    name_permissions(sender.label, using=using)


class CongressConfig(AppConfig):
    name = "congress"
    verbose_name = _("Congress")

    def ready(self):
        # The receivers that bump the pages' versions; the deployment's checks.
        from congress import cache, checks  # noqa: F401

        post_migrate.connect(refresh_staff_group, sender=self)
        post_migrate.connect(ensure_default_congress, sender=self)
        # Every app's, Django's and axes' too: connected after auth's create_permissions.
        post_migrate.connect(name_permissions, dispatch_uid="congress.name_permissions")

        from django.apps import apps

        from congress.history import connect_deletion_traces

        connect_deletion_traces(apps.get_models())
        cache.watch_rows(apps.get_models())

        from django.contrib import admin

        from congress.admin import keep_to_congress_admin

        keep_to_congress_admin(admin.site)
