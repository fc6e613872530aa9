"""Every import is bounded in work, not only in bytes (issue 23): the checks of a row cost time in
proportion to its text, and a file over a limit of cells, rows or text is refused as it is read,
saying which limit and where, by every entry point alike."""

import time

import pytest

from suggestions.imports.mapping import field_for
from suggestions.imports.plan import plan_import
from suggestions.imports.reading import Sheet
from suggestions.imports.values import NAME_WITH_DELEGATION, DeputyIndex

pytestmark = pytest.mark.django_db
MAX_CELL_CHARS = 20_000  # the longest cell the reader will read

# Texts that made a backtracking pattern try every way of splitting a run of spaces or brackets.
HOSTILE_TEXTS = [
    "a" + " " * (MAX_CELL_CHARS - 2) + "x",
    "a" + " " * (MAX_CELL_CHARS - 3) + "x(",
    "a " * (MAX_CELL_CHARS // 2 - 1) + "(",
    "(" * MAX_CELL_CHARS,
    "（" * (MAX_CELL_CHARS // 2) + "a" * (MAX_CELL_CHARS // 2),
    "a" + "\n " * (MAX_CELL_CHARS // 2 - 10) + "(b)x",
]


def _seconds(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_a_name_with_its_delegation_is_read_in_linear_time(text):
    assert _seconds(NAME_WITH_DELEGATION.match, text) < 0.1


@pytest.mark.parametrize("text", HOSTILE_TEXTS, ids=range(len(HOSTILE_TEXTS)))
def test_a_header_cell_is_compared_in_linear_time(text):
    assert _seconds(field_for, text) < 0.1


@pytest.mark.parametrize(
    ("text", "name", "delegation"),
    [
        ("卢志强", "卢志强", None),
        ("  卢 志强 ", "卢 志强", None),
        ("卢志强（孝义市代表团）", "卢志强", "孝义市代表团"),
        ("卢志强 (孝义市代表团)  ", "卢志强", "孝义市代表团"),
        ("卢志强（）", "卢志强", ""),
    ],
)
def test_names_read_as_before(text, name, delegation):
    match = NAME_WITH_DELEGATION.match(text)
    assert (match["name"], match["delegation"]) == (name, delegation)


@pytest.mark.parametrize("text", ["", "   ", "（孝义市代表团）", "卢志强（孝义", "卢志强(a)b"])
def test_what_is_not_a_name_is_not_read_as_one(text):
    assert NAME_WITH_DELEGATION.match(text) is None


def test_rows_of_cells_at_the_limit_are_checked_in_well_under_a_second(session, category):
    hostile = HOSTILE_TEXTS[0]
    header = ["编号", "案由", "建议内容", "类别", "领衔代表", "附议代表", "提出日期", "主办单位"]
    rows = [[n, hostile[:200], *[hostile] * 6] for n in range(1, 21)]
    sheet = Sheet(name="s", rows=[header, *rows])
    sheet.set_header(0)
    start = time.perf_counter()
    plan = plan_import(session, [sheet])
    assert time.perf_counter() - start < 2
    assert len(plan.refused) == 20
    # A message quotes the start of a long value, not all of it.
    assert all(len(problem) < 500 for row in plan for problem in map(str, row.problems))


def test_an_unknown_deputy_of_a_paragraph_is_quoted_by_its_start(deputy_a):
    _deputy, problem = DeputyIndex().find("长" * MAX_CELL_CHARS)
    assert "长" * 50 + "…" in problem and len(problem) < 200
