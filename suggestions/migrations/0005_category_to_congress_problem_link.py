"""Category now belongs to congress (same table); a problem's suggestion is held here, as a
ProblemLink, copied from `deputies_problem.suggestion_id`, whose column is then dropped."""

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    ProblemLink = apps.get_model("suggestions", "ProblemLink")
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, suggestion_id FROM deputies_problem WHERE suggestion_id IS NOT NULL"
        )
        rows = cursor.fetchall()
    ProblemLink.objects.bulk_create(
        ProblemLink(problem_id=problem, suggestion_id=suggestion) for problem, suggestion in rows
    )


def copy_links_back(apps, schema_editor):
    ProblemLink = apps.get_model("suggestions", "ProblemLink")
    with schema_editor.connection.cursor() as cursor:
        for problem, suggestion in ProblemLink.objects.values_list("problem", "suggestion"):
            cursor.execute(
                "UPDATE deputies_problem SET suggestion_id = %s WHERE id = %s",
                [suggestion, problem],
            )


def _old_column(apps):
    """deputies.Problem as it was, with its suggestion field: what the schema editor needs to
    drop (or restore) the column on every backend (SQLite rebuilds the table from the model)."""
    Problem = apps.get_model("deputies", "Problem")
    field = models.ForeignKey(
        "suggestions.Suggestion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    Problem.add_to_class("suggestion", field)
    return Problem, field


def drop_old_column(apps, schema_editor):
    schema_editor.remove_field(*_old_column(apps))


def restore_old_column(apps, schema_editor):
    Problem, field = _old_column(apps)
    # The historical model already carries the field (added above); create only its column.
    schema_editor.add_field(Problem, field)


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0002_category"),
        ("deputies", "0004_category_and_suggestion_link_leave_deputies"),
        ("suggestions", "0004_edit_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="suggestion",
                    name="category",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="suggestions",
                        to="congress.category",
                        verbose_name="category",
                    ),
                ),
                migrations.DeleteModel(name="Category"),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="ProblemLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "problem",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="suggestion_link",
                        to="deputies.problem",
                    ),
                ),
                (
                    "suggestion",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="problem_links",
                        to="suggestions.suggestion",
                    ),
                ),
            ],
            options={
                "verbose_name": "problem taken up",
                "verbose_name_plural": "problems taken up",
            },
        ),
        migrations.AddField(
            model_name="suggestion",
            name="source_problems",
            field=models.ManyToManyField(
                blank=True,
                related_name="suggestions",
                through="suggestions.ProblemLink",
                to="deputies.problem",
                verbose_name="taken up from problems",
            ),
        ),
        migrations.RunPython(copy_links, copy_links_back),
        migrations.RunPython(drop_old_column, restore_old_column),
    ]
