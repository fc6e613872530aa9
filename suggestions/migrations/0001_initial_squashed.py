"""suggestions' tables as they stood at main 052d5c3, for a new installation, and the
reference rows and PostgreSQL search index a new installation needs.

Replaces the 32 migrations that built them, merges included (`replaces` below): a database on
which all of those are recorded counts this one as applied and runs nothing
(docs/upgrading.md).

Carried over from the old migrations, because an empty database still needs them:
- the search synonyms (old 0005_search_synonyms_and_bigram_index) and the spreadsheet names
  of units and categories (old 0005_seed_import_aliases), seeded through historical models;
  staff edit both in the admin;
- on PostgreSQL, the function `suggestion_bigrams` and the GIN index `suggestion_text_bigrams`
  over title and content (old 0005_search_synonyms_and_bigram_index). The SQL is written out
  here, as it stood in suggestions/search.py at 052d5c3: a migration must not change when
  today's code does (search.py's SQL_INDEX still reads the same to build its queries).

Left behind, because they only transformed rows an older database held: the summary rows'
recount and the stored flags' fills (old 0004_summary_rows, 0014, 0016, 0019, which imported
today's code; `manage.py recount_summaries` rebuilds those rows whenever needed), the copy of
problem → suggestion links out of deputies (old 0005_category_to_congress_problem_link), the
original names of attachments stored before random names (old 0004_reply_attachment_random_
names) and the move of categories' content type to congress (congress 0002_category).

The one import from the project is the reply attachment's `upload_to` and validator
(suggestions.attachments): Django serialises a field's callables by reference, and
`makemigrations --check` compares them with the model's.

The fields' labels (`verbose_name`) are today's, moved here from the app's
`chinese_labels` migration; a label is no part of a column (docs/upgrading.md).
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import suggestions.attachments
from django.conf import settings
from django.db import migrations, models

# Civic words people write both ways; staff add more in the admin.
SYNONYMS = [
    "供暖 供热 暖气",
    "停车 泊车",
    "养老 敬老 托老",
    "学校 校园",
    "幼儿园 托幼",
    "公交 公共交通",
    "道路 马路 公路",
    "污水 废水",
    "垃圾 废弃物",
    "医保 医疗保险",
    "社保 社会保险",
    "棚户区 棚改",
    "老旧小区 旧小区",
    "路灯 照明",
    "自来水 供水 饮水",
    "燃气 天然气 煤气",
    "就业 工作岗位",
    "残疾人 残障人士",
    "农民工 务工人员",
    "食品安全 食安",
]

# Names the office's spreadsheets commonly use for units and categories.
UNIT_ALIASES = {
    "市住建局": "吕梁市住房和城乡建设局",
    "住建局": "吕梁市住房和城乡建设局",
    "市住房城乡建设局": "吕梁市住房和城乡建设局",
    "市发改委": "吕梁市发展和改革委员会",
    "发改委": "吕梁市发展和改革委员会",
    "市教育局": "吕梁市教育局",
    "市人社局": "吕梁市人力资源和社会保障局",
    "人社局": "吕梁市人力资源和社会保障局",
    "市交通局": "吕梁市交通运输局",
    "交通局": "吕梁市交通运输局",
    "市卫健委": "吕梁市卫生健康委员会",
    "卫健委": "吕梁市卫生健康委员会",
    "市自然资源局": "吕梁市规划和自然资源局",
    "市环保局": "吕梁市生态环境局",
    "市文旅局": "吕梁市文化和旅游局",
    "市城管局": "吕梁市城市管理局",
    "市医保局": "吕梁市医疗保障局",
    "市市场监管局": "吕梁市市场监督管理局",
    "市中院": "吕梁市中级人民法院",
    "市中级法院": "吕梁市中级人民法院",
    "市检察院": "吕梁市人民检察院",
    "供电公司": "国网吕梁供电公司",
}
CATEGORY_ALIASES = {
    "工业": "工业经济",
    "城建": "城乡建设",
    "城市建设": "城乡建设",
    "交通": "交通运输",
    "农业": "农业农村",
    "三农": "农业农村",
    "环保": "生态环境",
    "环境保护": "生态环境",
    "教育": "教育科技",
    "科教": "教育科技",
    "卫生": "医疗卫生",
    "医疗": "医疗卫生",
    "社保": "社会保障",
    "民生": "社会保障",
    "文旅": "文化旅游",
    "政法": "政法工作",
    "财经": "财政金融",
    "财政": "财政金融",
}

# Character bigrams of title and content (suggestions/search.py explains why): pairs at odd
# positions, then at even ones; a pair across a space falls apart into single characters.
BIGRAM_FUNCTION = r"""
CREATE OR REPLACE FUNCTION suggestion_bigrams(t text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT array_to_tsvector(array_remove(string_to_array(
    regexp_replace(s, '(..)', '\1 ', 'g') || ' '
    || regexp_replace(substr(s, 2), '(..)', '\1 ', 'g'), ' '), ''))
  FROM (SELECT regexp_replace(lower(t), '\s+', ' ', 'g') AS s) AS normalised
$$
"""
BIGRAM_INDEX = (
    "CREATE INDEX IF NOT EXISTS suggestion_text_bigrams ON suggestions_suggestion "
    "USING gin (suggestion_bigrams((title || ' ') || content))"
)


def seed_synonyms(apps, schema_editor):
    SearchSynonym = apps.get_model("suggestions", "SearchSynonym")
    for words in SYNONYMS:
        SearchSynonym.objects.get_or_create(words=words)


def seed_import_aliases(apps, schema_editor):
    ImportAlias = apps.get_model("suggestions", "ImportAlias")
    ImportAlias.objects.bulk_create(
        [ImportAlias(kind="unit", alias=a, name=n) for a, n in UNIT_ALIASES.items()]
        + [ImportAlias(kind="category", alias=a, name=n) for a, n in CATEGORY_ALIASES.items()],
        ignore_conflicts=True,
    )


def create_bigram_index(apps, schema_editor):
    """PostgreSQL only; other databases search with a plain icontains."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BIGRAM_FUNCTION)
        schema_editor.execute(BIGRAM_INDEX)


def drop_bigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS suggestion_text_bigrams")
        schema_editor.execute("DROP FUNCTION IF EXISTS suggestion_bigrams(text)")


class Migration(migrations.Migration):

    initial = True

    # Every migration of this app up to main 052d5c3, all squashed into this one.
    replaces = [
        ('suggestions', '0001_initial'),
        ('suggestions', '0002_assignment_lead_first'),
        ('suggestions', '0003_notifications_and_co_signatures'),
        ('suggestions', '0004_edit_events'),
        ('suggestions', '0004_import_aliases_mappings_and_imported_events'),
        ('suggestions', '0004_meeting_leaders_present'),
        ('suggestions', '0004_promises_flags_recurring'),
        ('suggestions', '0004_reply_attachment_random_names'),
        ('suggestions', '0004_summary_rows'),
        ('suggestions', '0005_category_to_congress_problem_link'),
        ('suggestions', '0005_search_synonyms_and_bigram_index'),
        ('suggestions', '0005_seed_import_aliases'),
        ('suggestions', '0006_merge_imports_and_meeting_leaders'),
        ('suggestions', '0006_workbench_indexes'),
        ('suggestions', '0007_merge_attachments'),
        ('suggestions', '0008_merge_rules'),
        ('suggestions', '0009_merge_loop'),
        ('suggestions', '0009_reply_removed_passages'),
        ('suggestions', '0010_event_actions_merged'),
        ('suggestions', '0011_merge_scale'),
        ('suggestions', '0011_merge_ux'),
        ('suggestions', '0012_merge_scale_and_ux'),
        ('suggestions', '0013_list_search_and_workbench_indexes'),
        ('suggestions', '0013_loop_and_reply_days_summaries'),
        ('suggestions', '0014_recount_summaries'),
        ('suggestions', '0015_merge_list_indexes_and_summaries'),
        ('suggestions', '0015_stored_flags'),
        ('suggestions', '0016_fill_stored_flags'),
        ('suggestions', '0016_open_promises_index'),
        ('suggestions', '0017_merge_flags_and_indexes'),
        ('suggestions', '0018_closed_order_index'),
        ('suggestions', '0019_publication_and_flag_queues'),
    ]

    # Other apps are named by the last migration each squash replaced, not by its new name:
    # Django resolves that to the squashed migration, and refuses to load the graph ("tried
    # to replace migration ... but wasn't able to") for a database that stopped halfway
    # through an app's old history, which would otherwise be counted as fully migrated and
    # silently skipped (docs/upgrading.md).
    dependencies = [
        ('congress', '0003_background_jobs'),
        ('deputies', '0004_category_and_suggestion_link_leave_deputies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportMapping',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('headers_key', models.CharField(max_length=64, unique=True, verbose_name='column headers key')),
                ('headers', models.JSONField(verbose_name='headers')),
                ('mapping', models.JSONField(verbose_name='columns')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
            ],
            options={
                'verbose_name': 'remembered column mapping',
                'verbose_name_plural': 'remembered column mappings',
            },
        ),
        migrations.CreateModel(
            name='SearchSynonym',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('words', models.CharField(help_text='Words that mean the same here, separated by spaces, e.g. 供暖 供热 暖气.', max_length=200, unique=True, verbose_name='words')),
            ],
            options={
                'verbose_name': 'search synonym',
                'verbose_name_plural': 'search synonyms',
                'ordering': ['words'],
            },
        ),
        migrations.CreateModel(
            name='Assignment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('lead', 'lead unit'), ('co', 'co-handling unit'), ('separate', 'separate handling unit')], max_length=10, verbose_name='role')),
                ('assigned_on', models.DateField(verbose_name='assigned on')),
                ('due_on', models.DateField(verbose_name='due on')),
                ('original_due_on', models.DateField(verbose_name='originally due on')),
                ('responsible_person', models.CharField(blank=True, max_length=50, verbose_name='responsible person')),
                ('responsible_phone', models.CharField(blank=True, max_length=30, verbose_name="responsible person's phone")),
                ('replied_on', models.DateField(blank=True, null=True, verbose_name='replied on')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='assignments', to='congress.handlingunit', verbose_name='handling unit')),
            ],
            options={
                'verbose_name': 'assignment',
                'verbose_name_plural': 'assignments',
                'ordering': ['-role', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CoHandlerOpinion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.TextField(verbose_name='opinion')),
                ('sent_on', models.DateField(verbose_name='sent on')),
                ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opinions', to='suggestions.assignment', verbose_name='assignment')),
                ('sent_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
            ],
            options={
                'verbose_name': "co-handler's opinion",
                'verbose_name_plural': "co-handlers' opinions",
                'ordering': ['sent_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Contact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('contacted_on', models.DateField(verbose_name='contacted on')),
                ('way', models.CharField(choices=[('face', 'face to face'), ('phone', 'phone'), ('other', 'other')], max_length=10, verbose_name='way')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='contacts', to='suggestions.assignment', verbose_name='assignment')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
            ],
            options={
                'verbose_name': 'contact with the deputy',
                'verbose_name_plural': 'contacts with the deputy',
                'ordering': ['contacted_on', 'id'],
            },
        ),
        migrations.CreateModel(
            name='CoSigner',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('confirmed_on', models.DateField(blank=True, null=True, verbose_name='confirmed on')),
                ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='signatures', to='deputies.deputy', verbose_name='deputy')),
            ],
            options={
                'verbose_name': 'co-signer',
                'verbose_name_plural': 'co-signers',
            },
        ),
        migrations.CreateModel(
            name='ImportAlias',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('category', 'category'), ('unit', 'handling unit')], max_length=10, verbose_name='kind')),
                ('alias', models.CharField(max_length=100, verbose_name='name in spreadsheets')),
                ('name', models.CharField(help_text="The category's or the unit's full name exactly as the app shows it.", max_length=100, verbose_name='name in the app')),
            ],
            options={
                'verbose_name': 'import alias',
                'verbose_name_plural': 'import aliases',
                'ordering': ['kind', 'alias'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'alias'), name='import_alias_once_per_kind')],
            },
        ),
        migrations.CreateModel(
            name='ProblemLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('problem', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='suggestion_link', to='deputies.problem', verbose_name='problem')),
            ],
            options={
                'verbose_name': 'problem taken up',
                'verbose_name_plural': 'problems taken up',
            },
        ),
        migrations.CreateModel(
            name='SpecialReport',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('heard_on', models.DateField(verbose_name='heard on')),
                ('satisfied', models.PositiveIntegerField(default=0, verbose_name='satisfied votes')),
                ('basically_satisfied', models.PositiveIntegerField(default=0, verbose_name='basically satisfied votes')),
                ('dissatisfied', models.PositiveIntegerField(default=0, verbose_name='dissatisfied votes')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='special_reports', to='congress.session', verbose_name='session')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='special_reports', to='congress.handlingunit', verbose_name='reporting body')),
            ],
            options={
                'verbose_name': 'special report',
                'verbose_name_plural': 'special reports',
                'ordering': ['-heard_on'],
            },
        ),
        migrations.CreateModel(
            name='Suggestion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveIntegerField(blank=True, null=True, verbose_name='number')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('content', models.TextField(verbose_name='content')),
                ('period', models.CharField(choices=[('during', 'during the session'), ('between', 'between sessions')], default='during', max_length=10, verbose_name='submitted')),
                ('submitted_on', models.DateField(blank=True, null=True, verbose_name='submitted on')),
                ('status', models.CharField(choices=[('draft', 'draft'), ('submitted', 'submitted'), ('not_registered', 'not registered'), ('merged', 'merged into another'), ('registered', 'registered'), ('assigned', 'assigned'), ('replied', 'replied'), ('re_handling', 're-handling'), ('evaluated', 'evaluated'), ('closed', 'closed')], default='submitted', max_length=20, verbose_name='status')),
                ('is_key', models.BooleanField(default=False, verbose_name='key suggestion')),
                ('staff_note', models.TextField(blank=True, verbose_name='internal note')),
                ('registered_on', models.DateField(blank=True, null=True, verbose_name='registered on')),
                ('not_registered_reason', models.TextField(blank=True, verbose_name='reason for not registering')),
                ('handled_as_letter', models.BooleanField(default=False, verbose_name='handled as a letter')),
                ('assigned_on', models.DateField(blank=True, null=True, verbose_name='assigned on')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='reply due on')),
                ('first_replied_on', models.DateField(blank=True, null=True, verbose_name='first replied on')),
                ('replied_on_time', models.BooleanField(blank=True, null=True, verbose_name='replied on time')),
                ('reply_class', models.CharField(blank=True, choices=[('A', 'A: solved or essentially solved'), ('B', 'B: being solved or planned step by step'), ('C', 'C: to be solved when conditions allow'), ('D', 'D: kept for reference, with an explanation')], max_length=1, verbose_name='reply class')),
                ('met_face_to_face', models.BooleanField(default=False, verbose_name='met the deputy face to face')),
                ('satisfaction', models.CharField(blank=True, choices=[('satisfied', 'satisfied'), ('basically_satisfied', 'basically satisfied'), ('dissatisfied', 'dissatisfied')], max_length=20, verbose_name='satisfaction')),
                ('was_re_handled', models.BooleanField(default=False, verbose_name='re-handled')),
                ('implementation_satisfaction', models.CharField(blank=True, choices=[('satisfied', 'satisfied'), ('basically_satisfied', 'basically satisfied'), ('dissatisfied', 'dissatisfied')], max_length=20, verbose_name='implementation satisfaction')),
                ('closed_on', models.DateField(blank=True, null=True, verbose_name='closed on')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='entered at')),
                ('flag_bits', models.PositiveSmallIntegerField(db_default=0, default=0, editable=False, verbose_name='consistency flags')),
                ('flags_reviewed', models.PositiveSmallIntegerField(db_default=0, default=0, editable=False, verbose_name='consistency flags reviewed')),
                ('promise_due', models.DateField(blank=True, editable=False, null=True, verbose_name='earliest open promise due')),
                ('flagged_after', models.DateField(blank=True, editable=False, null=True, verbose_name='flagged after')),
                ('to_review_after', models.DateField(blank=True, editable=False, null=True, verbose_name='flag to review after')),
                ('awaits_publication_since', models.DateField(blank=True, editable=False, null=True, verbose_name='reply to publish since')),
                ('category', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='suggestions', to='congress.category', verbose_name='category')),
                ('co_signers', models.ManyToManyField(blank=True, related_name='co_signed_suggestions', through='suggestions.CoSigner', to='deputies.deputy', verbose_name='co-signing deputies')),
                ('delegation', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='suggestions', to='congress.delegation', verbose_name='delegation')),
                ('lead_deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='led_suggestions', to='deputies.deputy', verbose_name='lead deputy')),
                ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_suggestions', to='suggestions.suggestion', verbose_name='merged into')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='suggestions', to='congress.session', verbose_name='session')),
                ('source_problems', models.ManyToManyField(blank=True, related_name='suggestions', through='suggestions.ProblemLink', to='deputies.problem', verbose_name='taken up from problems')),
            ],
            options={
                'verbose_name': 'suggestion',
                'verbose_name_plural': 'suggestions',
                'ordering': ['-session__opens_on', 'number'],
                'indexes': [models.Index(fields=['session', 'status'], name='suggestion_session_status'), models.Index(fields=['status', 'due_on'], name='suggestion_status_due'), models.Index(fields=['session', 'category'], name='suggestion_session_category'), models.Index(fields=['status', 'id'], name='suggestion_status_pk'), models.Index(fields=['status', 'first_replied_on'], name='suggestion_status_replied'), models.Index(condition=models.Q(('status__in', ['assigned', 're_handling'])), fields=['session', 'due_on'], name='suggestion_awaiting_due'), models.Index(fields=['number'], name='suggestion_number'), models.Index(condition=models.Q(('status__in', ['registered', 'assigned', 'replied', 're_handling', 'evaluated', 'closed'])), fields=['session', 'number', 'id'], name='suggestion_public_order'), models.Index(condition=models.Q(('awaits_publication_since__isnull', False)), fields=['awaits_publication_since', 'id'], name='suggestion_to_publish'), models.Index(condition=models.Q(('flagged_after__isnull', False)), fields=['session', 'flagged_after'], name='suggestion_flagged'), models.Index(condition=models.Q(('to_review_after__isnull', False)), fields=['session', 'number', 'to_review_after'], name='suggestion_flags_by_session')],
                'constraints': [models.UniqueConstraint(fields=('session', 'number'), name='suggestion_number_unique_in_session'), models.CheckConstraint(condition=models.Q(('reply_class__in', ['', 'A', 'B', 'C', 'D'])), name='suggestion_reply_class_valid'), models.CheckConstraint(condition=models.Q(('status__in', ['draft']), ('number__isnull', False), _connector='OR'), name='suggestion_numbered_unless_draft')],
            },
        ),
        migrations.CreateModel(
            name='SimilarLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.FloatField(verbose_name='similarity')),
                ('state', models.CharField(choices=[('found', 'found by text similarity'), ('confirmed', 'confirmed by staff'), ('dismissed', 'dismissed by staff')], default='found', max_length=10, verbose_name='state')),
                ('decided_on', models.DateField(blank=True, null=True, verbose_name='decided on')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('earlier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='later_links', to='suggestions.suggestion', verbose_name='earlier suggestion')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='similar_links', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'recurring link',
                'verbose_name_plural': 'recurring links',
                'ordering': ['-score', 'id'],
                'constraints': [models.UniqueConstraint(fields=('suggestion', 'earlier'), name='similar_link_once')],
            },
        ),
        migrations.CreateModel(
            name='ReturnRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='reason')),
                ('requested_on', models.DateField(verbose_name='requested on')),
                ('decision', models.CharField(choices=[('pending', 'pending'), ('approved', 'approved'), ('refused', 'refused')], default='pending', max_length=10, verbose_name='decision')),
                ('decided_on', models.DateField(blank=True, null=True, verbose_name='decided on')),
                ('decision_note', models.TextField(blank=True, verbose_name='decision note')),
                ('assignment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='return_requests', to='suggestions.assignment', verbose_name='assignment')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='congress.handlingunit', verbose_name='handling unit')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='return_requests', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'return request',
                'verbose_name_plural': 'return requests',
                'ordering': ['-requested_on', '-id'],
                'abstract': False,
                'constraints': [models.UniqueConstraint(condition=models.Q(('decision', 'pending')), fields=('suggestion', 'unit'), name='return_request_one_pending')],
            },
        ),
        migrations.CreateModel(
            name='Reply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('reply', 'reply'), ('follow_up', 'follow-up reply')], default='reply', max_length=10, verbose_name='kind')),
                ('round', models.PositiveSmallIntegerField(default=1, verbose_name='round')),
                ('reply_class', models.CharField(choices=[('A', 'A: solved or essentially solved'), ('B', 'B: being solved or planned step by step'), ('C', 'C: to be solved when conditions allow'), ('D', 'D: kept for reference, with an explanation')], max_length=1, verbose_name='class')),
                ('text', models.TextField(verbose_name='text')),
                ('signed_by', models.CharField(max_length=50, verbose_name='signed by')),
                ('replied_on', models.DateField(verbose_name='replied on')),
                ('due_on', models.DateField(blank=True, null=True, verbose_name='due on at the time')),
                ('attachment', models.FileField(blank=True, upload_to=suggestions.attachments.storage_name, validators=[django.core.validators.FileExtensionValidator(['pdf', 'png', 'jpg', 'jpeg']), suggestions.attachments.validate_attachment], verbose_name='attachment')),
                ('attachment_name', models.CharField(blank=True, editable=False, max_length=255, verbose_name="attachment's original name")),
                ('is_published', models.BooleanField(default=False, verbose_name='published')),
                ('published_on', models.DateField(blank=True, null=True, verbose_name='published on')),
                ('public_text', models.TextField(blank=True, help_text='A redacted text to publish instead of the reply.', verbose_name='public text')),
                ('removed_passages', models.TextField(blank=True, help_text='What the redaction left out of the public text, one passage a line.', verbose_name='removed passages')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded at')),
                ('promise', models.TextField(blank=True, verbose_name='what will be done')),
                ('promised_by', models.DateField(blank=True, null=True, verbose_name='promised by')),
                ('promise_year_only', models.BooleanField(default=False, help_text="列入计划: the promise names a year; it falls due at the year's end.", verbose_name='promised within a year')),
                ('followed_up_on', models.DateField(blank=True, null=True, verbose_name='follow-up sent on')),
                ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='replies', to='suggestions.assignment', verbose_name='assignment')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='recorded by')),
                ('supersedes', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='suggestions.reply', verbose_name='revises')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'reply',
                'verbose_name_plural': 'replies',
                'ordering': ['replied_on', 'id'],
                'indexes': [models.Index(fields=['promised_by', 'followed_up_on'], name='reply_promise_due'), models.Index(condition=models.Q(('is_published', False)), fields=['replied_on'], name='reply_to_publish'), models.Index(condition=models.Q(('followed_up_on__isnull', True), ('promised_by__isnull', False)), fields=['promised_by', 'id'], name='reply_promise_open')],
                'constraints': [models.CheckConstraint(condition=models.Q(('reply_class__in', ['A', 'B', 'C', 'D'])), name='reply_class_a_to_d'), models.CheckConstraint(condition=models.Q(('promised_by__isnull', True), ('reply_class__in', ['B', 'C']), _connector='OR'), name='reply_promise_only_b_or_c')],
            },
        ),
        migrations.AddField(
            model_name='problemlink',
            name='suggestion',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='problem_links', to='suggestions.suggestion', verbose_name='suggestion'),
        ),
        migrations.CreateModel(
            name='Notification',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('text', models.CharField(max_length=300, verbose_name='text')),
                ('key', models.CharField(blank=True, max_length=100, verbose_name='key')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                ('suggestion', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'notification',
                'verbose_name_plural': 'notifications',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['user', 'read_at'], name='notification_unread')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('key', ''), _negated=True), fields=('user', 'key'), name='notification_key_once')],
            },
        ),
        migrations.CreateModel(
            name='KeySupervision',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('chosen_on', models.DateField(verbose_name='chosen on')),
                ('committee', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='tracked', to='congress.workingcommittee', verbose_name='tracking working committee')),
                ('leader', models.ForeignKey(limit_choices_to={'kind': 'standing_committee'}, on_delete=django.db.models.deletion.PROTECT, related_name='supervised', to='congress.leader', verbose_name='supervising standing committee leader')),
                ('vice_mayor', models.ForeignKey(blank=True, limit_choices_to={'kind': 'vice_mayor'}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='led_key_suggestions', to='congress.leader', verbose_name='vice mayor in charge')),
                ('suggestion', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='supervision', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'key suggestion supervision',
                'verbose_name_plural': 'key suggestion supervisions',
            },
        ),
        migrations.CreateModel(
            name='ImplementationRating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('satisfaction', models.CharField(choices=[('satisfied', 'satisfied'), ('basically_satisfied', 'basically satisfied'), ('dissatisfied', 'dissatisfied')], max_length=20, verbose_name='satisfaction')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('comment_is_public', models.BooleanField(default=False, verbose_name='comment may be published')),
                ('rated_on', models.DateField(verbose_name='rated on')),
                ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='deputies.deputy', verbose_name='deputy')),
                ('promise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='implementation_ratings', to='suggestions.reply', verbose_name='promise')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='implementation_ratings', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'implementation rating',
                'verbose_name_plural': 'implementation ratings',
                'ordering': ['rated_on', 'id'],
                'constraints': [models.UniqueConstraint(fields=('promise', 'deputy'), name='implementation_rated_once_per_promise'), models.CheckConstraint(condition=models.Q(('satisfaction__in', ['satisfied', 'basically_satisfied', 'dissatisfied'])), name='implementation_satisfaction_valid')],
            },
        ),
        migrations.CreateModel(
            name='FlagReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('a_dissatisfied', 'Class A but dissatisfied: the reply says solved, the deputy disagrees.'), ('promise_overdue', 'Promise past its date: a B or C reply promised a date that has passed with no follow-up.'), ('on_time_no_contact', 'Replied on time but no contact recorded: no contact with the deputy was ever recorded.'), ('key_class_d', 'Class D for a key suggestion: a key suggestion only kept for reference.'), ('same_rehandled', 'Re-handled with the same answer: the new reply has the class and text of the first.')], max_length=30, verbose_name='flag')),
                ('note', models.TextField(verbose_name='note')),
                ('reviewed_on', models.DateField(verbose_name='reviewed on')),
                ('reviewed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='flag_reviews', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'flag review',
                'verbose_name_plural': 'flag reviews',
                'ordering': ['-reviewed_on', '-id'],
                'constraints': [models.UniqueConstraint(fields=('suggestion', 'kind'), name='flag_reviewed_once')],
            },
        ),
        migrations.CreateModel(
            name='Event',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('entered', 'entered'), ('submitted', 'submitted'), ('registered', 'registered'), ('not_registered', 'not registered'), ('merged', 'merged'), ('assigned', 'assigned'), ('responsible_named', 'responsible person named'), ('contacted', 'deputy contacted'), ('co_opinion', "co-handler's opinion sent"), ('co_signed', 'co-signature confirmed'), ('co_sign_declined', 'co-signature declined'), ('return_requested', 'return requested'), ('return_approved', 'return approved'), ('return_refused', 'return refused'), ('extension_requested', 'extension requested'), ('extension_approved', 'extension approved'), ('extension_refused', 'extension refused'), ('replied', 'replied'), ('reply_revised', 'reply revised'), ('followed_up', 'follow-up reply'), ('published', 'reply published'), ('evaluated', 'evaluated'), ('re_handling', 'sent back for re-handling'), ('closed', 'closed'), ('marked_key', 'chosen as a key suggestion'), ('edited', 'details edited'), ('corrected', 'corrected after closing'), ('implementation_rated', 'implementation rated'), ('flag_reviewed', 'consistency flag reviewed'), ('link_confirmed', 'recurring link confirmed'), ('link_dismissed', 'recurring link dismissed')], max_length=30, verbose_name='action')),
                ('from_status', models.CharField(blank=True, choices=[('draft', 'draft'), ('submitted', 'submitted'), ('not_registered', 'not registered'), ('merged', 'merged into another'), ('registered', 'registered'), ('assigned', 'assigned'), ('replied', 'replied'), ('re_handling', 're-handling'), ('evaluated', 'evaluated'), ('closed', 'closed')], max_length=20, verbose_name='from')),
                ('to_status', models.CharField(blank=True, choices=[('draft', 'draft'), ('submitted', 'submitted'), ('not_registered', 'not registered'), ('merged', 'merged into another'), ('registered', 'registered'), ('assigned', 'assigned'), ('replied', 'replied'), ('re_handling', 're-handling'), ('evaluated', 'evaluated'), ('closed', 'closed')], max_length=20, verbose_name='to')),
                ('occurred_on', models.DateField(verbose_name='date')),
                ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('is_public', models.BooleanField(default=True, verbose_name='shown to the public')),
                ('imported', models.BooleanField(default=False, verbose_name='imported from a file')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'history event',
                'verbose_name_plural': 'history',
                'ordering': ['occurred_on', 'id'],
                'indexes': [models.Index(fields=['suggestion', 'occurred_on'], name='event_timeline')],
            },
        ),
        migrations.CreateModel(
            name='Evaluation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('round', models.PositiveSmallIntegerField(default=1, verbose_name='round')),
                ('satisfaction', models.CharField(choices=[('satisfied', 'satisfied'), ('basically_satisfied', 'basically satisfied'), ('dissatisfied', 'dissatisfied')], max_length=20, verbose_name='satisfaction')),
                ('contacted', models.BooleanField(verbose_name='the unit contacted me')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('comment_is_public', models.BooleanField(default=False, verbose_name='comment may be published')),
                ('evaluated_on', models.DateField(verbose_name='evaluated on')),
                ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='evaluations', to='deputies.deputy', verbose_name='deputy')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evaluations', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'verbose_name': 'evaluation',
                'verbose_name_plural': 'evaluations',
                'ordering': ['round', 'evaluated_on', 'id'],
                'constraints': [models.UniqueConstraint(fields=('suggestion', 'deputy', 'round'), name='evaluation_once_per_round'), models.CheckConstraint(condition=models.Q(('satisfaction__in', ['satisfied', 'basically_satisfied', 'dissatisfied'])), name='evaluation_satisfaction_valid')],
            },
        ),
        migrations.AddField(
            model_name='cosigner',
            name='suggestion',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatures', to='suggestions.suggestion', verbose_name='suggestion'),
        ),
        migrations.AddField(
            model_name='assignment',
            name='suggestion',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='assignments', to='suggestions.suggestion', verbose_name='suggestion'),
        ),
        migrations.CreateModel(
            name='SupervisionMeeting',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('assignment', 'assignment meeting'), ('progress', 'progress meeting'), ('supervision', 'supervision meeting')], max_length=20, verbose_name='kind')),
                ('title', models.CharField(max_length=200, verbose_name='title')),
                ('held_on', models.DateField(verbose_name='held on')),
                ('attendees', models.TextField(blank=True, verbose_name='attendees')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('leaders', models.ManyToManyField(blank=True, related_name='meetings', to='congress.leader', verbose_name='leaders present')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meetings', to='congress.session', verbose_name='session')),
                ('suggestions', models.ManyToManyField(blank=True, related_name='meetings', to='suggestions.suggestion', verbose_name='suggestions covered')),
            ],
            options={
                'verbose_name': 'supervision meeting',
                'verbose_name_plural': 'supervision meetings',
                'ordering': ['-held_on'],
            },
        ),
        migrations.CreateModel(
            name='Tally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('group', models.CharField(choices=[('total', 'session total'), ('category', 'category'), ('delegation', 'delegation'), ('unit', 'handling unit')], max_length=10, verbose_name='grouped by')),
                ('key', models.BigIntegerField(default=0, verbose_name='record in its group')),
                ('suggestions', models.PositiveIntegerField(default=0, verbose_name='suggestions')),
                ('received', models.PositiveIntegerField(default=0, verbose_name='received')),
                ('registered', models.PositiveIntegerField(default=0, verbose_name='registered')),
                ('assigned', models.PositiveIntegerField(default=0, verbose_name='assigned')),
                ('replied', models.PositiveIntegerField(default=0, verbose_name='replied')),
                ('closed', models.PositiveIntegerField(default=0, verbose_name='closed')),
                ('on_time', models.PositiveIntegerField(default=0, verbose_name='on time')),
                ('face_to_face', models.PositiveIntegerField(default=0, verbose_name='face to face')),
                ('re_handled', models.PositiveIntegerField(default=0, verbose_name='re-handled')),
                ('class_A', models.PositiveIntegerField(default=0, verbose_name='class A')),
                ('class_B', models.PositiveIntegerField(default=0, verbose_name='class B')),
                ('class_C', models.PositiveIntegerField(default=0, verbose_name='class C')),
                ('class_D', models.PositiveIntegerField(default=0, verbose_name='class D')),
                ('satisfied', models.PositiveIntegerField(default=0, verbose_name='satisfied')),
                ('basically_satisfied', models.PositiveIntegerField(default=0, verbose_name='basically satisfied')),
                ('dissatisfied', models.PositiveIntegerField(default=0, verbose_name='dissatisfied')),
                ('lead', models.PositiveIntegerField(default=0, verbose_name='lead unit')),
                ('co', models.PositiveIntegerField(default=0, verbose_name='co-handling unit')),
                ('separate', models.PositiveIntegerField(default=0, verbose_name='separate handling unit')),
                ('promises', models.PositiveIntegerField(default=0, verbose_name='promises')),
                ('promises_kept', models.PositiveIntegerField(default=0, verbose_name='promises kept')),
                ('promises_late', models.PositiveIntegerField(default=0, verbose_name='promises kept late')),
                ('impl_satisfied', models.PositiveIntegerField(default=0, verbose_name='implementation: satisfied')),
                ('impl_basically_satisfied', models.PositiveIntegerField(default=0, verbose_name='implementation: basically satisfied')),
                ('impl_dissatisfied', models.PositiveIntegerField(default=0, verbose_name='implementation: dissatisfied')),
                ('impl_all_satisfied', models.PositiveIntegerField(default=0, verbose_name='implementation, every deputy: satisfied')),
                ('impl_all_basically_satisfied', models.PositiveIntegerField(default=0, verbose_name='implementation, every deputy: basically satisfied')),
                ('impl_all_dissatisfied', models.PositiveIntegerField(default=0, verbose_name='implementation, every deputy: dissatisfied')),
                ('all_satisfied', models.PositiveIntegerField(default=0, verbose_name='every deputy: satisfied')),
                ('all_basically_satisfied', models.PositiveIntegerField(default=0, verbose_name='every deputy: basically satisfied')),
                ('all_dissatisfied', models.PositiveIntegerField(default=0, verbose_name='every deputy: dissatisfied')),
                ('closed_published', models.PositiveIntegerField(default=0, verbose_name='closed, every reply public')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='congress.session', verbose_name='session')),
            ],
            options={
                'verbose_name': 'summary row',
                'verbose_name_plural': 'summary rows',
                'indexes': [models.Index(fields=['group', 'key'], name='tally_group_key')],
                'constraints': [models.UniqueConstraint(fields=('session', 'group', 'key'), name='tally_once_per_session_group')],
            },
        ),
        migrations.CreateModel(
            name='TextBand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.BigIntegerField(verbose_name='fingerprint')),
                ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bands', to='suggestions.suggestion', verbose_name='suggestion')),
            ],
            options={
                'indexes': [models.Index(fields=['key'], name='textband_key')],
                'verbose_name': 'text fingerprint band',
                'verbose_name_plural': 'text fingerprint bands',
            },
        ),
        migrations.CreateModel(
            name='ExtensionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='reason')),
                ('requested_on', models.DateField(verbose_name='requested on')),
                ('decision', models.CharField(choices=[('pending', 'pending'), ('approved', 'approved'), ('refused', 'refused')], default='pending', max_length=10, verbose_name='decision')),
                ('decided_on', models.DateField(blank=True, null=True, verbose_name='decided on')),
                ('decision_note', models.TextField(blank=True, verbose_name='decision note')),
                ('requested_due_on', models.DateField(verbose_name='requested due date')),
                ('approved_due_on', models.DateField(blank=True, null=True, verbose_name='approved due date')),
                ('assignment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='extension_requests', to='suggestions.assignment', verbose_name='assignment')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
            ],
            options={
                'verbose_name': 'extension request',
                'verbose_name_plural': 'extension requests',
                'ordering': ['-requested_on', '-id'],
                'abstract': False,
                'constraints': [models.UniqueConstraint(condition=models.Q(('decision', 'pending')), fields=('assignment',), name='extension_request_one_pending')],
            },
        ),
        migrations.CreateModel(
            name='FlagsToReview',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('after', models.DateField(verbose_name='flagged after')),
                ('suggestions', models.PositiveIntegerField(default=0, verbose_name='suggestions')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='congress.session', verbose_name='session')),
            ],
            options={
                'verbose_name': 'summary row of flags to review',
                'verbose_name_plural': 'summary rows of flags to review',
                'constraints': [models.UniqueConstraint(fields=('session', 'after'), name='flags_to_review_once')],
            },
        ),
        migrations.CreateModel(
            name='OpenPromise',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit', models.BigIntegerField(verbose_name='handling unit')),
                ('due', models.DateField(verbose_name='due')),
                ('promises', models.PositiveIntegerField(default=0, verbose_name='promises')),
                ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='congress.session', verbose_name='session')),
            ],
            options={
                'verbose_name': 'summary row of open promises',
                'verbose_name_plural': 'summary rows of open promises',
                'indexes': [models.Index(fields=['due', 'unit'], name='open_promise_due')],
                'constraints': [models.UniqueConstraint(fields=('session', 'unit', 'due'), name='open_promise_once_per_date')],
            },
        ),
        migrations.CreateModel(
            name='ReplyDays',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('unit', models.BigIntegerField(verbose_name='handling unit')),
                ('days', models.IntegerField(verbose_name='days')),
                ('replies', models.PositiveIntegerField(default=0, verbose_name='replies')),
                ('session', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='congress.session', verbose_name='session')),
            ],
            options={
                'verbose_name': 'summary row of days to reply',
                'verbose_name_plural': 'summary rows of days to reply',
                'indexes': [models.Index(fields=['unit', 'days'], name='reply_days_unit')],
                'constraints': [models.UniqueConstraint(fields=('session', 'unit', 'days'), name='reply_days_once_per_session'), models.UniqueConstraint(condition=models.Q(('session__isnull', True)), fields=('unit', 'days'), name='reply_days_once_all_sessions')],
            },
        ),
        migrations.AddConstraint(
            model_name='cosigner',
            constraint=models.UniqueConstraint(fields=('suggestion', 'deputy'), name='cosigner_once_per_suggestion'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(fields=['unit', 'due_on'], name='assignment_unit_due'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(fields=['unit', '-due_on', 'id'], name='assignment_unit_done'),
        ),
        migrations.AddIndex(
            model_name='assignment',
            index=models.Index(condition=models.Q(('replied_on__isnull', True), ('role__in', ['lead', 'separate'])), fields=['due_on'], name='assignment_owed_due'),
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.UniqueConstraint(fields=('suggestion', 'unit'), name='assignment_unit_once_per_suggestion'),
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.UniqueConstraint(condition=models.Q(('role', 'lead')), fields=('suggestion',), name='assignment_one_lead_unit'),
        ),
        migrations.AddConstraint(
            model_name='assignment',
            constraint=models.CheckConstraint(condition=models.Q(('due_on__gte', models.F('assigned_on'))), name='assignment_due_after_assigned'),
        ),
        # Reference data and the search index, after every table exists. Reversed, the
        # seeded rows go with their tables; the index and function are dropped here.
        migrations.RunPython(seed_synonyms, migrations.RunPython.noop),
        migrations.RunPython(seed_import_aliases, migrations.RunPython.noop),
        migrations.RunPython(create_bigram_index, drop_bigram_index),
    ]
