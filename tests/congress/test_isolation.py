"""Isolation between congresses, as a matrix: staff, unit members, deputies and anonymous
visitors of one congress against every page, action and file of the other, at both sites.

Two congresses: the city (its site at `/`) and the county of 孝义市 (at `/c/xiaoyi/`). Each
has a suggestion only submitted (never public), one assigned with a unit's request pending, one
replied with a signed letter and an unpublished reply, one whose reply is published, a
notification, a finished job with its file, a report and an import under way.

What this specifies:
- Each congress's site shows its own rows only, whoever asks: no page, list, export, search or
  API answer at one site names a suggestion, reply, job or notification of the other.
- A person's role counts in the congress it was given in: the city's staff are nobody at the
  county's site (and the reverse); their workbench, back office and jobs there are empty or
  refused. The superuser is staff everywhere.
- Every action on the other congress's rows is refused (403 or 404, or the login page), at
  either site, and changes nothing: no row, no history.
- What one congress has published is public on its own site only: a county's registered
  suggestion and its published reply (and the reply's letter) are public at /c/xiaoyi/, and
  not found at /.
- A notification is its person's: it is listed on their notification page at any site and
  links to the suggestion on its own congress's site.
- Shared on purpose (tenancy.SHARED): liaison stations, their receptions and problems, which
  host the deputies of every level; who sees a problem's private details follows the keeper
  and unit rules (tests/deputies/test_stations_permissions.py). Categories and divisions are
  shared reference data.
"""

import datetime
import importlib
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from congress.errors import WorkflowError
from congress.models import Congress, HistoryEntry, Job
from congress.tenancy import activate
from reports import services as report_services
from reports.models import CommitteeWork
from suggestions import services
from suggestions.imports.uploads import Upload
from suggestions.models import (
    Assignment,
    Evaluation,
    Event,
    ExtensionRequest,
    Notification,
    Reply,
    Suggestion,
)
from suggestions.workbench.actions import ACTIONS
from tests.conftest import START
from tests.files import PDF

S = Suggestion.Status
CITY, COUNTY = "city", "county"
SITES = {CITY: "", COUNTY: "/c/xiaoyi"}
ROLES = ["staff", "unit", "deputy", "anonymous"]


def other(side):
    return COUNTY if side == CITY else CITY


def _side(*, mark, session, deputy, unit, staff, category):
    """One congress's rows, built through the services as its staff would."""
    unit_user = unit.members.get()

    def enter(title, state):
        suggestion = services.enter_suggestion(
            suggestion=Suggestion(
                session=session,
                title=title,
                content=f"{mark}的内容。",
                category=category,
                lead_deputy=deputy,
                delegation=deputy.delegation,
            ),
            by=staff,
            on=START,
        )
        if state == S.SUBMITTED:
            return suggestion
        services.register(suggestion=suggestion, by=staff, on=START)
        services.assign(suggestion=suggestion, lead_unit=unit, by=staff, on=START)
        return suggestion

    def reply(suggestion, text):
        services.reply(
            assignment=suggestion.assignments.get(),
            reply_class="A",
            text=text,
            signed_by="局长",
            by=unit_user,
            on=START + datetime.timedelta(days=20),
            attachment=SimpleUploadedFile(f"{mark}答复函.pdf", PDF, content_type="application/pdf"),
        )
        return suggestion.replies.get()

    submitted = enter(f"{mark}甲号建议：关于新建公园", S.SUBMITTED)
    assigned = enter(f"{mark}乙号建议：关于修缮校舍", S.ASSIGNED)
    extension = services.request_extension(
        assignment=assigned.assignments.get(),
        reason=f"{mark}延期理由",
        due_on=assigned.assignments.get().due_on + datetime.timedelta(days=20),
        by=unit_user,
    )
    replied = enter(f"{mark}丙号建议：关于整治河道", S.ASSIGNED)
    unpublished = reply(replied, f"{mark}未公开的答复正文")
    published_suggestion = enter(f"{mark}丁号建议：关于增设路灯", S.ASSIGNED)
    published = reply(published_suggestion, f"{mark}已公开的答复正文")
    services.publish_reply(reply=published, by=staff)
    published.refresh_from_db()
    note = Notification.objects.create(
        user=unit_user, suggestion=replied, text=f"{mark}给承办单位的通知"
    )
    job = Job.objects.create(
        kind=Job.Kind.EXPORT,
        owner=staff,
        title=f"{mark}导出任务",
        state=Job.State.DONE,
        result=ContentFile(f"{mark}导出内容".encode(), name="export.csv"),
        result_name="export.csv",
    )
    # What the office keeps of the deputies' support and the committee's work: its own.
    course = report_services.record_course(
        title=f"{mark}履职培训班", starts_on=START, ends_on=START, attendees=[deputy]
    )
    material = report_services.send_material(
        title=f"{mark}学习资料", sent_on=START, recipients=[deputy]
    )
    work = report_services.record_work_item(
        title=f"{mark}物业管理条例立法",
        kind="legislation",
        year=START.year,
        suggestions=[Suggestion.objects.get(pk=published_suggestion.pk)],
    )
    report = report_services.generate_report(session=session, by=staff)
    upload = Upload.create(session, "sheet.csv", "标题\n".encode())
    return SimpleNamespace(
        mark=mark,
        session=session,
        staff=staff,
        unit=unit,
        unit_user=unit_user,
        deputy=deputy,
        suggestions=[submitted, assigned, replied, published_suggestion],
        public=[assigned, replied, published_suggestion],
        submitted=submitted,
        assigned=assigned,
        replied=replied,
        extension=extension,
        unpublished=unpublished,
        published=published,
        note=note,
        job=job,
        report=report,
        upload=upload,
        course=course,
        material=material,
        work=work,
        # Never to be seen by anyone but its own congress's people.
        secrets=[
            submitted.title,
            unpublished.text,
            note.text,
            job.title,
            extension.reason,
            course.title,
            material.title,
        ],
        # Public on its own congress's site only.
        publics=[s.title for s in (assigned, replied, published_suggestion)]
        + [published.text, work.title],
    )


@pytest.fixture
def world(session, category, staff, deputy_a, unit_x, county):
    city = _side(
        mark="城关",
        session=session,
        deputy=deputy_a,
        unit=unit_x,
        staff=staff,
        category=category,
    )
    with activate(county.congress):
        county_side = _side(
            mark="县域",
            session=county.session,
            deputy=county.deputy,
            unit=county.unit,
            staff=county.staff,
            category=category,
        )
    return {CITY: city, COUNTY: county_side}


def user_of(world, side, role):
    data = world[side]
    return {"staff": data.staff, "unit": data.unit_user, "deputy": data.deputy.user}.get(role)


def own_notes(user):
    if user is None:
        return []
    return list(Notification.objects.filter(user=user).values_list("text", flat=True))


def login(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def actors(world):
    """(side the actor belongs to, role, user); anonymous belongs to neither."""
    for side in (CITY, COUNTY):
        for role in ("staff", "unit", "deputy"):
            yield side, role, user_of(world, side, role)
    yield None, "anonymous", None


def forbidden_text(world, site, actor_side):
    """What a page at `site` may not show to someone of `actor_side`: anything of the other
    congress; and the site's own secrets, to anyone not of it."""
    away = world[other(site)]
    texts = [*away.secrets, *away.publics]
    if actor_side != site:
        texts += world[site].secrets
    return texts


def refused(response):
    if response.status_code == 302:
        return "/accounts/login/" in response["Location"] or "/admin/login/" in response["Location"]
    return response.status_code in (400, 403, 404)


def text_of(response):
    if response.get("Content-Type", "").startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row
        )
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def assert_shows_none(response, texts, where):
    page = text_of(response)
    shown = [t for t in texts if t in page]
    assert not shown, f"{where} shows {shown}"


def pages_without_arguments(namespace):
    """Every address of a namespace that takes no argument: new pages are covered as added."""
    _prefix, resolver = get_resolver().namespace_dict[namespace]
    return sorted(p.name for p in resolver.url_patterns if p.name and not p.pattern.converters)


# -- pages and lists ---------------------------------------------------------------------------

WORKBENCH = ["workbench", "stations_work", "jobs", "reports"]
PUBLIC = ["suggestions", "deputies"]
# Pages that answer only a file of a fixed shape (a blank template) or need a parameter.
NOT_PAGES = {"import_template", "similar_json", "figures_export"}


def test_no_page_of_either_site_shows_the_other_congress_rows(client, world, admin_user):
    names = [
        f"{namespace}:{name}"
        for namespace in WORKBENCH + PUBLIC
        for name in pages_without_arguments(namespace)
        if name not in NOT_PAGES
    ]
    assert "workbench:notifications" in names and "suggestions:list" in names
    for actor_side, role, user in actors(world):
        login(client, user)
        for site, prefix in SITES.items():
            texts = forbidden_text(world, site, actor_side)
            for name in names:
                response = client.get(prefix + reverse(name))
                if name == "workbench:notifications":  # one's own, at any site (see below)
                    texts = [t for t in texts if not any(t in n for n in own_notes(user))]
                if name == "workbench:dashboard" and role == "deputy":
                    # A deputy's own suggestions follow them to every site's workbench (one
                    # workbench for a deputy at two levels), each linking to its own site.
                    own = {s.title for s in world[actor_side].suggestions}
                    texts = [t for t in texts if t not in own]
                assert response.status_code in (200, 302, 403, 405), (name, site, role)
                assert_shows_none(response, texts, f"{prefix}{reverse(name)} · {actor_side} {role}")


def test_search_finds_only_the_site_own_suggestions(client, world):
    for side, role, user in actors(world):
        login(client, user)
        for site, prefix in SITES.items():
            away = world[other(site)]
            for suggestion in away.suggestions:
                for path in ("/suggestions/", "/workbench/"):
                    if role == "deputy" and side != site and path == "/workbench/":
                        continue  # a deputy's own suggestions follow them (see above)
                    response = client.get(prefix + path, {"q": suggestion.title[:4]})
                    assert_shows_none(response, [suggestion.title], f"{prefix}{path} · {role}")


def test_exports_hold_only_the_site_own_rows(client, world):
    for actor_side, role, user in actors(world):
        login(client, user)
        for site, prefix in SITES.items():
            texts = forbidden_text(world, site, actor_side)
            away = world[other(site)]
            for path, params in [
                ("/suggestions/export.csv", {}),
                ("/suggestions/export.xlsx", {}),
                ("/suggestions/export.csv", {"session": away.session.pk}),
                ("/units/export.csv", {}),
                ("/workbench/export/responsibility.xlsx", {"session": away.session.pk}),
                ("/workbench/export/responsibility.xlsx", {}),
                ("/reports/support/payments.csv", {}),
            ]:
                response = client.get(prefix + path, params)
                assert_shows_none(response, texts, f"{prefix}{path} {params} · {role}")


def test_the_api_answers_for_the_site_own_congress_only(client, world):
    for site, prefix in SITES.items():
        mine, away = world[site], world[other(site)]
        listing = client.get(f"{prefix}/api/v1/suggestions")
        assert listing.status_code == 200
        assert_shows_none(listing, [*away.secrets, *away.publics, *mine.secrets], prefix)
        for path in ("/api/v1/sessions", "/api/v1/units", "/api/v1/statistics"):
            assert_shows_none(client.get(prefix + path), [away.session.name, away.unit.name], path)
        for suggestion in away.suggestions:
            assert client.get(f"{prefix}/api/v1/suggestions/{suggestion.pk}").status_code == 404
        assert client.get(f"{prefix}/api/v1/sessions/{away.session.pk}").status_code == 404
        assert client.get(f"{prefix}/api/v1/units/{away.unit.pk}").status_code == 404
        for suggestion in mine.public:  # public at its own site
            assert client.get(f"{prefix}/api/v1/suggestions/{suggestion.pk}").status_code == 200
        assert client.get(f"{prefix}/api/v1/suggestions/{mine.submitted.pk}").status_code == 404


# -- one suggestion's pages, and the files -----------------------------------------------------


def test_the_other_congress_suggestions_and_files_are_not_found(client, world):
    for actor_side, role, user in actors(world):
        login(client, user)
        targets = [other(actor_side)] if actor_side else [CITY, COUNTY]
        for target in targets:
            rows = world[target]
            texts = [*rows.secrets, *rows.publics]
            for site, prefix in SITES.items():
                where = f"{prefix} · {actor_side} {role} → {target}"
                for suggestion in rows.suggestions:
                    for name in ("workbench:suggestion", "workbench:draft_edit"):
                        response = client.get(prefix + reverse(name, args=[suggestion.pk]))
                        assert refused(response), f"{name} {where}"
                        assert_shows_none(response, texts, f"{name} {where}")
                    for name in ("suggestions:detail", "suggestions:print"):
                        response = client.get(prefix + reverse(name, args=[suggestion.pk]))
                        public = site == target and suggestion in rows.public
                        assert response.status_code == (200 if public else 404), f"{name} {where}"
                        assert_shows_none(response, rows.secrets, f"{name} {where}")
                for reply in (rows.unpublished, rows.published):
                    response = client.get(
                        prefix + reverse("suggestions:reply_attachment", args=[reply.pk])
                    )
                    public = site == target and reply.is_published
                    assert response.status_code == (200 if public else 404), f"letter {where}"
                for name in ("jobs:detail", "jobs:status", "jobs:download"):
                    response = client.get(prefix + reverse(name, args=[rows.job.pk]))
                    assert refused(response), f"{name} {where}"
                for name in ("reports:report", "reports:docx"):
                    response = client.get(prefix + reverse(name, args=[rows.report.pk]))
                    assert refused(response), f"{name} {where}"
                response = client.get(
                    prefix + reverse("workbench:deputy_record", args=[rows.deputy.pk])
                )
                assert refused(response) or rows.deputy.name not in text_of(response), where
                for name in ("import_columns", "import_preview"):
                    url = reverse(f"workbench:{name}", args=[rows.upload.token])
                    assert refused(client.get(prefix + url)), f"{name} {where}"


def test_a_notification_is_its_person_and_links_to_its_own_congress_site(client, world):
    for side in (CITY, COUNTY):
        rows = world[side]
        login(client, rows.unit_user)
        own_site = SITES[side] + reverse("workbench:suggestion", args=[rows.replied.pk])
        for prefix in SITES.values():
            page = client.get(prefix + reverse("workbench:notifications")).content.decode()
            assert rows.note.text in page
            assert f'href="{own_site}"' in page
        assert client.get(own_site).status_code == 200


def test_a_job_is_seen_at_its_own_congress_site_only(client, world):
    for side in (CITY, COUNTY):
        rows = world[side]
        login(client, rows.staff)
        for site, prefix in SITES.items():
            response = client.get(prefix + reverse("jobs:download", args=[rows.job.pk]))
            assert response.status_code == (200 if site == side else 404)


# -- actions -----------------------------------------------------------------------------------


def _snapshot():
    """Everything an action could change, in both congresses."""
    return (
        sorted(Suggestion.everywhere.values_list("pk", "status", "is_key", "due_on", "title")),
        sorted(Assignment.everywhere.values_list("pk", "unit", "due_on", "responsible_person")),
        sorted(Reply._base_manager.values_list("pk", "is_published", "text")),
        Event._base_manager.count(),
        Evaluation._base_manager.count(),
        sorted(ExtensionRequest._base_manager.values_list("pk", "decision")),
        sorted(HistoryEntry.everywhere.values_list("pk", flat=True)),
        sorted(Job.everywhere.values_list("pk", "state")),
        sorted(
            get_user_model()._base_manager.filter(notifications__isnull=False).values_list("pk")
        ),
    )


DATA = {
    "reply": {
        "reply_class": "A",
        "text": "越权答复",
        "signed_by": "局长",
        "replied_on": "2026-11-20",
    },
    "revise": {"reply_class": "A", "text": "越权修改", "signed_by": "局长"},
    "follow_up": {"reply_class": "A", "text": "越权跟进", "signed_by": "局长"},
    "evaluate": {"satisfaction": "satisfied", "contacted": "yes"},
    "refuse": {"reason": "越权"},
    "return": {"reason": "越权"},
    "extension": {"due_on": "2027-03-01", "reason": "越权"},
    "responsible": {"person": "越权者"},
    "contact": {"contacted_on": "2026-11-20", "way": "face"},
    "opinion": {"text": "越权意见"},
}


def test_every_action_on_the_other_congress_rows_is_refused_and_changes_nothing(client, world):
    before = _snapshot()
    for actor_side, role, user in actors(world):
        login(client, user)
        targets = [other(actor_side)] if actor_side else [CITY, COUNTY]
        for target in targets:
            rows = world[target]
            mine = world[actor_side] if actor_side else rows
            for prefix in SITES.values():
                where = f"{prefix} · {actor_side} {role} → {target}"
                posts = []
                for suggestion in rows.suggestions:
                    for name, spec in ACTIONS.items():
                        data = {**DATA.get(name, {}), "lead_unit": mine.unit.pk}
                        if spec.who == "unit":
                            for assignment in suggestion.assignments.all():
                                args = [suggestion.pk, assignment.pk, name]
                                posts.append(
                                    (reverse("workbench:act_on_assignment", args=args), data)
                                )
                        else:
                            posts.append(
                                (reverse("workbench:act", args=[suggestion.pk, name]), data)
                            )
                    posts.append(
                        (reverse("workbench:draft_edit", args=[suggestion.pk]), {"title": "越权"})
                    )
                posts += [
                    (reverse("workbench:publish", args=[rows.unpublished.pk]), {"public_text": ""}),
                    (
                        reverse("workbench:decide", args=["extension", rows.extension.pk]),
                        {"approve": "yes", "note": "越权"},
                    ),
                    (reverse("workbench:conclude_session", args=[rows.session.pk]), {}),
                    (
                        reverse("workbench:bulk_assign"),
                        {"suggestion": [s.pk for s in rows.suggestions], "lead_unit": mine.unit.pk},
                    ),
                    (reverse("workbench:import_confirm", args=[rows.upload.token]), {}),
                ]
                for url, data in posts:
                    response = client.post(prefix + url, data)
                    assert response.status_code in (302, 400, 403, 404), f"{url} {where}"
                    assert _snapshot() == before, f"{url} changed something: {where}"


# -- the back office ---------------------------------------------------------------------------


def _changelists():
    from django.contrib import admin

    return sorted(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    )


def _change_pages(rows):
    objects = [
        *rows.suggestions,
        rows.unpublished,
        rows.published,
        rows.replied.assignments.get(),
        rows.extension,
        rows.note,
        rows.job,
        rows.report,
        rows.course,
        rows.material,
        rows.work,
        rows.session,
        rows.unit,
        rows.deputy,
        Event.objects.filter(suggestion=rows.replied).first(),
    ]
    from django.contrib import admin

    return [
        f"/admin/{o._meta.app_label}/{o._meta.model_name}/{o.pk}/change/"
        for o in objects
        if type(o) in admin.site._registry
    ]


def test_staff_of_one_congress_get_nothing_from_the_other_back_office(client, world, admin_user):
    for side in (CITY, COUNTY):
        rows, away = world[side], world[other(side)]
        login(client, rows.staff)
        rows.staff.is_staff = True
        rows.staff.save()
        own, others = SITES[side], SITES[other(side)]
        assert client.get(f"{own}/admin/").status_code == 200
        assert refused(client.get(f"{others}/admin/"))
        for changelist in _changelists():
            assert refused(client.get(others + changelist)), changelist
            response = client.get(own + changelist)
            assert response.status_code in (200, 302, 403), changelist
            assert_shows_none(response, [*away.secrets, *away.publics], f"{own}{changelist}")
        for page in _change_pages(away):
            response = client.get(own + page)
            assert response.status_code != 200 or away.mark not in text_of(response), page
            assert refused(client.get(others + page)), page
    login(client, admin_user)
    for side, prefix in SITES.items():
        assert client.get(f"{prefix}/admin/").status_code == 200
        for page in _change_pages(world[side]):
            assert client.get(prefix + page).status_code == 200, page


def test_history_entries_keep_to_their_congress(world):
    with activate(Congress.objects.default()):
        city = set(HistoryEntry.objects.values_list("pk", flat=True))
    with activate(world[COUNTY].session.congress):
        county = set(HistoryEntry.objects.values_list("pk", flat=True))
    assert city and county and not city & county


def test_each_congress_counts_its_own_courses_materials_and_committee_work(world):
    for side in (CITY, COUNTY):
        with activate(world[side].session.congress):
            totals = report_services.support_totals(START.year)
            counted = [totals[key] for key in ("courses", "attendances", "materials", "copies")]
            assert counted == [1, 1, 1, 1], side
            assert list(CommitteeWork.objects.all()) == [world[side].work]


def test_a_committee_work_item_links_its_own_congress_suggestions_only(world):
    county_suggestion = world[COUNTY].assigned
    county_suggestion.refresh_from_db()  # registered and assigned since it was entered
    with pytest.raises(WorkflowError, match="this congress"):
        report_services.record_work_item(
            title="跨级立法项目", kind="legislation", year=2026, suggestions=[county_suggestion]
        )
    assert not CommitteeWork.everywhere.filter(title="跨级立法项目").exists()


def test_a_work_item_checks_its_suggestions_congress_in_one_query_however_many(
    world, django_assert_num_queries
):
    city = [Suggestion.objects.get(pk=s.pk) for s in world[CITY].public]  # registered, all three

    def record(suggestions):
        return report_services.record_work_item(
            title="城市立法项目", kind="legislation", year=2026, suggestions=suggestions
        )

    with CaptureQueriesContext(connection) as one:
        record(city[:1])
    with django_assert_num_queries(len(one)):
        work = record(city)
    assert list(work.suggestions.order_by("pk")) == sorted(city, key=lambda s: s.pk)


def test_the_upgrade_gives_each_course_material_and_work_item_the_congress_that_recorded_it(
    world,
):
    """reports 0003: rows made before the column are given the congress their links name, else
    the one active when they were recorded (their history line), else the default congress."""
    from django.apps import apps

    from reports.models import StudyMaterial, TrainingCourse

    migration = importlib.import_module(
        "reports.migrations.0003_courses_materials_work_of_a_congress"
    )
    city, county = Congress.objects.default(), world[COUNTY].session.congress
    county_rows = [world[COUNTY].course, world[COUNTY].material, world[COUNTY].work]
    world[COUNTY].material.recipients.clear()  # no link left: its history line tells
    unknown = StudyMaterial.everywhere.create(
        congress=county, title="来历不明的资料", sent_on=START
    )
    for row in [*county_rows, unknown]:
        type(row).everywhere.filter(pk=row.pk).update(congress=city)  # as before the column

    migration.to_the_congress_that_recorded_them(apps, None)

    assert {type(row).everywhere.get(pk=row.pk).congress for row in county_rows} == {county}
    assert StudyMaterial.everywhere.get(pk=unknown.pk).congress == city
    assert TrainingCourse.everywhere.get(pk=world[CITY].course.pk).congress == city


def test_each_congress_report_figures_count_its_own_attendances_and_copies(world):
    from reports.figures import SOURCES, scope_of_session

    for side in (CITY, COUNTY):
        with activate(world[side].session.congress):
            scope = scope_of_session(world[side].session)
            for key in (
                "training_courses",
                "training_attendances",
                "study_materials",
                "material_copies",
            ):
                assert SOURCES[key].build(scope).count() == 1, (side, key)
