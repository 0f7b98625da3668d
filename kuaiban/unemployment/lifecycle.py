"""After registration: the first contact, the monthly follow-up (跟踪调查), the service package and the
deregistrations the follow-up records call for.

- 人社厅发〔2020〕79号 一（三） (data/compilations/shandong-2020.txt:5435): “在办理失业登记后5个工作日内，通过电话、
  短信等方式主动联系登记失业人员”. Reading: any active attempt by 电话调查, 短信 or 实地走访 within the limit meets
  the duty, whatever its outcome (the duty is to reach out); 信息比对 does not, it contacts nobody.
- 人社厅发〔2020〕3号 五 (hunan-hrss-2020.txt:3431): “通过信息比对或工作人员实地走访、电话调查等方式，每月至少进行1次
  跟踪调查”; 79号 一（四） (5437): “每月开展1次跟踪调查”. Reading: every calendar month after the month of
  registration needs at least one follow-up of any method (the registration month is covered by the first
  contact); a month that ended without one is *missed*, the current month without one is *due*.
- 3号 四 (3407–3427): the services (一)–(七), data in ``data/unemployment/service_package.yaml``; each one
  provided is recorded (“全程记录提供服务、落实政策情况”).
- 3号 五（三） (3439) and 79号 一（四） (5437): 连续3次拒绝接受公共就业服务 and 连续6个月无法取得联系 are grounds, but
  “不能简单以…为由，注销”: the system only *proposes* them (:func:`proposals`) from the records —
  the last three contact attempts all refused; or attempts in each of six consecutive calendar months since
  the last successful contact, all unreachable — and a caseworker confirms with a note.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from kuaiban.config import DATA
from kuaiban.platform import access, audit
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Conflict, Invalid
from kuaiban.platform.models import REVIEWER, SUPERVISOR, WINDOW, User
from kuaiban.unemployment import models as m
from kuaiban.unemployment.registration import get_registration

# methods (3号 五 for 跟踪调查; 79号 一（三） adds 短信 for the first contact)
DATA_MATCH = "信息比对"
VISIT = "实地走访"
PHONE = "电话调查"
SMS = "短信"
METHODS = (DATA_MATCH, VISIT, PHONE, SMS)
CONTACT_METHODS = (VISIT, PHONE, SMS)

# outcomes
STILL_UNEMPLOYED = "仍处失业"
EMPLOYED = "已就业"
REFUSED = "拒绝服务"
UNREACHABLE = "无法联系"
OUTCOMES = (STILL_UNEMPLOYED, EMPLOYED, REFUSED, UNREACHABLE)

REFUSALS_IN_A_ROW = 3
UNREACHABLE_MONTHS = 6


@dataclass(frozen=True)
class Service:
    key: str
    clause: str
    name: str
    text: str
    applies_to: str
    source: dict


@cache
def service_package() -> tuple[Service, ...]:
    raw = yaml.safe_load((DATA / "unemployment" / "service_package.yaml").read_text(encoding="utf-8"))
    return tuple(Service(s["key"], s["clause"], s["name"], s["text"], s["applies_to"], s["source"])
                 for s in raw["services"])


def _caseworker(user: User) -> None:
    require_role(user, WINDOW, REVIEWER)


def _registered(reg: m.Registration, what: str) -> None:
    if reg.status != m.REGISTERED:
        raise Conflict(f"失业登记 {reg.aaz341} 当前状态为{reg.status}，不能{what}", "status")


# --------------------------------------------------------------------------- follow-ups


# 3号 五（二） (hunan-hrss-2020.txt:3437) “处于就业状态”: the exit reasons (AJC00A) a follow-up finding the
# person employed deregisters with — the caseworker says which (11, 12, 13 or 14 公益性岗位安置)
EMPLOYED_EXITS = ("11", "12", "13", "14")


def record_followup(session: Session, user: User, aaz341: str, *, method: str, outcome: str,
                    at: dt.datetime | None = None, note: str | None = None, exit_reason: str | None = None,
                    employer: str | None = None) -> m.FollowUp:
    """Record one contact or 跟踪调查 of a registered person.

    An outcome of 已就业 ends the registration in the same step: 3号 五 (hunan 3433–3437) “对出现下列情形之一
    的劳动者，注销其失业登记……（二）处于就业状态”, and 79号 一（四） (shandong 5437) “及时注销其失业登记”. The
    caseworker gives the situation (``exit_reason``: 11 录用, 12 个体经营/创办企业, 13 稳定收入, 14 公益性岗位)
    and, where the reason needs it, the employer or business (``employer``); the 注销 takes effect on the
    follow-up's day, its exit record is queued and the person is told as for any 注销. From then on the
    person is not counted as registered unemployed."""
    _caseworker(user)
    now = audit.now()
    at = at or now
    if method not in METHODS:
        raise Invalid(f"跟踪方式无效：{method}（可选 {'、'.join(METHODS)}）", "method")
    if outcome not in OUTCOMES:
        raise Invalid(f"跟踪结果无效：{outcome}（可选 {'、'.join(OUTCOMES)}）", "outcome")
    if method == DATA_MATCH and outcome in (REFUSED, UNREACHABLE):
        raise Invalid(f"信息比对不接触本人，结果不能是“{outcome}”", "outcome")
    if outcome == EMPLOYED and exit_reason not in EMPLOYED_EXITS:
        raise Invalid("跟踪结果为已就业时须选择就业情形（注销原因 11、12、13 或 14），系统将同时注销失业登记"
                      "（人社厅发〔2020〕3号 五（二））", "exit_reason")
    if outcome != EMPLOYED and exit_reason:
        raise Invalid("只有跟踪结果为已就业时才选择就业情形", "exit_reason")
    reg = get_registration(session, user, aaz341)
    _registered(reg, "记录跟踪调查")
    if reg.decided_at and at < reg.decided_at:
        raise Invalid("跟踪时间早于登记时间", "at")
    if at > now:
        raise Invalid("跟踪时间不能晚于当前时间", "at")
    f = m.FollowUp(registration_id=reg.id, at=at, method=method, outcome=outcome, note=note,
                   recorded_by_id=user.id, recorded_at=now)
    session.add(f)
    session.flush()
    audit.record(session, "ue_followup", "ue_registration", reg.id, actor=user, at=now, aaz341=reg.aaz341,
                 method=method, outcome=outcome, followup_at=at)
    if outcome == EMPLOYED:
        # imported here: deregistration reads this module's follow-up evidence (31, 32)
        from kuaiban.unemployment import deregistration

        deregistration.deregister(session, user, aaz341, reason_code=str(exit_reason), version=reg.version,
                                  effective_on=at.date(), employer=employer, at=now,
                                  note=f"{at:%Y-%m-%d}{method}：已就业" + (f"（{note}）" if note else ""))
    return f


def _month(d: dt.date | dt.datetime) -> tuple[int, int]:
    return d.year, d.month


def _next_month(ym: tuple[int, int]) -> tuple[int, int]:
    y, mo = ym
    return (y + 1, 1) if mo == 12 else (y, mo + 1)


def followup_state(reg: m.Registration, on: dt.datetime) -> dict:
    """Where a registered person's contact and monthly follow-ups stand at ``on``."""
    followups = [f for f in reg.followups if f.at <= on]
    first_contact = next((f for f in followups if f.method in CONTACT_METHODS), None)
    if first_contact is not None:
        contact = "done" if reg.contact_due_at is None or first_contact.at <= reg.contact_due_at else "late"
    else:
        contact = "overdue" if reg.contact_due_at and on > reg.contact_due_at else "due"
    months_with = {_month(f.at) for f in followups}
    missed, ym = [], _next_month(_month(reg.decided_at or reg.submitted_at))
    while ym < _month(on):
        if ym not in months_with:
            missed.append(f"{ym[0]}-{ym[1]:02d}")
        ym = _next_month(ym)
    registered_month = _month(reg.decided_at or reg.submitted_at)
    this_month = "n/a" if _month(on) == registered_month else ("done" if _month(on) in months_with else "due")
    return {"aaz341": reg.aaz341, "name": reg.name, "contact": contact,
            "contact_due_at": reg.contact_due_at, "first_contact_at": first_contact.at if first_contact else None,
            "missed_months": missed, "this_month": this_month, "proposals": proposals(reg, on)}


def _registered_in_scope(session: Session, user: User) -> list[m.Registration]:
    require_role(user, WINDOW, REVIEWER, SUPERVISOR)
    stmt = (select(m.Registration).where(m.Registration.status == m.REGISTERED)
            .options(selectinload(m.Registration.followups)).order_by(m.Registration.decided_at, m.Registration.id))
    return list(session.scalars(access.scoped(stmt, user, m.Registration.aab301)))


def followups_due(session: Session, user: User, *, on: dt.datetime | None = None) -> list[dict]:
    """Registered people needing attention: first contact due or overdue, a month missed or due,
    or a deregistration the records call for."""
    on = on or audit.now()
    out = []
    for reg in _registered_in_scope(session, user):
        state = followup_state(reg, on)
        if state["contact"] in ("due", "overdue") or state["missed_months"] or state["this_month"] == "due" \
                or state["proposals"]:
            out.append(state)
    return out


# --------------------------------------------------------------------------- proposals (31, 32)


def _contact_attempts(reg: m.Registration, on: dt.datetime) -> list[m.FollowUp]:
    return [f for f in sorted(reg.followups, key=lambda f: (f.at, f.id)) if f.at <= on and f.method in CONTACT_METHODS]


def refusal_evidence(reg: m.Registration, on: dt.datetime) -> list[int] | None:
    """The ids of the last three contact attempts when all three were refusals, else None."""
    last = _contact_attempts(reg, on)[-REFUSALS_IN_A_ROW:]
    if len(last) == REFUSALS_IN_A_ROW and all(f.outcome == REFUSED for f in last):
        return [f.id for f in last]
    return None


def unreachable_evidence(reg: m.Registration, on: dt.datetime) -> list[int] | None:
    """The ids of the failed attempts when, since the last successful contact, six consecutive calendar
    months (ending with the latest attempt's month) each had an attempt and every attempt failed."""
    attempts = _contact_attempts(reg, on)
    streak: list[m.FollowUp] = []
    for f in attempts:
        streak = [*streak, f] if f.outcome == UNREACHABLE else []
    if not streak:
        return None
    months = {_month(f.at) for f in streak}
    ym, run = _month(streak[-1].at), 0
    while ym in months:
        run += 1
        y, mo = ym
        ym = (y - 1, 12) if mo == 1 else (y, mo - 1)
    if run < UNREACHABLE_MONTHS:
        return None
    return [f.id for f in streak]


def proposals(reg: m.Registration, on: dt.datetime) -> list[dict]:
    """Deregistrations the follow-up records call for (AJC00A 31, 32): to be confirmed, never automatic."""
    out = []
    refusals = refusal_evidence(reg, on)
    if refusals:
        out.append({"reason_code": "31", "followups": refusals,
                    "advice": "最近3次联系均拒绝服务；须核实有无正当理由并填写核实情况后方可注销（人社厅发〔2020〕79号 一（四））"})
    unreachable = unreachable_evidence(reg, on)
    if unreachable:
        out.append({"reason_code": "32", "followups": unreachable,
                    "advice": "连续6个月每月联系均无法取得联系；须填写核实情况后方可注销（人社厅发〔2020〕79号 一（四））"})
    return out


# --------------------------------------------------------------------------- services provided


def record_service(session: Session, user: User, aaz341: str, service_key: str, *,
                   at: dt.datetime | None = None, note: str | None = None) -> m.ServiceProvided:
    """Record that one service of the package was provided."""
    _caseworker(user)
    at = at or audit.now()
    known = {s.key: s for s in service_package()}
    if service_key not in known:
        raise Invalid(f"服务项目无效：{service_key}（可选 {'、'.join(known)}）", "service_key")
    reg = get_registration(session, user, aaz341)
    _registered(reg, "记录服务")
    row = m.ServiceProvided(registration_id=reg.id, service_key=service_key, provided_at=at, note=note,
                            recorded_by_id=user.id)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(f"“{known[service_key].name}”已记录为已提供", "service_key") from None
    audit.record(session, "ue_service", "ue_registration", reg.id, actor=user, at=at, aaz341=reg.aaz341,
                 service=service_key)
    return row


def services_state(session: Session, reg: m.Registration) -> list[dict]:
    """Every service of the package with when it was provided (None when not yet)."""
    provided = {r.service_key: r for r in
                session.scalars(select(m.ServiceProvided).where(m.ServiceProvided.registration_id == reg.id))}
    return [{"key": s.key, "clause": s.clause, "name": s.name, "applies_to": s.applies_to, "source": s.source,
             "provided_at": provided[s.key].provided_at if s.key in provided else None,
             "note": provided[s.key].note if s.key in provided else None} for s in service_package()]


# --------------------------------------------------------------------------- notices owed (告知)

NOTICE_METHODS = ("电话", "短信", "当面告知", "书面通知")


def record_notice(session: Session, user: User, aaz341: str, *, about: str, method: str,
                  at: dt.datetime | None = None, note: str | None = None) -> m.Notice:
    """Record how a person without an account was told the result or the 注销 (3号 三, hunan 3405; 五,
    3433: “以适当方式”): by 电话 or 短信 to the application's mobile (AAC067), 当面告知 or 书面通知."""
    _caseworker(user)
    now = audit.now()
    at = at or now
    if about not in m.NOTICE_ABOUT:
        raise Invalid(f"告知事项无效：{about}（可选 {'、'.join(m.NOTICE_ABOUT)}）", "about")
    if method not in NOTICE_METHODS:
        raise Invalid(f"告知方式无效：{method}（可选 {'、'.join(NOTICE_METHODS)}）", "method")
    if at > now:
        raise Invalid("告知时间不能晚于当前时间", "at")
    reg = get_registration(session, user, aaz341)
    row = next((n for n in reg.notices if n.about == about and n.told_at is None), None)
    if row is None:
        raise Conflict(f"失业登记 {aaz341} 没有待告知的{m.NOTICE_ABOUT[about]}", "about")
    if at < row.owed_since:
        raise Invalid("告知时间早于应告知的事项发生时间", "at")
    row.method, row.told_at, row.recorded_by_id, row.note = method, at, user.id, (note or "").strip() or None
    session.flush()
    audit.record(session, "ue_notice", "ue_registration", reg.id, actor=user, at=now, aaz341=reg.aaz341,
                 about=about, method=method, told_at=at)
    return row


def notices_owed(session: Session, user: User) -> list[m.Notice]:
    """Notices not yet given, in the staff member's scope, the oldest first."""
    require_role(user, WINDOW, REVIEWER, SUPERVISOR)
    stmt = (select(m.Notice).join(m.Registration).where(m.Notice.told_at.is_(None))
            .options(selectinload(m.Notice.registration)).order_by(m.Notice.owed_since, m.Notice.id))
    return list(session.scalars(access.scoped(stmt, user, m.Registration.aab301)))


def exits_held(session: Session, user: User) -> list[m.Deregistration]:
    """Exit records held back from the upload (no 社会保障号码 yet), in the staff member's scope."""
    require_role(user, WINDOW, REVIEWER, SUPERVISOR)
    stmt = (select(m.Deregistration).join(m.Registration).where(m.Deregistration.exit_held.is_not(None))
            .order_by(m.Deregistration.recorded_at))
    return list(session.scalars(access.scoped(stmt, user, m.Registration.aab301)))
