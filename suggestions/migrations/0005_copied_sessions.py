"""Assignments and replies carry their suggestion's session.

A unit's figures of a session were recounted by joining its assignments of every session to
the suggestions (0.3–1.5 s a write at a million suggestions); with the session on the row they
are read by (session, unit). Replies are found in a congress through their session, not through
a million suggestions. The column is filled from the suggestions in one UPDATE per table (about
a minute at a million suggestions on PostgreSQL), then made required. The public list's
filters over all sessions get an index of their own (category, delegation, status), and a
delegation's recount one by (session, delegation).
"""

import django.db.models.deletion
from django.db import migrations, models

COPY = {
    "postgresql": (
        "UPDATE {table} AS t SET session_id = s.session_id FROM suggestions_suggestion AS s "
        "WHERE s.id = t.suggestion_id"
    ),
    "default": (
        "UPDATE {table} SET session_id = (SELECT s.session_id FROM suggestions_suggestion AS s "
        "WHERE s.id = {table}.suggestion_id)"
    ),
}


def copy_sessions(apps, schema_editor):
    sql = COPY.get(schema_editor.connection.vendor, COPY["default"])
    for table in ("suggestions_assignment", "suggestions_reply"):
        schema_editor.execute(sql.format(table=table))


def session_field(null, db_index=True):
    return models.ForeignKey(
        null=null,
        db_index=db_index,
        editable=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="congress.session",
        verbose_name="session",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0006_congresses"),
        ("suggestions", "0004_transfers"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                fields=["session", "delegation"], name="suggestion_session_delegation"
            ),
        ),
        migrations.AddIndex(
            model_name="suggestion",
            index=models.Index(
                fields=["category", "delegation", "status"], name="suggestion_category_filters"
            ),
        ),
        migrations.AddField("assignment", "session", session_field(null=True, db_index=False)),
        migrations.AddField("reply", "session", session_field(null=True)),
        migrations.RunPython(copy_sessions, migrations.RunPython.noop, elidable=False),
        migrations.AlterField("assignment", "session", session_field(null=False, db_index=False)),
        migrations.AlterField("reply", "session", session_field(null=False)),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(fields=["session", "unit"], name="assignment_session_unit"),
        ),
        migrations.AddIndex(
            model_name="reply",
            index=models.Index(
                condition=models.Q(("is_published", False)),
                fields=["session"],
                name="reply_unpublished",
            ),
        ),
    ]
