"""Training courses, study materials and committee work items belong to a congress, as the
other rows a congress's staff keep do: a county's staff no longer see the city's courses in
their back office, and each congress's year report counts its own.

A row already here goes to the congress its own links name (a work item's suggestions, a
course's attendees, a material's recipients: staff could pick only their own congress's);
failing those, to the congress that was active when it was recorded (its history line); failing
both, to the default congress."""

import django.db.models.deletion
from django.db import migrations, models

import congress.tenancy

RELATED = {
    "trainingcourse": "training_courses",
    "studymaterial": "study_materials",
    "committeework": "committee_work",
}
# The congress a row's own links name.
LINKED = {
    "trainingcourse": "attendees__delegation__congress",
    "studymaterial": "recipients__delegation__congress",
    "committeework": "suggestions__session__congress",
}


def to_the_congress_that_recorded_them(apps, schema_editor):
    Congress = apps.get_model("congress", "Congress")
    HistoryEntry = apps.get_model("congress", "HistoryEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    default = Congress.objects.filter(is_default=True).values_list("pk", flat=True).first()
    for model, link in LINKED.items():
        Model = apps.get_model("reports", model)
        content_type = ContentType.objects.filter(app_label="reports", model=model).first()
        for pk in Model.objects.values_list("pk", flat=True):  # dozens a year: one by one
            congress = (
                Model.objects.filter(pk=pk, **{f"{link}__isnull": False})
                .values_list(link, flat=True)
                .first()
            )
            if congress is None and content_type is not None:
                congress = (
                    HistoryEntry.objects.filter(
                        content_type=content_type, object_id=str(pk), congress__isnull=False
                    )
                    .order_by("at", "pk")
                    .values_list("congress", flat=True)
                    .first()
                )
            congress = congress or default
            if congress is None:
                raise RuntimeError(f"reports.{model} {pk}: no congress to give it")
            Model.objects.filter(pk=pk).update(congress=congress)


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
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0002_chinese_labels"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name=model, name="congress", field=congress_field(model, null=True)
            )
            for model in RELATED
        ],
        migrations.RunPython(to_the_congress_that_recorded_them, migrations.RunPython.noop),
        *[
            migrations.AlterField(
                model_name=model,
                name="congress",
                field=congress_field(model, default=congress.tenancy.default_congress_id),
            )
            for model in RELATED
        ],
    ]
