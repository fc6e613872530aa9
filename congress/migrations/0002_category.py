"""Category moves to the congress floor: the model changes app, the table stays where it is.

Only Django's idea of the model moves (SeparateDatabaseAndState); the table
`suggestions_category` (created by suggestions 0001) keeps its name and rows. The content type
follows, so permissions granted on categories carry over.
"""

from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="congress", model="category").exists():
        ContentType.objects.filter(app_label="suggestions", model="category").update(
            app_label="congress"
        )


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="suggestions", model="category").exists():
        ContentType.objects.filter(app_label="congress", model="category").update(
            app_label="suggestions"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Category",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=50, unique=True, verbose_name="name")),
                        (
                            "order",
                            models.PositiveSmallIntegerField(default=0, verbose_name="order"),
                        ),
                    ],
                    options={
                        "verbose_name": "category",
                        "verbose_name_plural": "categories",
                        "db_table": "suggestions_category",
                        "ordering": ["order", "name"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
