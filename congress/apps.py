from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def refresh_staff_group(sender, **kwargs):
    """After each migrate the congress staff group holds the permissions of every model."""
    from congress.roles import staff_group

    staff_group()


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
        # Every app's, Django's and axes' too: connected after auth's create_permissions.
        post_migrate.connect(name_permissions, dispatch_uid="congress.name_permissions")

        from django.apps import apps

        from congress.history import connect_deletion_traces

        connect_deletion_traces(apps.get_models())
