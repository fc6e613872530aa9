from django.db import migrations


def fill(apps, schema_editor):
    """Write the new flag columns of a database that holds suggestions, from the definition
    (`with_flags`) in today's code, as 0014 recounts the summary rows: the refresh is the
    service layer's own."""
    Suggestion = apps.get_model("suggestions", "Suggestion")
    if Suggestion.objects.exists():
        from suggestions.summaries import refresh_all_flags

        refresh_all_flags()


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0015_stored_flags"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
