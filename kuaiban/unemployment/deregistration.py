"""注销失业登记 (退出) and the 11-field exit record (失业登记退出信息) queued for the daily upload.

The reasons, their clauses, whether the person must be told and what the system does are data:
``data/unemployment/deregistration.yaml`` (AJC00A codes of 人社厅发〔2020〕79号 附件, shandong-2020.txt:5623–5658;
grounds of 人社厅发〔2020〕3号 五, hunan-hrss-2020.txt:3433–3441, and 79号 一（四）, shandong-2020.txt:5437).

Exit record (79号 附件 二（一）, shandong-2020.txt:5500–5620): “失业登记退出数据由各地公共就业服务机构办理劳动者失业登记
注销业务时生成，每日……上传”; key “失业登记注销地行政区划代码+系统流水号”, AAZ341 “失业登记注销信息在本地公共就业服务信息
系统中的申请编号（或ID），不可重复”. Reading: the exit record's AAZ341 is the deregistration's own number, drawn
from the same counter as registrations (so it never repeats a registration's either); 注销地 is the
registration's AAB301. ``exit_uploaded_at`` stays empty until the national-sync service uploads it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuaiban.config import DATA
from kuaiban.platform import audit
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.platform.models import REVIEWER, WINDOW, User
from kuaiban.unemployment import lifecycle, notices
from kuaiban.unemployment import models as m
from kuaiban.unemployment.decision import clerk_name
from kuaiban.unemployment.registration import get_registration, next_serial
from kuaiban.unemployment.registration import social_security_number as ssn_of
from kuaiban.unemployment.validate import validate_record


@dataclass(frozen=True)
class ExitReason:
    code: str
    name: str
    group: str
    action: str
    notice: bool | None  # None: depends on the sub-reason
    sub_reasons: dict[str, bool]  # sub-reason → notice
    confirm_note: bool
    clause: dict
    limit: dict | None


@cache
def exit_reasons() -> dict[str, ExitReason]:
    raw = yaml.safe_load((DATA / "unemployment" / "deregistration.yaml").read_text(encoding="utf-8"))
    return {code: ExitReason(code, r["name"], r["group"], r["action"], r.get("notice"),
                             {k: bool(v["notice"]) for k, v in (r.get("sub_reasons") or {}).items()},
                             bool(r.get("confirm_note")), r["clause"], r.get("limit"))
            for code, r in raw["reasons"].items()}


def _check(reason: ExitReason, reg: m.Registration, *, sub_reason: str | None, employer: str | None,
           note: str | None, on: dt.datetime) -> tuple[bool, dict | None]:
    """Validate the reason's own requirements; returns (notice required, evidence)."""
    evidence = None
    if reason.action in ("record_employer", "record_business") and not employer:
        what = "用人单位（或公益性岗位单位）" if reason.action == "record_employer" else "所从事的个体经营、企业或民办非企业名称"
        raise Invalid(f"注销原因为“{reason.name}”时须填写{what}", "employer")
    if reason.action == "choose_sub_reason":
        if sub_reason not in reason.sub_reasons:
            raise Invalid(f"注销原因为“{reason.name}”时须选择具体情形：{'、'.join(reason.sub_reasons)}", "sub_reason")
        notice = reason.sub_reasons[sub_reason]
    else:
        if sub_reason:
            raise Invalid(f"注销原因“{reason.name}”没有具体情形可选", "sub_reason")
        notice = bool(reason.notice)
    if reason.action == "local_ground" and not note:
        raise Invalid("注销原因为“其他”时须在备注中写明本地确定的情形（人社厅发〔2020〕3号 五（四））", "note")
    if reason.action in ("derived_refusals", "derived_unreachable"):
        ids = (lifecycle.refusal_evidence if reason.action == "derived_refusals"
               else lifecycle.unreachable_evidence)(reg, on)
        if ids is None:
            raise Invalid(f"跟踪调查记录不足以认定“{reason.name}”", "reason_code")
        evidence = {"followups": ids}
    if reason.confirm_note and not note:
        raise Invalid(f"不能简单以“{reason.name}”为由注销：须填写核实情况（人社厅发〔2020〕79号 一（四））", "note")
    return notice, evidence


def build_exit_record(reg: m.Registration, *, aaz341: str, reason_code: str, effective_on: dt.date, clerk: str,
                      on: dt.date, remark: str | None, aac002: str | None = None) -> dict:
    """The 11-field exit record. AAC002 社会保障号码 is the application's (or the number of a document that is
    the 公民身份号码: :func:`~kuaiban.unemployment.registration.social_security_number`), else ``aac002``
    as given at deregistration; left out when neither is known (the record is then held, see
    :func:`deregister`) — a pass or permit number is never sent in its place."""
    app = reg.application
    record = {"AAB301": reg.aab301, "AAZ341": aaz341, "AAC003": app["AAC003"],
              "AAC058": app["AAC058"], "AAC044": app["AAC044"], "ADC210": effective_on.strftime("%Y%m%d"),
              "AJC00A": reason_code, "AAE011": clerk, "AAE036": on.strftime("%Y%m%d")}
    number = ssn_of(app) or aac002
    if number:
        record["AAC002"] = number
    if remark:
        record["AAE013"] = remark[:100]
    return record


HELD_NO_NUMBER = "退出信息须填社会保障号码（AAC002），登记信息中没有：补录后随当日退出信息上传"


def _held(errors: list, record: dict) -> str | None:
    """Why the exit record waits (None: it can go): only a missing or unusable 社会保障号码 holds it, since
    the 注销 itself must not wait for a number the person may no longer be able to give (死亡 …)."""
    if errors and all(e.field == "AAC002" for e in errors):
        return HELD_NO_NUMBER if "AAC002" not in record else f"社会保障号码不合规（{errors[0].message}）：补录后上传"
    return None


def deregister(session: Session, user: User, aaz341: str, *, reason_code: str, version: int,
               effective_on: dt.date | None = None, sub_reason: str | None = None, employer: str | None = None,
               note: str | None = None, at: dt.datetime | None = None,
               social_security_number: str | None = None) -> m.Deregistration:
    """注销: end a registration for one of the AJC00A reasons and queue its exit record for upload.

    ``social_security_number``: the 社会保障号码 for the exit record when the application holds none (a
    通行证 or 其他身份证件 without AAC002). Without it the 注销 still happens; the exit record is held
    (``exit_held``) until :func:`supply_exit_number` adds it."""
    require_role(user, WINDOW, REVIEWER)
    at = at or audit.now()
    reasons = exit_reasons()
    if reason_code not in reasons:
        raise Invalid(f"注销失业登记原因（AJC00A）无效：{reason_code}（可选 {'、'.join(reasons)}）", "AJC00A")
    reason = reasons[reason_code]
    reg = get_registration(session, user, aaz341)
    if reg.status != m.REGISTERED:
        raise Conflict(f"失业登记 {aaz341} 当前状态为{reg.status}，不能注销", "status")
    if reg.version != version:
        raise Conflict("该失业登记已被他人处理，您看到的是此前的状态，请刷新后重试", "version")
    employer, note, sub_reason = (employer or "").strip() or None, (note or "").strip() or None, sub_reason or None
    effective_on = effective_on or at.date()
    if effective_on > at.date():
        raise Invalid("注销失业登记时间（ADC210）不能晚于经办日期", "ADC210")
    if reg.decided_at and effective_on < reg.decided_at.date():
        raise Invalid("注销失业登记时间（ADC210）不能早于登记时间", "ADC210")
    notice, evidence = _check(reason, reg, sub_reason=sub_reason, employer=employer, note=note, on=at)
    remark = "；".join(x for x in (sub_reason, employer and f"单位：{employer}") if x) or None
    given = (social_security_number or "").strip().upper() or None
    known = ssn_of(reg.application)
    if given and known and given != known.upper():
        raise Invalid("登记信息已有社会保障号码，与填写的不一致", "AAC002")
    number = next_serial(session, reg.aab301, at.date())
    record = build_exit_record(reg, aaz341=number, reason_code=reason_code, effective_on=effective_on,
                               clerk=clerk_name(user), on=at.date(), remark=remark, aac002=given)
    errors = validate_record(record, "exit", today=at.date())
    held = _held(errors, record)
    if given and held:
        raise Invalid(f"失业登记退出信息不合规：{errors[0].message}", "AAC002")
    if errors and not held:
        raise Invalid(f"失业登记退出信息不合规：{errors[0].message}", errors[0].field)
    done = session.execute(update(m.Registration)
                           .where(m.Registration.id == reg.id, m.Registration.version == version,
                                  m.Registration.status == m.REGISTERED)
                           .values(status=m.DEREGISTERED, deregistered_at=at, version=m.Registration.version + 1)
                           .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise Conflict("该失业登记已被他人处理，请刷新后重试", "version")
    row = m.Deregistration(registration_id=reg.id, aab301=reg.aab301, aaz341=number, reason_code=reason_code,
                           sub_reason=sub_reason, effective_on=effective_on, employer=employer, evidence=evidence,
                           note=note, notice_required=notice, exit_record=record, recorded_by_id=user.id,
                           recorded_at=at, exit_uploaded_at=None, exit_held=held)
    session.add(row)
    session.flush()
    session.refresh(reg)
    audit.record(session, "ue_deregister", "ue_registration", reg.id, actor=user, at=at, aaz341=reg.aaz341,
                 exit_aaz341=number, reason=reason_code, sub_reason=sub_reason, notice_required=notice,
                 evidence=evidence)
    notices.deregistered(session, reg, reason=reason.name + (f"（{sub_reason}）" if sub_reason else ""),
                         effective_on=effective_on, at=at, notice_required=notice)
    return row


def supply_exit_number(session: Session, user: User, aaz341: str, number: str,
                       at: dt.datetime | None = None) -> m.Deregistration:
    """补录 the 社会保障号码 of a held exit record; it then goes with the next daily upload."""
    require_role(user, WINDOW, REVIEWER)
    at = at or audit.now()
    reg = get_registration(session, user, aaz341)
    row = reg.deregistration
    if row is None or row.exit_held is None:
        raise Conflict(f"失业登记 {aaz341} 没有待补录社会保障号码的退出信息", "AAC002")
    record = dict(row.exit_record) | {"AAC002": (number or "").strip().upper()}
    errors = [e for e in validate_record(record, "exit", today=at.date()) if e.field == "AAC002"]
    if errors:
        raise Invalid(f"社会保障号码不合规：{errors[0].message}", "AAC002")
    row.exit_record, row.exit_held = record, None
    session.flush()
    audit.record(session, "ue_exit_number", "ue_registration", reg.id, actor=user, at=at, aaz341=reg.aaz341,
                 exit_aaz341=row.aaz341)
    return row


# --------------------------------------------------------------------------- upload queue (national sync)


def exits_to_upload(session: Session, *, limit: int = 500) -> list[m.Deregistration]:
    """Exit records not yet uploaded, oldest first (the daily upload of 79号 (八))."""
    return list(session.scalars(select(m.Deregistration).where(m.Deregistration.exit_uploaded_at.is_(None),
                                                                m.Deregistration.exit_held.is_(None))
                                .order_by(m.Deregistration.recorded_at, m.Deregistration.id).limit(limit)))


def mark_exits_uploaded(session: Session, deregistration_ids: list[int], at: dt.datetime) -> int:
    if not deregistration_ids:
        return 0
    done = session.execute(update(m.Deregistration)
                           .where(m.Deregistration.id.in_(deregistration_ids), m.Deregistration.exit_uploaded_at.is_(None))
                           .values(exit_uploaded_at=at).execution_options(synchronize_session=False))
    return done.rowcount
