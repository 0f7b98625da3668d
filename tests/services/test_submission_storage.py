"""How a submission is stored, now that it bypasses the ORM's unit of work for speed
(docs/services.md, “Load”): what the caller gets back is exactly what the database holds, the
session has nothing left to write, the audit entry shares the transaction, and memoised
deadlines behave like computed ones — on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from kuaiban.platform import audit, auth
from kuaiban.platform.models import AuditEntry
from kuaiban.services import cases
from kuaiban.services.models import Case, Commitment, Material, Task
from tests.materials import uploaded

from .conftest import CERTIFICATE, CITIZEN_ID, FORM, PASSWORD, REGION, SHARED

# a second employer's new employee (s21: 企业招用员工 is a unit's bundle, so the second applicant of these tests is
# another unit, not the citizen neighbour)
NEIGHBOUR_FORM = {**FORM, "姓名": "测试乙", "证件号码": CITIZEN_ID, "性别": "男"}

LATE_2026 = dt.datetime(2026, 12, 14, 10)  # 15 working days later is in 2027: no holiday data yet


def columns(obj) -> dict:
    return {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}


def test_the_returned_case_is_the_stored_case_with_nothing_pending(world):
    with world.session() as s:
        case = cases.submit(s, world.citizen, "企业招用员工", FORM, materials=uploaded(s, world.citizen, {SHARED: "contract.pdf"}),
                            commit_instead=[CERTIFICATE])
        assert not s.new and not s.dirty  # stored already: the commit has nothing left to write
        assert s.get(Task, case.tasks[0].id) is case.tasks[0]  # in the identity map, not read again
        assert case.applicant.name == "测试企业甲" and case.tasks[0].case is case
        returned = {"case": columns(case), "tasks": [columns(t) for t in case.tasks],
                    "materials": [columns(m) for m in case.materials],
                    "commitments": [columns(c) for c in case.commitments]}
    with world.session() as s:
        stored = cases.get_case(s, world.supervisor, case.number)
        assert returned == {"case": columns(stored), "tasks": [columns(t) for t in stored.tasks],
                            "materials": [columns(m) for m in stored.materials],
                            "commitments": [columns(c) for c in stored.commitments]}
    assert [t["item_code"] or t["item_name"] for t in returned["tasks"]][:3] == ["1.1.5", "1.3.1", "养老保险关系转移接续"]
    assert [t["id"] for t in returned["tasks"]] == sorted(t["id"] for t in returned["tasks"])


def test_the_api_answer_built_from_the_written_rows_is_the_stored_case(world):
    """The API's submission (cases.submit_rows: no ORM objects) answers what a later read of the case gives."""
    with world.session() as s:
        rows = cases.submit_rows(s, world.citizen, "企业招用员工", FORM, materials=uploaded(s, world.citizen, {SHARED: "contract.pdf"}),
                                 commit_instead=[CERTIFICATE])
        assert not s.new and not s.dirty  # nothing for the ORM to write …
        assert not any(isinstance(o, Case | Task | Material | Commitment) for o in s.identity_map.values())  # … or track
    answered = cases.case_dict(rows)
    with world.session() as s:
        assert answered == cases.case_view(s, world.citizen, rows.number)
        assert answered == cases.case_dict(cases.get_case(s, world.supervisor, rows.number))
    assert answered["commitments"] and answered["materials"] and len(answered["tasks"]) == 11


@pytest.fixture
def other_employer(world):
    """A second unit's account in the region (企业招用员工 is filed by units only)."""
    with world.session() as s:
        unit = auth.create_applicant(s, "enterprise", "测试企业乙", region=REGION)
        user = auth.create_user(s, "employer-b", PASSWORD, "applicant", applicant=unit, region=REGION)
        s.flush()
        s.expunge(user)
    return user


def test_two_submissions_in_one_transaction_keep_their_own_ids(world, other_employer):
    """Each case's ids are read back by case, in insertion order."""
    with world.session() as s:
        a = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3", "2.4.2"])
        b = cases.submit(s, other_employer, "企业招用员工", NEIGHBOUR_FORM, items=["1.1.5"])
        assert [t.item_code for t in a.tasks] == ["2.4.3", "2.4.2"] and [t.item_code for t in b.tasks] == ["1.1.5"]
        assert {t.case_id for t in a.tasks} == {a.id} and {m.case_id for m in b.materials} == {b.id}
        for t in (*a.tasks, *b.tasks):
            assert s.scalar(select(Task.item_code).where(Task.id == t.id)) == t.item_code


def test_simultaneous_submissions_each_get_their_own_rows_in_order(world, other_employer):
    items = ["2.4.3", "2.4.2", "1.1.5", "3.4.7"]
    barrier = threading.Barrier(4)
    got: list[tuple[list[str], list[tuple[int, str]]]] = []

    def applicant(user, order):
        with world.session() as s:
            barrier.wait()
            form = NEIGHBOUR_FORM if user is other_employer else FORM
            case = cases.submit(s, user, "企业招用员工", form, items=order)
            got.append((order, [(t.case_id, t.item_code) for t in case.tasks]))

    threads = [threading.Thread(target=applicant, args=(u, items[::step]))
               for u in (world.citizen, other_employer) for step in (1, -1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and len({tasks[0][0] for _, tasks in got}) == 4
    with world.session() as s:
        for order, tasks in got:
            assert [code for _, code in tasks] == order
            stored = s.execute(select(Task.case_id, Task.item_code).where(Task.case_id == tasks[0][0])
                               .order_by(Task.id)).all()
            assert [tuple(r) for r in stored] == tasks


def test_a_change_to_the_returned_case_is_saved_like_any_loaded_object(world):
    with world.session() as s:
        case = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3"])
        case.tasks[0].agency = "示例窗口"
    with world.session() as s:
        assert s.scalar(select(Task.agency).where(Task.case_id == case.id)) == "示例窗口"


def test_a_failed_submission_leaves_no_audit_entry_behind(world):
    with pytest.raises(RuntimeError), world.session() as s:
        cases.submit(s, world.citizen, "企业招用员工", FORM, items=["2.4.3"])
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "submit")) == 1
        raise RuntimeError("进程崩溃（模拟）")
    with world.session() as s:
        for model in (Case, Task, Material, Commitment):
            assert s.scalar(select(func.count()).select_from(model)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "submit")) == 0


def test_an_audit_entry_is_written_with_its_actor_and_detail(world):
    at = dt.datetime(2021, 3, 1, 9, 30)
    with world.session() as s:
        audit.record(s, "test_action", "case", 7, actor=world.window, at=at, case_id=7, when=dt.date(2021, 3, 1),
                     items=("a", "b"))
    with world.session() as s:
        e = s.scalar(select(AuditEntry).where(AuditEntry.action == "test_action"))
        assert (e.at, e.actor_id, e.actor_role, e.entity, e.entity_id, e.case_id) == (
            at, world.window.id, "window", "case", 7, 7)
        assert e.detail == {"when": "2021-03-01", "items": ["a", "b"]}


def test_a_deadline_past_the_published_holidays_is_provisional_every_time(world):
    """The provisional answer is memoised like a computed day: the second submission says the same (s20: a
    deadline reaching a year whose 节假日安排 is unknown is counted with weekends and fixed-date holidays)."""
    notes = []
    for _ in range(2):
        with world.session() as s:
            # 1.8.8: 15 working days (附件2); 1.10.1's 30 no longer serves: a one-person card is 零星制发, 5 (audit D1)
            case = cases.submit(s, world.citizen, "企业招用员工", FORM, items=["1.8.8", "2.4.3"], at=LATE_2026)
            (long, short) = case.tasks
            # 12-15..12-31 are 13 working days; 2027-01-01 (元旦) is skipped: the 15th is 2027-01-05
            assert long.due_at == case.due_at == dt.datetime(2027, 1, 5, 23, 59, 59)
            assert long.due_provisional and case.due_provisional and not short.due_provisional
            assert short.due_at == dt.datetime(2026, 12, 17, 23, 59, 59)
            notes.append(long.limit_note)
    assert notes[0] == notes[1] and "按周末推算，待当年节假日安排公布后校正" in notes[0]
    assert "chinese" not in notes[0]


def test_form_rules_are_the_form_spec_s():
    for bundle in cases.catalogue.bundles():
        spec = cases.form_spec(bundle)
        rules = cases._form_rules(bundle.seq)
        assert rules.required == tuple(f.name for f in spec.fields if f.required)
        assert rules.known == {f.name for f in spec.fields} | {x["name"] for x in spec.services}


def test_the_full_case_read_from_rows_is_the_orm_read(world):
    """case_view (the API's GET /api/cases/{n}) skips the ORM; it must say exactly what
    case_dict(get_case(…)) says, for every kind of row, and guard access the same way."""
    from kuaiban.platform.errors import Forbidden, NotFound

    with world.session() as s:
        case = cases.submit(s, world.citizen, "企业招用员工", FORM, materials=uploaded(s, world.citizen, {SHARED: "contract.pdf"}),
                            commit_instead=[CERTIFICATE])
        number, first = case.number, case.tasks[0].id
    with world.session() as s:
        cases.act(s, world.window, first, "correct", missing=["身份证明（测试）"])
    for user in (world.citizen, world.supervisor):
        with world.session() as s:
            assert cases.case_view(s, user, number, in_full=True) == cases.case_dict(cases.get_case(s, user, number))
    with world.session() as s:
        view = cases.case_view(s, world.citizen, number)
        assert view["tasks"][0]["correction_notice"] == ["身份证明（测试）"] and view["commitments"][0]["id"]
        with pytest.raises(NotFound):  # another applicant: the number is not said to exist (s19)
            cases.case_view(s, world.neighbour, number)
        with pytest.raises(Forbidden):  # staff of another region
            cases.case_view(s, world.outsider, number)
        with pytest.raises(NotFound):
            cases.case_view(s, world.citizen, "KB-无此件")
