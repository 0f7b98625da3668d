"""Due dates of the time limits the texts print, counted on kuaiban's working-day calendar.

A limit is a unit and a count (parameters/statutory_deadline): ``working_days`` and ``days`` and ``months``
count from the day after the start (民法典 第二百零一条, as kuaiban.platform.calendar does; a period in days or
months that ends on a rest day ends on the next working day, 第二百零三条); ``working_days_before`` and
``months_before`` count back from an event (提前5个工作日 填报; 退休前12个月内 预审); the others are dates
fixed by the text (当日, 每月25日前, 次月15日前, 每年3月31日前, 2020年8月25日); a day of the month or of the year
already past on the start day is the next one.
"""

from __future__ import annotations

import calendar as month_lengths
from datetime import date, timedelta

from kuaiban.platform.calendar import HolidayDataMissing, deadline, is_working_day

UNITS = ("working_days", "days", "days_after", "months", "working_days_before", "months_before", "same_day", "day_of_month",
         "day_of_next_month", "day_of_year", "fixed_date")


def shift_months(day: date, months: int) -> date:
    """The corresponding day `months` later (or earlier), or that month's last day when it has none."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, month_lengths.monthrange(year, month)[1]))


def working_days_before(day: date, count: int) -> date:
    """The `count`-th working day before `day` (提前N个工作日)."""
    left = count
    while left:
        day -= timedelta(days=1)
        left -= is_working_day(day)
    return day


def due_date(start: date, unit: str, count: int | str) -> date:
    """The last day of the limit (or, for the *_before units, the day by which the step must be done)."""
    if unit in ("working_days", "days", "months"):
        return deadline(start, **{unit: int(count)})
    if unit == "days_after":  # the period runs start+1 … start+count; the step is allowed from the next day
        return start + timedelta(days=int(count) + 1)
    if unit == "working_days_before":
        return working_days_before(start, int(count))
    if unit == "months_before":
        return shift_months(start, -int(count))
    if unit == "same_day":
        return start
    if unit == "day_of_month":  # 每月N日前: this month's, or next month's once this month's has passed
        due = date(start.year, start.month, int(count))
        if due < start:
            following = shift_months(date(start.year, start.month, 1), 1)
            due = date(following.year, following.month, int(count))
        return due
    if unit == "day_of_next_month":
        following = shift_months(date(start.year, start.month, 1), 1)
        return date(following.year, following.month, int(count))
    if unit == "day_of_year":
        month, day = (int(part) for part in str(count).split("-"))
        due = date(start.year, month, day)  # 每年3月31日前: this year's, or next year's once this year's has passed
        return due if due >= start else date(start.year + 1, month, day)
    if unit == "fixed_date":
        return date.fromisoformat(str(count))
    raise ValueError(f"unknown unit {unit!r}")


__all__ = ["UNITS", "HolidayDataMissing", "due_date", "shift_months", "working_days_before"]
