"""Statistics generated from the records, over the report period 上月21日–本月20日 (人社厅发〔2020〕79号 （九）)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuaiban.platform.errors import Forbidden, Invalid
from kuaiban.unemployment.decision import decide
from kuaiban.unemployment.deregistration import deregister
from kuaiban.unemployment.lifecycle import record_followup
from kuaiban.unemployment.registration import register_from_national, submit
from kuaiban.unemployment.statistics import compute, report_period, statistics_for
from tests.unemployment.world import local_application, make_world, national_application


@pytest.fixture
def world(backend_url):
    return make_world(backend_url)


def test_report_period_spans_the_21st_to_the_20th():
    assert report_period(2020, 10) == (dt.date(2020, 9, 21), dt.date(2020, 10, 20))
    assert report_period(2021, 1) == (dt.date(2020, 12, 21), dt.date(2021, 1, 20))
    with pytest.raises(Invalid):
        report_period(2020, 13)


@given(st.integers(2020, 2030), st.integers(1, 12))
def test_consecutive_periods_tile_the_calendar(year, month):
    start, end = report_period(year, month)
    next_start, _ = report_period(year + (month == 12), month % 12 + 1)
    assert next_start == end + dt.timedelta(days=1) and start.day == 21 and end.day == 20


def test_figures_for_october_2020(world):
    """Four applications in the 2020-09-21..2020-10-20 period, one from before it."""
    w = world
    with w.session() as s:
        old = submit(s, w.window, local_application(1), declaration_signed=True, at=dt.datetime(2020, 9, 10, 9))
        a = submit(s, w.citizen, local_application(0), declaration_signed=True, at=dt.datetime(2020, 9, 30, 10))
        b = submit(s, w.window, local_application(2), place_basis="参保地", declaration_signed=True,
                   at=dt.datetime(2020, 10, 9, 9))
        c = register_from_national(s, national_application(3, ADC221="2"), received_at=dt.datetime(2020, 10, 12, 9))
        submit(s, w.window, local_application(4), declaration_signed=True, at=dt.datetime(2020, 10, 14, 9))
    with w.session() as s:
        decide(s, w.reviewer, old.aaz341, approve=True, version=1, at=dt.datetime(2020, 9, 11, 9))
        decide(s, w.reviewer, a.aaz341, approve=True, version=1, at=dt.datetime(2020, 10, 9, 9))  # on time
        decide(s, w.reviewer, b.aaz341, approve=False, reason="样例原因", version=1,
               at=dt.datetime(2020, 10, 16, 9))  # due 10-14: late
        decide(s, w.reviewer, c.aaz341, approve=True, version=1, at=dt.datetime(2020, 10, 13, 9))
    with w.session() as s:
        record_followup(s, w.window, old.aaz341, method="电话调查", outcome="仍处失业", at=dt.datetime(2020, 9, 14, 9))
        record_followup(s, w.window, a.aaz341, method="电话调查", outcome="仍处失业", at=dt.datetime(2020, 10, 12, 9))
        deregister(s, w.window, c.aaz341, reason_code="26", version=2, effective_on=dt.date(2020, 10, 19),
                   at=dt.datetime(2020, 10, 20, 9))
    with w.session() as s:
        figures = compute(s, *report_period(2020, 10))
    assert figures["submitted"] == 4
    assert figures["submitted_by_channel"] == {"national": 1, "online": 1, "window": 2}
    assert figures["submitted_by_place_basis"] == {"参保地": 1, "常住地": 1, "户籍地": 2}
    assert (figures["decided"], figures["approved"], figures["rejected"]) == (3, 2, 1)
    assert (figures["decided_on_time"], figures["decided_late"]) == (2, 1)
    assert figures["pending_overdue_at_end"] == 1  # submitted 10-14, due 10-19, undecided on 10-20
    assert figures["registered_at_end"] == 2  # old and a; c died on 10-19
    assert figures["deregistered_by_reason"] == {"26": {"name": "死亡", "count": 1}}
    assert (figures["followed_up"], figures["follow_up_coverage"]) == (1, 0.5)  # old's follow-up was in September
    assert figures["period"]["source"]["doc_no"] == "人社厅发〔2020〕79号"


def test_statistics_are_limited_to_the_users_region(world):
    with world.session() as s:
        submit(s, world.window, local_application(1), declaration_signed=True, at=dt.datetime(2020, 10, 9, 9))
    period = report_period(2020, 10)
    with world.session() as s:
        assert statistics_for(s, world.supervisor, *period)["submitted"] == 1  # 430100 covers 430102
        assert statistics_for(s, world.outsider, *period)["submitted"] == 0  # 370102 sees its own
        with pytest.raises(Forbidden):
            statistics_for(s, world.outsider, *period, region="430102")
        with pytest.raises(Forbidden):
            statistics_for(s, world.window, *period)
