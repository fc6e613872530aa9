"""Data in and out: imports that save all rows or none, exports that read back, print, API."""

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from suggestions import services
from suggestions.imports import writing
from suggestions.imports.plan import plan_import
from suggestions.imports.reading import ImportFileError, read_file
from suggestions.models import Event, Suggestion, WorkflowError
from tests.conftest import make_deputy

pytestmark = pytest.mark.django_db
HEADER = ["编号", "案由", "建议内容", "类别", "领衔代表", "代表团", "附议代表", "提出日期", "提出"]


def xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_rows(n, deputy_a, deputy_b):
    return [
        [
            i,
            f"关于第{i}件民生事项的建议",
            "内容",
            "城乡建设",
            deputy_a.name,
            "离石区代表团",
            f"{deputy_b.name}（离石区代表团）",
            "2026-01-11",
            "大会期间",
        ]
        for i in range(1, n + 1)
    ]


def import_file(session, data, name="s.xlsx", by=None):
    plans = plan_import(session, read_file(data, name))
    return plans, writing.import_suggestions(session=session, plans=plans, by=by).created


def test_150_good_rows_create_150_suggestions_with_their_co_signers(
    session, category, deputy_a, deputy_b, staff
):
    plans, created = import_file(session, xlsx(good_rows(150, deputy_a, deputy_b)), by=staff)
    assert created == 150 == Suggestion.objects.filter(session=session).count()
    suggestion = Suggestion.objects.get(number=42)
    assert suggestion.status == "submitted" and suggestion.lead_deputy == deputy_a
    assert list(suggestion.co_signers.all()) == [deputy_b]
    assert Event.objects.filter(action="entered").count() == 150


def test_one_bad_row_among_150_creates_nothing_and_names_its_row(
    session, category, deputy_a, deputy_b, staff
):
    rows = good_rows(150, deputy_a, deputy_b)
    rows[76][4] = "查无此人"
    plans = plan_import(session, read_file(xlsx(rows), "s.xlsx"))
    refused = [p for p in plans if p.problems]
    assert [p.row for p in refused] == [78]  # the header is row 1
    assert "unknown deputy “查无此人" in refused[0].problems[0]
    with pytest.raises(WorkflowError, match="nothing was imported"):
        writing.import_suggestions(session=session, plans=plans, by=staff)
    assert not Suggestion.objects.exists()


def test_every_kind_of_row_problem_is_listed(session, category, deputy_a, deputy_b, staff):
    make_deputy(  # a namesake in another delegation makes the bare name ambiguous
        deputy_a.delegation.__class__.objects.create(name="孝义市代表团"), deputy_a.name
    )
    rows = [
        ["x", "", "", "不存在的类别", deputy_a.name, "", "", "2026-13-45", "随便"],
        [
            2,
            "标题",
            "内容",
            "城乡建设",
            deputy_a.name,
            "离石区代表团",
            f"{deputy_a.name}（离石区）",
            "",
            "",
        ],
        [2, "标题二", "内容", "城乡建设", deputy_b.name, "", "", "", ""],
    ]
    problems = [p.problems for p in plan_import(session, read_file(xlsx(rows), "s.xlsx"))]
    first = " ".join(problems[0])
    for expected in [
        "whole number",
        "title is missing",
        "unknown category",
        "several deputies are named",
        "not a date",
        "大会期间",
    ]:
        assert expected in first, expected
    assert "also listed as a co-signer" in " ".join(problems[1])
    assert "also on row 3" in " ".join(problems[2])
    assert "“x”" in first and "“2026-13-45”" in first and "“不存在的类别”" in first


def test_importing_the_same_file_twice_changes_nothing(
    session, category, deputy_a, deputy_b, staff
):
    data = xlsx(good_rows(5, deputy_a, deputy_b))
    import_file(session, data, by=staff)
    plans, created = import_file(session, data, by=staff)
    assert created == 0 and {p.action for p in plans} == {"unchanged"}
    assert Suggestion.objects.count() == 5


def test_a_row_whose_number_exists_updates_that_suggestion_showing_old_and_new(
    session, category, deputy_a, deputy_b, build
):
    build(title="已有的建议")
    plans = plan_import(session, read_file(xlsx(good_rows(1, deputy_a, deputy_b)), "s.xlsx"))
    assert plans[0].action == "update"
    assert ("Title", "已有的建议", "关于第1件民生事项的建议") in [
        (str(label), old, new) for label, old, new in plans[0].diffs
    ]


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"", "a.xlsx", "empty"),
        (b"%PDF-1.4 not a sheet", "a.xlsx", "not a readable Excel"),
        (b"PK\x03\x04broken zip", "a.xlsx", "cannot be read"),
        (b"\xff\xfe\x00\x00\x00binary", "a.csv", "not a spreadsheet"),
        (b"\x00" * (1024 * 1024), "junk.bin", "not a spreadsheet"),
    ],
)
def test_malformed_files_get_a_clear_message(data, name, message):
    with pytest.raises(ImportFileError, match=message):
        read_file(data, name)


def test_a_csv_in_gb18030_with_english_headers_is_read(session, category, deputy_a, deputy_b):
    text = (
        ",".join(["Number", "Title", "Content", "Category", "Lead deputy"])
        + "\n"
        + f"7,关于修路的建议,内容,城乡建设,{deputy_a.name}\n"
    )
    plans = plan_import(session, read_file(text.encode("gb18030"), "a.csv"))
    assert plans[0].problems == [] and plans[0].values["number"] == 7


def test_export_reads_back_with_chinese_text_and_imports_into_another_session(
    client, build, unit_x, deputy_b, session, staff
):
    from congress.models import Session

    build("assigned", lead_unit=unit_x, co_signers=[deputy_b], title="关于供热的建议")
    response = client.get(reverse("suggestions:export", args=["xlsx"]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("编号", "案由", "建议内容")
    assert rows[1][1] == "关于供热的建议" and "乙代表（离石区代表团）" in rows[1][6]
    other = Session.objects.create(
        term=session.term,
        number=2,
        name="九届二次会议",
        opens_on=session.opens_on,
        closes_on=session.closes_on,
    )
    plans, created = import_file(other, response.content, by=staff)
    assert created == 1 and list(Suggestion.objects.get(session=other).co_signers.all()) == [
        deputy_b
    ]


def test_csv_export_opens_with_a_byte_order_mark_and_chinese(client, build, unit_x):
    build("assigned", lead_unit=unit_x, title="关于公交的建议")
    content = b"".join(client.get(reverse("suggestions:export", args=["csv"])).streaming_content)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[1][1] == "关于公交的建议"


def test_exports_follow_the_lists_filters(client, build, unit_x, category):
    build("assigned", lead_unit=unit_x, title="甲建议")
    build("assigned", lead_unit=unit_x, title="乙建议")
    response = client.get(reverse("suggestions:export", args=["csv"]), {"q": "乙"})
    content = b"".join(response.streaming_content)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:]] == ["乙建议"]


def test_unit_and_station_tables_export(client, build, unit_x, reception):
    build("assigned", lead_unit=unit_x)
    units = load_workbook(
        io.BytesIO(client.get(reverse("suggestions:units_export", args=["xlsx"])).content)
    ).active
    assert list(units.iter_rows(values_only=True))[1][0] == "市住建局"
    stations = client.get(reverse("deputies:figures_export", args=["csv"]), {"year": 2026})
    text = stations.content.decode("utf-8-sig")
    assert "离石区" in text and "群众甲" not in text


def test_print_page_is_a_reply_letter_of_published_replies_only(client, build, unit_x, staff):
    suggestion = build("replied", lead_unit=unit_x)
    url = reverse("suggestions:print", args=[suggestion.pk])
    assert "已解决。" not in client.get(url).content.decode()
    services.publish_reply(reply=suggestion.replies.get(), by=staff)
    page = client.get(url).content.decode()
    assert "已解决。" in page and "局长" in page and "print.css" in page


def test_staff_import_through_the_workbench_preview_then_confirm(
    client, staff, session, category, deputy_a, deputy_b
):
    client.force_login(staff)
    upload = io.BytesIO(xlsx(good_rows(3, deputy_a, deputy_b)))
    upload.name = "import.xlsx"
    columns = client.post(reverse("workbench:import"), {"session": session.pk, "file": upload})
    token = columns.url.split("/")[-3]
    assert client.get(columns.url).status_code == 200
    preview = client.get(reverse("workbench:import_preview", args=[token]))
    assert preview.status_code == 200 and preview.context["to_create"] == 3
    assert preview.content.decode().count("<td data-label=") == 3 * 8  # readable on a phone
    assert not Suggestion.objects.exists()  # nothing before the confirm step
    client.post(reverse("workbench:import_confirm", args=[token]))
    assert Suggestion.objects.count() == 3


def test_workbench_import_refuses_junk_with_a_message_not_a_500(client, staff, session):
    client.force_login(staff)
    junk = io.BytesIO(b"\x00\x01" * 5000)
    junk.name = "junk.xlsx"
    response = client.post(reverse("workbench:import"), {"session": session.pk, "file": junk})
    assert response.status_code == 400 and "file" in response.context["form"].errors
    forged = client.post(reverse("workbench:import_confirm", args=["..%2F..%2Fetc"]), follow=True)
    assert forged.status_code == 200 and not Suggestion.objects.exists()


@pytest.mark.parametrize("role", ["anonymous", "deputy_a", "unit_x"])
def test_only_staff_import(client, role, deputy_a, unit_x):
    from django.contrib.auth import get_user_model

    if role != "anonymous":
        client.force_login(get_user_model().objects.get(username=role))
    response = client.get(reverse("workbench:import"))
    assert response.status_code == (302 if role == "anonymous" else 403)


def test_import_command_lists_problems_and_saves_nothing(
    tmp_path, session, category, deputy_a, deputy_b
):
    rows = good_rows(3, deputy_a, deputy_b)
    rows[1][3] = "无此类别"
    path = tmp_path / "s.xlsx"
    path.write_bytes(xlsx(rows))
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command("import_suggestions", str(path), session=str(session.pk), stdout=out)
    assert "row 3" in out.getvalue() and not Suggestion.objects.exists()
    rows[1][3] = "城乡建设"
    path.write_bytes(xlsx(rows))
    call_command("import_suggestions", str(path), session=session.name, stdout=out)
    assert Suggestion.objects.count() == 3


def test_api_lists_public_suggestions_and_refuses_unknown_filters(client, build, unit_x):
    build("assigned", lead_unit=unit_x)
    build()  # submitted: not public
    body = client.get("/api/v1/suggestions").json()
    assert body["count"] == 1 and body["items"][0]["status"] == "assigned"
    assert client.get("/api/v1/suggestions", {"colour": "red"}).status_code == 400
    assert client.get("/api/v1/suggestions", {"session": "abc"}).status_code == 400
    assert client.get("/api/v1/suggestions", {"category": 999999}).status_code == 404
    assert client.get("/api/v1/suggestions/999999").status_code == 404


def test_api_never_returns_a_private_field(client, build, staff, unit_x, deputy_b):
    suggestion = build("assigned", lead_unit=unit_x, co_signers=[deputy_b], staff_note="内部备注")
    lead = suggestion.assignments.get()
    services.name_responsible_person(
        assignment=lead, person="责任人", phone="10099990000", by=staff
    )
    services.reply(
        assignment=lead, reply_class="A", text="未公开的答复", signed_by="局长", by=staff
    )
    services.evaluate(
        suggestion=suggestion,
        deputy=suggestion.lead_deputy,
        satisfaction="satisfied",
        contacted=True,
        comment="私下意见",
        by=staff,
    )
    text = "".join(
        client.get(url).content.decode()
        for url in [
            "/api/v1/suggestions",
            f"/api/v1/suggestions/{suggestion.pk}",
            "/api/v1/statistics",
            "/api/v1/statistics/units",
            "/api/v1/units",
            "/api/v1/sessions",
        ]
    )
    for private in [
        "内部备注",
        "10099990000",
        "未公开的答复",
        "私下意见",
        suggestion.lead_deputy.phone,
        deputy_b.phone,
        suggestion.lead_deputy.id_number,
    ]:
        assert private not in text, private
    detail = client.get(f"/api/v1/suggestions/{suggestion.pk}").json()
    assert detail["replies"] == [] and detail["evaluations"][0]["comment"] is None


def test_api_statistics_match_the_home_page(client, build, unit_x):
    build("closed", lead_unit=unit_x)
    build("assigned", lead_unit=unit_x)
    api = client.get("/api/v1/statistics").json()
    assert (api["registered"], api["closed"], api["closure_rate"]) == (2, 1, 50.0)


def test_openapi_schema_and_offline_docs_are_served(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/suggestions" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn." not in docs and "/static/ninja/" in docs
