"""The year's report: figures computed from the records, each linking to the records that yield
it; narrative edited by staff; a Word document; deputy support records and their import."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from congress.models import Leader
from deputies.models import DutyActivity
from reports import services as report_services
from reports.models import CommitteeWork, Report, SupportPayment
from suggestions import services
from suggestions.models import SupervisionMeeting, WorkflowError
from tests.conftest import make_deputy, make_user

pytestmark = pytest.mark.django_db
FIGURE_LINK = re.compile(r'<a class="fig" href="([^"]+)">([^<]+)</a>')


@pytest.fixture
def world(build, session, staff, deputy_a, deputy_b, unit_x, unit_y, leader, reception):
    """A small session: three suggestions handled, a meeting with a leader, a special report,
    a work item, payments, a course and material in 2026."""
    closed = build("closed", lead_unit=unit_x)
    replied = build("replied", lead_unit=unit_y, reply_class="B")
    build("assigned", lead_unit=unit_x)
    services.record_meeting(
        session=session,
        kind=SupervisionMeeting.Kind.PROGRESS,
        title="推进会",
        held_on=datetime.date(2026, 3, 1),
        suggestions=[closed],
        leaders=[leader],
    )
    services.record_special_report(
        session=session,
        unit=unit_x,
        title="住建局办理情况的报告",
        heard_on=datetime.date(2026, 10, 1),
        satisfied=30,
        basically_satisfied=3,
        dissatisfied=1,
    )
    report_services.record_work_item(
        title="《供热条例》", kind="legislation", year=2026, suggestions=[closed, replied]
    )
    for deputy, kind, amount in [
        (deputy_a, "activity_fund", Decimal("3000")),
        (deputy_b, "activity_fund", Decimal("3000.50")),
        (deputy_a, "subsidy", Decimal("2400")),
        (deputy_b, "lost_work", Decimal("800")),
    ]:
        report_services.record_payment(
            deputy=deputy,
            kind=kind,
            amount=amount,
            paid_on=datetime.date(2026, 6, 30),
            purpose="2026年履职保障",
            budget_line="2026年代表经费",
            by=staff,
        )
    report_services.record_course(
        title="履职培训班",
        starts_on=datetime.date(2026, 9, 15),
        ends_on=datetime.date(2026, 9, 17),
        attendees=[deputy_a, deputy_b],
    )
    report_services.send_material(
        title="《中国人大》", sent_on=datetime.date(2026, 1, 15), recipients=[deputy_a]
    )
    DutyActivity.objects.create(
        deputy=deputy_b, kind="research", held_on=datetime.date(2026, 5, 1), title="调研"
    )
    return report_services.generate_report(session=session, by=staff)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def number(text):
    return Decimal(text.replace(",", ""))


def test_every_figure_on_the_report_links_to_records_that_recount_it(client, staff, world):
    client.force_login(staff)
    page = client.get(reverse("reports:report", args=[world.pk])).content.decode()
    links = FIGURE_LINK.findall(page)
    assert len(links) > 40
    checked = 0
    for href, shown in links:
        response = client.get(href)
        assert response.status_code == 200, href
        if shown.endswith("%") or shown == "—":
            continue  # a rate (— when nothing was rated) links to records recounted elsewhere
        rows = response.context["rows"]
        if response.context["summed"]:
            recount = sum(number(str(row[-1])) for row in rows)
        else:
            recount = len(rows)
        assert recount == number(shown), (href, shown, recount)
        checked += 1
    assert checked > 40


def test_report_states_the_small_worlds_figures(english, client, staff, world):
    client.force_login(staff)
    text = re.sub(
        r"<[^>]+>", "", client.get(reverse("reports:report", args=[world.pk])).content.decode()
    )
    assert "deputies submitted 3 suggestions; 3 were registered and 3 assigned" in text
    assert "2 have been answered and 1 closed" in text
    assert "0 assignment meetings, 1 progress meetings and 0 supervision meetings, with 1" in text
    assert "3 suggestions informed" not in text and "2 suggestions informed 1 items" in text
    assert "6,000.50 yuan of special activity funds and paid 2,400 yuan" in text
    assert "1 deputies without a fixed salary were compensated 800 yuan" in text
    assert "1 training courses (2 attendances)" in text


def test_staff_edit_the_narrative_and_the_figures_stay_computed(english, client, staff, world):
    client.force_login(staff)
    url = reverse("reports:report", args=[world.pk])
    response = client.post(
        url,
        {
            "title": world.title,
            "foreword": "",
            "handling_note": "",
            "problems": "个别单位答复不够具体。",
            "next_steps": "明年继续加强跟踪督办。\n推动办理结果全部公开。",
            "received": "999",
        },
    )
    assert response.status_code == 302
    world.refresh_from_db()
    assert world.next_steps.splitlines() == ["明年继续加强跟踪督办。", "推动办理结果全部公开。"]
    assert world.edited_by == staff and world.edited_at is not None
    page = client.get(url).content.decode()
    assert "推动办理结果全部公开。" in page and "999" not in page


def test_report_downloads_as_a_word_document_with_headings_table_and_figures(client, staff, world):
    client.force_login(staff)
    response = client.get(reverse("reports:docx", args=[world.pk]))
    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[0] == "一、总体情况" and headings[-1] == "六、代表履职和履职保障"
    assert len(headings) == 6
    text = "\n".join(p.text for p in document.paragraphs)
    assert "代表共提出建议3件，立案3件" in text
    assert "专项代表活动经费6,000.50元，发放代表通讯交通补贴2,400元" in text
    assert "下一步" not in text or "存在的问题和下一步工作" in headings[4]
    unit_table = next(t for t in document.tables if t.rows[0].cells[0].text == "承办单位")
    assert [c.text for c in unit_table.rows[1].cells][:3] == ["市交通局", "1", "0"]
    assert document.sections[0].page_width.cm == pytest.approx(21, abs=0.01)


def test_report_page_queries_do_not_grow_with_rows(client, staff, world, build, unit_x):
    client.force_login(staff)
    url = reverse("reports:report", args=[world.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(3):
        build("closed", lead_unit=unit_x)
    with CaptureQueriesContext(connection) as more:
        client.get(url)
    assert len(more.captured_queries) == len(few.captured_queries)


def test_generating_keeps_the_report_with_date_and_author(client, staff, session):
    client.force_login(staff)
    response = client.post(reverse("reports:index"), {"session": session.pk, "year": ""})
    report = Report.objects.get()
    assert response["Location"] == reverse("reports:report", args=[report.pk])
    assert report.generated_by == staff and report.generated_at is not None
    assert session.name in report.title
    listing = client.get(reverse("reports:index")).content.decode()
    assert session.name in listing and reverse("reports:report", args=[report.pk]) in listing


def test_generating_with_both_or_neither_scope_is_refused(english, client, staff, session):
    client.force_login(staff)
    both = client.post(reverse("reports:index"), {"session": session.pk, "year": "2026"})
    neither = client.post(reverse("reports:index"), {"session": "", "year": ""})
    future = client.post(reverse("reports:index"), {"session": "", "year": "2099"})
    assert both.status_code == neither.status_code == future.status_code == 200
    assert "Choose a session or a year" in both.content.decode()
    assert not Report.objects.exists()


def test_a_year_report_counts_the_sessions_opened_that_year(english, client, staff, world):
    report = report_services.generate_report(year=2026, by=staff)
    client.force_login(staff)
    text = client.get(reverse("reports:report", args=[report.pk])).content.decode()
    assert "deputies submitted" in text and ">3</a> suggestions" in text


def test_unknown_figure_key_answers_404(client, staff, world):
    client.force_login(staff)
    for key in ["nothing", "prev_nothing", "unit_1_nothing", "prev_stations"]:
        assert client.get(reverse("reports:figure", args=[world.pk, key])).status_code == 404


def test_report_scope_constraint_fires(session, staff):
    with pytest.raises(IntegrityError, match="report_for_a_session_or_a_year"):
        Report.objects.create(session=session, year=2026, title="x", generated_by=staff)


def test_payment_amount_constraint_fires(deputy_a):
    with pytest.raises(IntegrityError, match="support_payment_positive"):
        SupportPayment.objects.create(
            deputy=deputy_a,
            kind="subsidy",
            amount=Decimal("-1"),
            paid_on=datetime.date(2026, 1, 1),
            purpose="x",
            budget_line="y",
        )


@pytest.mark.parametrize(
    "amount, message",
    [
        (Decimal("0"), "more than 0"),
        (Decimal("1.001"), "two decimals"),
        (Decimal("NaN"), "number of yuan"),
        (Decimal("99999999"), "less than 10,000,000"),
    ],
)
def test_bad_payment_is_refused_and_nothing_saved(deputy_a, staff, amount, message):
    with pytest.raises(WorkflowError, match=message):
        report_services.record_payment(
            deputy=deputy_a,
            kind="subsidy",
            amount=amount,
            paid_on=datetime.date(2026, 1, 1),
            purpose="补贴",
            budget_line="经费",
            by=staff,
        )
    assert not SupportPayment.objects.exists()


def test_meeting_with_another_sessions_suggestion_is_refused_before_any_row(build, session, leader):
    from congress.models import Session

    other = Session.objects.create(
        term=session.term,
        number=2,
        name="九届二次会议",
        opens_on=datetime.date(2026, 6, 1),
        closes_on=datetime.date(2026, 6, 3),
    )
    suggestion = build("registered")
    with pytest.raises(WorkflowError, match="own session"):
        services.record_meeting(
            session=other,
            kind="supervision",
            title="督办会",
            held_on=datetime.date(2026, 7, 1),
            suggestions=[suggestion],
            leaders=[leader],
        )
    assert not SupervisionMeeting.objects.exists()


def test_workbench_meeting_form_records_the_leaders_present(
    client, staff, session, build, leader, unit_x
):
    suggestion = build("assigned", lead_unit=unit_x)
    client.force_login(staff)
    response = client.post(
        reverse("workbench:meeting_new"),
        {
            "session": session.pk,
            "kind": "assignment",
            "title": "交办会",
            "held_on": "2026-09-01",
            "leaders": [leader.pk],
            "numbers": str(suggestion.number),
        },
    )
    assert response.status_code == 302
    meeting = SupervisionMeeting.objects.get()
    assert list(meeting.leaders.all()) == [leader]
    page = client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    assert "常委甲" in page


# --- support records: the sheet, the public pages, the deputy's record --------------------

HEADER = "代表,代表团,类别,用途,金额（元）,日期,预算科目\n"


def upload(client, text, check_only=False):
    data = io.BytesIO(text.encode("utf-8"))
    data.name = "payments.csv"
    return client.post(
        reverse("reports:payments_import"),
        {"file": data, **({"check_only": "on"} if check_only else {})},
    )


@pytest.fixture
def staff_zh(client, staff):
    client.force_login(staff)
    client.cookies["django_language"] = "zh-hans"
    return client


def test_clean_sheet_imports_every_payment(staff_zh, deputy_a, deputy_b):
    sheet = HEADER + (
        '甲代表,离石区代表团,通讯交通补贴,2026年补贴,"2,400",2026-06-30,代表经费\n'
        "乙代表,,专项活动经费,调研活动,1200.50,2026/7/1,代表经费\n"
    )
    response = upload(staff_zh, sheet)
    assert response.status_code == 302
    assert SupportPayment.objects.count() == 2
    assert SupportPayment.objects.get(deputy=deputy_b).amount == Decimal("1200.50")


def test_sheet_with_one_bad_row_imports_nothing_and_names_the_row(staff_zh, deputy_a):
    sheet = HEADER + (
        "甲代表,,通讯交通补贴,补贴,2400,2026-06-30,代表经费\n"
        "无此人,,通讯交通补贴,补贴,abc,2026-06-30,代表经费\n"
    )
    response = upload(staff_zh, sheet)
    page = response.content.decode()
    assert response.status_code == 200
    assert not SupportPayment.objects.exists()
    rows = response.context["rows"]
    assert [r.row for r in rows if r.problems] == [3]
    assert "无此人" in page


def test_check_only_saves_nothing(staff_zh, deputy_a):
    upload(staff_zh, HEADER + "甲代表,,通讯交通补贴,补贴,2400,2026-06-30,代表经费\n", True)
    assert not SupportPayment.objects.exists()


@pytest.mark.parametrize(
    "content", [b"", b"\x00\x01\x02junk", "名字,金额\n张三,1\n".encode(), HEADER.encode()]
)
def test_malformed_sheets_get_a_message_not_a_500(staff_zh, content):
    data = io.BytesIO(content)
    data.name = "payments.csv"
    response = staff_zh.post(reverse("reports:payments_import"), {"file": data})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors
    assert not SupportPayment.objects.exists()


def test_payment_export_neutralises_formulas_and_imports_back(staff_zh, staff, deputy_a):
    report_services.record_payment(
        deputy=deputy_a,
        kind="subsidy",
        amount=Decimal("2400"),
        paid_on=datetime.date(2026, 6, 30),
        purpose='=HYPERLINK("http://x")',
        budget_line="@SUM(A1)",
        by=staff,
    )
    response = staff_zh.get(reverse("reports:payments_export", args=["xlsx"]) + "?year=2026")
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = [c.value for c in sheet[2]]
    assert row[3] == '=HYPERLINK("http://x")' and row[6] == "@SUM(A1)"  # string cells, as typed
    csv_text = staff_zh.get(reverse("reports:payments_export", args=["csv"]) + "?year=2026")
    text = csv_text.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "''=HYPERLINK" not in text  # escaped once


def test_public_station_figures_show_the_years_support_totals(client, world):
    page = client.get(reverse("deputies:figures") + "?year=2026").content.decode()
    assert 'data-figure="activity_funds">6,000.50<' in page
    assert 'data-figure="subsidies">2,400<' in page


def test_public_suggestion_page_says_what_it_informed(client, world):
    work = CommitteeWork.objects.get()
    suggestion = work.suggestions.first()
    page = client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    assert "《供热条例》" in page


def test_deputy_sees_their_own_support_in_their_duty_record(client, world, deputy_a):
    client.force_login(deputy_a.user)
    page = client.get(reverse("workbench:duty_record")).content.decode()
    assert "2,400" in page and "履职培训班" in page and "《中国人大》" in page
    assert "3,000.50" not in page  # deputy B's payment


def test_support_forms_record_through_the_services(staff_zh, deputy_a, deputy_b, session, build):
    suggestion = build("registered")
    staff_zh.post(
        reverse("reports:payment_new"),
        {
            "deputy": deputy_a.pk,
            "kind": "lost_work",
            "purpose": "误工补贴",
            "amount": "500",
            "paid_on": "2026-11-01",
            "budget_line": "代表经费",
        },
    )
    staff_zh.post(
        reverse("reports:course_new"),
        {
            "title": "培训",
            "starts_on": "2026-10-01",
            "ends_on": "2026-10-02",
            "attendees": "甲代表、乙代表",
        },
    )
    staff_zh.post(
        reverse("reports:material_new"), {"title": "公报", "sent_on": "2026-10-01", "to_all": "on"}
    )
    staff_zh.post(
        reverse("reports:work_new"),
        {
            "title": "监督",
            "kind": "supervision",
            "year": "2026",
            "session": session.pk,
            "numbers": str(suggestion.number),
        },
    )
    totals = report_services.support_totals(2026)
    assert totals["lost_work"] == Decimal("500")
    assert (totals["courses"], totals["attendances"], totals["materials"], totals["copies"]) == (
        1,
        2,
        1,
        2,
    )
    assert list(CommitteeWork.objects.get().suggestions.all()) == [suggestion]


def test_the_payment_form_picks_its_deputy_from_a_list(staff_zh, deputy_a):
    page = staff_zh.get(reverse("reports:payment_new")).content.decode()
    select = page[page.index('<select name="deputy"') :]
    select = select[: select.index("</select>")]
    assert "data-picker" in select and f'value="{deputy_a.pk}"' in select
    assert "甲代表（离石区代表团）" in select


def test_support_form_with_an_unknown_deputy_shows_a_message(staff_zh):
    response = staff_zh.post(
        reverse("reports:payment_new"),
        {
            "deputy": "999999",
            "kind": "subsidy",
            "purpose": "x",
            "amount": "1",
            "paid_on": "2026-01-01",
            "budget_line": "y",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["deputy"]


# --- who may see the reports -------------------------------------------------------------


@pytest.fixture
def others(db, delegation, unit_x, station):
    return {
        "deputy": make_deputy(delegation, "丙代表", "deputy_c").user,
        "unit": unit_x.members.get(),
        "keeper": station.keepers.get(),
        "nobody": make_user("nobody"),
    }


def test_every_reports_page_is_staff_only(client, staff, world, others):
    urls = [
        reverse("reports:index"),
        reverse("reports:report", args=[world.pk]),
        reverse("reports:docx", args=[world.pk]),
        reverse("reports:figure", args=[world.pk, "received"]),
        reverse("reports:support"),
        reverse("reports:payment_new"),
        reverse("reports:payments_import"),
        reverse("reports:payments_export", args=["xlsx"]),
        reverse("reports:payments_template", args=["csv"]),
        reverse("reports:course_new"),
        reverse("reports:material_new"),
        reverse("reports:work_new"),
    ]
    for url in urls:
        client.logout()
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
        for user in others.values():
            client.force_login(user)
            assert client.get(url).status_code == 403, (url, user)
        client.force_login(staff)
        assert client.get(url).status_code == 200, url
    client.force_login(others["deputy"])
    client.post(reverse("reports:index"), {"session": world.session_id})
    client.post(reverse("reports:report", args=[world.pk]), {"title": "x", "next_steps": "y"})
    assert Report.objects.count() == 1 and Report.objects.get().title != "x"


def test_leader_kinds_are_listed_in_the_meeting_form(client, staff, leader):
    Leader.objects.create(name="副市长乙", kind=Leader.Kind.VICE_MAYOR)
    client.force_login(staff)
    page = client.get(reverse("workbench:meeting_new")).content.decode()
    assert "常委甲" in page and "副市长乙" in page
    assert get_user_model().objects.filter(username="staff").exists()
