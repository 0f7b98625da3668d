"""Caseworkers handle a whole case: 整件受理 / 审核 / 办结 with per-task exceptions, 退回 and 审核不通过 with
reasons, 转办 to another agency, 补正 with a reason and a 补正期限 after which the item may be ended; every
audit entry names its item, and the applicant gets one message per whole-case step."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import AuditEntry
from kuaiban.platform.notification_models import Notification
from kuaiban.services import cases
from kuaiban.services.models import ACCEPTED, CORRECTION, DONE, REFUSED, SUBMITTED
from tests.materials import uploaded

from .conftest import CERTIFICATE, SHARED
from .test_cases import submit, tasks_of

ITEMS = ["1.1.5", "4.1.1", "2.4.3"]
AT = dt.datetime(2026, 3, 2, 10, 0)


def _case(world) -> str:
    return submit(world, items=ITEMS, materials={CERTIFICATE: "wage.pdf", SHARED: "contract.pdf"}, at=AT)


def _messages(world, number: str) -> list[Notification]:
    with world.session() as s:
        return list(s.scalars(select(Notification).where(Notification.ref == number).order_by(Notification.id)))


def test_a_whole_case_is_accepted_reviewed_and_completed_in_three_actions(sqlite_world):
    number = _case(sqlite_world)
    w = sqlite_world
    for user, action in ((w.window, "accept"), (w.reviewer, "review"), (w.reviewer, "complete")):
        with w.session() as s:
            done = cases.act_case(s, user, number, action, at=AT)
        assert len(done.moved) == 3 and done.skipped == []
    assert {t.state for t in tasks_of(w, number).values()} == {DONE}
    titles = [m.title for m in _messages(w, number)]
    assert titles[-3:] == ["已受理：3 个事项", "已通过审核：3 个事项", "已办结：3 个事项"]
    with w.session() as s:
        trail = s.scalars(select(AuditEntry).where(AuditEntry.action == "accept")).all()
    assert sorted(e.detail["item"] for e in trail) == ["《就业创业证》申领", "劳动用工备案", "职工参保登记"]


def test_an_exception_stays_for_one_by_one_handling(sqlite_world):
    number = _case(sqlite_world)
    odd = tasks_of(sqlite_world, number)["4.1.1"].id
    with sqlite_world.session() as s:
        done = cases.act_case(s, sqlite_world.window, number, "accept", except_ids=[odd], at=AT)
    assert [t.item_code for t, _ in done.skipped] == ["4.1.1"] and "例外" in done.skipped[0][1]
    states = {k: t.state for k, t in tasks_of(sqlite_world, number).items()}
    assert states == {"1.1.5": ACCEPTED, "4.1.1": SUBMITTED, "2.4.3": ACCEPTED}
    with sqlite_world.session() as s, pytest.raises(Forbidden):
        cases.act_case(s, sqlite_world.window, number, "review", at=AT)  # not the window's step
    with sqlite_world.session() as s, pytest.raises(Invalid) as nothing:
        cases.act_case(s, sqlite_world.window, number, "accept", except_ids=[odd], at=AT)
    assert "没有可受理的事项" in nothing.value.message


def test_the_reviewer_sends_back_or_rejects_with_a_reason(sqlite_world):
    number = _case(sqlite_world)
    with sqlite_world.session() as s:
        cases.act_case(s, sqlite_world.window, number, "accept", at=AT)
    t = tasks_of(sqlite_world, number)
    with sqlite_world.session() as s, pytest.raises(Invalid) as bare:
        cases.act(s, sqlite_world.reviewer, t["1.1.5"].id, "send_back", at=AT)
    assert bare.value.field == "reason"
    with sqlite_world.session() as s:
        back = cases.act(s, sqlite_world.reviewer, t["1.1.5"].id, "send_back", reason="工资材料与合同不符（测试）", at=AT)
        no = cases.act(s, sqlite_world.reviewer, t["4.1.1"].id, "reject", reason="用工主体不符（测试）", at=AT)
    assert back.state == SUBMITTED and back.last_reason == "工资材料与合同不符（测试）"
    assert no.state == REFUSED
    texts = [m.text for m in _messages(sqlite_world, number)]
    assert any("退回窗口重新受理。原因：工资材料与合同不符（测试）" in x for x in texts)


def test_a_task_is_transferred_with_a_reason_and_keeps_its_state_and_deadline(sqlite_world):
    number = _case(sqlite_world)
    before = tasks_of(sqlite_world, number)["1.1.5"]
    with sqlite_world.session() as s, pytest.raises(Invalid) as refused:
        cases.transfer(s, sqlite_world.window, before.id, "", "", at=AT)
    assert {e["field"] for e in refused.value.errors} == {"agency", "reason"}
    with sqlite_world.session() as s:
        moved = cases.transfer(s, sqlite_world.window, before.id, "长沙市就业服务中心（测试）", "属就业登记（测试）", at=AT)
        assert (moved.agency, moved.state, moved.due_at) == ("长沙市就业服务中心（测试）", SUBMITTED, before.due_at)
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "transfer")).one()
    assert entry.detail["source"] == "社保经办机构" and entry.detail["item"] == "职工参保登记"


def test_a_correction_carries_its_reason_and_deadline_and_may_be_ended_after_it(sqlite_world):
    number = _case(sqlite_world)
    task = tasks_of(sqlite_world, number)["1.1.5"]
    with sqlite_world.session() as s, pytest.raises(Invalid) as past:
        cases.act(s, sqlite_world.window, task.id, "correct", missing=[SHARED], reason="x",
                  correction_due=AT.date(), at=AT)
    assert past.value.field == "correction_due"
    with sqlite_world.session() as s:
        t = cases.act(s, sqlite_world.window, task.id, "correct", missing=[SHARED], reason="合同须加盖公章（测试）",
                      correction_due=dt.date(2026, 3, 9), at=AT)
        assert t.state == CORRECTION and t.correction_due == dt.datetime(2026, 3, 9, 23, 59, 59)
    notice = _messages(sqlite_world, number)[-1].text
    assert "补正原因：合同须加盖公章（测试）" in notice and "请于2026年3月9日前补正" in notice
    with sqlite_world.session() as s, pytest.raises(Conflict):  # not yet
        cases.act(s, sqlite_world.window, task.id, "lapse", at=dt.datetime(2026, 3, 9, 18, 0))
    with sqlite_world.session() as s:
        ended = cases.act(s, sqlite_world.window, task.id, "lapse", at=dt.datetime(2026, 3, 10, 9, 0))
        assert ended.state == REFUSED and ended.last_reason == "逾期未补正（补正期限 2026-03-09）"


def test_a_partial_supply_is_kept_and_the_task_waits_for_the_rest(sqlite_world):
    number = submit(sqlite_world, items=["1.1.5"], at=AT)  # both materials missing
    task = tasks_of(sqlite_world, number)["1.1.5"]
    with sqlite_world.session() as s:
        cases.act(s, sqlite_world.window, task.id, "correct", reason="材料未提交（测试）", at=AT)
    with sqlite_world.session() as s:
        case = cases.supply(s, sqlite_world.citizen, number, uploaded(s, sqlite_world.citizen, {SHARED: "contract.pdf"}), at=AT)
        assert {m.name: m.status for m in case.materials} == {CERTIFICATE: cases.MISSING, SHARED: cases.PROVIDED}
        assert case.status == "待补正"
    assert tasks_of(sqlite_world, number)["1.1.5"].state == CORRECTION
    with sqlite_world.session() as s:
        cases.supply(s, sqlite_world.citizen, number, uploaded(s, sqlite_world.citizen, {CERTIFICATE: "wage.pdf"}), at=AT)
    assert tasks_of(sqlite_world, number)["1.1.5"].state == SUBMITTED
