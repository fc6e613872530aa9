"""Each congress imports its own sheets: the command takes the congress (`--congress`), a
county's workbench imports into the county, and a county's sheet can reach none of the city's
sessions, deputies, delegations or units."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from congress.models import Congress
from congress.tenancy import activate
from suggestions.models import Event, Suggestion
from tests.conftest import make_deputy
from tests.suggestions.imports.test_import_office import OFFICE_HEADER, office_workbook

pytestmark = pytest.mark.django_db


@pytest.fixture
def both(county, session, delegation, deputy_a, unit_x, category):
    """The city (session 九届一次会议, 离石区代表团, 甲代表, 市住建局) and 孝义市 (十七届一次会议,
    城区代表团, 丁县代表 and 戊县代表, 孝义市住建局)."""
    with activate(county.congress):
        county.second = make_deputy(county.delegation, "戊县代表")
    return county


def county_rows(lead="丁县代表", delegation="城区代表团", unit="孝义市住建局"):
    return [
        [1, 1, "关于改造城区背街小巷的建议", lead, "戊县代表", delegation, "城乡建设", unit, "",
         "A", "满意"],
        [2, 2, "关于增设农村客运班线的建议", "戊县代表", "", delegation, "城乡建设", unit, "",
         "B", "基本满意"],
    ]  # fmt: skip


def sheet_file(tmp_path, rows):
    path = tmp_path / "孝义市汇总表.xlsx"
    path.write_bytes(office_workbook(rows=rows, header=OFFICE_HEADER))
    return str(path)


def run(*args, **options):
    out = io.StringIO()
    call_command("import_suggestions", *args, stdout=out, **options)
    return out.getvalue()


def test_the_command_imports_a_countys_sheet_into_the_county(both, tmp_path):
    out = run(sheet_file(tmp_path, county_rows()), session="十七届一次会议", congress="xiaoyi")
    assert "2 suggestion(s) created" in out
    imported = Suggestion.objects.filter(title__startswith="关于").select_related("session")
    assert {s.session for s in imported} == {both.session}
    first = imported.get(number=1)
    assert first.lead_deputy == both.deputy and first.delegation == both.delegation
    assert list(first.co_signers.all()) == [both.second]
    assert {a.unit for a in first.assignments.all()} == {both.unit}
    assert first.status == "closed"
    assert Event.objects.filter(suggestion=first, action="closed").exists()
    with activate(Congress.objects.default()):  # the city sees none of it
        assert not Suggestion.objects.exists()


def test_a_countys_sheet_cannot_name_the_citys_deputies_or_units(both, tmp_path):
    rows = county_rows(lead="甲代表", delegation="离石区代表团", unit="市住建局")
    with pytest.raises(CommandError, match="1 row\\(s\\) have problems") as refused:
        run(sheet_file(tmp_path, rows[:1]), session="十七届一次会议", congress="xiaoyi")
    assert "nothing was imported" in str(refused.value)
    assert not Suggestion.everywhere.exists()


def test_the_command_finds_only_the_named_congresss_sessions(both, session, tmp_path):
    path = sheet_file(tmp_path, county_rows())
    # Without --congress the command works for the default congress, the city: the county's
    # session is not one of its sessions, and the message says whose it is.
    with pytest.raises(CommandError, match="It is a session of 孝义市人民代表大会: add --congress"):
        run(path, session="十七届一次会议")
    with pytest.raises(CommandError, match="No session '九届一次会议' in 孝义市"):
        run(path, session="九届一次会议", congress="xiaoyi")
    with pytest.raises(CommandError, match=f"No session '{session.pk}' in 孝义市"):
        run(path, session=str(session.pk), congress="xiaoyi")
    with pytest.raises(CommandError, match="No congress 'nowhere'. Congresses: lvliang, xiaoyi"):
        run(path, session="十七届一次会议", congress="nowhere")
    assert not Suggestion.everywhere.exists()


def upload(client, site, session_pk, rows):
    file = io.BytesIO(office_workbook(rows=rows, header=OFFICE_HEADER))
    file.name = "汇总表.xlsx"
    return client.post(f"{site}workbench/import/", {"session": session_pk, "file": file})


def test_the_countys_workbench_imports_into_the_county(both, client):
    client.force_login(both.staff)
    response = upload(client, "/c/xiaoyi/", both.session.pk, county_rows())
    assert response.status_code == 302 and response.url.startswith("/c/xiaoyi/workbench/import/")
    token = response.url.rstrip("/").split("/")[-2]
    preview = client.get(f"/c/xiaoyi/workbench/import/{token}/")
    assert preview.context["to_create"] == 2 and not preview.context["refused"]
    done = client.post(f"/c/xiaoyi/workbench/import/{token}/confirm/")
    assert done.status_code == 302 and done.url.startswith("/c/xiaoyi/workbench/jobs/")
    with activate(both.congress):
        assert Suggestion.objects.filter(session=both.session).count() == 2
        assert Suggestion.objects.get(number=1).lead_deputy == both.deputy
    assert set(Suggestion.everywhere.values_list("session", flat=True)) == {both.session.pk}
    job = both.congress.jobs.get()
    assert job.state == "done" and job.owner == both.staff


def test_the_countys_workbench_cannot_reach_the_citys_session_deputies_or_units(
    both, session, client
):
    client.force_login(both.staff)
    # The city's session is not among the county's choices.
    refused = upload(client, "/c/xiaoyi/", session.pk, county_rows())
    assert refused.status_code == 400
    # A row naming the city's deputy, delegation and unit is refused on the preview.
    rows = county_rows(lead="甲代表", delegation="离石区代表团", unit="市住建局")
    response = upload(client, "/c/xiaoyi/", both.session.pk, rows[:1])
    token = response.url.rstrip("/").split("/")[-2]
    preview = client.get(f"/c/xiaoyi/workbench/import/{token}/")
    assert len(preview.context["refused"]) == 1
    client.post(f"/c/xiaoyi/workbench/import/{token}/confirm/")
    assert not Suggestion.everywhere.exists()
    # Nor can the county's staff open or confirm an upload at the city's site.
    assert client.get(f"/workbench/import/{token}/").status_code == 403
