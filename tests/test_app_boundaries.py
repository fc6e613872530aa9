"""suggestions leans on deputies, never the other way round: deputies' models name no
suggestions model, and no deputies migration written since the split depends on suggestions.
The migration that moved the problem → suggestion link keeps every link."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


def test_deputies_models_do_not_relate_to_suggestions():
    for model in apps.get_app_config("deputies").get_models():
        for field in model._meta.get_fields(include_hidden=False):
            if field.is_relation and not field.auto_created and field.related_model:
                assert field.related_model._meta.app_label != "suggestions", (model, field)


def test_new_deputies_migrations_do_not_depend_on_suggestions():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    # 0002 was applied everywhere before the split; squash it away once every database is past
    # suggestions 0005.
    history = {("deputies", "0001_initial"), ("deputies", "0002_station_work")}
    for key, migration in loader.disk_migrations.items():
        if key[0] == "deputies" and key not in history:
            assert all(app != "suggestions" for app, _name in migration.dependencies), key


@pytest.mark.django_db(transaction=True)
def test_problem_links_survive_the_migration():
    before = [("suggestions", "0004_edit_events"), ("deputies", "0003_problem_history")]
    executor = MigrationExecutor(connection)
    # The scale branch's indexes go first: on SQLite a sibling branch's table rebuild, stepped
    # back before them, would already have dropped them.
    executor.migrate([("suggestions", "0005_search_synonyms_and_bigram_index")])
    executor = MigrationExecutor(connection)
    # Back to before every branch that followed 0003 (their columns would be in the way of the
    # old models), then forward to the state just before the link moved.
    executor.migrate(
        [("suggestions", "0003_notifications_and_co_signatures"), ("deputies", "0002_station_work")]
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    day = datetime.date(2026, 1, 10)
    term = old.get_model("congress", "Term").objects.create(number=9, name="九届", starts_on=day)
    session = old.get_model("congress", "Session").objects.create(
        term=term, number=1, name="九届一次会议", opens_on=day, closes_on=day
    )
    division = old.get_model("congress", "Division").objects.create(name="离石区")
    delegation = old.get_model("congress", "Delegation").objects.create(
        name="离石区代表团", division=division
    )
    deputy = old.get_model("deputies", "Deputy").objects.create(
        name="甲代表", level="municipal", delegation=delegation
    )
    category = old.get_model("suggestions", "Category").objects.create(name="城乡建设")
    suggestion = old.get_model("suggestions", "Suggestion").objects.create(
        session=session,
        number=1,
        title="标题",
        content="内容",
        category=category,
        lead_deputy=deputy,
        delegation=delegation,
    )
    station = old.get_model("deputies", "LiaisonStation").objects.create(
        name="站", division=division, township="镇", address="地址"
    )
    reception = old.get_model("deputies", "Reception").objects.create(
        station=station, held_on=day, people_received=2
    )
    Problem = old.get_model("deputies", "Problem")
    linked = Problem.objects.create(
        reception=reception,
        station=station,
        raised_on=day,
        summary="问题",
        category=category,
        suggestion=suggestion,
    )
    Problem.objects.create(reception=reception, station=station, raised_on=day, summary="另一个")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from deputies.models import Problem as NewProblem

    problem = NewProblem.objects.get(pk=linked.pk)
    assert problem.suggestion.pk == suggestion.pk
    assert problem.category.name == "城乡建设"
    assert problem.suggestion.source_problems.get() == problem
    assert NewProblem.objects.exclude(pk=linked.pk).get().suggestion is None
