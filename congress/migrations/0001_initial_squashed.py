"""congress' tables as they stood at main 052d5c3, for a new installation.

Replaces the three migrations that built them (`replaces` below): a database on which all of
those are recorded counts this one as applied and runs nothing (docs/upgrading.md). Nothing of
theirs is carried over beyond the schema: 0002 moved categories' content type from suggestions
to congress, which a new installation creates in the right app from the start.

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
        ('congress', '0001_initial'),
        ('congress', '0002_category'),
        ('congress', '0003_background_jobs'),
    ]

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Category',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, unique=True, verbose_name='name')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'category',
                'verbose_name_plural': 'categories',
                'db_table': 'suggestions_category',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Division',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, unique=True, verbose_name='name')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
            ],
            options={
                'verbose_name': 'county-level division',
                'verbose_name_plural': 'county-level divisions',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Leader',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, verbose_name='name')),
                ('kind', models.CharField(choices=[('standing_committee', 'standing committee leader'), ('vice_mayor', 'vice mayor')], max_length=30, verbose_name='kind')),
                ('title', models.CharField(blank=True, max_length=100, verbose_name='title')),
            ],
            options={
                'verbose_name': 'leader',
                'verbose_name_plural': 'leaders',
                'ordering': ['kind', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Term',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(unique=True, verbose_name='number')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('starts_on', models.DateField(verbose_name='starts on')),
                ('ends_on', models.DateField(blank=True, null=True, verbose_name='ends on')),
            ],
            options={
                'verbose_name': 'term',
                'verbose_name_plural': 'terms',
                'ordering': ['-number'],
            },
        ),
        migrations.CreateModel(
            name='WorkingCommittee',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
            ],
            options={
                'verbose_name': 'working committee',
                'verbose_name_plural': 'working committees',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='Delegation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=50, unique=True, verbose_name='name')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('division', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='delegations', to='congress.division', verbose_name='division')),
            ],
            options={
                'verbose_name': 'delegation',
                'verbose_name_plural': 'delegations',
                'ordering': ['order', 'name'],
            },
        ),
        migrations.CreateModel(
            name='HandlingUnit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True, verbose_name='name')),
                ('short_name', models.CharField(blank=True, max_length=50, verbose_name='short name')),
                ('kind', models.CharField(choices=[('government', 'government department'), ('court', 'court'), ('procuratorate', 'procuratorate'), ('other', 'other body')], default='government', max_length=20, verbose_name='kind')),
                ('contact_person', models.CharField(blank=True, max_length=50, verbose_name='contact person')),
                ('phone', models.CharField(blank=True, max_length=30, verbose_name='office phone')),
                ('address', models.CharField(blank=True, max_length=200, verbose_name='address')),
                ('is_active', models.BooleanField(default=True, verbose_name='active')),
                ('members', models.ManyToManyField(blank=True, related_name='handling_units', to=settings.AUTH_USER_MODEL, verbose_name='user accounts')),
            ],
            options={
                'verbose_name': 'handling unit',
                'verbose_name_plural': 'handling units',
                'ordering': ['kind', 'name'],
            },
        ),
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('import', 'import of suggestions'), ('export', 'export of suggestions')], max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('state', models.CharField(choices=[('queued', 'waiting to start'), ('running', 'running'), ('done', 'done'), ('failed', 'failed')], default='queued', max_length=20, verbose_name='state')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='done')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='total')),
                ('message', models.TextField(blank=True, verbose_name='message')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='parameters')),
                ('language', models.CharField(blank=True, max_length=10, verbose_name='language')),
                ('result', models.FileField(blank=True, max_length=200, upload_to='jobs/%Y/%m/', verbose_name='result')),
                ('result_name', models.CharField(blank=True, max_length=200, verbose_name='result file name')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='started at')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to=settings.AUTH_USER_MODEL, verbose_name='started by')),
            ],
            options={
                'verbose_name': 'background job',
                'verbose_name_plural': 'background jobs',
                'ordering': ['-created_at', '-pk'],
                'indexes': [models.Index(fields=['owner', '-created_at'], name='job_owner_recent')],
                'constraints': [models.CheckConstraint(condition=models.Q(('state__in', ['queued', 'running', 'done', 'failed'])), name='job_state_valid')],
            },
        ),
        migrations.CreateModel(
            name='Session',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='number')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('opens_on', models.DateField(verbose_name='opens on')),
                ('closes_on', models.DateField(verbose_name='closes on')),
                ('term', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='sessions', to='congress.term', verbose_name='term')),
            ],
            options={
                'verbose_name': 'session',
                'verbose_name_plural': 'sessions',
                'ordering': ['-opens_on'],
                'constraints': [models.UniqueConstraint(fields=('term', 'number'), name='session_number_unique_in_term'), models.CheckConstraint(condition=models.Q(('closes_on__gte', models.F('opens_on'))), name='session_closes_after_it_opens')],
            },
        ),
    ]
