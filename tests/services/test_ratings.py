"""好差评 after completion; a bad rating opens a rectification 核实 → 整改 → 反馈 with the region's deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.services import cases, ratings

from .conftest import FORM


def completed_case(world, at=dt.datetime(2020, 9, 30, 10)) -> str:
    with world.session() as s:
        number = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3"], at=at).number
    with world.session() as s:
        tid = cases.get_case(s, world.citizen, number).tasks[0].id
    for step, who in [("accept", world.window), ("review", world.reviewer), ("complete", world.reviewer)]:
        with world.session() as s:
            cases.act(s, who, tid, step, at=at)
    return number


def test_only_a_completed_case_is_rated_once_by_its_applicant(world):
    with world.session() as s:
        pending = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3"]).number
    with world.session() as s, pytest.raises(Conflict) as e:
        ratings.rate(s, world.citizen, pending, 5)
    assert "尚未办结" in e.value.message
    number = completed_case(world)
    with world.session() as s, pytest.raises(NotFound):  # another person's case is not said to exist (s19)
        ratings.rate(s, world.neighbour, number, 5)
    with world.session() as s, pytest.raises(Invalid) as e:
        ratings.rate(s, world.citizen, number, 6)
    assert e.value.field == "level"
    with world.session() as s:
        r = ratings.rate(s, world.citizen, number, 5, "一次办好")
        assert (r.level, r.text) == (5, "一次办好")
        assert ratings.rectifications(s, world.supervisor) == []
    with world.session() as s, pytest.raises(Conflict):
        ratings.rate(s, world.citizen, number, 4)


def test_a_bad_rating_without_a_region_limit_opens_a_rectification_with_unknown_deadline(world):
    number = completed_case(world)
    with world.session() as s:
        ratings.rate(s, world.citizen, number, 2, "等了很久")
        (rect,) = ratings.rectifications(s, world.supervisor)
        assert (rect.state, rect.due_at) == ("待核实", None)


def test_rectification_goes_verify_fix_feedback_within_the_region_limit(world):
    with world.session() as s:
        ratings.set_rectification_limit(s, world.supervisor, 5)
    number = completed_case(world)
    with world.session() as s:
        ratings.rate(s, world.citizen, number, 1, at=dt.datetime(2020, 9, 30, 16))
        (rect,) = ratings.rectifications(s, world.supervisor)
        # 5 working days after 09-30 across National Day: 10-09, 10-10 (补班), 10-12, 10-13, 10-14
        assert rect.due_at == dt.datetime(2020, 10, 14, 23, 59, 59)
        assert ratings.rectifications(s, world.outsider) == []
    for note, state in [("情况属实", "待整改"), ("已增开窗口", "待反馈"), ("已电话回访", "已反馈")]:
        with world.session() as s:
            assert ratings.advance(s, world.supervisor, rect.id, note).state == state
    with world.session() as s:
        assert ratings.rectifications(s, world.supervisor) == []
        (closed,) = ratings.rectifications(s, world.supervisor, open_only=False)
        assert (closed.verify_note, closed.fix_note, closed.feedback_note) == ("情况属实", "已增开窗口", "已电话回访")
        with pytest.raises(Conflict):
            ratings.advance(s, world.supervisor, rect.id, "再来一次")


def test_a_stale_rectification_step_is_a_conflict(world):
    number = completed_case(world)
    with world.session() as s:
        ratings.rate(s, world.citizen, number, 1)
        (rect,) = ratings.rectifications(s, world.supervisor)
    with world.session() as s:
        ratings.advance(s, world.supervisor, rect.id, "核实", version=1)
    with world.session() as s, pytest.raises(Conflict):
        ratings.advance(s, world.supervisor, rect.id, "整改", version=1)
    with world.session() as s, pytest.raises(Forbidden):
        ratings.advance(s, world.outsider, rect.id, "整改")
