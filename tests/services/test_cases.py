"""The bundle case: one form, one set of materials, one task per item, deadlines, life cycle,
concurrency and all-or-nothing submission — on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import AuditEntry
from kuaiban.services import cases
from kuaiban.services.models import Case, Commitment, Material, Task
from tests.materials import uploaded

from .conftest import CERTIFICATE, FORM, SEPT_30, SHARED

UNEMPLOYMENT_FORM = {"姓名": "测试乙", "性别": "男", "证件类型": "居民身份证", "证件号码": "11010119900101901X",
                     "证件有效期": "2030-01-01", "手机号码": "13800000001", "失业类型(失业原因)": "合同期满",
                     "原工作单位": "测试企业甲", "失业时间": "2020-09-01", "户籍地址": "湖南省长沙市", "常住地址": "湖南省长沙市"}


def submit(world, user=None, bundle="企业招用员工", form=FORM, **kw):
    with world.session() as s:
        who = user or world.citizen
        if "materials" in kw:  # each named file uploaded by the applicant first
            kw["materials"] = uploaded(s, who, kw["materials"])
        case = cases.submit(s, who, bundle, form, **kw)
        return case.number


def tasks_of(world, number):
    with world.session() as s:
        return {t.item_code or t.item_name: t for t in cases.get_case(s, world.supervisor, number).tasks}


# ---------------------------------------------------------------- the one form


def test_form_lists_each_field_once_and_marks_the_basic_information_required():
    spec = cases.form_spec(cases.find_bundle("企业招用员工"))
    names = [f.name for f in spec.fields]
    assert len(names) == len(set(names))
    assert {f.name for f in spec.fields if f.required} == set(FORM)
    assert {"name": "就业登记", "default_checked": False, "checkable": True, "automatic": False,
            "conditions": [], "line": 3737} in spec.services
    assert spec.source["doc_no"] == "人社部发〔2021〕23号"


def test_a_form_field_the_bundle_does_not_have_is_refused_by_name(world):
    with pytest.raises(Invalid) as e:
        submit(world, form=FORM | {"血型": "A"})
    assert e.value.field == "form.血型" and "血型" in e.value.message


def test_a_missing_required_field_is_named(world):
    with pytest.raises(Invalid) as e:
        submit(world, form={k: v for k, v in FORM.items() if k != "手机号码"})
    assert e.value.field == "form.手机号码" and e.value.message == "缺少必填信息项：手机号码"


def test_unknown_bundle_lists_the_ten():
    with pytest.raises(NotFound) as e:
        cases.find_bundle("开饭馆")
    assert "企业招用员工" in e.value.message and e.value.field == "bundle"


# ---------------------------------------------------------------- fan-out, materials, commitments


def test_a_bundle_fans_out_one_task_per_item_routed_to_its_agency(world):
    number = submit(world, materials={CERTIFICATE: "wage.pdf", SHARED: "contract.pdf"})
    tasks = tasks_of(world, number)
    # 11 items of 附件1 第1项; the pension-transfer group is one task until a sub-item is chosen
    assert list(tasks) == ["1.1.5", "1.3.1", "养老保险关系转移接续", "1.8.8", "1.10.1", "2.4.2", "2.4.3",
                           "2.7.1", "3.4.1", "3.4.7", "4.1.1"]
    assert all(t.state == "待受理" and t.version == 1 for t in tasks.values())
    assert tasks["1.1.5"].agency == "社保经办机构"
    assert tasks["1.3.1"].agency is None  # the region has not routed it: not guessed


def test_each_material_is_asked_once_however_many_items_need_it(world):
    number = submit(world, materials={SHARED: "contract.pdf"})
    with world.session() as s:
        case = cases.get_case(s, world.citizen, number)
        got = {m.name: (m.needed_by, m.status) for m in case.materials}
        assert got == {CERTIFICATE: (["1.1.5"], "缺"), SHARED: (["1.1.5", "4.1.1"], "已提交")}
        assert (case.materials_required, case.materials_asked) == (3, 2)


def test_a_listed_certificate_may_be_replaced_by_a_signed_commitment_to_verify(world):
    number = submit(world, materials={SHARED: "contract.pdf"}, commit_instead=[CERTIFICATE], at=SEPT_30)
    with world.session() as s:
        case = cases.get_case(s, world.citizen, number)
        (c,) = case.commitments
        assert (c.item_name, c.certificate, c.signer) == ("职工参保登记", CERTIFICATE, "测试企业甲")
        assert "以本承诺代替该证明材料" in c.text and "人社厅发〔2020〕110号" in c.text
        assert c.source["doc_no"] == "人社厅发〔2020〕110号" and c.source["seq"] == 3
        assert len(c.signature) == 64 and c.verification_state == "待核查"
        assert {m.name: m.status for m in case.materials}[CERTIFICATE] == "承诺代替"
        assert case.materials_committed == 1
        cases.verify_commitment(s, world.reviewer, c.id, truthful=True, note="与档案一致")
    with world.session() as s, pytest.raises(Conflict):
        cases.verify_commitment(s, world.reviewer, c.id, truthful=False)


def test_a_commitment_for_a_certificate_not_on_the_list_is_refused(world):
    with pytest.raises(Invalid) as e:
        submit(world, commit_instead=[SHARED])
    assert e.value.field == "commitments[0]" and "告知承诺制清单" in e.value.message


# ---------------------------------------------------------------- deadlines


def test_deadlines_skip_national_day_2020_and_count_its_make_up_saturday(world):
    number = submit(world, bundle="企业招用员工", at=SEPT_30, items=["2.4.3", "2.4.2", "3.4.7"])
    tasks = tasks_of(world, number)
    # 3 working days after 09-30: 10-09 (Fri), 10-10 (补班 Saturday), 10-12
    assert tasks["2.4.3"].due_at == dt.datetime(2020, 10, 12, 23, 59, 59)
    assert tasks["2.4.2"].due_at == dt.datetime(2020, 10, 14, 23, 59, 59)
    assert tasks["3.4.7"].due_at == dt.datetime(2020, 9, 30, 10, 30)  # 即办: 30 minutes
    assert tasks["2.4.3"].limit_basis == "提速目标"
    with world.session() as s:
        assert cases.get_case(s, world.citizen, number).due_at == dt.datetime(2020, 10, 14, 23, 59, 59)


def test_deadline_across_spring_festival_2021(world):
    number = submit(world, at=dt.datetime(2021, 2, 10, 9), items=["2.4.3"])
    # 02-11..02-17 off; 02-20 (Saturday) is a make-up working day: 02-18, 02-19, 02-20
    assert tasks_of(world, number)["2.4.3"].due_at == dt.datetime(2021, 2, 20, 23, 59, 59)


def test_an_item_without_a_limit_makes_the_case_deadline_unknown(world):
    number = submit(world, at=SEPT_30)
    tasks = tasks_of(world, number)
    assert tasks["1.1.5"].due_at is None and "时限未知" in tasks["1.1.5"].limit_note
    with world.session() as s:
        assert cases.get_case(s, world.citizen, number).due_at is None


def test_a_group_sub_item_can_be_chosen_and_gets_its_own_limit(world):
    number = submit(world, at=SEPT_30, items=["1.6.10"])
    t = tasks_of(world, number)["1.6.10"]
    assert (t.group_name, t.limit_kind, t.limit_value) == ("养老保险关系转移接续", "working_days", 15)
    with pytest.raises(Invalid) as e:
        submit(world, items=["9.9.9"])
    assert e.value.field == "items[0]"


def test_overdue_and_due_soon_lists(world):
    submit(world, at=SEPT_30, items=["2.4.3", "2.4.2"])
    with world.session() as s:
        late = cases.overdue(s, world.window, at=dt.datetime(2020, 10, 13, 9))
        soon = cases.due_soon(s, world.window, at=dt.datetime(2020, 10, 13, 9))
        assert [t.item_code for t in late] == ["2.4.3"]
        assert [t.item_code for t in soon] == ["2.4.2"]
        assert cases.overdue(s, world.outsider, at=dt.datetime(2020, 10, 13, 9)) == []
        with pytest.raises(Forbidden):
            cases.overdue(s, world.citizen)


# ---------------------------------------------------------------- life cycle


def run(world, user, task_id, action, **kw):
    with world.session() as s:
        return cases.act(s, user, task_id, action, **kw)


def test_accept_review_complete_every_task_completes_the_case_with_an_audit_trail(world):
    number = submit(world, items=["2.4.2", "2.4.3"])
    ids = [t.id for t in tasks_of(world, number).values()]
    for tid in ids:
        assert run(world, world.window, tid, "accept").state == "已受理"
        run(world, world.reviewer, tid, "review")
        done = run(world, world.reviewer, tid, "complete", reason="办结")
        assert (done.state, done.version, done.last_actor_id) == ("已办结", 4, world.reviewer.id)
    with world.session() as s:
        case = cases.get_case(s, world.citizen, number)
        assert case.status == "已办结" and case.completed_at is not None
        actions = s.scalars(select(AuditEntry.action).where(AuditEntry.case_id == case.id)
                            .order_by(AuditEntry.id)).all()
    assert actions == ["submit"] + ["accept", "review", "complete"] * 2 + ["case_status"]


def test_refusal_needs_a_reason_and_ends_the_task(world):
    number = submit(world, items=["2.4.2", "2.4.3"])
    a, b = (t.id for t in tasks_of(world, number).values())
    with pytest.raises(Invalid) as e:
        run(world, world.window, a, "refuse")
    assert e.value.field == "reason"
    assert run(world, world.window, a, "refuse", reason="不属于本机构受理范围").state == "不予受理"
    for step, who in [("accept", world.window), ("review", world.reviewer), ("complete", world.reviewer)]:
        run(world, who, b, step)
    with world.session() as s:
        assert cases.get_case(s, world.citizen, number).status == "已办结"


def test_correction_lists_every_missing_material_in_one_notice_and_restarts_the_clock(world):
    number = submit(world, at=SEPT_30, items=["1.1.5", "2.4.3"])
    tid = tasks_of(world, number)["1.1.5"].id
    t = run(world, world.window, tid, "correct", missing=["加盖公章的申请表"], at=SEPT_30)
    assert t.state == "待补正"
    assert t.correction_notice == [CERTIFICATE, SHARED, "加盖公章的申请表"]
    with world.session() as s:
        assert cases.get_case(s, world.citizen, number).status == "待补正"
        case = cases.supply(s, world.citizen, number, uploaded(s, world.citizen, {CERTIFICATE: "wage.pdf", SHARED: "contract.pdf"}),
                            at=dt.datetime(2020, 10, 8, 9))
        assert case.status == "待补正"  # a partial answer is kept; the task waits for the rest of its notice
        case = cases.supply(s, world.citizen, number, uploaded(s, world.citizen, {"加盖公章的申请表": "form.pdf"}), at=dt.datetime(2020, 10, 9, 9))
        assert case.status == "办理中"
    t = tasks_of(world, number)["1.1.5"]
    assert (t.state, t.started_at) == ("待受理", dt.datetime(2020, 10, 9, 9))


def test_a_material_the_notice_adds_or_asks_again_can_be_supplied(world):
    number = submit(world, at=SEPT_30, items=["1.1.5", "2.4.3"])
    tid = tasks_of(world, number)["1.1.5"].id
    run(world, world.window, tid, "correct", missing=["加盖公章的申请表"], at=SEPT_30)
    with world.session() as s:
        materials = {m.name: m.status for m in cases.get_case(s, world.citizen, number).materials}
        assert materials["加盖公章的申请表"] == "缺"
        case = cases.supply(s, world.citizen, number, uploaded(s, world.citizen, {"加盖公章的申请表": "form.pdf"}), at=dt.datetime(2020, 10, 9, 9))
        assert {m.name: m.status for m in case.materials}["加盖公章的申请表"] == "已提交"
    assert tasks_of(world, number)["1.1.5"].state == "待补正"  # the notice also asked for two others
    with world.session() as s:
        cases.supply(s, world.citizen, number, uploaded(s, world.citizen, {CERTIFICATE: "wage.pdf", SHARED: "contract.pdf"}),
                     at=dt.datetime(2020, 10, 9, 10))
    assert tasks_of(world, number)["1.1.5"].state == "待受理"


def test_correction_with_nothing_missing_is_refused(world):
    number = submit(world, items=["2.4.3"])
    with pytest.raises(Invalid) as e:
        run(world, world.window, tasks_of(world, number)["2.4.3"].id, "correct")
    assert e.value.field == "missing"


def test_each_step_belongs_to_one_role_and_one_state(world):
    tid = tasks_of(world, submit(world, items=["2.4.3"]))["2.4.3"].id
    with pytest.raises(Forbidden):
        run(world, world.reviewer, tid, "accept")
    with pytest.raises(Forbidden):
        run(world, world.citizen, tid, "accept")
    with pytest.raises(Forbidden):  # staff of another region
        run(world, world.outsider, tid, "accept")
    with pytest.raises(Conflict) as e:
        run(world, world.reviewer, tid, "complete")
    assert "不能办结" in e.value.message


def test_acting_on_a_version_seen_before_another_change_is_a_conflict(world):
    tid = tasks_of(world, submit(world, items=["2.4.3"]))["2.4.3"].id
    run(world, world.window, tid, "accept", version=1)
    with pytest.raises(Conflict) as e:
        run(world, world.reviewer, tid, "review", version=1)
    assert e.value.field == "version" and "已被他人处理" in e.value.message


def test_two_staff_acting_on_the_same_task_at_once_exactly_one_wins(world):
    tid = tasks_of(world, submit(world, items=["2.4.3"]))["2.4.3"].id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def staff(reason: str) -> None:
        with world.session() as s:
            s.get(Task, tid)  # both read version 1 before either writes
            barrier.wait()
            try:
                cases.act(s, world.window, tid, "refuse" if reason else "accept", version=1, reason=reason)
                outcomes.append("won")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=staff, args=(r,)) for r in ("", "材料不全")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert sorted(outcomes) == ["conflict", "won"]
    with world.session() as s:
        task = s.get(Task, tid)
        assert task.version == 2 and task.state in ("已受理", "不予受理")
        assert s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.entity == "task", AuditEntry.entity_id == tid)) == 1


def test_a_crash_in_the_middle_of_a_submission_leaves_nothing(world, monkeypatch):
    real = cases.audit.record
    written = {}

    def crash_after_the_rows_are_written(session, action, *args, **kw):
        if action == "submit":  # the case, its tasks and materials are flushed by now
            written["tasks"] = session.scalar(select(func.count()).select_from(Task))
            raise RuntimeError("进程崩溃（模拟）")
        return real(session, action, *args, **kw)

    monkeypatch.setattr(cases.audit, "record", crash_after_the_rows_are_written)
    with pytest.raises(RuntimeError):
        submit(world, materials={SHARED: "contract.pdf"}, commit_instead=[CERTIFICATE])
    assert written["tasks"] == 11  # the crash came after the writes…
    with world.session() as s:  # …and none of them survived
        for model in (Case, Task, Material, Commitment):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "submit")) == 0
    monkeypatch.setattr(cases.audit, "record", real)
    assert submit(world)  # the database is usable afterwards


# ---------------------------------------------------------------- who sees what


def test_applicants_see_only_their_own_cases_supervisors_their_region(world):
    mine = submit(world, items=["2.4.3"])
    # 2.4.3: item 2.4.1 is filed as a 失业登记 with its own part of the form (tests/unemployment/test_audit_s13.py)
    theirs = submit(world, world.neighbour, "失业", UNEMPLOYMENT_FORM, items=["2.4.3"])
    with world.session() as s:
        assert [c.number for c in cases.list_cases(s, world.citizen)] == [mine]
        with pytest.raises(NotFound) as hidden:  # another person's case is not said to exist (s19)
            cases.get_case(s, world.citizen, theirs)
        assert (hidden.value.message, hidden.value.field) == (f"没有这个办件：{theirs}", "number")
        assert {c.number for c in cases.list_cases(s, world.supervisor)} == {mine, theirs}
        assert cases.list_cases(s, world.outsider) == []
        with pytest.raises(Forbidden):
            cases.get_case(s, world.outsider, mine)
