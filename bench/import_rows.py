"""Benchmark: import N suggestions from an .xlsx file; report time and peak memory per step.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_suggestions \\
        .venv/bin/python bench/import_rows.py --rows 10000 [--memory]

Creates its own term, session, deputies and categories (term number 91), writes the file to a
temporary folder, then reads, checks and imports it as staff would. Run it on a throwaway
database.
"""

import argparse
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

from congress.models import Delegation, Session, Term  # noqa: E402
from deputies.models import Deputy  # noqa: E402
from suggestions import services  # noqa: E402
from suggestions.imports import plan_import, read_rows  # noqa: E402
from suggestions.models import Category, Suggestion  # noqa: E402

HEADER = ["编号", "案由", "建议内容", "类别", "领衔代表", "代表团", "附议代表", "提出日期", "提出"]


TRACE = "--memory" in sys.argv  # tracemalloc slows Python down: time and memory in two runs


def measure(label, fn):
    if TRACE:
        tracemalloc.start()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    peak = f"peak {tracemalloc.get_traced_memory()[1] / 1024 / 1024:7.1f} MiB" if TRACE else ""
    tracemalloc.stop()
    print(f"{label:28} {seconds:8.2f} s   {peak}")
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument(
        "--memory", action="store_true", help="also trace Python's peak memory per step (slower)"
    )
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    import datetime

    term, _ = Term.objects.get_or_create(
        number=91, defaults={"name": "导入基准届", "starts_on": datetime.date(2030, 1, 1)}
    )
    session = Session.objects.create(
        term=term,
        number=Session.objects.filter(term=term).count() + 1,
        name=f"导入基准会议{time.time_ns()}",
        opens_on=datetime.date(2030, 1, 10),
        closes_on=datetime.date(2030, 1, 12),
    )
    delegation, _ = Delegation.objects.get_or_create(name="导入基准代表团")
    category, _ = Category.objects.get_or_create(name="导入基准类别")
    if not Deputy.objects.filter(delegation=delegation).exists():
        Deputy.objects.bulk_create(
            Deputy(name=f"导入代表{i}", level="municipal", delegation=delegation)
            for i in range(500)
        )

    def write():
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

    print(f"{args.rows} rows, database {connection.vendor}\n")
    data = measure("write the .xlsx", write)
    path = Path(tempfile.mkdtemp()) / "import.xlsx"
    path.write_bytes(data)
    print(f"{'file size':28} {len(data) / 1024 / 1024:8.2f} MiB")
    rows = measure("read the file", lambda: read_rows(path.read_bytes(), path.name))
    plans = measure("check every row (preview)", lambda: plan_import(session, rows))
    assert not [p for p in plans if p.problems], "the generated file should be clean"
    created = measure(
        "import (one transaction)",
        lambda: services.import_suggestions(session=session, plans=plans, by=None),
    )
    assert created == args.rows == Suggestion.objects.filter(session=session).count()
    again = measure(
        "re-import the same file",
        lambda: services.import_suggestions(
            session=session, plans=plan_import(session, read_rows(data, "x.xlsx")), by=None
        ),
    )
    assert again == 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'process peak RSS':28} {rss:8.1f} MiB")


if __name__ == "__main__":
    main()
