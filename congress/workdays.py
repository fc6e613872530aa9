"""Working-day arithmetic on the official Chinese calendar (holidays and make-up workdays, 调休).

The `chinese_calendar` package carries the State Council's published schedule. For a year it does
not know yet we fall back to "Monday to Friday" and say so, so staff can treat the date as
provisional rather than trust it blindly.
"""

import calendar
import datetime
from dataclasses import dataclass

import chinese_calendar


@dataclass(frozen=True)
class Deadline:
    due_on: datetime.date
    provisional: bool  # True when a year the official calendar does not cover was crossed


def is_workday(day):
    """(is it a working day, is the answer from the official calendar)."""
    try:
        return chinese_calendar.is_workday(day), True
    except NotImplementedError:
        return day.weekday() < 5, False


def add_workdays(start, count):
    """The date `count` working days after `start` (start itself is not counted)."""
    day = start
    provisional = False
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        working, official = is_workday(day)
        provisional = provisional or not official
        if working:
            remaining -= 1
    return Deadline(day, provisional)


def add_months(start, months):
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)
