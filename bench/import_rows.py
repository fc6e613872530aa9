"""Benchmark: import N suggestions from an .xlsx file; report time and peak memory per step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_suggestions \\
        .venv/bin/python bench/import_rows.py --rows 10000 [--memory] [--office [--concluded]]
    .venv/bin/python bench/import_rows.py --hostile

--office writes the sheet as an office keeps it (a merged title, a subtitle, the header on row
3 with 序号 | 建议编号 | 案由 | 领衔代表 | 附议代表 | 代表团 | 类别 | 主办单位 | 协办单位, a 合计
row); --concluded adds 办理结果 and 满意度, so every suggestion is replayed through the services
to its final state. --hostile times the refusal of a million empty rows, a zip bomb and a 50 MB
CSV, each in a fresh process so the peak RSS is its own.

Creates its own term, session, deputies and categories (term number 91), writes the file to a
temporary folder, then reads, checks and imports it as staff would. Run it on a throwaway
database.
"""

import argparse
import contextlib
import io
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from congress.models import Delegation, HandlingUnit, Session, Term  # noqa: E402
from deputies.models import Deputy  # noqa: E402
from suggestions.imports import writing  # noqa: E402
from suggestions.imports.plan import plan_import  # noqa: E402
from suggestions.imports.reading import read_file  # noqa: E402
from suggestions.models import Category, Suggestion  # noqa: E402

HEADER = ["编号", "案由", "建议内容", "类别", "领衔代表", "代表团", "附议代表", "提出日期", "提出"]
OFFICE = ["序号", "建议编号", "案由", "领衔代表", "附议代表", "代表团", "类别"]
OFFICE += ["主办单位", "协办单位"]
RESULTS = ["办理结果", "满意度"]


TRACE = "--memory" in sys.argv  # tracemalloc slows Python down: time and memory in two runs


def measure(label, fn):
    """Wall and CPU seconds (on a busy machine the wall clock also counts other processes)."""
    if TRACE:
        tracemalloc.start()
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = f"peak {tracemalloc.get_traced_memory()[1] / 1024 / 1024:7.1f} MiB" if TRACE else ""
    tracemalloc.stop()
    print(f"{label:28} {seconds:8.2f} s ({cpu:6.2f} s CPU) {peak}  RSS now {resident():6.1f} MiB")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument(
        "--memory", action="store_true", help="also trace Python's peak memory per step (slower)"
    )
    parser.add_argument("--office", action="store_true", help="the office's own layout")
    parser.add_argument("--concluded", action="store_true", help="with handling results")
    parser.add_argument("--hostile", action="store_true", help="time the hostile files")
    parser.add_argument(
        "--statements", action="store_true", help="list the import's slowest SQL statements"
    )
    parser.add_argument("--hostile-one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.hostile or args.hostile_one:
        return hostile(args.hostile_one)
    call_command("migrate", verbosity=0)
    import datetime

    # A past session, so that a concluded one can be replied, rated and closed before today.
    term, _ = Term.objects.get_or_create(
        number=91, defaults={"name": "导入基准届", "starts_on": datetime.date(2020, 1, 1)}
    )
    session = Session.objects.create(
        term=term,
        number=Session.objects.filter(term=term).count() + 1,
        name=f"导入基准会议{time.time_ns()}",
        opens_on=datetime.date(2020, 1, 10),
        closes_on=datetime.date(2020, 1, 12),
    )
    units = [HandlingUnit.objects.get_or_create(name=f"导入基准单位{i}")[0] for i in range(1, 31)]
    delegation, _ = Delegation.objects.get_or_create(name="导入基准代表团")
    category, _ = Category.objects.get_or_create(name="导入基准类别")
    if not Deputy.objects.filter(delegation=delegation).exists():
        Deputy.objects.bulk_create(
            Deputy(name=f"导入代表{i}", level="municipal", delegation=delegation)
            for i in range(500)
        )

    def write_office():
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("汇总表")
        header = OFFICE + (RESULTS if args.concluded else [])
        sheet.append(["导入基准会议代表建议办理情况汇总表"])
        sheet.append(["（截至2020年12月31日）"])
        sheet.append(header)
        for i in range(1, args.rows + 1):
            row = [
                i,
                i,
                f"关于第{i}项民生问题的建议",
                f"导入代表{i % 500}",
                f"导入代表{(i + 1) % 500}、导入代表{(i + 2) % 500}",
                delegation.name,
                category.name,
                units[i % 30].name,
                units[(i + 1) % 30].name,
            ]
            if args.concluded:
                row += ["ABCD"[i % 4], ["满意", "基本满意"][i % 2]]
            sheet.append(row)
        sheet.append(["合计", f"{args.rows}件"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def write():
        if args.office:
            return write_office()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(HEADER)
        for i in range(1, args.rows + 1):
            sheet.append(
                [
                    i,
                    f"关于第{i}项民生问题的建议",
                    "建议内容。" * 40,
                    category.name,
                    f"导入代表{i % 500}",
                    delegation.name,
                    f"导入代表{(i + 1) % 500}（{delegation.name}）、导入代表{(i + 2) % 500}",
                    "2030-01-11",
                    "大会期间",
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    layout = "office layout" + (" with handling results" if args.concluded else "")
    layout = layout if args.office else "template layout"
    print(f"{args.rows} rows, {layout}, {connection.vendor}\n")
    data = measure("write the .xlsx", lambda: in_a_child(write))
    print(f"{'RSS before reading':28} {resident():8.1f} MiB")
    path = Path(tempfile.mkdtemp()) / "import.xlsx"
    path.write_bytes(data)
    print(f"{'file size':28} {len(data) / 1024 / 1024:8.2f} MiB")
    start, cpu = time.perf_counter(), time.process_time()
    sheets = measure("read the file", lambda: read_file(path.read_bytes(), path.name))
    plans = measure("check every row (preview)", lambda: plan_import(session, sheets))
    assert not plans.refused, "the generated file should be clean"
    with slowest_statements():
        counts = measure(
            "import (one transaction)",
            lambda: writing.import_suggestions(session=session, plans=plans.rows, by=None),
        )
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{'read + check + save':28} {seconds:8.2f} s ({cpu:6.2f} s CPU)")
    print(f"{'peak RSS so far':28} {high_water_mark():8.1f} MiB")
    assert counts.created == args.rows == Suggestion.objects.filter(session=session).count()
    again = measure(
        "re-import the same file",
        lambda: writing.import_suggestions(
            session=session, plans=plan_import(session, read_file(data, "x.xlsx")).rows, by=None
        ),
    )
    assert again.created == again.updated == 0
    print(f"{'process peak RSS':28} {high_water_mark():8.1f} MiB")


@contextlib.contextmanager
def slowest_statements(shown=5):
    """With --statements: the statements that took longest, and how many there were."""
    if "--statements" not in sys.argv:
        yield
        return
    timed = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - start, sql[:110]))

    with connection.execute_wrapper(timer):
        yield
    print(f"{'':28} {len(timed)} statements, {sum(t for t, _s in timed):.2f} s in the database")
    for seconds, sql in sorted(timed, reverse=True)[:shown]:
        print(f"{'':28} {seconds:6.2f} s  {sql}")


def in_a_child(fn):
    """fn() in a forked process, its bytes sent back: writing the workbook takes memory the
    process would keep, and the peak measured is to be the import's, as on the server."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        with os.fdopen(write, "wb") as out:
            out.write(fn())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as source:
        data = source.read()
    os.waitpid(pid, 0)
    return data


def hostile_file(kind):
    import zipfile

    def xlsx_with_sheet(chunks):
        """A real workbook whose first sheet's XML is written, streaming, from `chunks`."""
        template = io.BytesIO()
        Workbook().save(template)
        out = io.BytesIO()
        with (
            zipfile.ZipFile(template) as source,
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for item in source.infolist():
                if item.filename != "xl/worksheets/sheet1.xml":
                    target.writestr(item.filename, source.read(item))
                    continue
                with target.open(item.filename, "w", force_zip64=True) as sheet:
                    for chunk in chunks:
                        sheet.write(chunk)
        return out.getvalue()

    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    if kind == "empty-rows":  # a million rows with nothing in them, as a spreadsheet saves them
        rows = (
            "".join(f'<row r="{n}"/>' for n in range(k, k + 10000)).encode()
            for k in range(1, 1_000_001, 10000)
        )
        return "million-empty-rows.xlsx", xlsx_with_sheet(
            [head + b"<sheetData>", *rows, b"</sheetData></worksheet>"]
        )
    if kind == "zip-bomb":  # one sheet whose XML inflates to 1 GiB
        spaces = b" " * (1 << 20)
        return "bomb.xlsx", xlsx_with_sheet([head, *(spaces for _ in range(1024)), b"</worksheet>"])
    return "big.csv", ("编号,案由\n" + ",\n" * (25 * 1024 * 1024)).encode()


def resident():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def high_water_mark():
    """This process's peak RSS in MiB (VmHWM; unlike ru_maxrss, not inherited over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def hostile(path):
    """Each hostile file uploaded to the workbench as staff would; time and peak RSS."""
    if not path:
        import subprocess

        folder = Path(tempfile.mkdtemp())
        for kind in ("empty-rows", "zip-bomb", "csv-50mb"):
            name, data = hostile_file(kind)
            (folder / name).write_bytes(data)
            del data
        for name in ("million-empty-rows.xlsx", "bomb.xlsx", "big.csv"):
            subprocess.run([sys.executable, __file__, "--hostile-one", folder / name], check=True)
        return
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client
    from django.test.utils import setup_test_environment

    from congress.roles import STAFF_GROUP

    setup_test_environment()  # the test client then sees the form's errors
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-import-staff")
    user.groups.add(Group.objects.get_or_create(name=STAFF_GROUP)[0])
    session = Session.objects.first() or Session.objects.create(
        term=Term.objects.get_or_create(
            number=92, defaults={"name": "b", "starts_on": "2020-01-01"}
        )[0],
        number=1,
        name="导入基准恶意文件会议",
        opens_on="2020-01-10",
        closes_on="2020-01-12",
    )
    client = Client()
    client.force_login(user)
    path = Path(path)
    before = high_water_mark()
    start = time.perf_counter()
    with path.open("rb") as upload:
        response = client.post("/workbench/import/", {"session": session.pk, "file": upload})
    seconds = time.perf_counter() - start
    rss = high_water_mark()
    errors = response.context["form"].errors.get("file") if response.context else None
    size = path.stat().st_size / 1024 / 1024
    print(f"{path.name:26} {size:7.2f} MiB  HTTP {response.status_code} in {seconds:5.2f} s")
    print(f"{'':26} peak RSS {rss:6.1f} MiB (before the upload: {before:6.1f} MiB)")
    print(f"{'':26} {errors[0] if errors else 'ACCEPTED (should have been refused)'}")


if __name__ == "__main__":
    main()
