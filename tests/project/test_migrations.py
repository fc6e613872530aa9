"""The migrations: one linear history per app for a new installation, and the way up for a
database migrated on main 052d5c3, where every app's history was squashed (docs/upgrading.md).

Such a database has every old migration recorded and none of the new ones: each squashed
migration `replaces` its app's old names, so Django counts it as applied and runs nothing.
One test records those names by hand on a new installation's schema (always runs); another
migrates an empty database with the old migration files themselves, read from git, and finds
the schema a new installation gets (skipped where git or that commit is missing)."""

import ast
import importlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.migrations.exceptions import NodeNotFoundError
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from tests.databases import empty_database

SQUASHED_AT = "052d5c3"
APPS = ("congress", "deputies", "suggestions", "reports")
# Every migration each app had at main 052d5c3, the last commit with the old histories.
OLD_HISTORY = {
    "congress": ["0001_initial", "0002_category", "0003_background_jobs"],
    "deputies": [
        "0001_initial",
        "0002_station_work",
        "0003_problem_history",
        "0004_category_and_suggestion_link_leave_deputies",
    ],
    "suggestions": [
        "0001_initial",
        "0002_assignment_lead_first",
        "0003_notifications_and_co_signatures",
        "0004_edit_events",
        "0004_import_aliases_mappings_and_imported_events",
        "0004_meeting_leaders_present",
        "0004_promises_flags_recurring",
        "0004_reply_attachment_random_names",
        "0004_summary_rows",
        "0005_category_to_congress_problem_link",
        "0005_search_synonyms_and_bigram_index",
        "0005_seed_import_aliases",
        "0006_merge_imports_and_meeting_leaders",
        "0006_workbench_indexes",
        "0007_merge_attachments",
        "0008_merge_rules",
        "0009_merge_loop",
        "0009_reply_removed_passages",
        "0010_event_actions_merged",
        "0011_merge_scale",
        "0011_merge_ux",
        "0012_merge_scale_and_ux",
        "0013_list_search_and_workbench_indexes",
        "0013_loop_and_reply_days_summaries",
        "0014_recount_summaries",
        "0015_merge_list_indexes_and_summaries",
        "0015_stored_flags",
        "0016_fill_stored_flags",
        "0016_open_promises_index",
        "0017_merge_flags_and_indexes",
        "0018_closed_order_index",
        "0019_publication_and_flag_queues",
    ],
    "reports": ["0001_support_work_reports"],
}
# The reply attachment's upload_to and validator: Django writes a field's callables into its
# migration by reference, and makemigrations compares them with the model's.
FIELD_CALLABLES = {"suggestions.attachments", "congress.tenancy"}
# Their label-only operations moved to where each field is created (docs/upgrading.md); the
# files stay because databases recorded them and later migrations depend on them.
EMPTIED_LABEL_MIGRATIONS = {
    ("congress", "0004_chinese_labels"),
    ("deputies", "0002_chinese_labels"),
    ("reports", "0002_chinese_labels"),
    ("suggestions", "0003_chinese_labels"),
}


def disk_migrations():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return loader, {key: m for key, m in loader.disk_migrations.items() if key[0] in APPS}


# --- the files ---------------------------------------------------------------------------------


def test_each_app_has_one_linear_history_without_merges():
    loader, migrations = disk_migrations()
    for app in APPS:
        keys = [key for key in migrations if key[0] == app]
        assert keys, app
        assert len(loader.graph.root_nodes(app)) == 1, app
        assert len(loader.graph.leaf_nodes(app)) == 1, app
        for key in keys:
            node = loader.graph.node_map[key]
            assert len([p for p in node.parents if p.key[0] == app]) <= 1, key
            assert len([c for c in node.children if c.key[0] == app]) <= 1, key
            assert migrations[key].operations or key in EMPTIED_LABEL_MIGRATIONS, (
                f"{key} runs nothing"
            )


def test_the_squashed_migrations_replace_every_old_migration():
    _loader, migrations = disk_migrations()
    assert all(key[0] == app for key, m in migrations.items() for app, _name in m.replaces)
    for app in APPS:
        replaced = [
            name for key, m in migrations.items() if key[0] == app for _a, name in m.replaces
        ]
        assert sorted(replaced) == OLD_HISTORY[app], app
        # A migration cannot replace its own name: the new ones must differ from the old.
        assert not {name for a, name in migrations if a == app} & set(OLD_HISTORY[app])


def test_migrations_import_only_django():
    """Not today's application code, which moves: a data migration uses historical models."""
    _loader, migrations = disk_migrations()
    for key in migrations:
        path = Path(importlib.import_module(migrations[key].__module__).__file__)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module]
            else:
                continue
            assert node in tree.body, f"{key} imports inside a function: {names}"
            for name in names:
                assert name.split(".")[0] == "django" or name in FIELD_CALLABLES, (key, name)


# --- a database on main 052d5c3 ----------------------------------------------------------------


def record_old_history(connection):
    """django_migrations as main 052d5c3 leaves it: the old names of these apps instead of the
    squashed ones. Migrations added after the squash, which the schema already has, stay
    recorded: the question is only whether the squash counts as applied."""
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app__in=APPS, name="0001_initial_squashed").delete()
    for app, names in OLD_HISTORY.items():
        for name in names:
            recorder.record_applied(app, name)


def assert_nothing_to_run(connection):
    loader = MigrationLoader(connection)
    for key in loader.graph.nodes:
        if key[0] in APPS:
            assert key in loader.applied_migrations, key
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []

    out = io.StringIO()
    call_command("migrate", plan=True, stdout=out)
    assert "No planned migration operations." in out.getvalue()
    out = io.StringIO()
    call_command("migrate", stdout=out)  # records the squashed migrations, runs nothing
    assert "No migrations to apply." in out.getvalue()
    out = io.StringIO()
    call_command("showmigrations", *APPS, stdout=out)
    listed = [line.strip() for line in out.getvalue().splitlines() if line.startswith(" ")]
    assert sum(line.startswith("[X] 0001_initial_squashed") for line in listed) == len(APPS)
    assert all(line.startswith("[X] ") for line in listed), listed
    out = io.StringIO()
    call_command("check", databases=["default"], stdout=out, stderr=out)
    assert "no issues" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_database_with_the_old_history_recorded_runs_nothing(tmp_path):
    with empty_database(tmp_path) as connection:
        call_command("migrate", verbosity=0)  # a new installation, from empty
        assert_reference_data(connection)
        record_old_history(connection)
        assert_nothing_to_run(connection)


@pytest.mark.django_db(transaction=True)
def test_a_database_halfway_through_the_old_history_is_refused(tmp_path):
    """Older than 052d5c3: Django must not count it as migrated (it would run nothing)."""
    with empty_database(tmp_path) as connection:
        call_command("migrate", verbosity=0)
        record_old_history(connection)
        MigrationRecorder(connection).record_unapplied(
            "suggestions", "0019_publication_and_flag_queues"
        )
        with pytest.raises(NodeNotFoundError, match="wasn't able to because some of the replaced"):
            MigrationLoader(connection)


def assert_reference_data(connection):
    """The search synonyms and import aliases are seeded; PostgreSQL has the bigram index."""
    squashed = importlib.import_module("suggestions.migrations.0001_initial_squashed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT words FROM suggestions_searchsynonym")
        assert sorted(words for (words,) in cursor.fetchall()) == sorted(squashed.SYNONYMS)
        cursor.execute("SELECT kind, alias, name FROM suggestions_importalias")
        assert sorted(cursor.fetchall()) == sorted(
            [("unit", a, n) for a, n in squashed.UNIT_ALIASES.items()]
            + [("category", a, n) for a, n in squashed.CATEGORY_ALIASES.items()]
        )
        indexes = connection.introspection.get_constraints(cursor, "suggestions_suggestion")
    assert ("suggestion_text_bigrams" in indexes) == (connection.vendor == "postgresql")
