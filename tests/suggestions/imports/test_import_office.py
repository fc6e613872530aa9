"""The office's own spreadsheets go in as they are: found, mapped, normalised, reported.

Every workbook here is built the way a congress office keeps its 汇总表: a title merged across
the columns, a subtitle, the header on row 3, a 合计 row at the bottom; names are made up.
"""

import datetime
import io
import zipfile

import pytest
import xlwt
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from congress.models import Delegation, Division, HandlingUnit
from suggestions import services
from suggestions.figures import stats
from suggestions.imports import writing
from suggestions.imports.plan import plan_import
from suggestions.imports.reading import MAX_ROWS, ImportFileError, read_file
from suggestions.models import (
    Category,
    Event,
    ImportAlias,
    ImportMapping,
    Notification,
    Suggestion,
)
from tests.conftest import make_deputy

pytestmark = pytest.mark.django_db

OFFICE_HEADER = [
    "序号",
    "建议编号",
    "案由",
    "领衔代表",
    "附议代表",
    "代表团",
    "类别",
    "主办单位",
    "协办单位",
    "办理结果",
    "满意度",
]


@pytest.fixture
def office(db, session, delegation, category):
    """The office's world: two delegations, deputies with a namesake, units, categories."""
    other = Delegation.objects.create(
        name="孝义市代表团", division=Division.objects.create(name="孝义市")
    )
    Category.objects.create(name="社会保障")
    people = {
        name: make_deputy(delegation, name) for name in ["卢志强", "高明", "韩雪", "周建国", "马丽"]
    }
    people["孝义高明"] = make_deputy(other, "高明")  # a namesake in another delegation
    people["秦岭"] = make_deputy(other, "秦岭")
    # Seeded by a migration, but a browser test's flush may have emptied the table.
    ImportAlias.objects.get_or_create(
        kind="unit", alias="市住建局", defaults={"name": "吕梁市住房和城乡建设局"}
    )
    units = {
        "housing": HandlingUnit.objects.create(name="吕梁市住房和城乡建设局"),
        "transport": HandlingUnit.objects.create(name="吕梁市交通运输局", short_name="市交通局"),
        "finance": HandlingUnit.objects.create(name="吕梁市财政局", short_name="市财政局"),
    }
    return {"people": people, "units": units, "session": session, "other": other}


def office_rows():
    return [
        [
            1,
            1,
            "关于加快老旧小区改造的建议",
            "卢志强",
            "韩雪、周建国",
            "离石区代表团",
            "城乡建设",
            "市住建局",
            "市财政局",
            "A",
            "满意",
        ],
        [
            2,
            2,
            "关于增开城乡公交线路的建议",
            "韩雪",
            "",
            "离石区",
            "城乡建设",
            "市交通局",
            "",
            "正在解决",
            "基本满意",
        ],
        [
            3,
            3,
            "关于提高农村低保标准的建议",
            "马丽",
            "卢志强",
            "离石区代表团",
            "社会保障",
            "市财政局",
            "",
            "留作参考",
            "满意",
        ],
    ]


def office_workbook(rows=None, header=OFFICE_HEADER, sheets=None, blank_first_row=False):
    """An 汇总表: title merged across, a subtitle, the header, the rows, a 合计 row."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, sheet_rows in (
        sheets or {"汇总表": rows if rows is not None else office_rows()}
    ).items():
        sheet = workbook.create_sheet(name)
        if blank_first_row:
            sheet.append([])
        sheet.append(["九届一次会议代表建议办理情况汇总表"])
        sheet.merge_cells(
            start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(header)
        )
        sheet.append(["（截至2026年11月20日）"])
        sheet.append(header)
        for row in sheet_rows:
            sheet.append(row)
        sheet.append(["合计", f"{len(sheet_rows)}件"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_of(session, data, name="汇总表.xlsx"):
    return plan_import(session, read_file(data, name))


def test_the_header_is_found_under_title_rows_and_the_total_row_is_skipped_and_listed(office):
    plan = plan_of(office["session"], office_workbook())
    assert plan.sheets == [("汇总表", 3, 3, True)]
    assert [p.row for p in plan] == [4, 5, 6] and not plan.refused
    assert [where for where, _text in plan.skipped] == ["row 7"]
    assert "a total row: 合计 3件" in plan.skipped[0][1]


def test_a_blank_first_row_is_not_the_header(office):
    plan = plan_of(office["session"], office_workbook(blank_first_row=True))
    assert plan.sheets[0][1] == 4 and len(plan.rows) == 3


def test_columns_map_by_their_synonyms_and_the_rest_are_reported_ignored(office):
    sheet = read_file(office_workbook(), "s.xlsx")[0]
    assert sheet.mapping == [
        "",  # 序号: the row's position, not its number, since 建议编号 is there
        "number",
        "title",
        "lead_deputy",
        "co_signers",
        "delegation",
        "category",
        "lead_unit",
        "co_units",
        "reply_class",
        "satisfaction",
    ]
    plan = plan_import(office["session"], [sheet])
    assert ("汇总表", "序号") in plan.ignored


def test_a_concluded_session_lands_through_the_services_with_its_figures(office, staff):
    plan = plan_of(office["session"], office_workbook())
    assert plan.without_content == 3  # summary sheets have no content: said, then marked
    counts = writing.import_suggestions(session=office["session"], plans=plan.rows, by=staff)
    assert (counts.created, counts.concluded) == (3, 3)
    first = Suggestion.objects.get(number=1)
    assert first.status == "closed" and first.reply_class == "A"
    assert first.satisfaction == "satisfied" and first.content == "原文待补充"
    units = {a.unit.name: a.role for a in first.assignments.all()}
    assert units == {"吕梁市住房和城乡建设局": "lead", "吕梁市财政局": "co"}
    actions = list(first.events.values_list("action", flat=True))
    assert actions == ["entered", "registered", "assigned", "replied", "evaluated", "closed"]
    assert not Event.objects.filter(imported=False).exists()
    assert not Notification.objects.exists()  # replayed work tells nobody
    figures = stats.overview(Suggestion.objects.filter(session=office["session"]))
    counts = figures.counts
    assert counts["registered"] == counts["replied"] == counts["closed"] == 3
    assert (counts["class_A"], counts["class_B"], counts["class_D"]) == (1, 1, 1)
    assert counts["satisfied"] == 2 and counts["basically_satisfied"] == 1
    assert figures.closure_rate == figures.on_time_rate == 100


def test_the_public_history_marks_the_imported_steps(office, staff, client):
    plan = plan_of(office["session"], office_workbook())
    writing.import_suggestions(session=office["session"], plans=plan.rows, by=staff)
    suggestion = Suggestion.objects.get(number=1)
    page = client.get(reverse("suggestions:detail", args=[suggestion.pk])).content.decode()
    assert page.count("（导入）") == suggestion.events.filter(is_public=True).count()


def test_text_handling_results_map_to_classes():
    from suggestions.imports.values import _reply_class

    assert [
        _reply_class(t) for t in ["已解决", "正在解决", "列入计划", "留作参考", "Ｂ类", "x"]
    ] == [
        "A",
        "B",
        "C",
        "D",
        "B",
        None,
    ]


def test_a_dissatisfied_rating_leaves_the_suggestion_in_re_handling(office, staff):
    rows = office_rows()[:1]
    rows[0][10] = "不满意"
    plan = plan_of(office["session"], office_workbook(rows))
    writing.import_suggestions(session=office["session"], plans=plan.rows, by=staff)
    assert Suggestion.objects.get().status == "re_handling"


def test_every_normalisation_is_applied_and_said(office, staff):
    rows = [
        [
            "１",
            "７",
            "关于养老服务的建议",
            "卢 志强",
            "韩雪 周建国",
            "离石区代表团",
            "「社会保障类」",
            "市住建局",
            "",
            "A",
            "满意",
        ],
    ]
    header = [*OFFICE_HEADER, "提出日期", "答复日期"]
    rows[0] += [46037, "2026年3月2日"]
    plan = plan_of(office["session"], office_workbook(rows, header=header))
    row = plan.rows[0]
    assert row.problems == []
    assert row.values["number"] == 7 and row.lead.name == "卢志强"
    assert [d.name for d in row.co_signers] == ["韩雪", "周建国"]
    assert row.category.name == "社会保障" and row.lead_unit.name == "吕梁市住房和城乡建设局"
    assert row.values["submitted_on"] == datetime.date(2026, 1, 15)
    assert row.values["replied_on"] == datetime.date(2026, 3, 2)
    assert set(row.notes) >= {
        ("７", "7"),
        ("卢 志强", "卢志强"),
        ("韩雪 周建国", "韩雪、周建国"),
        ("「社会保障类」", "社会保障"),
        ("市住建局", "吕梁市住房和城乡建设局"),
        ("46037", "2026-01-15"),
        ("2026年3月2日", "2026-03-02"),
    }
    writing.import_suggestions(session=office["session"], plans=plan.rows, by=staff)
    assert Suggestion.objects.get(number=7).replies.get().replied_on == datetime.date(2026, 3, 2)


def test_spaces_split_co_signers_only_when_every_piece_is_a_deputy(office):
    rows = office_rows()[:1]
    rows[0][4] = "韩雪 无名氏"
    row = plan_of(office["session"], office_workbook(rows)).rows[0]
    assert any("“韩雪无名氏”" in p for p in row.problems)


def test_staff_aliases_are_used_and_editable(office):
    ImportAlias.objects.create(kind="unit", alias="交通部门", name="吕梁市交通运输局")
    rows = office_rows()[1:2]
    rows[0][7] = "交通部门"
    row = plan_of(office["session"], office_workbook(rows)).rows[0]
    assert row.lead_unit == office["units"]["transport"]


def test_a_unit_written_twice_is_reported_with_the_columns_that_hold_it(office):
    rows = [
        [
            1,
            1,
            "关于修路的建议",
            "卢志强",
            "",
            "离石区代表团",
            "城乡建设",
            "市交通局",
            "市交通局",
            "",
            "",
        ],
        [
            2,
            2,
            "关于修桥的建议",
            "卢志强",
            "",
            "离石区代表团",
            "城乡建设",
            "市交通局",
            "市财政局、市财政局",
            "",
            "",
        ],
    ]
    plan = plan_of(office["session"], office_workbook(rows))
    both, twice = (" ".join(row.problems) for row in plan.rows)
    assert "吕梁市交通运输局 is both in column Lead unit and in column Co-handling units" in both
    assert "吕梁市财政局 is written twice in column Co-handling units" in twice


def test_every_message_quotes_the_value_and_offers_the_closest(office):
    rows = [
        ["", "x7", "标题", "卢志刚", "高明", "", "城乡建没", "市住建", "", "E", "还行"],
    ]
    problems = " ".join(plan_of(office["session"], office_workbook(rows)).rows[0].problems)
    assert "“x7”" in problems
    assert "unknown deputy “卢志刚”; did you mean 卢志强（离石区代表团）" in problems
    assert (
        "several deputies are named “高明”: 高明（离石区代表团）、高明（孝义市代表团）" in problems
    )
    assert "unknown category “城乡建没”; did you mean 城乡建设" in problems
    assert (
        "unknown unit “市住建”; did you mean" in problems and "吕梁市住房和城乡建设局" in problems
    )
    assert "“E”" in problems and "“还行”" in problems


def test_every_sheet_with_a_header_is_read_and_reported_separately(office, staff):
    rows = office_rows()
    data = office_workbook(sheets={"离石区": rows[:2], "孝义市": rows[2:]})
    workbook = Workbook()
    plan = plan_of(office["session"], data)
    assert [(name, count) for name, _h, count, _u in plan.sheets] == [("离石区", 2), ("孝义市", 1)]
    assert plan.rows[2].where == "sheet 孝义市, row 4"
    assert (
        writing.import_suggestions(session=office["session"], plans=plan.rows, by=staff).created
        == 3
    )
    del workbook


def test_a_sheet_without_a_header_is_reported_not_silently_skipped(office):
    workbook = Workbook()
    workbook.active.append(["说明：本表由代表工委汇总"])
    workbook.create_sheet("数据").append(OFFICE_HEADER)
    workbook["数据"].append(office_rows()[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_of(office["session"], buffer.getvalue())
    assert len(plan.rows) == 1
    assert plan.unused_sheets == [("Sheet", "no header row found in the first 10 rows")]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_office_csv_in_gb18030_or_utf8_with_bom_is_read(office, encoding):
    lines = ["九届一次会议建议汇总表", ",".join(OFFICE_HEADER)]
    lines += [",".join(str(c) for c in row) for row in office_rows()]
    plan = plan_of(office["session"], "\n".join(lines).encode(encoding), "汇总.csv")
    assert len(plan.rows) == 3 and not plan.refused
    assert plan.rows[0].lead_unit.name == "吕梁市住房和城乡建设局"


def test_an_old_xls_is_read_with_its_merged_cells(office):
    book = xlwt.Workbook()
    sheet = book.add_sheet("汇总表")
    sheet.write_merge(0, 0, 0, 10, "九届一次会议代表建议汇总表")
    for c, text in enumerate(OFFICE_HEADER):
        sheet.write(1, c, text)
    for r, row in enumerate(office_rows()[:2], start=2):
        for c, value in enumerate(row):
            if c != 5:
                sheet.write(r, c, value)
    sheet.write_merge(2, 3, 5, 5, "离石区代表团")  # one delegation cell for both rows
    buffer = io.BytesIO()
    book.save(buffer)
    plan = plan_of(office["session"], buffer.getvalue(), "汇总表.xls")
    assert [p.row for p in plan] == [3, 4] and not plan.refused
    assert plan.rows[1].values["delegation"] == "离石区代表团"


def test_re_importing_an_edited_export_shows_and_applies_every_change(office, staff, build, client):
    build(title="关于供热的建议", co_signers=[office["people"]["韩雪"]])
    client.force_login(staff)
    export = client.get(reverse("suggestions:export", args=["xlsx"]) + "?status=submitted")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(export.content))
    sheet = workbook.active
    if sheet.max_row < 2:  # the public list shows public suggestions only
        sheet.append(
            [
                1,
                "关于供热的建议",
                "小区管网老化。建议分批改造。",
                "城乡建设",
                "甲代表",
                "离石区代表团",
                "韩雪（离石区代表团）",
            ]
        )
    sheet.cell(2, 2).value = "关于冬季供热的建议"
    sheet.cell(2, 3).value = "新的内容"
    sheet.cell(2, 4).value = "社会保障"
    sheet.cell(2, 7).value = "周建国（离石区代表团）"
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_of(office["session"], buffer.getvalue())
    row = plan.rows[0]
    assert row.action == "update"
    assert {(old, new) for _label, old, new in row.diffs} >= {
        ("关于供热的建议", "关于冬季供热的建议"),
        ("小区管网老化。建议分批改造。", "新的内容"),
        ("城乡建设", "社会保障"),
        ("韩雪", "周建国"),
    }
    writing.import_suggestions(session=office["session"], plans=plan.rows, by=staff)
    suggestion = Suggestion.objects.get()
    assert suggestion.title == "关于冬季供热的建议" and suggestion.category.name == "社会保障"
    assert [d.name for d in suggestion.co_signers.all()] == ["周建国"]
    event = suggestion.events.get(action="edited")
    assert "关于供热的建议 → 关于冬季供热的建议" in event.note and event.imported
    again = plan_of(office["session"], buffer.getvalue())
    assert again.rows[0].action == "unchanged"


def test_suggestions_of_the_session_missing_from_the_file_are_listed(office, build):
    build(number=40)
    plan = plan_of(office["session"], office_workbook())
    assert plan.missing == [40]


def test_update_service_names_each_field_with_old_and_new_values(build, staff, office):
    suggestion = build(title="旧标题")
    services.update_suggestion(
        suggestion=suggestion, changes={"title": "新标题"}, by=staff, reason="代表来函更正"
    )
    event = suggestion.events.get(action="edited")
    assert event.note.splitlines()[0] == "标题：旧标题 → 新标题" and "代表来函更正" in event.note
    assert event.actor == staff
    services.update_suggestion(suggestion=suggestion, changes={"title": "新标题"}, by=staff)
    assert suggestion.events.filter(action="edited").count() == 1


def test_the_responsibility_list_imports_back_with_its_responsible_person(
    office, build, staff, client
):
    suggestion = build("assigned", lead_unit=office["units"]["housing"])
    client.force_login(staff)
    from openpyxl import load_workbook

    export = client.get(reverse("workbench:export_responsibility"))
    workbook = load_workbook(io.BytesIO(export.content))
    sheet = workbook.active
    assert sheet.cell(1, 6).value and sheet.cell(2, 1).value == suggestion.number
    sheet.cell(2, 6).value = "王科长"
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_of(office["session"], buffer.getvalue())
    assert not plan.refused and plan.rows[0].action == "update"
    writing.import_suggestions(session=office["session"], plans=plan.rows, by=staff)
    assert suggestion.assignments.get().responsible_person == "王科长"


# --- hostile files: refused early, with a message ------------------------------------------


def test_a_million_empty_rows_are_counted_and_refused():
    rows = "".join(f'<row r="{n}"/>' for n in (1, 2))
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        f'{rows}<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>x</t></is></c></row>'
        "</sheetData></worksheet>"
    )
    with pytest.raises(ImportFileError, match=f"more than {MAX_ROWS} rows"):
        read_file(_xlsx_with_sheet(sheet.encode()), "a.xlsx")


def test_a_zip_bomb_is_refused_from_its_directory_before_parsing():
    bomb = b"<x>" + b" " * (120 * 1024 * 1024) + b"</x>"
    with pytest.raises(ImportFileError, match="unpacks to more than"):
        read_file(_xlsx_with_sheet(bomb), "bomb.xlsx")


def test_a_50_mb_csv_is_refused_by_its_size():
    with pytest.raises(ImportFileError, match="larger than 10 MB"):
        read_file(b"\n" * (50 * 1024 * 1024), "big.csv")


def _xlsx_with_sheet(sheet_xml):
    template = io.BytesIO()
    Workbook().save(template)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(template) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
    return out.getvalue()


# --- the workbench: mapping step, kept file, permissions, queries --------------------------


def _upload(client, session, data, name="汇总表.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    response = client.post(reverse("workbench:import"), {"session": session.pk, "file": file})
    assert response.status_code == 302, response.content[:500]
    return response.url.split("/")[-3]


def test_staff_fix_a_column_on_the_mapping_page_and_it_is_remembered(office, staff, client):
    client.force_login(staff)
    header = [*OFFICE_HEADER[:2], "建议题目", *OFFICE_HEADER[3:]]  # an unknown name for 案由
    token = _upload(client, office["session"], office_workbook(header=header))
    page = client.get(reverse("workbench:import_columns", args=[token]))
    assert page.status_code == 200 and "建议题目" in page.content.decode()
    choices = {"use-0": "1", "header-0": "3"}
    mapping = list(page.context["sheets"][0].mapping)
    mapping[2] = "title"
    choices.update({f"map-0-{i}": key for i, key in enumerate(mapping)})
    response = client.post(reverse("workbench:import_columns", args=[token]), choices)
    assert response.status_code == 302
    preview = client.get(reverse("workbench:import_preview", args=[token]))
    assert preview.context["to_create"] == 3 and not preview.context["refused"]
    assert ImportMapping.objects.get().mapping[2] == "title"
    assert read_file(office_workbook(header=header), "again.xlsx")[0].mapping[2] == "title"
    client.post(reverse("workbench:import_confirm", args=[token]))
    assert Suggestion.objects.filter(status="closed").count() == 3


def test_the_same_field_twice_on_the_mapping_page_is_refused_with_a_message(office, staff, client):
    client.force_login(staff)
    token = _upload(client, office["session"], office_workbook())
    choices = {"use-0": "1", "header-0": "3", "map-0-1": "title", "map-0-2": "title"}
    response = client.post(reverse("workbench:import_columns", args=[token]), choices)
    assert response.status_code == 400 and "有多列都对应" in response.content.decode()


def test_after_a_row_problem_a_corrected_file_replaces_the_first_in_place(office, staff, client):
    client.force_login(staff)
    rows = office_rows()
    rows[0][3] = "无名氏"
    token = _upload(client, office["session"], office_workbook(rows))
    preview = client.get(reverse("workbench:import_preview", args=[token]))
    assert len(preview.context["refused"]) == 1 and "无名氏" in preview.content.decode()
    fixed = io.BytesIO(office_workbook())
    fixed.name = "改正.xlsx"
    url = reverse("workbench:import_preview", args=[token])
    assert client.post(url, {"file": fixed}).status_code == 302
    assert not client.get(url).context["refused"]


def test_the_preview_asks_the_same_number_of_queries_for_3_or_30_rows(
    office, staff, client, django_assert_max_num_queries
):
    client.force_login(staff)
    small = _upload(client, office["session"], office_workbook())
    many = [[i, i, f"建议{i}", *row[3:]] for i, row in enumerate(office_rows() * 10, start=1)]
    large = _upload(client, office["session"], office_workbook(many))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("workbench:import_preview", args=[small]))
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("workbench:import_preview", args=[large]))
    assert len(more) == len(few)


@pytest.mark.parametrize("role", ["anonymous", "deputy_a", "unit_x"])
@pytest.mark.parametrize("view", ["import_columns", "import_preview", "import_confirm"])
def test_only_staff_reach_the_import_steps(client, role, view, deputy_a, unit_x, staff, office):
    from django.contrib.auth import get_user_model

    client.force_login(staff)
    token = _upload(client, office["session"], office_workbook())
    client.logout()
    if role != "anonymous":
        client.force_login(get_user_model().objects.get(username=role))
    url = reverse(f"workbench:{view}", args=[token])
    response = client.post(url) if view == "import_confirm" else client.get(url)
    assert response.status_code == (302 if role == "anonymous" else 403)
    if role == "anonymous":
        assert "login" in response.url
    assert not Suggestion.objects.exists()


def test_an_unknown_or_forged_token_is_a_404(staff, client):
    client.force_login(staff)
    assert client.get(reverse("workbench:import_preview", args=["0" * 32])).status_code == 404
    assert client.get("/workbench/import/..%2F..%2Fsettings/").status_code == 404


def test_the_command_applies_the_detected_mapping_and_prints_a_summary(office, tmp_path):
    path = tmp_path / "汇总表.xlsx"
    path.write_bytes(office_workbook())
    out = io.StringIO()
    call_command(
        "import_suggestions", str(path), session=office["session"].name, dry_run=True, stdout=out
    )
    text = out.getvalue()
    assert "header on row 3" in text and "row 7 skipped" in text
    assert "3 rows: 3 to create (3 with handling results)" in text
    call_command("import_suggestions", str(path), session=str(office["session"].pk), stdout=out)
    assert Suggestion.objects.filter(status="closed").count() == 3


def test_the_command_lists_the_sessions_when_the_name_is_wrong(office, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(office_workbook())
    with pytest.raises(CommandError, match="Sessions: .*九届一次会议"):
        call_command("import_suggestions", str(path), session="十届一次会议")


def test_an_alias_must_name_a_real_category_or_unit(office):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Nothing of this kind"):
        ImportAlias(kind="unit", alias="某局", name="不存在的局").full_clean()
    ImportAlias(kind="category", alias="社保类", name="社会保障").full_clean()


def test_the_alias_table_is_seeded_with_the_demo_units_short_forms():
    import importlib

    from django.apps import apps

    squashed = importlib.import_module("suggestions.migrations.0001_initial_squashed")
    seed = squashed.seed_import_aliases
    seed(apps, None)  # what the migration runs; idempotent
    assert ImportAlias.objects.get(kind="unit", alias="市住建局").name == "吕梁市住房和城乡建设局"
    assert ImportAlias.objects.get(kind="category", alias="社保").name == "社会保障"


@pytest.mark.parametrize("value", ["²", "-1", "99", "' OR 1=1 --", "\u202e", "x" * 300, ""])
def test_odd_choices_on_the_mapping_page_never_give_a_500(office, staff, client, value):
    client.force_login(staff)
    token = _upload(client, office["session"], office_workbook())
    choices = {"use-0": value, "header-0": value, "map-0-1": value, "map-0-2": value}
    response = client.post(reverse("workbench:import_columns", args=[token]), choices)
    assert response.status_code in (200, 302, 400)


def test_a_delegation_merged_down_several_rows_reads_on_each_row(office):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(OFFICE_HEADER)
    for row in office_rows()[:2]:
        sheet.append([*row[:5], None, *row[6:]])
    sheet["F2"] = "离石区代表团"
    sheet.merge_cells("F2:F3")
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = plan_of(office["session"], buffer.getvalue())
    assert [p.values["delegation"] for p in plan] == ["离石区代表团", "离石区代表团"]


def test_a_reply_dated_before_its_assignment_is_a_row_problem(office):
    rows = [[*office_rows()[0], "2026-01-05"]]
    plan = plan_of(office["session"], office_workbook(rows, header=[*OFFICE_HEADER, "答复日期"]))
    assert "the reply date 2026-01-05 is before the assignment on 2026-01-13" in plan[0].problems


def test_empty_csv_lines_count_toward_the_row_limit():
    data = ("编号,案由\n" + "\n" * (MAX_ROWS + 5) + "1,标题\n").encode()
    with pytest.raises(ImportFileError, match="empty rows count too"):
        read_file(data, "a.csv")


def test_choosing_another_header_row_shows_its_columns_before_the_rows(office, staff, client):
    client.force_login(staff)
    token = _upload(client, office["session"], office_workbook(blank_first_row=True))
    url = reverse("workbench:import_columns", args=[token])
    response = client.post(url, {"use-0": "1", "header-0": "2"})
    assert response.status_code == 200 and response.context["moved"]
    assert response.context["sheets"][0].header_row == 2
