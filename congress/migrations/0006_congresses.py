"""Many congresses in one installation: the congress becomes a record, and the rows that belong
to one (terms and their sessions, delegations, units, leaders, committees) name it. Everything
already here belongs to the default congress, made from settings.DEFAULT_CONGRESS; the staff
group's members become its staff."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import congress.tenancy

OWNED = ["term", "session", "delegation", "handlingunit", "leader", "workingcommittee", "job"]


def make_default_congress(apps, schema_editor):
    Congress = apps.get_model("congress", "Congress")
    Group = apps.get_model("auth", "Group")
    default = settings.DEFAULT_CONGRESS
    congress, _ = Congress.objects.get_or_create(
        is_default=True,
        defaults={
            "name": default["NAME"],
            "short_name": default["SHORT_NAME"],
            "slug": default["SLUG"],
            "level": default["LEVEL"],
        },
    )
    for model in OWNED:
        apps.get_model("congress", model).objects.update(congress=congress)
    staff = Group.objects.filter(name="代表工委").first()
    if staff is not None:
        congress.staff.add(*staff.user_set.all())


def owned_by_congress(model, related_name, nullable):
    return migrations.AddField(
        model_name=model,
        name="congress",
        field=models.ForeignKey(
            null=nullable,
            on_delete=django.db.models.deletion.PROTECT,
            related_name=related_name,
            to="congress.congress",
            verbose_name="congress",
            **({} if nullable else {"default": congress.tenancy.default_congress_id}),
        ),
    )


RELATED = {
    "term": "terms",
    "session": "sessions",
    "delegation": "delegations",
    "handlingunit": "units",
    "leader": "leaders",
    "workingcommittee": "committees",
    "job": "jobs",
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("congress", "0005_staff_group_in_chinese"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Congress",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                ("short_name", models.CharField(max_length=30, verbose_name="short name")),
                ("slug", models.SlugField(help_text="Its public site is at /c/<address>/ (the default congress's at /).", max_length=40, unique=True, verbose_name="site address")),
                ("level", models.CharField(choices=[("province", "province"), ("city", "city"), ("county", "county")], max_length=20, verbose_name="level")),
                ("is_default", models.BooleanField(default=False, editable=False, verbose_name="default congress")),
                ("rules", models.JSONField(blank=True, default=dict, verbose_name="rule profile")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order")),
                ("division", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="congresses", to="congress.division", verbose_name="county-level division")),
                ("parent", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="children", to="congress.congress", verbose_name="congress above")),
                ("staff", models.ManyToManyField(blank=True, related_name="staffed_congresses", to=settings.AUTH_USER_MODEL, verbose_name="staff (代表工委)")),
            ],
            options={
                "verbose_name": "congress",
                "verbose_name_plural": "congresses",
                "ordering": ["order", "pk"],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("is_default", True)), fields=("is_default",), name="one_default_congress")
                ],
            },
        ),
        *[owned_by_congress(model, RELATED[model], nullable=True) for model in OWNED],
        migrations.RunPython(make_default_congress, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=model,
                name="congress",
                field=models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT,
                    related_name=RELATED[model],
                    to="congress.congress",
                    verbose_name="congress",
                    editable=False,
                    **({} if model == "session" else {"default": congress.tenancy.default_congress_id}),
                ),
            )
            for model in OWNED
        ],
        migrations.AddField(
            model_name="historyentry",
            name="congress",
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.CASCADE, related_name="+", to="congress.congress", verbose_name="congress"),
        ),
        migrations.AlterField(model_name="delegation", name="name", field=models.CharField(max_length=50, verbose_name="name")),
        migrations.AlterField(model_name="handlingunit", name="name", field=models.CharField(max_length=100, verbose_name="name")),
        migrations.AlterField(model_name="term", name="number", field=models.PositiveSmallIntegerField(verbose_name="number")),
        migrations.AlterField(model_name="workingcommittee", name="name", field=models.CharField(max_length=100, verbose_name="name")),
        migrations.AddConstraint(model_name="delegation", constraint=models.UniqueConstraint(fields=("congress", "name"), name="delegation_name_unique_in_congress")),
        migrations.AddConstraint(model_name="handlingunit", constraint=models.UniqueConstraint(fields=("congress", "name"), name="unit_name_unique_in_congress")),
        migrations.AddConstraint(model_name="term", constraint=models.UniqueConstraint(fields=("congress", "number"), name="term_number_unique_in_congress")),
        migrations.AddConstraint(model_name="workingcommittee", constraint=models.UniqueConstraint(fields=("congress", "name"), name="committee_name_unique_in_congress")),
    ]
