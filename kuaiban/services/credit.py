"""告知承诺 found untrue, and what follows, as 人社厅发〔2020〕110号 sets it (hunan-hrss-2020.txt):

- 921: “申请人有较严重的不良信用记录或曾作出虚假承诺等情形的，在信用修复前，不适用告知承诺制。”
  → while an applicant has a record not yet repaired, no new commitment is accepted (submission or 补正);
- 927 and 1028: “对在核查或者日常监管中发现承诺不实的，依法依规终止办理、责令限期整改、撤销行政决定或予以
  行政处罚，并纳入信用记录” → the item the commitment was made for is ended (终止办理) if still open, or its
  result revoked (撤销, state 已撤销) if already 办结; a credit record is written; the applicant is told.
  责令限期整改 and 行政处罚 are decisions of the authority outside this system: the record says so.
- 929 (信用监管: 按规定程序记入…信用记录) and 921 (信用修复): a supervisor of the region marks a record
  repaired, with the reason; the record stays, so the history is kept.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, notifications
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Invalid, NotFound
from kuaiban.platform.models import SUPERVISOR, User
from kuaiban.services.models import (
    DONE,
    FINAL_TASK_STATES,
    REFUSED,
    REVOKED,
    Case,
    Commitment,
    CreditRecord,
    Task,
)

BARRED = ("您曾有告知承诺核查不实的记录，在信用修复前不适用告知承诺制，请提交证明材料本身"
          "（人社厅发〔2020〕110号）")
ENDED = "告知承诺核查不实，依法终止办理（人社厅发〔2020〕110号）"
REVOKED_REASON = "告知承诺核查不实，撤销办理结果（人社厅发〔2020〕110号）"


def open_records(session: Session, applicant_id: int) -> list[CreditRecord]:
    return list(session.scalars(select(CreditRecord).where(CreditRecord.applicant_id == applicant_id,
                                                           CreditRecord.repaired_at.is_(None))
                                .order_by(CreditRecord.id)))


def may_commit(session: Session, applicant_id: int) -> bool:
    """No unrepaired record of an untrue commitment (110号: 在信用修复前，不适用告知承诺制)."""
    return not open_records(session, applicant_id)


def require_may_commit(session: Session, applicant_id: int, field: str = "commitments[0]") -> None:
    if not may_commit(session, applicant_id):
        raise Invalid(BARRED, field)


def untrue(session: Session, user: User, commitment: Commitment, note: str | None, at: dt.datetime) -> CreditRecord:
    """What follows a commitment found untrue: the item ended or its result revoked, a credit record, a message."""
    case = session.get(Case, commitment.case_id)
    affected: list[tuple[Task, str]] = []
    for task in session.scalars(select(Task).where(Task.case_id == case.id, Task.item_name == commitment.item_name)):
        if task.state == DONE:
            target, reason = REVOKED, REVOKED_REASON
        elif task.state not in FINAL_TASK_STATES:
            target, reason = REFUSED, ENDED
        else:
            continue
        session.execute(update(Task).where(Task.id == task.id, Task.version == task.version)
                        .values(state=target, version=Task.version + 1, completed_at=at, last_actor_id=user.id,
                                last_reason=reason).execution_options(synchronize_session=False))
        audit.record(session, "commitment_consequence", "task", task.id, actor=user, at=at, case_id=case.id,
                     item=task.item_name, item_code=task.item_code, source=task.state, target=target, reason=reason)
        affected.append((task, target))
        session.expire(task)
    record = CreditRecord(applicant_id=case.applicant_id, commitment_id=commitment.id, case_number=case.number,
                          reason=(note or "").strip() or "告知承诺核查不实", recorded_at=at, recorded_by=user.id)
    session.add(record)
    session.flush()
    audit.record(session, "credit_record", "credit", record.id, actor=user, at=at, case_id=case.id,
                 item=commitment.item_name, certificate=commitment.certificate)
    ended = "、".join(f"“{t.item_name}”{'已撤销' if s == REVOKED else '终止办理'}" for t, s in affected)
    notifications.post(
        session, applicant=case.applicant_id, kind="credit_record", title="告知承诺核查不实",
        text=(f"办件 {case.number} 中，您以承诺代替的“{commitment.certificate}”经核查不实。"
              + (f"{ended}。" if ended else "")
              + "已纳入信用记录；在信用修复前，您办理业务不能再以告知承诺代替证明材料。"
              "责令限期整改或行政处罚由主管部门依法另行决定。"),
        link=f"/services/cases/{case.number}", ref=case.number, at=at)
    return record


def repair(session: Session, user: User, record_id: int, note: str, *, at: dt.datetime | None = None) -> CreditRecord:
    """信用修复: a supervisor of the case's region marks the record repaired, with the reason."""
    require_role(user, SUPERVISOR)
    record = session.get(CreditRecord, record_id)
    if record is None:
        raise NotFound(f"没有这条信用记录：{record_id}", "record_id")
    case = session.scalar(select(Case).where(Case.number == record.case_number))
    access.require_serves(user, case.region, f"信用记录 {record_id}")
    if not (note or "").strip():
        raise Invalid("信用修复须说明依据", "note")
    at = at or audit.now()
    res = session.execute(update(CreditRecord).where(CreditRecord.id == record_id, CreditRecord.repaired_at.is_(None))
                          .values(repaired_at=at, repaired_by=user.id, repair_note=note.strip())
                          .execution_options(synchronize_session=False))
    if res.rowcount != 1:
        raise Conflict("该信用记录已修复", "record_id")
    audit.record(session, "credit_repair", "credit", record_id, actor=user, at=at, case_id=case.id, note=note.strip())
    session.expire(record)
    return record


def records_in_scope(session: Session, user: User) -> list[tuple[CreditRecord, Case]]:
    require_role(user, SUPERVISOR)
    stmt = select(CreditRecord, Case).join(Case, Case.number == CreditRecord.case_number).order_by(CreditRecord.id.desc())
    return list(session.execute(access.scoped(stmt, user, Case.region)).all())
