"""Deadlines in working days, calendar days, months and minutes, on China's real holiday calendar.

The start day is not counted (民法典 第二百零一条); a period in days or months ending on a rest day
ends on the next working day (第二百零三条); 即办 minutes run from the moment of receipt.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuaiban.platform.calendar import HolidayDataMissing, covered_years, deadline, is_working_day

D = date.fromisoformat
SUNDAY, SATURDAY = 6, 5

# ---------------------------------------------------------------- 2020 国庆节、中秋节: 10-01..10-08 off


def test_national_day_2020_holidays_and_make_up_days():
    assert not any(is_working_day(D("2020-10-01") + timedelta(days=i)) for i in range(8))
    for make_up, weekday in (("2020-09-27", SUNDAY), ("2020-10-10", SATURDAY)):
        assert D(make_up).weekday() == weekday and is_working_day(D(make_up))
    assert is_working_day(D("2020-10-09"))


@pytest.mark.parametrize("start, n, expected", [
    ("2020-09-25T16:00", 1, "2020-09-27"),  # Friday → the make-up Sunday
    ("2020-09-25T16:00", 3, "2020-09-29"),
    ("2020-09-30T09:00", 1, "2020-10-09"),  # the whole holiday is skipped
    ("2020-09-30T09:00", 2, "2020-10-10"),  # → the make-up Saturday
    ("2020-09-30T09:00", 3, "2020-10-12"),
    ("2020-10-01T09:00", 1, "2020-10-09"),  # applying on a holiday
])
def test_working_days_across_national_day_2020(start, n, expected):
    assert deadline(datetime.fromisoformat(start), working_days=n) == D(expected)


# ---------------------------------------------------------------- 2021 春节: 02-11..02-17 off


def test_spring_festival_2021_holidays_and_make_up_days():
    assert not any(is_working_day(D("2021-02-11") + timedelta(days=i)) for i in range(7))
    for make_up, weekday in (("2021-02-07", SUNDAY), ("2021-02-20", SATURDAY)):
        assert D(make_up).weekday() == weekday and is_working_day(D(make_up))


@pytest.mark.parametrize("start, n, expected", [
    ("2021-02-06T10:00", 1, "2021-02-07"),  # Saturday → the make-up Sunday
    ("2021-02-10T10:00", 1, "2021-02-18"),
    ("2021-02-10T10:00", 3, "2021-02-20"),  # 02-18, 02-19, then the make-up Saturday
    ("2021-02-10T10:00", 4, "2021-02-22"),
    ("2021-02-05T10:00", 5, "2021-02-18"),  # 02-07, 02-08, 02-09, 02-10, 02-18
])
def test_working_days_across_spring_festival_2021(start, n, expected):
    assert deadline(datetime.fromisoformat(start), working_days=n) == D(expected)


# ---------------------------------------------------------------- the counting rules


def test_the_start_day_is_not_counted():
    monday = datetime(2021, 3, 1, 8, 30)
    assert deadline(monday, working_days=1) == D("2021-03-02")
    assert deadline(monday, days=1) == D("2021-03-02")
    assert deadline(datetime(2021, 3, 6, 9), working_days=1) == D("2021-03-08")  # from a Saturday


def test_fifteen_working_days_for_a_pension_transfer():
    # 1.6.10's target (15 个工作日) received Monday 2020-09-21: 09-22..25 (4), Sunday 09-27 (5),
    # 09-28..30 (8), 10-09 (9), Saturday 10-10 (10), 10-12..16 (15).
    assert deadline(datetime(2020, 9, 21, 9), working_days=15) == D("2020-10-16")


def test_calendar_days_ending_on_a_rest_day_move_to_the_next_working_day():
    assert deadline(datetime(2020, 9, 30), days=1) == D("2020-10-09")  # 10-01 is a holiday
    assert deadline(datetime(2020, 9, 30), days=10) == D("2020-10-10")  # a make-up Saturday is a working day
    assert deadline(datetime(2021, 3, 1), days=5) == D("2021-03-08")  # Saturday 03-06 → Monday
    # 工伤认定: 60 日 from 2020-08-10 ends on 2020-10-09, just after the holiday.
    assert deadline(date(2020, 8, 10), days=60) == D("2020-10-09")


def test_months_end_on_the_corresponding_day_or_the_month_end():
    assert deadline(date(2021, 1, 15), months=3) == D("2021-04-15")
    assert deadline(date(2020, 1, 31), months=1) == D("2020-03-02")  # 02-29 is a Saturday
    assert deadline(date(2021, 1, 29), months=1) == D("2021-03-01")  # no 02-29 in 2021: 02-28 (Sunday)


def test_minutes_for_immediate_services_keep_the_time_and_zone():
    tz = timezone(timedelta(hours=8))
    start = datetime(2020, 9, 30, 23, 50, tzinfo=tz)
    assert deadline(start, minutes=30) == datetime(2020, 10, 1, 0, 20, tzinfo=tz)
    with pytest.raises(TypeError):
        deadline(date(2020, 9, 30), minutes=30)


# ---------------------------------------------------------------- refusing to guess


def test_years_without_holiday_data_are_refused():
    first, last = covered_years()
    assert (first, last) == (2004, 2026)
    with pytest.raises(HolidayDataMissing, match="2030 年的节假日安排尚未公布或尚未录入"):
        is_working_day(date(2030, 1, 2))
    with pytest.raises(HolidayDataMissing):
        deadline(datetime(2003, 12, 1), working_days=1)
    with pytest.raises(HolidayDataMissing, match="2027"):
        deadline(datetime(2026, 12, 30), working_days=5)  # runs into an unpublished year


@pytest.mark.parametrize("kwargs", [{}, {"days": 1, "working_days": 1}, {"days": 0}, {"minutes": -5},
                                    {"working_days": 1.5}, {"days": True}])
def test_bad_arguments(kwargs):
    with pytest.raises((TypeError, ValueError)):
        deadline(datetime(2021, 3, 1), **kwargs)


# ---------------------------------------------------------------- properties

starts = st.datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2025, 6, 30))
counts = st.integers(min_value=1, max_value=120)


@settings(max_examples=200, deadline=None)
@given(starts, counts)
def test_working_day_deadlines_are_monotone_and_land_on_working_days(start, n):
    this, following = deadline(start, working_days=n), deadline(start, working_days=n + 1)
    assert is_working_day(this) and this < following
    # exactly n working days after the start day, the last of them being the deadline
    span = [start.date() + timedelta(days=i) for i in range(1, (this - start.date()).days + 1)]
    assert sum(map(is_working_day, span)) == n


@settings(max_examples=200, deadline=None)
@given(starts, counts)
def test_day_and_month_deadlines_are_monotone_and_land_on_working_days(start, n):
    this, following = deadline(start, days=n), deadline(start, days=n + 1)
    assert is_working_day(this) and this <= following
    assert this >= start.date() + timedelta(days=n)
    months = min(n, 12)
    assert is_working_day(deadline(start, months=months))
    assert deadline(start, months=months) <= deadline(start, months=months + 1)


@settings(max_examples=100, deadline=None)
@given(starts, st.integers(min_value=1, max_value=24 * 60))
def test_minute_deadlines_are_monotone(start, n):
    if not is_working_day(start):  # 即办 received on a rest day: due by the end of the next working day (D11)
        assert deadline(start, minutes=n) == deadline(start, minutes=n + 1)
        assert deadline(start, minutes=n).date() == deadline(start, working_days=1)
        return
    assert deadline(start, minutes=n) - start == timedelta(minutes=n)
    assert deadline(start, minutes=n) < deadline(start, minutes=n + 1)


def test_the_fast_working_day_check_agrees_with_chinese_calendar_on_every_covered_day():
    """is_working_day reads chinese-calendar's tables once instead of calling is_workday (which scans
    every holiday to check its range on each call): the answers must not change."""
    import chinese_calendar

    first, last = covered_years()
    day = date(first, 1, 1)
    while day.year <= last:
        assert is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
