"""Keyword search: Chinese words, synonyms staff can edit, numbers, title matches first."""

import importlib

import pytest
from django.urls import reverse

from suggestions.models import SearchSynonym, Suggestion

Status = Suggestion.Status
pytestmark = pytest.mark.django_db


def found(client, q):
    page = client.get(reverse("suggestions:list"), {"q": q})
    assert page.status_code == 200
    return [s.title for s in page.context["page"]]


def test_a_two_character_word_finds_it_in_title_or_content(client, build):
    build(Status.REGISTERED, title="关于老旧供热管网改造的建议")
    build(Status.REGISTERED, title="关于道路的建议", content="冬季供热不足。")
    build(Status.REGISTERED, title="关于公交的建议")
    assert sorted(found(client, "供热")) == ["关于老旧供热管网改造的建议", "关于道路的建议"]


def seeded():
    """The synonyms the migration seeds (a flushing test elsewhere may have emptied the table)."""
    squashed = importlib.import_module("suggestions.migrations.0001_initial_squashed")
    for words in squashed.SYNONYMS:
        SearchSynonym.objects.get_or_create(words=words)
    return squashed.SYNONYMS


def test_the_synonym_list_starts_with_common_civic_pairs():
    assert {"供暖 供热 暖气", "停车 泊车", "养老 敬老 托老"} <= set(seeded())


def test_a_synonym_finds_what_people_mean(client, build):
    seeded()
    build(Status.REGISTERED, title="关于老旧供热管网改造的建议")
    build(Status.REGISTERED, title="关于停车难的建议")
    assert found(client, "供暖") == ["关于老旧供热管网改造的建议"]
    assert found(client, "泊车") == ["关于停车难的建议"]


def test_staff_add_a_synonym_and_the_search_uses_it(client, build):
    build(Status.REGISTERED, title="关于菜市场改造的建议")
    assert found(client, "农贸市场") == []
    SearchSynonym.objects.create(words="农贸市场 菜市场")
    assert found(client, "农贸市场") == ["关于菜市场改造的建议"]


def test_title_matches_come_before_content_matches(client, build):
    build(Status.REGISTERED, title="关于道路的建议", content="路边停车位不足。")
    build(Status.REGISTERED, title="关于停车位的建议")
    assert found(client, "停车") == ["关于停车位的建议", "关于道路的建议"]


def test_longer_words_and_several_words_must_all_be_in_the_text(client, build):
    build(Status.REGISTERED, title="关于老旧供热管网改造的建议")
    build(Status.REGISTERED, title="关于管网的建议", content="老旧。")
    assert found(client, "供热管网") == ["关于老旧供热管网改造的建议"]
    assert found(client, "老旧 管网") == ["关于老旧供热管网改造的建议", "关于管网的建议"]
    assert found(client, "网改") == ["关于老旧供热管网改造的建议"]


@pytest.mark.parametrize("q", ["12", "第12号"])
def test_a_number_finds_the_suggestion_with_that_number(client, build, q):
    for _ in range(12):
        build(Status.REGISTERED)
    assert [
        s.number for s in client.get(reverse("suggestions:list"), {"q": q}).context["page"]
    ] == [12]


@pytest.mark.parametrize("q", ["'", "\\", "a & b", "(供)", "供", "!:*", "' | '"])
def test_odd_keywords_give_a_normal_page(client, build, q):
    build(Status.REGISTERED, title="关于供热的建议")
    assert client.get(reverse("suggestions:list"), {"q": q}).status_code == 200
