"""进度查询 without signing in (kuaiban.services.progress): the 办件编号 and the applicant's name or the
last 4 characters of the number; wrong answers are counted and lock the number (and the address)."""

from __future__ import annotations

import datetime as dt

import pytest

from kuaiban.platform.errors import Invalid, TooManyRequests
from kuaiban.services import cases, progress
from tests.services.conftest import CITIZEN_ID, FORM
from tests.services.test_cases import UNEMPLOYMENT_FORM

AT = dt.datetime(2026, 3, 2, 10, 0)


def _submit(world) -> str:
    with world.session() as s:
        return cases.submit(s, world.citizen, 1, FORM, items=["4.1.1"], at=AT).number


def _citizen_case(world) -> str:
    with world.session() as s:
        # 2.4.3: item 2.4.1 needs its own part of the form (tests/unemployment/test_audit_s13.py)
        return cases.submit(s, world.neighbour, 3, UNEMPLOYMENT_FORM, items=["2.4.3"], at=AT).number


def test_the_name_or_the_last_four_digits_open_the_progress_and_nothing_personal(sqlite_world):
    number = _submit(sqlite_world)
    with sqlite_world.session() as s:
        found = progress.lookup(s, number, "测试企业甲", at=AT)
    assert found["status"] == "办理中" and found["tasks"][0]["item_name"] == "劳动用工备案"
    assert "form" not in found and "applicant" not in found
    mine = _citizen_case(sqlite_world)
    with sqlite_world.session() as s:
        assert progress.lookup(s, mine, CITIZEN_ID[-4:].lower(), at=AT)["number"] == mine  # 901x → 901X


def test_a_wrong_check_and_an_unknown_number_get_the_same_answer_and_are_counted(sqlite_world):
    number = _submit(sqlite_world)
    for n in range(progress.CASE_LIMIT):
        with sqlite_world.session() as s:
            assert progress.lookup(s, number, f"别人{n}", address="10.0.0.1", at=AT) is None
    with sqlite_world.session() as s, pytest.raises(TooManyRequests) as refused:
        progress.lookup(s, number, "测试企业甲", address="10.0.0.2", at=AT)  # even the right answer waits
    assert "核验失败次数过多" in refused.value.message
    with sqlite_world.session() as s:  # after the lock, the right answer works again
        assert progress.lookup(s, number, "测试企业甲", at=AT + dt.timedelta(minutes=16)) is not None
        assert progress.lookup(s, "KB000", "测试企业甲", at=AT + dt.timedelta(minutes=16)) is None


def test_guessing_many_numbers_from_one_address_is_stopped(sqlite_world):
    for n in range(progress.ADDRESS_LIMIT):
        with sqlite_world.session() as s:
            progress.lookup(s, f"KB2026{n:010d}", "某人", address="10.0.0.9", at=AT)
    with sqlite_world.session() as s, pytest.raises(TooManyRequests):
        progress.lookup(s, "KB2026X", "某人", address="10.0.0.9", at=AT)


def test_both_fields_are_required(sqlite_world):
    with sqlite_world.session() as s:
        with pytest.raises(Invalid) as e:
            progress.lookup(s, " ", "x", at=AT)
        assert e.value.field == "number"
        with pytest.raises(Invalid) as e:
            progress.lookup(s, "KB1", "", at=AT)
        assert e.value.field == "check"
