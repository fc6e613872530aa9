"""The staff group is named as staff call themselves, 代表工委: its name is what the back office
shows on the group list and every user's groups (congress.roles.STAFF_GROUP)."""

from django.db import migrations

OLD, NEW = "congress_staff", "代表工委"


def rename(old, new):
    def run(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        if not Group.objects.filter(name=new).exists():
            Group.objects.filter(name=old).update(name=new)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0004_chinese_labels"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
