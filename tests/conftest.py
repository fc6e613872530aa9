"""Named actors and small builders, so tests read like stories.

staff (congress staff), deputy_a and deputy_b (two municipal deputies, with logins), unit_x and
unit_y (two handling units, each with a user), and the anonymous visitor (the test client).
All of them belong to the default congress (the city); `county` is a second congress, 孝义市,
with its own session, delegation, unit, staff and deputy.
"""

import datetime
import itertools
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import translation

from congress import cache as page_versions
from congress.models import Congress, Delegation, Division, HandlingUnit, Leader, Session, Term
from congress.roles import staff_group
from congress.tenancy import activate
from deputies.models import Deputy
from suggestions import services
from suggestions.models import Category, Suggestion

TODAY = datetime.date(2026, 11, 26)
# Tests live on TODAY whatever the machine's clock says (CI also runs them a year ahead): the
# clock starts at 10:00 in Beijing and ticks, so durations and live servers still behave.
NOW = datetime.datetime(2026, 11, 26, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
START = datetime.date(2026, 9, 1)  # builders date each step from here: replied 30 days later
_serial = itertools.count(1)


def on_today():
    """The test clock, for fixtures that run outside a single test (module-scoped data)."""
    return time_machine.travel(NOW, tick=True)


@pytest.fixture(autouse=True, scope="session")
def _jobs_run_at_once():
    """Background jobs run inside the test, in memory: no worker, no queue file."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True
    yield


@pytest.fixture(autouse=True, scope="session")
def _writes_outside_a_change_set_fail():
    """A test that saves a suggestion's rows outside a service (or summaries.change_set())
    fails, where production would log it and recount the session."""
    from django.conf import settings

    settings.SUMMARIES_STRICT = True
    yield


@pytest.fixture(autouse=True, scope="session")
def _every_change_rendered_at_once():
    """Tests read each change on the next page; tests/congress/test_page_cache.py sets the
    refresh interval a stream of writes gets in production."""
    from django.conf import settings

    settings.PUBLIC_PAGE_REFRESH_SECONDS = 0
    yield


@pytest.fixture(autouse=True)
def _on_today():
    with on_today():
        yield


LOCMEM = "django.core.cache.backends.locmem.LocMemCache"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Pages render {% static %} without a collectstatic run; tests/test_production.py checks
    # the hashed, compressed storage that production uses.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if settings.CACHES["default"]["BACKEND"] != LOCMEM:
        # A shell that exports REDIS_URL or CACHE_DIR (say, to try `make serve`) must not have
        # the tests empty that cache between tests; the tests that need Redis set it themselves.
        settings.CACHES = {
            "default": {"BACKEND": LOCMEM, "OPTIONS": {"MAX_ENTRIES": settings.CACHE_MAX_ENTRIES}}
        }
    cache.clear()  # cached pages of another test's (rolled back) rows
    page_versions.forget_sessions()  # SQLite gives a rolled-back session's id to the next one
    # Rule tests match the English source messages; pages are served in the visitor's language.
    with translation.override("en"):
        yield


@pytest.fixture
def session(db):
    term = Term.objects.create(number=9, name="第九届", starts_on=datetime.date(2024, 1, 1))
    return Session.objects.create(
        term=term,
        number=1,
        name="九届一次会议",
        opens_on=datetime.date(2026, 1, 10),
        closes_on=datetime.date(2026, 1, 13),
    )


@pytest.fixture
def earlier_session(session):
    """A session a year before `session`, of the same term: look-alikes point back to it."""
    return type(session).objects.create(
        term=session.term,
        number=0,
        name="八届五次会议",
        opens_on=datetime.date(2025, 1, 10),
        closes_on=datetime.date(2025, 1, 13),
    )


@pytest.fixture
def next_session(session):
    """The term's second session, a year after the first."""
    return Session.objects.create(
        term=session.term,
        number=2,
        name="九届二次会议",
        opens_on=datetime.date(2027, 1, 10),
        closes_on=datetime.date(2027, 1, 13),
    )


@pytest.fixture
def delegation(db):
    division = Division.objects.create(name="离石区")
    return Delegation.objects.create(name="离石区代表团", division=division)


@pytest.fixture
def category(db):
    return Category.objects.create(name="城乡建设")


def make_user(username, **extra):
    return get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw-12345!", **extra
    )


@pytest.fixture
def staff(db):
    user = make_user("staff", is_staff=True)
    user.groups.add(staff_group())
    return user


def make_deputy(delegation, name, username=None):
    return Deputy.objects.create(
        name=name,
        level=Deputy.Level.MUNICIPAL,
        delegation=delegation,
        phone=f"100{next(_serial):08d}",
        id_number="141100199001010000",
        user=make_user(username) if username else None,
    )


@pytest.fixture
def deputy_a(delegation):
    return make_deputy(delegation, "甲代表", "deputy_a")


@pytest.fixture
def deputy_b(delegation):
    return make_deputy(delegation, "乙代表", "deputy_b")


def make_unit(name, username):
    unit = HandlingUnit.objects.create(name=name, kind=HandlingUnit.Kind.GOVERNMENT)
    unit.members.add(make_user(username))
    return unit


@pytest.fixture
def unit_x(db):
    return make_unit("市住建局", "unit_x")


@pytest.fixture
def unit_y(db):
    return make_unit("市交通局", "unit_y")


@pytest.fixture
def leader(db):
    return Leader.objects.create(name="常委甲", kind=Leader.Kind.STANDING_COMMITTEE)


def make_county(name, slug, *, session, delegation, deputy, opens_on, order=0):
    """A county-level congress under the city with what it needs to handle suggestions: a
    session, a delegation and its deputy (login <slug>_deputy, or county_deputy for 孝义市),
    a unit (<slug>_unit) and its staff (<slug>_staff). Its site is /c/<slug>/."""
    logins = "county" if slug == "xiaoyi" else slug
    congress = Congress.objects.create(
        name=f"{name}人民代表大会",
        short_name=name,
        slug=slug,
        level=Congress.Level.COUNTY,
        parent=Congress.objects.default(),
        order=order,
    )
    with activate(congress):
        term = Term.objects.create(number=17, name="第十七届", starts_on=datetime.date(2021, 9, 1))
        sitting = Session.objects.create(
            term=term,
            number=1,
            name=session,
            opens_on=opens_on,
            closes_on=opens_on + datetime.timedelta(days=2),
        )
        division, _ = Division.objects.get_or_create(name=name)
        group = Delegation.objects.create(name=delegation, division=division)
        unit = make_unit(f"{name}住建局", f"{logins}_unit")
        member = make_deputy(group, deputy, f"{logins}_deputy")
        county_staff = make_user(f"{logins}_staff", is_staff=True)
        county_staff.groups.add(staff_group())
        congress.staff.add(county_staff)
    return SimpleNamespace(
        congress=congress,
        term=term,
        session=sitting,
        delegation=group,
        unit=unit,
        deputy=member,
        staff=county_staff,
    )


@pytest.fixture
def county(db):
    """孝义市's congress, a county under the city (see make_county): logins county_staff,
    county_unit and county_deputy (丁县代表); its site is /c/xiaoyi/."""
    return make_county(
        "孝义市",
        "xiaoyi",
        session="十七届一次会议",
        delegation="城区代表团",
        deputy="丁县代表",
        opens_on=datetime.date(2026, 1, 6),
    )


def promise_for(reply_class, replied_on, days=90):
    """The promise a B or C reply must carry: done within `days` of the reply."""
    if reply_class not in ("B", "C"):
        return {}
    return {"promise": "分批实施改造", "promised_by": replied_on + datetime.timedelta(days=days)}


@pytest.fixture
def build(session, category, deputy_a, staff):
    """build(state) -> a suggestion by deputy_a, moved through the services up to `state`."""

    def _build(
        state=Suggestion.Status.SUBMITTED,
        *,
        lead_unit=None,
        co_units=(),
        on=START,
        reply_class="A",
        co_signers=(),
        **fields,
    ):
        suggestion = services.enter_suggestion(
            suggestion=Suggestion(
                session=fields.pop("session", session),
                title=fields.pop("title", "关于加快老旧小区改造的建议"),
                content=fields.pop("content", "小区管网老化。建议分批改造。"),
                category=category,
                lead_deputy=fields.pop("lead_deputy", deputy_a),
                delegation=deputy_a.delegation,
                **fields,
            ),
            co_signers=co_signers,
            by=staff,
            on=on,
        )
        order = [
            Suggestion.Status.SUBMITTED,
            Suggestion.Status.REGISTERED,
            Suggestion.Status.ASSIGNED,
            Suggestion.Status.REPLIED,
            Suggestion.Status.EVALUATED,
            Suggestion.Status.CLOSED,
        ]
        steps = order[1 : order.index(state) + 1]
        for step in steps:
            if step == Suggestion.Status.REGISTERED:
                services.register(suggestion=suggestion, by=staff, on=on)
            elif step == Suggestion.Status.ASSIGNED:
                services.assign(
                    suggestion=suggestion, lead_unit=lead_unit, co_units=co_units, by=staff, on=on
                )
            elif step == Suggestion.Status.REPLIED:
                services.reply(
                    assignment=suggestion.assignments.get(role="lead"),
                    reply_class=reply_class,
                    text="已解决。",
                    signed_by="局长",
                    by=staff,
                    on=on + datetime.timedelta(days=30),
                    **promise_for(reply_class, on + datetime.timedelta(days=30)),
                )
            elif step == Suggestion.Status.EVALUATED:
                services.evaluate(
                    suggestion=suggestion,
                    deputy=suggestion.lead_deputy,
                    satisfaction="satisfied",
                    contacted=True,
                    by=staff,
                    on=on + datetime.timedelta(days=40),
                )
            elif step == Suggestion.Status.CLOSED:
                services.close(suggestion=suggestion, by=staff, on=on + datetime.timedelta(days=41))
        suggestion.refresh_from_db()
        return suggestion

    return _build


from .browser import browser, page  # noqa: E402,F401  (browser fixtures for every test module)


@pytest.fixture
def station(delegation, deputy_a):
    from deputies.models import LiaisonStation

    station = LiaisonStation.objects.create(
        name="滨河街道人大代表联络站",
        division=delegation.division,
        township="滨河街道",
        address="离石区滨河街道便民服务中心",
        reception_days="每月10日",
    )
    station.deputies.add(deputy_a)
    station.keepers.add(make_user("keeper"))
    return station


@pytest.fixture
def other_station(delegation):
    from deputies.models import LiaisonStation

    station = LiaisonStation.objects.create(
        name="吴城镇人大代表联络站",
        division=delegation.division,
        township="吴城镇",
        address="吴城镇政府院内",
    )
    station.keepers.add(make_user("other_keeper"))
    return station


@pytest.fixture
def reception(station, deputy_a, category, staff):
    """A reception at `station` on 1 September 2026 with two problems raised."""
    from deputies import services as station_services

    return station_services.record_reception(
        station=station,
        held_on=START,
        deputies=[deputy_a],
        people_received=5,
        by=staff,
        problems=[
            {
                "summary": "小区供暖温度不达标",
                "category": category,
                "person_name": "群众甲",
                "person_phone": "10055550001",
            },
            {
                "summary": "村道坑洼积水",
                "category": category,
                "person_name": "群众乙",
                "person_phone": "10055550002",
            },
        ],
    )
