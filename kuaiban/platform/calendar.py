"""Time limits: working days (with China's public holidays and 调休 make-up days), calendar days,
months and minutes.

Counting follows 《中华人民共和国民法典》 (not reprinted in the compilations, cited by name):
- 第二百零一条: a period counted in days (or months, years) starts on the day after the start day —
  开始的当日不计入，自下一日开始计算; a period counted in hours (here minutes) starts at once;
- 第二百零二条: a period in months ends on the corresponding day of the last month, or on that
  month's last day when it has no such day;
- 第二百零三条: when the last day of a period is a 法定休假日, the period ends on the day after it.
  We apply this to calendar days and months: a deadline that falls on a weekend or holiday moves to
  the next working day.

Times: China's working days are days of Beijing time. A start with a time-zone offset is first converted
to Beijing time (Asia/Shanghai), so ``2021-09-23T20:00:00+00:00`` counts from 2021-09-24, the day it is in
China; a naive start is taken as Beijing time already (how the database stores every time).

即办 (minutes): 人社部发〔2020〕26号 (hunan-hrss-2020.txt:649) says 即时办结事项 「从接收材料到办结原则上不超过30分钟」,
which presupposes an office at work. Reading (decided here, docs/services-catalogue.md): materials received on
a day that is not a working day are taken in on the next working day; the texts give no office hours, so
the item is then due by the end of that working day (23:59:59), not at a minute nobody can name. On a
working day the minutes run from receipt, as printed.

Holidays come from the chinese-calendar package, which publishes the State Council's yearly
arrangements, and — for a year it does not know yet — from the arrangement a supervisor entered from
the 国务院办公厅 notice (:mod:`kuaiban.platform.holidays` keeps them in the database and installs them
here with :func:`install_entered`). Outside both :func:`deadline` refuses (HolidayDataMissing), never guesses.
An entered year never overrides a year chinese-calendar knows: the package wins.

Provisional deadlines (decided here, docs/services.md “临时时限”): an office does not stop counting its time
limits in December because next year's notice is not out yet. :func:`estimate` answers what :func:`deadline`
refuses by counting, in a year whose arrangement is unknown, Monday–Friday as working days except the holidays
《全国年节及纪念日放假办法》 (国务院令, not reprinted in the compilations, cited by name) fixes on solar-calendar
dates — 元旦 1月1日, 劳动节 5月1日、2日, 国庆节 10月1日、2日、3日. The lunar holidays (春节, 端午, 中秋), 清明 and
every 调休 are set by the yearly notice and are not guessed, so a provisional deadline may be earlier than the
final one, never later than counting with weekends only. Such a deadline is marked provisional
(:data:`PROVISIONAL_NOTE`) and recomputed when the year's arrangement is entered
(:func:`kuaiban.platform.holidays.enter_year` calls the recompute hooks).

>>> from datetime import datetime
>>> deadline(datetime(2020, 9, 30, 10), working_days=1)  # 10-01..10-08 off (国庆、中秋)
datetime.date(2020, 10, 9)
>>> deadline(datetime(2020, 9, 30, 10), minutes=30)
datetime.datetime(2020, 9, 30, 10, 30)
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

import chinese_calendar

BEIJING = ZoneInfo("Asia/Shanghai")

__all__ = ["BEIJING", "FIXED_HOLIDAYS", "PROVISIONAL_NOTE", "Due", "HolidayDataMissing", "covered_years", "deadline",
           "entered_stamp", "estimate", "generation", "install_entered", "is_working_day", "next_working_day",
           "unknown_years", "year_known"]

# 《全国年节及纪念日放假办法》: the holidays on fixed solar-calendar dates (month, day)
FIXED_HOLIDAYS: Mapping[tuple[int, int], str] = {
    (1, 1): "元旦", (5, 1): "劳动节", (5, 2): "劳动节", (10, 1): "国庆节", (10, 2): "国庆节", (10, 3): "国庆节"}
PROVISIONAL_NOTE = "按周末推算，待当年节假日安排公布后校正"


class HolidayDataMissing(ValueError):
    """The holiday arrangement of a year is not known (not published, or not in chinese-calendar).

    The message is for users: it names the notice, never the package."""

    def __init__(self, year: int) -> None:
        super().__init__(f"{year} 年的节假日安排尚未公布或尚未录入（国务院办公厅当年的节假日安排通知），无法确定工作日")
        self.year = year


@cache
def covered_years() -> tuple[int, int]:
    """First and last year whose holiday arrangement chinese-calendar knows."""
    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return min(known).year, max(known).year


class EnteredYear(NamedTuple):
    """A year's arrangement entered from the State Council notice: its 放假 days and 调休 working days."""

    holidays: frozenset[date]
    workdays: frozenset[date]


class _Entered(NamedTuple):
    stamp: object  # what was loaded (database and its calendar version); None before any load
    generation: int  # bumped on every install: callers key their memoised deadlines by it
    years: Mapping[int, EnteredYear]


# Replaced as a whole (one assignment), never mutated: readers in other threads see the old or the new table.
_entered = _Entered(None, 0, {})


def install_entered(years: Mapping[int, EnteredYear], stamp: object) -> None:
    """Use ``years`` (entered arrangements) from now on; ``stamp`` says which database version they are."""
    global _entered
    _entered = _Entered(stamp, _entered.generation + 1, dict(years))


def entered_stamp() -> object:
    return _entered.stamp


def generation() -> int:
    """Changes whenever the entered arrangements do: part of the key of any memoised deadline."""
    return _entered.generation


@cache
def _arrangement() -> tuple[int, int, frozenset[date], frozenset[date]]:
    """The years both chinese-calendar's tables and its own range check accept, its holidays and its
    调休 working days — read once: ``chinese_calendar.is_workday`` recomputes the range (min and max over
    every holiday) on each call, which made counting 30 working days cost a millisecond."""
    first, last = covered_years()
    own = [d.year for d in chinese_calendar.holidays]
    return (max(first, min(own)), min(last, max(own)), frozenset(chinese_calendar.holidays),
            frozenset(chinese_calendar.workdays))


def is_working_day(day: date) -> bool:
    """A 工作日: Monday–Friday except public holidays, plus 调休 make-up Saturdays and Sundays.

    >>> is_working_day(date(2020, 9, 27)), is_working_day(date(2020, 10, 8))  # 补班的星期日, 国庆假期
    (True, False)
    """
    if isinstance(day, datetime):
        day = day.date()
    low, high, holidays, workdays = _arrangement()
    if low <= day.year <= high:  # the same rule as chinese_calendar.is_workday, without its range scan
        return day in workdays or (day.weekday() <= 4 and day not in holidays)
    first, last = covered_years()
    if not first <= day.year <= last:
        entered = _entered.years.get(day.year)
        if entered is not None:
            return day in entered.workdays or (day.weekday() <= 4 and day not in entered.holidays)
        raise HolidayDataMissing(day.year)
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # the package's own range check
        raise HolidayDataMissing(day.year) from None


def year_known(year: int) -> bool:
    """Whether ``year``'s arrangement is known (in chinese-calendar, or entered by a supervisor)."""
    first, last = covered_years()
    return first <= year <= last or year in _entered.years


def unknown_years(first: int, last: int) -> list[int]:
    """The years of ``first``..``last`` whose arrangement is not known (see :func:`year_known`)."""
    return [y for y in range(first, last + 1) if not year_known(y)]


def _provisional_working_day(day: date) -> bool:
    """:func:`is_working_day`, or — in a year whose arrangement is unknown — Monday–Friday except the holidays on
    fixed dates (:data:`FIXED_HOLIDAYS`)."""
    try:
        return is_working_day(day)
    except HolidayDataMissing:
        return day.weekday() <= 4 and (day.month, day.day) not in FIXED_HOLIDAYS


def next_working_day(day: date, _working: Callable[[date], bool] = is_working_day) -> date:
    """`day` itself if it is a working day, else the first working day after it."""
    while not _working(day):
        day += timedelta(days=1)
    return day


def _add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _stdlib_calendar.monthrange(year, month)[1]))


def deadline(
    start: datetime | date,
    *,
    working_days: int | None = None,
    days: int | None = None,
    months: int | None = None,
    minutes: int | None = None,
) -> date | datetime:
    """The last day (or, for minutes, the moment) by which a service must be done.

    Give exactly one of the units, a positive whole number. The start day is not counted:
    ``working_days=N`` is the N-th working day after the start day; ``days=N`` is the start day + N,
    moved to the next working day if it falls on a rest day; ``months=N`` likewise from the
    corresponding day; ``minutes=N`` is the start moment + N minutes (即办, ≤ 30 分钟) when the start is on a
    working day, else the end (23:59:59) of the next working day (see the module's note on 即办).
    A start with an offset is counted in Beijing time (an answer in minutes keeps Beijing's offset).
    """
    return _deadline(start, is_working_day, working_days=working_days, days=days, months=months, minutes=minutes)


class Due(NamedTuple):
    """A deadline and whether it is provisional (a year's arrangement was unknown: see the module's note)."""

    value: date | datetime
    provisional: bool


def estimate(
    start: datetime | date,
    *,
    working_days: int | None = None,
    days: int | None = None,
    months: int | None = None,
    minutes: int | None = None,
) -> Due:
    """:func:`deadline`, or — where it meets a year whose arrangement is unknown — the provisional deadline
    counted with weekends and :data:`FIXED_HOLIDAYS` only, marked provisional.

    >>> estimate(datetime(2020, 9, 30, 10), working_days=1)
    Due(value=datetime.date(2020, 10, 9), provisional=False)
    """
    units = {"working_days": working_days, "days": days, "months": months, "minutes": minutes}
    try:
        return Due(_deadline(start, is_working_day, **units), False)
    except HolidayDataMissing:
        return Due(_deadline(start, _provisional_working_day, **units), True)


def _deadline(
    start: datetime | date,
    working: Callable[[date], bool],
    *,
    working_days: int | None = None,
    days: int | None = None,
    months: int | None = None,
    minutes: int | None = None,
) -> date | datetime:
    given = {k: v for k, v in
             {"working_days": working_days, "days": days, "months": months, "minutes": minutes}.items()
             if v is not None}
    if len(given) != 1:
        raise TypeError("give exactly one of working_days, days, months, minutes")
    (unit, n), = given.items()
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{unit} must be a positive whole number, not {n!r}")
    if isinstance(start, datetime) and start.tzinfo is not None:
        start = start.astimezone(BEIJING)  # the day a time is in, in China
    if unit == "minutes":
        if not isinstance(start, datetime):
            raise TypeError("a limit in minutes needs a start time (datetime), not a date")
        if not working(start.date()):
            return datetime.combine(next_working_day(start.date() + timedelta(days=1), working), time(23, 59, 59),
                                    tzinfo=start.tzinfo)
        return start + timedelta(minutes=n)
    day = start.date() if isinstance(start, datetime) else start
    if unit == "working_days":
        left = n
        while left:
            day += timedelta(days=1)
            left -= working(day)
        return day
    end = day + timedelta(days=n) if unit == "days" else _add_months(day, n)
    return next_working_day(end, working)
