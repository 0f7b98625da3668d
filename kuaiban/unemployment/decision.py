"""The reviewer's decision (审核) and the 46-field result record (失业登记申请审核结果信息).

人社厅发〔2020〕3号 附件3 三（一）3 (data/compilations/hunan-hrss-2020.txt:3558–3564): “经办人员在规定时间内，对申请失业
登记人员的个人身份信息和失业状态进行核实，并在本地公共就业服务信息系统中录入审核结果。审核结果分为“审核通过”、
“审核不通过”两种状态。当“审核不通过”时，应记录不通过原因。” — AAE540 1 审核通过 / 2 审核不通过, AAE360 the reason.
4 审核结果上传 (3566–3572): results of national *and* local applications are uploaded (全口径); the
national-sync service reads :func:`results_to_upload` and calls :func:`mark_results_uploaded`.

Addresses: AAC010/AAC046 may be 150 characters in the application and only 100 in the result
(docs/unemployment-spec.md reading 3). The result carries the first 100 characters; the full text stays
in the registration's application record, and AAE013 备注 and ``result_notes`` say what was shortened.

Concurrency: the decision is a conditional UPDATE on ``version`` and ``status``: of two reviewers deciding
the same registration at once, one wins and the other gets :class:`Conflict` naming the version.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from kuaiban.platform import access, audit, holidays, new_work
from kuaiban.platform import calendar as sla
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW, User
from kuaiban.unemployment import events, notices
from kuaiban.unemployment import models as m
from kuaiban.unemployment.records import load_record
from kuaiban.unemployment.registration import EMPLOYMENT, INSURANCE, OPEN_PER_PERSON, get_registration
from kuaiban.unemployment.validate import validate_record

CONTACT_WORKING_DAYS = 5  # 人社厅发〔2020〕79号 一（三）“在办理失业登记后5个工作日内…主动联系” (shandong-2020.txt:5435)
_SPACE = re.compile(r"\s+")


def contact_due(registered_at: dt.datetime) -> dt.datetime | None:
    """End of the 5th working day after the registration (the registration day not counted); None when
    the holidays of those days are not published yet."""
    try:
        last = sla.deadline(registered_at.date(), working_days=CONTACT_WORKING_DAYS)
    except sla.HolidayDataMissing:
        return None
    return dt.datetime.combine(last, dt.time(23, 59, 59))


def clerk_name(user: User) -> str:
    """AAE011 经办人: at most 20 characters, no spaces (the result and exit records' rule)."""
    return _SPACE.sub("", user.display_name or user.username)[:20] or f"经办{user.id}"


def build_result(reg: m.Registration, *, approve: bool, reason: str | None, clerk: str,
                 on: dt.date) -> tuple[dict, list[str]]:
    """The result record for ``reg`` and the notes on what had to change to fit the result layout."""
    spec = load_record("result")
    record: dict = {"AAZ341": reg.aaz341}
    notes: list[str] = []
    for f in spec.fields:
        if f.code in reg.application and f.code not in ("AAZ341",):
            value = reg.application[f.code]
            if isinstance(value, str) and f.length is not None and len(value) > f.length:
                notes.append(f"{f.name}（{f.code}）{len(value)}字超过结果信息的{f.length}字，上传时取前{f.length}字，"
                             "全文保存在本地申请记录")
                value = value[:f.length]
            record[f.code] = value
    month = str(record.get("AJC090") or "")
    if len(month) == 8 and month.isdigit():
        # 失业时间 in the result is “格式为YYYYMM的有效日期” in both copies (hunan 3670, shandong 2176),
        # while the application carries YYYYMMDD (hunan 3611): the result sends the month
        record["AJC090"] = month[:6]
    record.update({"AAE540": m.APPROVED_CODE if approve else m.REJECTED_CODE, "AAE011": clerk,
                   "AAE036": on.strftime("%Y%m%d")})
    if not approve:
        record["AAE360"] = reason
    remarks = []
    if reg.place_basis in (EMPLOYMENT, INSURANCE):
        remarks.append(f"登记地依据：{reg.place_basis}（人社厅发〔2020〕79号）")
    if notes:
        remarks.append("详细地址超长已截取前100字")
    if remarks:
        record["AAE013"] = "；".join(remarks)[:100]
    return record, notes


def decide(session: Session, user: User, aaz341: str, *, approve: bool, reason: str | None = None,
           version: int, at: dt.datetime | None = None) -> m.Registration:
    """审核: approve (AAE540=1) or reject with a reason (AAE540=2, AAE360), producing the result record."""
    require_role(user, REVIEWER)
    at = at or audit.now()
    reg = get_registration(session, user, aaz341)
    holidays.sync(session, within_a_year_of=at)  # contact_due: a 节假日安排 entered since this process looked
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise Invalid("审核不通过时须填写不通过原因（AAE360）", "AAE360")
    if reason is not None and len(reason) > 100:
        raise Invalid(f"审核不通过原因（AAE360）长度为{len(reason)}，超过100", "AAE360")
    if reg.status != m.PENDING or reg.version != version:
        raise _conflict(reg, version)
    result, notes = build_result(reg, approve=approve, reason=None if approve else reason,
                                 clerk=clerk_name(user), on=at.date())
    errors = validate_record(result, "result", today=at.date())
    if not approve and reg.channel == m.NATIONAL:
        # 审核不通过 of a downloaded application: the fields it returns are the platform's own, as received;
        # their errors are the reason for refusing, not a reason to keep the platform waiting (hunan 3564,
        # 3572). They are sent unchanged and noted; errors in what the reviewer adds still stop the step.
        echoed = [e for e in errors if e.field in reg.application and e.field not in DECIDED_FIELDS]
        errors = [e for e in errors if e not in echoed]
        notes = notes + [f"申请信息原样返回，其中{e.message}" for e in echoed]
    if errors:  # a record the platform would refuse is never stored as decided
        if approve and any(e.rule == "id_age" for e in errors):
            raise Invalid(f"不能审核通过：{errors[0].message}；请审核不通过并说明原因", errors[0].field)
        raise Invalid(f"审核结果信息不合规：{errors[0].message}" + ("；请审核不通过并说明原因" if approve else ""),
                      errors[0].field)
    values = {"status": m.REGISTERED if approve else m.REJECTED, "decision": result["AAE540"],
              "reject_reason": None if approve else reason, "decided_at": at, "decided_by_id": user.id,
              "result": result, "result_notes": notes or None, "version": m.Registration.version + 1,
              "contact_due_at": contact_due(at) if approve else None}
    try:
        done = session.execute(update(m.Registration)
                               .where(m.Registration.id == reg.id, m.Registration.version == version,
                                      m.Registration.status == m.PENDING)
                               .values(**values).execution_options(synchronize_session=False))
    except IntegrityError as exc:  # approving a national duplicate while the person's other one is open
        if OPEN_PER_PERSON.broken_by(exc):
            session.rollback()  # the transaction is dead (see platform.auth._flush_unique)
            raise Conflict(f"此人（{reg.id_number}）已有待审核或已登记的失业登记，不能再予登记；"
                           "请审核不通过并说明原因", "approve") from exc
        raise
    if done.rowcount != 1:
        session.refresh(reg)
        raise _conflict(reg, version)
    session.refresh(reg)
    audit.record(session, "ue_decide", "ue_registration", reg.id, actor=user, at=at, aaz341=reg.aaz341,
                 decision=result["AAE540"], reason=reason,
                 on_time=None if reg.due_at is None else at <= reg.due_at, notes=notes,
                 flagged=reg.register_flagged)
    notices.decided(session, reg, at)
    events.decided(session, reg, at, user)  # e.g. the 失业 一件事 task that handed this registration over
    return reg


# the result fields the review itself sets (the rest are the application's, returned)
DECIDED_FIELDS = ("AAZ341", "AAE540", "AAE360", "AAE011", "AAE036", "AAE013")


def suggested_reason(reg: m.Registration) -> str | None:
    """A 不通过 reason (AAE360, ≤ 100 characters) drawn from the errors a downloaded application was filed
    with, offered to the reviewer; None when it had none. The reviewer decides and may change it."""
    errors = (reg.register_check or {}).get("intake_errors") or []
    if not errors:
        return None
    text = "；".join(_CODE.sub("", e["message"]) for e in errors)
    return text if len(text) <= 100 else text[:99] + "…"


_CODE = re.compile(r"（[A-Z]{3}\d{3}）")


def _conflict(reg: m.Registration, seen: int) -> Conflict:
    if reg.version != seen:
        return Conflict(f"该失业登记已被他人处理（当前状态：{reg.status}），您看到的是此前的状态，请刷新后重试",
                        "version")
    return Conflict(f"该失业登记当前状态为{reg.status}，不能再审核", "status")


# --------------------------------------------------------------------------- queues


def _staff_scope(session: Session, user: User, stmt):
    require_role(user, WINDOW, REVIEWER, SUPERVISOR)
    return list(session.scalars(stmt))  # stmt is already access.scoped to the user


def queue(session: Session, user: User, *, status: str = m.PENDING, limit: int = 200) -> list[m.Registration]:
    """The caseworker's queue: registrations of the region in ``status``, the most urgent first."""
    if status not in m.STATES:
        raise Invalid(f"状态无效：{status}（可选 {'、'.join(m.STATES)}）", "status")
    stmt = access.scoped(select(m.Registration).where(m.Registration.status == status), user, m.Registration.aab301)
    stmt = stmt.options(selectinload(m.Registration.notices), selectinload(m.Registration.deregistration))
    return _staff_scope(session, user, stmt.order_by(m.Registration.submitted_at, m.Registration.id).limit(limit))


def is_unassigned(staffing: access.Staffing, reg: m.Registration) -> bool:
    """未分派: a registration waiting for a decision that no active 后台审核人员 of its region can make; the
    supervisors whose scope covers it find it in their queue (a national supervisor sees every one)."""
    return reg.status == m.PENDING and not staffing.assigned(REVIEWER, reg.aab301)


def unassigned_ids(session: Session, regs: list[m.Registration]) -> set[int]:
    staffing = access.Staffing.load(session)
    return {r.id for r in regs if is_unassigned(staffing, r)}


def overdue(session: Session, user: User, *, at: dt.datetime | None = None) -> list[m.Registration]:
    """Undecided registrations past their time limit."""
    at = at or audit.now()
    return [r for r in queue(session, user) if r.due_at is not None and r.due_at < at]


# --------------------------------------------------------------------------- upload queue (national sync)


def results_to_upload(session: Session, *, limit: int = 500) -> list[m.Registration]:
    """Decided registrations whose result record has not been uploaded yet, oldest decision first."""
    return list(session.scalars(select(m.Registration)
                                .where(m.Registration.decision.is_not(None), m.Registration.result_uploaded_at.is_(None))
                                .order_by(m.Registration.decided_at, m.Registration.id).limit(limit)))


def mark_results_uploaded(session: Session, registration_ids: list[int], at: dt.datetime) -> int:
    """Stamp ``result_uploaded_at``; returns how many were still unstamped."""
    if not registration_ids:
        return 0
    done = session.execute(update(m.Registration)
                           .where(m.Registration.id.in_(registration_ids), m.Registration.result_uploaded_at.is_(None))
                           .values(result_uploaded_at=at).execution_options(synchronize_session=False))
    return done.rowcount


def _entered_review(session: Session, since: dt.datetime, until: dt.datetime):
    """失业登记 received in the window and waiting for 审核, by 登记失业地."""
    rows = session.execute(select(m.Registration.aab301, func.count(m.Registration.id))
                           .where(m.Registration.status == m.PENDING, m.Registration.submitted_at >= since,
                                  m.Registration.submitted_at < until).group_by(m.Registration.aab301))
    return [(region, REVIEWER, n) for region, n in rows]


new_work.register("ue_registrations", "待审核的失业登记", _entered_review, "/unemployment/review")
