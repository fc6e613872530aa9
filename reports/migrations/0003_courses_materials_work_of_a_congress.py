"""Training courses, study materials and committee work items belong to a congress, as the
other rows a congress's staff keep do: a county's staff no longer see the city's courses in
their back office, and each congress's year report counts its own. Everything already here is
the default congress's (it was the only one recording them)."""

import django.db.models.deletion
from django.db import migrations, models

import congress.tenancy

RELATED = {
    "trainingcourse": "training_courses",
    "studymaterial": "study_materials",
    "committeework": "committee_work",
}


def to_the_default_congress(apps, schema_editor):
    Congress = apps.get_model("congress", "Congress")
    default = Congress.objects.filter(is_default=True).first()
    for model in RELATED:
        rows = apps.get_model("reports", model).objects.all()
        if default is None:
            assert not rows.exists(), "rows to give a congress, and no default congress"
            continue
        rows.update(congress=default)


def congress_field(model, **kwargs):
    return models.ForeignKey(
        on_delete=django.db.models.deletion.PROTECT,
        related_name=RELATED[model],
        to="congress.congress",
        verbose_name="congress",
        editable=False,
        **kwargs,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0006_congresses"),
        ("reports", "0002_chinese_labels"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name=model, name="congress", field=congress_field(model, null=True)
            )
            for model in RELATED
        ],
        migrations.RunPython(to_the_default_congress, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=model,
                name="congress",
                field=congress_field(model, default=congress.tenancy.default_congress_id),
            )
            for model in RELATED
        ],
    ]
