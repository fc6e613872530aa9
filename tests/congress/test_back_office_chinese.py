"""The back office is Chinese throughout (issue 22): a superuser reading it in zh-hans meets no
English word on the admin's index, any model's list, add or change page, the API docs or the
login and lockout pages: no field, model, app or permission name, no column header a screen
reader reads, no site title.

What is visible: text nodes and the title, placeholder, aria-label and alt attributes (what a
screen reader reads too), outside script and style. A word is three Latin letters or more."""

import re
from html.parser import HTMLParser

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.urls import reverse

from congress.models import Congress
from suggestions.models import Suggestion

pytestmark = pytest.mark.django_db

WORD = re.compile(r"[A-Za-z]{3,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# A password's summary shows the first letters of its random salt and hash, masked (cec*****):
# data, and random, so a word of it may come up on any run.
MASKED = re.compile(r"\S*\*{3,}\S*")
# Names of formats and standards a Chinese reader knows by these letters.
ALLOWED = {"API", "OpenAPI", "CSV", "Excel", "PDF", "PNG", "JPEG", "URL", "JSON", "LDAP"}
# Django's own Chinese names the keys as printed on the keyboard: 按住 Control 键或 Mac 上的
# Command 键来选择多项.
ALLOWED |= {"Control", "Command", "Mac"}
# The language switcher names each language in its own tongue, so a reader finds theirs.
ALLOWED |= {"English"}
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        attrs = dict(attrs)
        self.texts += [v for k, v in attrs.items() if k in SHOWN_ATTRIBUTES and v]
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def english_words(html, data):
    """The English words a reader of this page sees, leaving out the data typed or recorded."""
    parser = VisibleText()
    parser.feed(html)
    found = set()
    for text in parser.texts:
        text = MASKED.sub("", EMAIL.sub("", text))
        for value in data:
            text = text.replace(value, "")
        found |= {w for w in WORD.findall(text) if w not in ALLOWED}
    return found


@pytest.fixture
def back_office(build, unit_x, reception, staff):
    """A superuser logged in through the login form in zh-hans, over a few rows of every kind:
    a closed suggestion (assignment, reply, evaluation, history), a reception with problems, a
    failed login (axes' access attempt) and the successful one (its access log)."""
    build(Suggestion.Status.CLOSED, lead_unit=unit_x)
    get_user_model().objects.create_superuser("boss", "boss@example.com", "pw-12345!")
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    login = reverse("login")
    client.post(login, {"username": "boss", "password": "wrong"})
    response = client.post(login, {"username": "boss", "password": "pw-12345!"})
    assert response.status_code == 302
    return client


def data_shown():
    """Values people typed or a browser sent, shown as they are: login names, a congress's site
    address (lvliang) and what axes recorded of each request (its path, and `<unknown>` where
    the client sent no header)."""
    values = set(get_user_model().objects.values_list("username", flat=True))
    values |= set(Congress.objects.values_list("slug", flat=True))
    for model in (AccessAttempt, AccessLog):
        for row in model.objects.values("user_agent", "path_info", "http_accept"):
            values |= set(row.values())
    return sorted(values, key=len, reverse=True)


def admin_pages(user):
    """The index, and every registered model's list, add page (where one may add) and first
    row's change page."""
    request = RequestFactory().get("/")
    request.user = user
    yield reverse("admin:index")
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        if model_admin.has_add_permission(request):
            yield reverse("admin:{}_{}_add".format(*info))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield reverse("admin:{}_{}_change".format(*info), args=[first.pk])


def test_the_back_office_shows_no_english_to_a_chinese_superuser(back_office):
    data = data_shown()
    english = {}
    boss = get_user_model().objects.get(username="boss")
    for url in [*admin_pages(boss), reverse("api-v1:openapi-view")]:
        response = back_office.get(url)
        assert response.status_code == 200, url
        for word in english_words(response.content.decode(), data):
            english.setdefault(word, url)
    assert english == {}, "\n".join(f"{w}  ({url})" for w, url in sorted(english.items()))


def test_the_login_and_lockout_pages_are_chinese(settings, staff):
    settings.AXES_FAILURE_LIMIT = 2
    data = data_shown()
    english = {}
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans", REMOTE_ADDR="10.0.0.9")
    for url in (reverse("login"), reverse("admin:login")):
        response = client.get(url)
        assert response.status_code == 200
        english |= {w: url for w in english_words(response.content.decode(), data)}
    for _ in range(2):
        locked = client.post(reverse("login"), {"username": "staff", "password": "wrong"})
    assert locked.status_code == 429
    english |= {w: "lockout" for w in english_words(locked.content.decode(), data)}
    assert english == {}, "\n".join(f"{w}  ({url})" for w, url in sorted(english.items()))


def test_every_field_of_our_models_has_a_translated_label():
    from django.apps import apps
    from django.utils.functional import Promise

    from congress.roles import STAFF_APPS

    bare = [
        f"{model.__name__}.{field.name}"
        for app in STAFF_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
        if field.concrete and not field.auto_created and not isinstance(field.verbose_name, Promise)
    ]
    assert bare == []


def test_permissions_are_named_in_chinese_and_renaming_again_writes_nothing(
    django_assert_num_queries,
):
    from django.contrib.auth.models import Permission

    from congress.roles import name_permissions

    permission = Permission.objects.get(codename="change_delegation")
    assert permission.name == "可修改代表团"  # named when the test database was migrated
    Permission.objects.filter(pk=permission.pk).update(name="Can change delegation")
    name_permissions("congress")
    permission.refresh_from_db()
    assert permission.name == "可修改代表团"
    with django_assert_num_queries(1):  # read only
        name_permissions("congress")


def test_the_staff_group_is_renamed_once_and_back():
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    migration = importlib.import_module("congress.migrations.0005_staff_group_in_chinese")
    Group.objects.filter(name="代表工委").update(name="congress_staff")
    migration.rename("congress_staff", "代表工委")(apps, None)
    assert list(Group.objects.values_list("name", flat=True)) == ["代表工委"]
    migration.rename("代表工委", "congress_staff")(apps, None)
    assert list(Group.objects.values_list("name", flat=True)) == ["congress_staff"]
