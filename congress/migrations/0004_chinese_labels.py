"""Kept so that databases which recorded it, and the migrations that depend on it, still
find it. It runs nothing.

It used to give fields their translatable labels (`verbose_name`), one AlterField each. A
label changes no column, so those labels now sit where each field is created, earlier in this
app's migrations; the final state is the same, and a new installation's `migrate` no longer
re-renders every related model once per label (docs/upgrading.md).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ('congress', '0003_concluded_sessions'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = []
