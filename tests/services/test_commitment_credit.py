"""告知承诺 found untrue has the consequences 人社厅发〔2020〕110号 sets (hunan-hrss-2020.txt 921, 927–929,
1024–1028): the item is ended (or its 办结 result revoked), a credit record is written, the applicant is
told, and cannot commit instead of a certificate again until a supervisor records the credit repaired."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.notification_models import Notification
from kuaiban.services import cases, credit
from kuaiban.services.models import DONE, REFUSED, REVOKED, CreditRecord

from .conftest import CERTIFICATE, SEPT_30, SHARED
from .test_cases import submit, tasks_of


def _committed(world) -> tuple[str, int]:
    number = submit(world, items=["1.1.5", "4.1.1"], materials={SHARED: "contract.pdf"}, commit_instead=[CERTIFICATE],
                    at=SEPT_30)
    with world.session() as s:
        (c,) = cases.get_case(s, world.citizen, number).commitments
        return number, c.id


def test_an_untrue_commitment_ends_the_open_item_and_records_credit(sqlite_world):
    number, commitment = _committed(sqlite_world)
    with sqlite_world.session() as s:
        cases.verify_commitment(s, sqlite_world.reviewer, commitment, truthful=False, note="工资审批手续不存在（测试）")
    states = {k: t.state for k, t in tasks_of(sqlite_world, number).items()}
    assert states == {"1.1.5": REFUSED, "4.1.1": "待受理"}  # only the item the commitment was made for
    assert tasks_of(sqlite_world, number)["1.1.5"].last_reason == credit.ENDED
    with sqlite_world.session() as s:
        (record,) = s.scalars(select(CreditRecord)).all()
        assert record.case_number == number and record.reason == "工资审批手续不存在（测试）"
        message = s.scalars(select(Notification).where(Notification.kind == "credit_record")).one()
    assert "在信用修复前" in message.text and "终止办理" in message.text


def test_a_completed_item_is_revoked(sqlite_world):
    number, commitment = _committed(sqlite_world)
    task = tasks_of(sqlite_world, number)["1.1.5"]
    with sqlite_world.session() as s:
        for user, action in ((sqlite_world.window, "accept"), (sqlite_world.reviewer, "review"),
                             (sqlite_world.reviewer, "complete")):
            cases.act(s, user, task.id, action, at=SEPT_30)
    assert tasks_of(sqlite_world, number)["1.1.5"].state == DONE
    with sqlite_world.session() as s:
        cases.verify_commitment(s, sqlite_world.reviewer, commitment, truthful=False, note="不实（测试）")
    assert tasks_of(sqlite_world, number)["1.1.5"].state == REVOKED


def test_no_new_commitment_until_the_credit_is_repaired(sqlite_world):
    _, commitment = _committed(sqlite_world)
    with sqlite_world.session() as s:
        cases.verify_commitment(s, sqlite_world.reviewer, commitment, truthful=False, note="不实（测试）")
    with pytest.raises(Invalid) as barred:
        submit(sqlite_world, items=["1.1.5"], materials={SHARED: "c.pdf"}, commit_instead=[CERTIFICATE])
    assert barred.value.message == credit.BARRED and barred.value.field == "commitments[0]"
    submit(sqlite_world, items=["1.1.5"], materials={SHARED: "c.pdf", CERTIFICATE: "wage.pdf"})  # certificates: fine
    with sqlite_world.session() as s:
        (record,) = credit.open_records(s, sqlite_world.citizen.applicant_id)
        record_id = record.id
        with pytest.raises(Forbidden):
            credit.repair(s, sqlite_world.reviewer, record_id, "x")
        with pytest.raises(Invalid):
            credit.repair(s, sqlite_world.supervisor, record_id, " ")
        credit.repair(s, sqlite_world.supervisor, record_id, "已按期整改，经审核同意修复（测试）")
    with sqlite_world.session() as s, pytest.raises(Conflict):
        credit.repair(s, sqlite_world.supervisor, record_id, "again")
    submit(sqlite_world, items=["1.1.5"], materials={SHARED: "c.pdf"}, commit_instead=[CERTIFICATE])
    with sqlite_world.session() as s:
        assert s.get(CreditRecord, record_id).repair_note == "已按期整改，经审核同意修复（测试）"


def test_the_credit_records_are_the_supervisors_of_the_region(sqlite_world):
    _, commitment = _committed(sqlite_world)
    with sqlite_world.session() as s:
        cases.verify_commitment(s, sqlite_world.reviewer, commitment, truthful=False, note="不实（测试）")
    with sqlite_world.session() as s:
        assert len(credit.records_in_scope(s, sqlite_world.supervisor)) == 1
        assert credit.records_in_scope(s, sqlite_world.outsider) == []
