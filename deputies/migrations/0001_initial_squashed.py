"""deputies' tables as they stood at main 052d5c3, for a new installation.

Replaces the four migrations that built them (`replaces` below): a database on which all of
those are recorded counts this one as applied and runs nothing (docs/upgrading.md). deputies
depends only on congress, never on suggestions (tests/test_app_boundaries.py).

The fields' labels (`verbose_name`) are today's, moved here from the app's
`chinese_labels` migration; a label is no part of a column (docs/upgrading.md).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    # Every migration of this app up to main 052d5c3, all squashed into this one.
    replaces = [
        ('deputies', '0001_initial'),
        ('deputies', '0002_station_work'),
        ('deputies', '0003_problem_history'),
        ('deputies', '0004_category_and_suggestion_link_leave_deputies'),
    ]

    # Other apps are named by the last migration each squash replaced, not by its new name:
    # Django resolves that to the squashed migration, and refuses to load the graph ("tried
    # to replace migration ... but wasn't able to") for a database that stopped halfway
    # through an app's old history, which would otherwise be counted as fully migrated and
    # silently skipped (docs/upgrading.md).
    dependencies = [
        ('congress', '0003_background_jobs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Deputy',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(db_index=True, max_length=50, verbose_name='name')),
                ('level', models.CharField(choices=[('municipal', 'municipal deputy'), ('provincial', 'provincial deputy'), ('national', 'national deputy')], max_length=20, verbose_name='level')),
                ('gender', models.CharField(blank=True, choices=[('male', 'male'), ('female', 'female')], max_length=10, verbose_name='gender')),
                ('ethnicity', models.CharField(blank=True, max_length=20, verbose_name='ethnicity')),
                ('party', models.CharField(blank=True, max_length=50, verbose_name='party affiliation')),
                ('occupation', models.CharField(blank=True, max_length=200, verbose_name='occupation')),
                ('phone', models.CharField(blank=True, max_length=30, verbose_name='mobile phone')),
                ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                ('id_number', models.CharField(blank=True, max_length=18, verbose_name='ID card number')),
                ('is_active', models.BooleanField(default=True, verbose_name='serving')),
                ('delegation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='deputies', to='congress.delegation', verbose_name='delegation')),
                ('user', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='deputy', to=settings.AUTH_USER_MODEL, verbose_name='user account')),
            ],
            options={
                'verbose_name': 'deputy',
                'verbose_name_plural': 'deputies',
                'ordering': ['delegation__order', 'name'],
                'constraints': [models.UniqueConstraint(fields=('name', 'delegation'), name='deputy_name_unique_in_delegation')],
            },
        ),
        migrations.CreateModel(
            name='DutyActivity',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('sit_in', 'sat in on a standing committee meeting'), ('research', 'research or inspection'), ('training', 'training'), ('other', 'other duty')], max_length=20, verbose_name='kind')),
                ('held_on', models.DateField(verbose_name='date')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activities', to='deputies.deputy', verbose_name='deputy')),
            ],
            options={
                'verbose_name': 'duty activity',
                'verbose_name_plural': 'duty activities',
                'ordering': ['-held_on', '-id'],
                'indexes': [models.Index(fields=['kind', 'held_on'], name='activity_kind_date')],
            },
        ),
        migrations.CreateModel(
            name='LiaisonStation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('township', models.CharField(db_index=True, max_length=50, verbose_name='township or street')),
                ('address', models.CharField(max_length=200, verbose_name='address')),
                ('contact_person', models.CharField(blank=True, max_length=50, verbose_name='contact person')),
                ('contact_phone', models.CharField(blank=True, max_length=30, verbose_name='station phone')),
                ('reception_days', models.CharField(blank=True, max_length=100, verbose_name='reception days')),
                ('latitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='latitude')),
                ('longitude', models.DecimalField(blank=True, decimal_places=6, max_digits=9, null=True, verbose_name='longitude')),
                ('established_on', models.DateField(blank=True, null=True, verbose_name='established on')),
                ('deputies', models.ManyToManyField(blank=True, related_name='stations', to='deputies.deputy', verbose_name='deputies')),
                ('division', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='stations', to='congress.division', verbose_name='county-level division')),
                ('keepers', models.ManyToManyField(blank=True, help_text="Users who record this station's receptions.", related_name='kept_stations', to=settings.AUTH_USER_MODEL, verbose_name='station keepers')),
            ],
            options={
                'verbose_name': 'liaison station',
                'verbose_name_plural': 'liaison stations',
                'ordering': ['division__order', 'township', 'name'],
                'constraints': [models.UniqueConstraint(fields=('division', 'name'), name='station_name_unique_in_division')],
            },
        ),
        migrations.CreateModel(
            name='Problem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('raised_on', models.DateField(verbose_name='raised on')),
                ('summary', models.TextField(verbose_name='problem')),
                ('person_name', models.CharField(blank=True, max_length=50, verbose_name='raised by (private)')),
                ('person_phone', models.CharField(blank=True, max_length=30, verbose_name='their phone (private)')),
                ('status', models.CharField(choices=[('open', 'open'), ('passed', 'passed to a handling unit'), ('answered', 'answered by the unit'), ('in_suggestion', 'taken up in a suggestion'), ('closed', 'closed')], default='open', max_length=20, verbose_name='status')),
                ('handling', models.CharField(blank=True, choices=[('on_the_spot', 'answered on the spot'), ('unit', 'passed to a handling unit'), ('suggestion', 'turned into a suggestion')], max_length=20, verbose_name='handled by')),
                ('passed_on', models.DateField(blank=True, null=True, verbose_name='passed on')),
                ('unit_answer', models.TextField(blank=True, verbose_name="the unit's answer")),
                ('answered_on', models.DateField(blank=True, null=True, verbose_name='answered on')),
                ('outcome', models.TextField(blank=True, verbose_name='how it was solved')),
                ('solved', models.BooleanField(default=False, verbose_name='solved')),
                ('person_told', models.BooleanField(default=False, verbose_name='the person was told the outcome')),
                ('closed_on', models.DateField(blank=True, null=True, verbose_name='closed on')),
                ('category', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='congress.category', verbose_name='category')),
                ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='deputies.liaisonstation', verbose_name='liaison station')),
                ('unit', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='problems', to='congress.handlingunit', verbose_name='handling unit')),
            ],
            options={
                'verbose_name': 'problem raised by the public',
                'verbose_name_plural': 'problems raised by the public',
                'ordering': ['-raised_on', '-id'],
            },
        ),
        migrations.CreateModel(
            name='ProblemEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('raised', 'raised at a reception'), ('on_the_spot', 'answered on the spot'), ('passed', 'passed to a handling unit'), ('unit_answered', 'answered by the unit'), ('taken_up', 'taken up in a suggestion'), ('closed', 'closed'), ('edited', 'details edited')], max_length=20, verbose_name='action')),
                ('from_status', models.CharField(blank=True, choices=[('open', 'open'), ('passed', 'passed to a handling unit'), ('answered', 'answered by the unit'), ('in_suggestion', 'taken up in a suggestion'), ('closed', 'closed')], max_length=20, verbose_name='from')),
                ('to_status', models.CharField(blank=True, choices=[('open', 'open'), ('passed', 'passed to a handling unit'), ('answered', 'answered by the unit'), ('in_suggestion', 'taken up in a suggestion'), ('closed', 'closed')], max_length=20, verbose_name='to')),
                ('occurred_on', models.DateField(verbose_name='date')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('problem', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='deputies.problem', verbose_name='problem')),
            ],
            options={
                'verbose_name': 'problem history event',
                'verbose_name_plural': 'problem history',
                'ordering': ['occurred_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Reception',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('held_on', models.DateField(verbose_name='held on')),
                ('people_received', models.PositiveIntegerField(default=0, verbose_name='people received')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('deputies', models.ManyToManyField(related_name='station_visits', to='deputies.deputy', verbose_name='deputies who came')),
                ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='receptions', to='deputies.liaisonstation', verbose_name='liaison station')),
            ],
            options={
                'verbose_name': 'reception',
                'verbose_name_plural': 'receptions',
                'ordering': ['-held_on', '-id'],
                'indexes': [models.Index(fields=['station', 'held_on'], name='reception_station_date'), models.Index(fields=['held_on'], name='reception_date')],
            },
        ),
        migrations.AddField(
            model_name='problem',
            name='reception',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problems', to='deputies.reception', verbose_name='reception'),
        ),
        migrations.AddIndex(
            model_name='problem',
            index=models.Index(fields=['station', 'status'], name='problem_station_status'),
        ),
        migrations.AddIndex(
            model_name='problem',
            index=models.Index(fields=['unit', 'status'], name='problem_unit_status'),
        ),
        migrations.AddIndex(
            model_name='problem',
            index=models.Index(fields=['closed_on'], name='problem_closed_on'),
        ),
        migrations.AddConstraint(
            model_name='problem',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('status', 'closed'), _negated=True), ('closed_on__isnull', False), _connector='OR'), name='problem_closed_has_a_date'),
        ),
    ]
