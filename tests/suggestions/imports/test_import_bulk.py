"""A concluded session imported in bulk lands exactly as the services would have brought it.

The bulk replay (`suggestions/import_replay.py`) writes every row `bring_to_final_state` writes
one service at a time, in a few statements per thousand suggestions. The specification is the
service path: the same sheet, every case of it, imported once each way into two sessions with
the same dates must leave the same suggestions, assignments, replies, ratings, history, links to
earlier sessions and summary rows.
"""

import copy
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from congress.models import HandlingUnit, Session
from suggestions import services
from suggestions.figures import summaries
from suggestions.imports import writing
from suggestions.imports.plan import plan_import
from suggestions.imports.reading import read_file
from suggestions.models import (
    CoSigner,
    Evaluation,
    Event,
    FlagsToReview,
    OpenPromise,
    Reply,
    ReplyDays,
    SimilarLink,
    Suggestion,
    Tally,
    TextBand,
    WorkflowError,
)
from tests.conftest import make_deputy

pytestmark = pytest.mark.django_db

HEADER = [
    "序号",
    "建议编号",
    "案由",
    "领衔代表",
    "附议代表",
    "代表团",
    "类别",
    "提出日期",
    "主办单位",
    "协办单位",
    "办理结果",
    "满意度",
    "责任人",
    "交办日期",
    "答复日期",
]

# Each row one case: the reply class as a letter or in words, with and without a rating, a
# dissatisfied rating (left in re-handling), co-handling units, a responsible person, dates of
# assignment and reply given or left to the defaults, a late reply (8), an unrated reply whose
# rating period has passed (closed) and one whose period has not (left replied), no result at
# all (left assigned), and a title raised in an earlier session (linked to it).
CASES = """
# |案由    |领衔  |附议  |提出日期 |主办|协办|办理结果|满意度  |责任人|交办日期 |答复日期
1 |小区改造|卢志强|韩雪  |         |住建|财政|A       |满意    |王科长|         |
2 |公交线路|韩雪  |      |         |交通|    |正在解决|基本满意|      |         |
3 |低保标准|马丽  |      |         |财政|住建|列入计划|不满意  |      |         |
4 |河道污染|周建国|      |         |住建|    |留作参考|        |      |         |2026/3/1
5 |停车收费|卢志强|      |         |交通|    |Ｂ类    |        |      |         |2026/11/20
6 |社区食堂|韩雪  |      |2026/1/11|住建|交通|        |        |李主任|2026/1/20|
7 |供热管网|马丽  |周建国|         |住建|    |A       |满意    |      |2026/2/1 |2026/3/15
8 |学校校车|周建国|      |         |交通|    |C       |满意    |      |         |2026/5/20
9 |老年助餐|卢志强|马丽  |         |财政|交通|已解决  |不满意  |赵处长|         |
10|噪声扰民|马丽  |      |         |住建|    |D       |        |      |         |
11|公共厕所|韩雪  |      |         |交通|住建|B       |满意    |      |2026/1/15|
"""
ROWS = [
    [int(cells[0]), f"关于{cells[1]}的建议", *cells[2:]]
    for line in CASES.strip().splitlines()[1:]
    for cells in [[cell.strip() for cell in line.split("|")]]
]
UNITS = {"住建": "吕梁市住房和城乡建设局", "交通": "吕梁市交通运输局", "财政": "吕梁市财政局"}


def sheet(rows):
    """The office's 汇总表 of these rows: a title, the header on row 2, a 合计 row."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = "汇总表"
    ws.append(["九届一次会议代表建议办理情况汇总表"])
    ws.append(HEADER)
    for row in rows:
        number, title, lead, co_signers, submitted, lead_unit, co_unit, *rest = row
        ws.append(
            [
                number,
                number,
                title,
                lead,
                co_signers,
                "离石区代表团",
                "城乡建设",
                submitted,
                UNITS[lead_unit],
                UNITS.get(co_unit, ""),
                *rest,
            ]
        )
    ws.append(["合计", f"{len(rows)}件"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world(session, delegation, category, staff):
    """Deputies and units; an earlier session with a suggestion raised again in row 7; and a
    second session with the same dates, so that the same sheet can be imported twice."""
    for name in ["卢志强", "韩雪", "马丽", "周建国"]:
        make_deputy(delegation, name)
    for name in UNITS.values():
        HandlingUnit.objects.create(name=name)
    earlier_session = Session.objects.create(
        term=session.term,
        number=0,
        name="八届五次会议",
        opens_on=datetime.date(2025, 1, 8),
        closes_on=datetime.date(2025, 1, 10),
    )
    with summaries.change_set():  # planted closed, as no service would write it
        earlier = Suggestion.objects.create(
            session=earlier_session,
            number=30,
            title="关于供热管网的建议",
            content="原文待补充",
            category=category,
            lead_deputy=make_deputy(delegation, "秦岭"),
            delegation=delegation,
            status=Suggestion.Status.CLOSED,
        )
    services.find_recurring(earlier)  # its bands, as its registration stored them
    twin = Session.objects.create(
        term=session.term,
        number=2,
        name="九届一次会议（对照）",
        opens_on=session.opens_on,
        closes_on=session.closes_on,
    )
    return {"services": session, "bulk": twin, "earlier": earlier, "staff": staff}


def import_into(session, data, *, bulk, by):
    plan = plan_import(session, read_file(data, "汇总表.xlsx"))
    assert not plan.refused, [p.problems for p in plan.refused]
    return writing.import_suggestions(session=session, plans=plan.rows, by=by, bulk=bulk)


def fields(instance, leave_out=()):
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.name not in {"id", "session", "suggestion", "created_at", "recorded_at", *leave_out}
    }


def written(session):
    """Every row the import wrote for the session's suggestions, by number, ids left out."""
    state = {}
    for s in Suggestion.objects.filter(session=session).order_by("number"):
        assignments = {a.pk: (a.unit_id, a.role) for a in s.assignments.all()}
        state[s.number] = {
            "suggestion": fields(s),
            "assignments": [fields(a) for a in s.assignments.order_by("role", "unit_id")],
            "replies": [
                {**fields(r, {"assignment"}), "assignment": assignments[r.assignment_id]}
                for r in Reply.objects.filter(suggestion=s).order_by("pk")
            ],
            "evaluations": [fields(e) for e in Evaluation.objects.filter(suggestion=s)],
            "events": [fields(e) for e in Event.objects.filter(suggestion=s).order_by("pk")],
            "co_signers": sorted(
                CoSigner.objects.filter(suggestion=s).values_list("deputy", "confirmed_on")
            ),
            "bands": sorted(TextBand.objects.filter(suggestion=s).values_list("key", flat=True)),
            "links": sorted(
                SimilarLink.objects.filter(suggestion=s).values_list("earlier", "score", "state")
            ),
        }
    return state


def tallies(session):
    return sorted(
        (t["group"], t["key"], tuple(sorted(t.items())))
        for t in Tally.objects.filter(session=session).values()
        for _ in [t.pop("id"), t.pop("session_id")]
    )


def test_the_bulk_replay_writes_exactly_what_the_services_write(world):
    data = sheet(ROWS)
    by = world["staff"]
    slow = import_into(world["services"], data, bulk=False, by=by)
    fast = import_into(world["bulk"], data, bulk=True, by=by)
    assert (slow.created, slow.concluded) == (fast.created, fast.concluded) == (11, 11)

    expected, got = written(world["services"]), written(world["bulk"])
    assert list(got) == list(expected)
    for number in expected:
        for part in expected[number]:
            assert got[number][part] == expected[number][part], (number, part)

    # The sheet covered what it says it covers.
    status = {n: row["suggestion"]["status"] for n, row in got.items()}
    assert status == {
        1: "closed",
        2: "closed",
        3: "re_handling",
        4: "closed",  # unrated, its rating period over
        5: "replied",  # unrated, still within its rating period
        6: "assigned",
        7: "closed",
        8: "closed",
        9: "re_handling",
        10: "closed",
        11: "closed",
    }
    assert got[8]["suggestion"]["replied_on_time"] is False
    assert got[7]["links"] == [(world["earlier"].pk, 1.0, "found")]
    assert [a["responsible_person"] for a in got[1]["assignments"]] == ["", "王科长"]  # co, lead
    assert {e["promise"] for n in (2, 3, 5) for e in got[n]["replies"]} == {
        services.IMPORTED_PROMISE()
    }
    assert all(e["imported"] for row in got.values() for e in row["events"])

    # The summary rows are the same, and what a recount writes.
    assert tallies(world["bulk"]) == tallies(world["services"]) != []
    for model, fields_ in [
        (ReplyDays, ("unit", "days", "replies")),
        (OpenPromise, ("unit", "due", "promises")),
        (FlagsToReview, ("after", "suggestions")),
    ]:
        rows = {
            name: sorted(model.objects.filter(session=world[name]).values_list(*fields_))
            for name in ("services", "bulk")
        }
        assert rows["bulk"] == rows["services"], model
        # Imported promises carry no date; the sheet's flags are all the day-free kind.
        assert rows["bulk"] or model is OpenPromise
    stored = tallies(world["bulk"])
    for group in summaries.RECOUNT_ORDER:
        summaries.recount(world["bulk"].pk, group)
    assert tallies(world["bulk"]) == stored


def test_a_row_the_services_would_refuse_is_refused_the_same_way_and_nothing_is_saved(world):
    by = world["staff"]
    refusals = []
    for bulk, session in [(False, world["services"]), (True, world["bulk"])]:
        plan = plan_import(session, read_file(sheet(ROWS), "汇总表.xlsx"))
        closed = copy.copy(plan.rows[5].lead_unit)
        closed.is_active = False  # closed down between the preview and the import
        plan.rows[5].lead_unit = closed
        with pytest.raises(WorkflowError) as refusal:
            writing.import_suggestions(session=session, plans=plan.rows, by=by, bulk=bulk)
        refusals.append(str(refusal.value))
        assert not Suggestion.objects.filter(session=session).exists()
    assert refusals[0] == refusals[1] == "row 8: An inactive unit cannot be given suggestions."


def rows(count):
    cases = [row for row in ROWS if row[0] != 7]
    return [
        [n, f"关于第{n}项民生问题的建议", *cases[n % len(cases)][2:]] for n in range(1, count + 1)
    ]


def test_the_bulk_import_asks_as_many_queries_for_60_concluded_rows_as_for_20(world):
    by = world["staff"]
    counted = []
    for count, session in [(20, world["services"]), (60, world["bulk"])]:
        plan = plan_import(session, read_file(sheet(rows(count)), "汇总表.xlsx"))
        with CaptureQueriesContext(connection) as queries:
            writing.import_suggestions(session=session, plans=plan.rows, by=by)
        assert Suggestion.objects.filter(session=session, status="closed").count() > count / 2
        inserts = sum(q["sql"].startswith("INSERT") for q in queries)
        counted.append((len(queries) - inserts, inserts))
    (few, few_inserts), (many, many_inserts) = counted
    assert many == few < 40, counted  # the services would ask some 40 queries a row
    # An INSERT of many rows is split only where the database limits the values a statement
    # takes (SQLite: 999), so 60 rows' events or bands may take one statement more than 20's.
    if connection.vendor == "postgresql":
        assert many_inserts == few_inserts, counted
    assert many_inserts <= few_inserts + 6, counted


def test_band_keys_stay_those_already_stored():
    """Every suggestion's bands are stored: a faster computation must give the same keys, or
    earlier sessions' suggestions would no longer be found (values from the first version)."""
    from suggestions.search.similarity import band_keys, bigrams

    grams = bigrams("关于加快老旧小区改造的建议", "小区管网老化。建议分批改造，一是……")
    assert grams == set(
        [
            "分批",
            "加快",
            "区改",
            "区管",
            "小区",
            "快老",
            "批改",
            "改造",
            "旧小",
            "管网",
            "网老",
            "老化",
            "老旧",
            "议分",
            "造的",
        ]
    )
    assert band_keys(grams)[:4] == [
        8382092038257126122,
        6296576222181619307,
        2251631747388639306,
        268956316110904047,
    ]


def test_the_plan_counts_the_rows_left_to_the_services(world, build):
    """Only suggestions already in the session are concluded one service call at a time."""
    session = world["services"]
    build(number=1, session=session)  # submitted, not yet assigned: the file concludes it
    plan = plan_import(session, read_file(sheet(ROWS), "汇总表.xlsx"))
    assert (plan.concluded, plan.concluded_one_by_one) == (11, 1)
