"""suggestions leans on deputies, never the other way round: deputies' models name no
suggestions model, and no deputies migration depends on suggestions."""

from django.apps import apps
from django.db.migrations.loader import MigrationLoader


def test_deputies_models_do_not_relate_to_suggestions():
    for model in apps.get_app_config("deputies").get_models():
        for field in model._meta.get_fields(include_hidden=False):
            if field.is_relation and not field.auto_created and field.related_model:
                assert field.related_model._meta.app_label != "suggestions", (model, field)


def test_deputies_migrations_do_not_depend_on_suggestions():
    """Migrating deputies (to its latest, on an empty database) runs no suggestions migration."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    leaves = loader.graph.leaf_nodes("deputies")
    assert leaves
    for leaf in leaves:
        needed = loader.graph.forwards_plan(leaf)
        assert not [key for key in needed if key[0] == "suggestions"], leaf
