"""Supervisor statistics: handled counts, time to completion against the limits, materials avoided,
good-rating rate."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform.errors import Forbidden
from kuaiban.services import cases, ratings, stats
from tests.materials import uploaded

from .conftest import CERTIFICATE, FORM, SHARED

SEPT_30 = dt.datetime(2020, 9, 30, 10)


def test_elapsed_working_days_skip_the_national_day_holiday():
    assert stats.elapsed(SEPT_30, dt.datetime(2020, 10, 12, 9), "working_days") == 3  # 10-09, 10-10, 10-12
    assert stats.elapsed(SEPT_30, dt.datetime(2020, 9, 30, 10, 20), "minutes") == 20
    assert stats.elapsed(SEPT_30, dt.datetime(2020, 10, 12), "days") == 12
    assert stats.elapsed(SEPT_30, SEPT_30, "working_days") == 0


def test_p90_is_nearest_rank():
    assert stats.p90([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) == 9
    assert stats.p90([4]) == 4


def finish(world, number, at):
    with world.session() as s:
        ids = [t.id for t in cases.get_case(s, world.citizen, number).tasks]
    for tid in ids:
        for step, who in [("accept", world.window), ("review", world.reviewer), ("complete", world.reviewer)]:
            with world.session() as s:
                cases.act(s, who, tid, step, at=at)


def test_summary_of_the_region(world):
    with world.session() as s:
        a = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["1.1.5", "4.1.1", "2.4.3"],
                         materials=uploaded(s, world.citizen, {SHARED: "c.pdf"}), commit_instead=[CERTIFICATE], at=SEPT_30).number
        b = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3"], at=SEPT_30).number
        cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3"], at=SEPT_30)
    finish(world, a, dt.datetime(2020, 10, 9, 15))  # 1 working day
    finish(world, b, dt.datetime(2020, 10, 12, 15))  # 3 working days
    with world.session() as s:
        ratings.rate(s, world.citizen, a, 5)
        ratings.rate(s, world.citizen, b, 2)
        with pytest.raises(Forbidden):
            stats.summary(s, world.window)
        got = stats.summary(s, world.supervisor)
        other = stats.summary(s, world.outsider)
    assert got["bundles"] == {"submitted": 3, "completed": 2,
                              "by_bundle": {"企业招用员工": {"submitted": 3, "completed": 2}}}
    assert got["items"]["total"] == 5 and got["items"]["completed"] == 4
    # SHARED needed by 1.1.5 and 4.1.1 asked once; the certificate replaced by a commitment
    assert got["materials"] == {"required": 3, "asked": 2, "avoided_by_deduplication": 1,
                                "avoided_by_commitment": 1, "avoided": 2}
    (row,) = [r for r in got["times"] if r["code"] == "2.4.3"]
    assert row["completed"] == 2
    assert row["target"] == {"kind": "working_days", "value": 3, "average": 2.0, "p90": 3.0, "within_limit": 1.0}
    assert row["statutory"]["value"] == 7 and row["speedup_achieved"] == round(1 - 2 / 7, 4)  # 7 个工作日 → 2 on average
    assert got["ratings"] == {"count": 2, "good": 1, "good_rate": 0.5, "by_level": {"2": 1, "5": 1}, "of_claims": 0}
    assert other["bundles"]["submitted"] == 0 and other["ratings"]["good_rate"] is None
