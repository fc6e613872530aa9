"""deputies no longer names a suggestions model: a problem's category is congress.Category, and
the link to the suggestion that took a problem up is held by suggestions (ProblemLink).

State only: the column `deputies_problem.suggestion_id` is copied into the link and dropped by
suggestions 0005, which depends on this migration (never the other way round).
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0002_category"),
        ("deputies", "0003_problem_history"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="problem", name="suggestion"),
                migrations.AlterField(
                    model_name="problem",
                    name="category",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="problems",
                        to="congress.category",
                        verbose_name="category",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
