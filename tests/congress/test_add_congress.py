"""Operators add a congress with one command: its site, rule profile and first staff login."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from congress.models import Congress, Division
from congress.roles import STAFF_GROUP, is_congress_staff
from congress.tenancy import activate
from suggestions.rules import rule

pytestmark = pytest.mark.django_db

XIAOYI = {
    "name": "孝义市人民代表大会",
    "short_name": "孝义市",
    "slug": "xiaoyi",
    "level": "county",
    "parent": "lvliang",
}


def add(**options):
    out = io.StringIO()
    call_command("add_congress", stdout=out, **{**XIAOYI, **options})
    return out.getvalue()


def test_a_county_is_added_under_its_city_with_its_division_rules_and_first_staff(client):
    division = Division.objects.create(name="孝义市")
    out = add(division="孝义市", rule=["REPLY_MONTHS=2", "due_soon_days=10"], staff_login="xy")
    county = Congress.objects.get(slug="xiaoyi")
    assert county.parent == Congress.objects.default() and county.level == "county"
    assert county.division == division and not county.is_default
    assert county.rules == {"REPLY_MONTHS": 2, "DUE_SOON_DAYS": 10}
    with activate(county):
        assert rule("REPLY_MONTHS") == 2 and rule("REHANDLING_MONTHS") == 1
    assert "/c/xiaoyi/" in out and "REPLY_MONTHS=2" in out
    # The first staff login: in the staff group, may use the back office, staff of this
    # congress only, with the one-time password printed.
    user = get_user_model().objects.get(username="xy")
    password = out.split("one-time password: ")[1].split()[0]
    assert user.check_password(password) and len(password) >= 12
    assert user.is_staff and user.groups.filter(name=STAFF_GROUP).exists()
    assert is_congress_staff(user, county)
    assert not is_congress_staff(user, Congress.objects.default())
    login = client.post("/accounts/login/", {"username": "xy", "password": password})
    assert login.status_code == 302
    assert client.get("/c/xiaoyi/workbench/import/").status_code == 200
    assert client.get("/workbench/import/").status_code == 403  # the city's is not theirs


def test_the_password_is_new_each_time(client):
    first = add(staff_login="one")
    second = add(staff_login="two", name="汾阳市人民代表大会", short_name="汾阳市", slug="fenyang")
    assert first.split("password: ")[1].split()[0] != second.split("password: ")[1].split()[0]


def test_without_a_staff_login_only_the_congress_is_added():
    out = add()
    assert "password" not in out
    assert not Congress.objects.get(slug="xiaoyi").staff.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"rule": ["REPLY_WEEKS=2"]}, "No rule named REPLY_WEEKS. The rules are: "),
        ({"rule": ["REPLY_MONTHS=two"]}, "REPLY_MONTHS takes a whole number"),
        ({"rule": ["REPLY_MONTHS=-1"]}, "REPLY_MONTHS takes a whole number"),
        ({"rule": ["REPLY_MONTHS"]}, "A rule is NAME=NUMBER"),
        ({"rule": ["REPLY_MONTHS=2", "REPLY_MONTHS=3"]}, "given twice"),
        ({"slug": "Xiao Yi"}, "is not a site address"),
        ({"parent": "nowhere"}, "No congress with the slug 'nowhere'"),
        ({"parent": None}, "name it with --parent"),
        ({"division": "太原市"}, "No division named 太原市"),
        ({"slug": "lvliang"}, "already the site of 吕梁市人民代表大会"),
        ({"name": "吕梁市人民代表大会"}, "A congress named 吕梁市人民代表大会 already exists"),
        ({"staff_login": "staff"}, "The login 'staff' already exists"),
    ],
)
def test_a_bad_argument_is_refused_with_its_reason_and_nothing_is_saved(staff, options, message):
    users = get_user_model().objects.count()
    with pytest.raises(CommandError, match=message) as refused:
        add(**options, **({} if "staff_login" in options else {"staff_login": "new_staff"}))
    assert "Nothing was saved" in str(refused.value)
    assert list(Congress.objects.values_list("slug", flat=True)) == ["lvliang"]
    assert get_user_model().objects.count() == users


def test_adding_the_same_congress_twice_is_refused_and_the_first_stays(county):
    with pytest.raises(CommandError, match="The slug 'xiaoyi' is already the site of 孝义市"):
        add(staff_login="again")
    with pytest.raises(CommandError, match="A congress named 孝义市人民代表大会 already exists"):
        add(slug="xiaoyi2")
    assert Congress.objects.filter(slug__startswith="xiaoyi").count() == 1
    assert not get_user_model().objects.filter(username="again").exists()


def test_a_county_cannot_sit_under_a_county_nor_take_a_division_already_taken(county):
    division = Division.objects.get(name="孝义市")
    county.congress.division = division
    county.congress.save()
    with pytest.raises(CommandError, match="cannot sit under 孝义市人民代表大会"):
        add(name="某镇人大", short_name="某镇", slug="town", parent="xiaoyi")
    with pytest.raises(CommandError, match="already 孝义市人民代表大会's"):
        add(name="X", short_name="X", slug="x", division="孝义市")
