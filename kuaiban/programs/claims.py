"""The life of a claim (申领): submission with the cross-checks, the review steps on the working-day
calendar, the 公示 and its objections, the decision with reasons and the schedule, stops and suspensions.

Every function is one step in the caller's transaction: the change, its history row, its audit entry and
its message (消息中心, each with its outbox row — the SMS channel) commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuaiban.platform import (
    access,
    audit,
    calendar,
    dates,
    disclosure,
    holds,
    new_work,
    notifications,
    personal_data,
    regions,
)
from kuaiban.platform.errors import Conflict, Forbidden, Invalid, NotFound
from kuaiban.platform.models import APPLICANT, REVIEWER, SUPERVISOR, Applicant, User
from kuaiban.programs import (
    caseworkers,
    definitions,
    derived,
    eligibility,
    figures,
    places,
    publicity,
    recovery,
    register_facts,
    settle,
    window,
    wording,
)
from kuaiban.programs.definitions import Program
from kuaiban.programs.models import Claim, ClaimEvent, Entitlement, Objection, Recovery
from kuaiban.programs.registers import DEFAULT as REGISTERS
from kuaiban.programs.registers import Registers, Unavailable
from kuaiban.programs.staff_list import read as read_staff_list

OPEN = ("reviewing", "publicity")
STATUS_NAMES = {"reviewing": "审核中", "publicity": "公示中", "approved": "审核通过，按月发放",
                "refused": "审核不通过", "stopped": "已停发", "suspended": "暂停发放", "ended": "发放期满",
                # 免申即享 (programs.listing): listed by the screening, not yet published; 公示 over, the
                # enterprise has not confirmed yet; declined by the enterprise; not confirmed in time
                "listed": "已列入名单，待公示", "awaiting": "公示期满，待单位确认收款账户",
                "declined": "单位已放弃", "lapsed": "逾期未确认，不予发放"}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


# ---------------------------------------------------------------- helpers


def month_add(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7]) - 1 + n
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


def _applicant(session: Session, user: User) -> Applicant:
    if user.role != APPLICANT or user.applicant_id is None:
        raise Forbidden("只有个人或单位的办事账号可以申领")
    return session.get(Applicant, user.applicant_id)


def _event(session: Session, claim: Claim, step: str, outcome: str, note: str | None, actor: User | None,
           at: dt.datetime, internal_note: str | None = None) -> None:
    """A history row: ``note`` is what the claimant is told (告知内容, shown to them); ``internal_note`` the
    caseworker's own (shown to staff only)."""
    session.add(ClaimEvent(claim_id=claim.id, step=step, outcome=outcome, note=note,
                           internal_note=(internal_note or "").strip() or None,
                           actor_id=actor.id if actor else None, at=at))


def _notify(session: Session, claim: Claim, kind: str, title: str, text: str, at: dt.datetime) -> None:
    notifications.post(session, kind=kind, title=title, text=text, applicant=claim.applicant_id,
                       link=f"/programs/claims/{claim.id}", ref=f"program-claim-{claim.id}", at=at)


def _due(program: Program, index: int, start: dt.datetime) -> dt.date | None:
    days = program.steps[index].working_days
    return calendar.deadline(start, working_days=days) if days else None


def _check_form(program: Program, facts: dict[str, Any], given: set[str] = frozenset()) -> dict[str, Any]:
    """The applicant's form, every wrong field at once. An official figure is not the applicant's to give: the
    office enters it (kuaiban.programs.figures), so a value for it is refused and its absence is no error.
    ``given``: the fields a register fills (kuaiban.programs.register_facts), which the applicant may leave
    empty."""
    errors, clean = [], {}
    known = {f.name for f in program.form}
    for name in sorted(set(facts) - known):
        errors.append({"field": name, "detail": "本项目的申请表没有这一项"})
    for f in program.form:
        raw = facts.get(f.name)
        if f.name in program.official_fields:
            if raw is not None and raw != "":
                errors.append({"field": f.name, "detail": f"{_short(f.label)}是官方数字，由经办机构按公布的数字录入，"
                                                          "申请人无需填写"})
            continue
        if raw is None or raw == "":
            if f.required and f.name not in given:
                errors.append({"field": f.name, "detail": f"请填写{f.label}"})
            continue
        try:
            clean[f.name] = _value(f, raw)
        except ValueError as exc:
            errors.append({"field": f.name, "detail": f"{f.label}{exc}"})
    if errors:
        raise Invalid(errors[0]["detail"], errors[0]["field"], errors=errors)
    return clean


def _short(label: str) -> str:
    """A field's label without its bracketed hint: 当地最低工资标准（元/月，…） → 当地最低工资标准."""
    return label.split("（")[0]


WAITING = "待经办机构录入官方数字"


def _waiting_flag(program: Program, field: str) -> str:
    label = next((f.label for f in program.form if f.name == field), field)
    return f"{WAITING}：{_short(label)}（汇编未载，按公布的数字录入后核定金额）"


def _value(f: definitions.FormField, raw: Any) -> Any:
    if f.type == "integer":
        if isinstance(raw, bool) or not re.fullmatch(r"\d+", str(raw).strip()):
            raise ValueError("应为非负整数")
        return int(str(raw).strip())
    if f.type == "number":
        try:
            value = float(str(raw).strip())
        except ValueError:
            raise ValueError("应为数字") from None
        if value < 0:
            raise ValueError("不能为负数")
        return value
    if f.type == "month":  # 2020-7, 2020年7月 … read as every month input is (kuaiban.platform.dates)
        month = dates.read_month(str(raw))
        if month is None:
            raise ValueError("应为年月，如 2020-07")
        return month
    if f.type == "date":
        day = dates.read_day(str(raw))
        if day is None:
            raise ValueError("不是有效的日期，应如 2020-07-01")
        return day
    if f.type == "boolean":
        if raw in (True, "true", "1", "是", "on"):
            return True
        if raw in (False, "false", "0", "否"):
            return False
        raise ValueError("应为“是”或“否”")
    if f.type == "choice" and str(raw) not in f.choices:
        raise ValueError(f"应为以下之一：{'、'.join(f.choices)}")
    return str(raw).strip()


# ---------------------------------------------------------------- what I may claim


def offers(session: Session, user: User, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The programs this applicant may claim where they live, with what already happened to their claims and
    each program's window today (受理期, the months a claim may start from: kuaiban.programs.window)."""
    today = today or audit.now().date()
    applicant = _applicant(session, user)
    audience = "citizens" if applicant.kind == "citizen" else "employers"
    mine = {c.program: c for c in session.scalars(select(Claim).where(Claim.applicant_id == applicant.id)
                                                  .order_by(Claim.id))}
    out = []
    for program in definitions.programs().values():
        if program.audience != audience or not applicant.region or not program.covers(applicant.region):
            continue
        claim = mine.get(program.code)
        if claim is not None and claim.status == "listed":
            claim = None  # 免申即享: a list not yet published is the office's draft
        out.append({"code": program.code, "name": program.name, "available": eligibility.available(program),
                    "no_application": program.no_application,
                    "window": window.window(program, applicant.region, today).as_json(),
                    "claim": ({"id": claim.id, "status": claim.status, "status_name": STATUS_NAMES[claim.status]}
                              if claim else None)})
    return out


def window_for(session: Session, user: User, code: str, *, today: dt.date | None = None) -> window.Window:
    """The program's window for this applicant today (where they live), what the claim form states first."""
    program = definitions.get(code)
    region = _applicant(session, user).region
    if program.no_application:
        return window.Window("no_application", f"{program.name}免申即享，无需申请：经办机构比对数据后公布名单")
    if not region or not program.covers(region):
        return window.Window("elsewhere", f"{program.name}不在您所在地区（{_label(region)}）实施")
    return window.window(program, region, today or audit.now().date())


def prefilled(session: Session, user: User, code: str, *,
              registers: Registers = REGISTERS) -> dict[str, dict[str, Any]]:
    """What the claim form shows filled from a register before any typing (累计缴费月数 from 参保缴费记录):
    field → ``{"value", "register"}`` (the register's label); a field missing here is the applicant's to type
    (the register cannot answer now, or has no such figure: the claim is then flagged for the office)."""
    program = definitions.get(code)
    if not program.register_inputs:
        return {}
    answers = register_facts.lookup(session, program, _applicant(session, user).id_number or "", registers)
    return {spec.field: {"value": answers[spec.field].value, "register": spec.label}
            for spec in program.register_inputs if answers[spec.field].value is not None}


# ---------------------------------------------------------------- submission


def submit(session: Session, user: User, code: str, *, month: str | None = None, facts: dict[str, Any],
           account: str | None = None, commitment: bool = False, staff_list: bytes | None = None,
           registers: Registers = REGISTERS, at: dt.datetime | None = None) -> Claim:
    """A claim, checked and decided as far as the program lets the system decide.

    Refused outright (nothing written) for bad input: every wrong field at once. A claim the rules or a
    register show is not due is written and refused, with the reasons, and the claimant is told by a
    message with the SMS channel (京人社发[2020]8号 四).

    The claim is made on ``at`` (the server's clock): its 受理期 is checked on that day, the calculator
    judges it by the rules in force that day (``$claim_date``), and ``month`` — the first month claimed,
    that month when not given — may not be later, nor earlier unless the program's text allows 补发."""
    at = at or audit.now()
    program = definitions.get(code)
    applicant = _applicant(session, user)
    region = applicant.region
    if program.no_application:
        raise Conflict(f"{program.name}免申即享，无需申请：经办机构比对数据后公布名单，"
                       "列入名单的单位登录后确认收款账户即可", "program")
    if program.audience == "employers" and applicant.kind != "enterprise":
        raise Forbidden(f"{program.name}由用人单位申领")
    if program.audience == "citizens" and applicant.kind != "citizen":
        raise Forbidden(f"{program.name}由个人申领")
    if not region or not program.covers(region):
        raise Invalid(f"{program.name}不在您所在地区（{_label(region)}）实施", "region")
    claimed_on = at.date()
    open_now = window.window(program, region, claimed_on)
    if open_now.state in ("not_yet", "closed", "paused"):
        raise Invalid(f"{program.name}{open_now.text}，申领之日（{claimed_on.isoformat()}）不能申领", "program")
    month = (month or "").strip() or claimed_on.strftime("%Y-%m")
    month = dates.read_month(month) or month  # 2020-7, 2020年7月 → 2020-07; anything else is named below
    # the figures a register gives (累计缴费月数 from 参保缴费记录): the applicant need not type them
    from_registers = register_facts.lookup(session, program, applicant.id_number or "", registers)
    # every problem of the form at once (the month, the fields, the staff list, the commitment, the account)
    clean, problems = {}, []
    try:
        clean = _check_form(program, facts, register_facts.answered(from_registers))
        if (undated := derived.missing_date(program, clean)) is not None:
            problems.append(undated)
    except Invalid as exc:
        problems += exc.errors or [{"field": exc.field, "detail": exc.message}]
    if not _MONTH.match(month):
        problems.insert(0, {"field": "month", "detail": "申领月份应为年月，如 2020-07"})
    else:
        try:
            _check_month(program, month, claimed_on, clean, open_now)
        except Invalid as exc:
            problems.insert(0, {"field": exc.field, "detail": exc.message})
    if program.staff_list:
        try:
            if not staff_list:
                raise Invalid("请上传人员花名册（Excel）", "staff_list")
            staff = read_staff_list(staff_list, program.staff_columns)
            clean["staff_count"] = len(staff)
            clean["_staff"] = staff
        except Invalid as exc:
            problems += exc.errors or [{"field": exc.field, "detail": exc.message}]
    if program.claim_type == "commitment" and not commitment:
        problems.append({"field": "commitment", "detail": "请阅读并确认个人承诺"})
    if program.payment_to and not (account or "").strip():
        problems.append({"field": "account", "detail": f"请填写收款账户（{program.payment_to}）"})
    if problems:
        raise Invalid(problems[0]["detail"], problems[0]["field"], errors=problems)
    if derived.caps_over_earlier(program):  # a cap over the earlier claims
        places.lock_applicant(session, applicant.id)
    # once only (只能申领享受一次), or not beside another benefit; a monthly program once a month
    same = select(Claim.id).where(Claim.applicant_id == applicant.id, Claim.status != "refused")
    once = same.where(Claim.program.in_((program.code, *program.exclusive_with))) if program.once_only else \
        same.where(Claim.program.in_(program.exclusive_with)).union(
            same.where(Claim.program == program.code, places.same_period(program, month)))
    taken = session.scalar(once.limit(1))
    if taken is not None:
        raise _taken(program, taken)
    figures.prefill(program, month, clean, figures.entered(session, program, region, registers))
    unverified = register_facts.fill(program, clean, from_registers)  # the register's figure, or a flag
    notes = derived.fill(session, program, applicant, clean)  # earlier claims: caps, persons once only
    waiting: list[str] = []
    try:
        answer = eligibility.compute(program, region=region, month=month, nth=1,
                                     facts=figures.office_facts(program, clean), claimed_on=claimed_on)
    except Invalid as exc:  # an official figure the office has not given yet: the claim waits for a caseworker
        if exc.field not in program.official_fields:
            raise
        answer, waiting = None, [_waiting_flag(program, exc.field)]
    claim = Claim(program=program.code, applicant_id=applicant.id, region=region, month=month, status="reviewing",
                  step=0, facts=clean, commitment=program.commitment if commitment else None,
                  account=(account or "").strip() or None, flags=waiting + derived.flags(program, clean) + unverified,
                  monthly_fen=eligibility.to_fen(answer["value"]) if answer else None,
                  explanation=wording.steps(program, clean, answer["explanation"]) if answer else [], reasons=[],
                  version=1, created_at=at)
    # the claim and its places together: of two claims made at once, the unique index lets one through, and
    # the other is turned away as the read above would have (the savepoint leaves nothing of it)
    with session.begin_nested():
        session.add(claim)
        session.flush()
        held = places.take(session, claim.id, places.applicant_places(program, applicant.id, month))
        if held:
            raise _taken(program, min(held.values()))
    derived.index_persons(session, claim)
    _event(session, claim, "received", "received", None, user, at)
    audit.record(session, "program_claim_submitted", "program_claim", claim.id, actor=user, at=at,
                 program=program.code, month=month)
    _notify(session, claim, "program_received", f"{program.name}申领已收到",
            f"您的{program.name}申领（编号 {claim.id}）已收到，正在审核。{_pending(register_facts.sentence(program, clean))}", at)
    reasons = _refusals(session, program, claim, applicant, answer, registers)
    reasons += derived.person_reasons(session, program, applicant, clean, month, claim.id)
    if (too_late := derived.late(program, clean, at)) is not None:
        reasons.append(too_late)
    if not reasons:  # 每人只补一次: a person another claim took a moment ago refuses this one, as a read would
        reasons += _take_persons(session, program, claim)
    if reasons:
        reasons += notes
        _refuse(session, program, claim, reasons, None, at)
        return claim
    claim.step_due = _due(program, 0, at)
    if program.steps[0].role == "system" and not claim.flags:
        _pass_step(session, program, claim, None, "系统比对通过", at, months=None)
    return claim


def _taken(program: Program, claim_id: int) -> Conflict:
    return Conflict(f"{program.name}{program.once_text}，或与已申领的待遇不能同时享受"
                    f"（申领编号 {claim_id}）", "program")


def _take_persons(session: Session, program: Program, claim: Claim) -> list[str]:
    """The once-per-person places of the claim's staff list; the refusal naming the rows another claim holds."""
    who = {place: f"第{row['row']}行（{row['name']}）" for row in claim.facts.get("_staff") or []
           for place in places.person_places(program, [row["id_hash"]])}
    held = places.take(session, claim.id, sorted(who))
    if not held:
        return []
    rule = next(r for r in program.derived if r.kind == "staff_seen")
    claim.facts = {**claim.facts, rule.name: True}
    named = sorted({(holder, who[place]) for place, holder in held.items()})
    return [f"{rule.label}：" + "、".join(f"{name}（申领编号 {holder}）" for holder, name in named)]


def _check_month(program: Program, month: str, claimed_on: dt.date, facts: dict[str, Any],
                 open_now: window.Window | None = None) -> None:
    """The claim's first month against the day the claim is made: never later; earlier only as far back as
    the program's text allows (补发), never past the months a form field bounds (政策出台前 …), and only a
    month the rules in force cover (``open_now``: the months the form offered, kuaiban.programs.window)."""
    try:
        _month_limits(program, month, claimed_on, facts)
    except Invalid as exc:
        offered = f"；可申领的月份：{open_now.months_text}" if open_now and open_now.months else ""
        raise Invalid(exc.message + offered, "month") from None
    if open_now is not None and open_now.state == "no_rules":
        raise Invalid(f"申领月份：{open_now.text}", "month")
    if open_now is not None and open_now.months and month not in open_now.months:
        raise Invalid(f"申领月份（{window.month_text(month)}）没有现行政策规定的补贴标准，本系统无法计算；"
                      f"可申领的月份：{open_now.months_text}", "month")


def _month_limits(program: Program, month: str, claimed_on: dt.date, facts: dict[str, Any]) -> None:
    current = claimed_on.strftime("%Y-%m")
    if month > current:
        raise Invalid(f"申领月份（{month}）不能晚于申领之日所在的月份（{current}）", "month")
    if month < current:
        if not program.back_source:
            raise Invalid(f"申领月份应为申领之日所在的月份（{current}）：{program.name}自申领之月起计发，"
                          "政策未规定补发申领之前的月份", "month")
        earliest = max(m for m in (program.back_from,
                                   month_add(current, -program.back_months) if program.back_months else None) if m)
        if month < earliest:
            clause = definitions.clauses()[program.back_source]
            raise Invalid(f"申领月份（{month}）不能早于 {earliest}（{clause.label}）", "month")
    bound = last_month(program, facts)
    if bound is not None and month > bound[0]:
        raise Invalid(f"申领月份（{month}）不能晚于 {bound[0]}（按{bound[1]}）", "month")


def last_month(program: Program, facts: dict[str, Any]) -> tuple[str, str] | None:
    """The last month the form's bounding fields allow (``schedule.until``), with the field's label."""
    found = []
    for bound in program.until:
        value = facts.get(bound.field)
        if value:
            label = next(f.label for f in program.form if f.name == bound.field)
            found.append((month_add(str(value)[:7], -1) if bound.before else str(value)[:7], label))
    return min(found) if found else None


def _public(facts: dict[str, Any]) -> dict[str, Any]:
    """The facts without the engine's own entries (``_months``, ``_staff``)."""
    return {k: v for k, v in facts.items() if not k.startswith("_")}


def _label(region: str | None) -> str:
    return regions.label(region) if region else "未填写"


def _refusals(session: Session, program: Program, claim: Claim, applicant: Applicant, answer: dict | None,
              registers: Registers) -> list[str]:
    reasons = []
    if answer is not None and eligibility.to_fen(answer["value"]) <= 0:
        reasons.append("按政策计算，您不符合领取条件：" + "；".join(
            s["text"] for s in answer["explanation"] if s.get("text")))
    reasons += _concurrent(session, program, claim)
    subject = applicant.id_number or ""
    for check in program.cross_checks:
        if not check.applies(claim.facts):  # a group the text does not subject to this check
            continue
        try:
            record = registers.lookup(session, check.register, subject) if subject else None
        except Unavailable:
            claim.flags = [*claim.flags, f"{check.label}暂时无法比对，请人工核查"]
            continue
        if record is None:
            if check.absent == "flag" or not subject:
                claim.flags = [*claim.flags, f"{check.label}中没有记录，请人工核查"]
            continue
        if check.refuse_if and all(record.get(k) == v for k, v in check.refuse_if.items()):
            reasons.append(check.reason)
    return reasons


def _concurrent(session: Session, program: Program, claim: Claim) -> list[str]:
    """领取期间不同时享受: a month of this claim that another program pays the claimant (due or suspended,
    from the claim's first month on) refuses it; a claim of that program still under review flags it."""
    if not program.not_concurrent_with:
        return []
    paid = session.execute(select(Entitlement.program, func.min(Entitlement.month), func.max(Entitlement.month))
                           .where(Entitlement.applicant_id == claim.applicant_id,
                                  Entitlement.program.in_(program.not_concurrent_with),
                                  Entitlement.status.in_(("due", "held", "suspended")), Entitlement.month >= claim.month)
                           .group_by(Entitlement.program)).all()
    reasons = [f"您正在领取{definitions.get(code).name}（{first} 至 {last}），领取期间不同时享受{program.name}"
               for code, first, last in paid]
    pending = session.scalar(select(Claim.program).where(
        Claim.applicant_id == claim.applicant_id, Claim.program.in_(program.not_concurrent_with),
        Claim.status.in_(OPEN)).limit(1))
    if pending is not None:
        claim.flags = [*claim.flags, f"申请人的{definitions.get(pending).name}申领正在审核，两者不同时享受，请人工核查"]
    return reasons


# ---------------------------------------------------------------- review


def _claim_for_staff(session: Session, user: User, claim_id: int, version: int | None, *,
                     lock: bool = False) -> tuple[Claim, Program]:
    """The claim for a caseworker of its region (caseworkers.require: never a loan partner's account), at
    ``version`` when one is given. ``lock``: the claim is read fresh under the write lock (PostgreSQL ``FOR
    UPDATE``, SQLite its one write lock), so that a second request at the same moment waits and then sees
    what the first did."""
    claim = caseworkers.get_for_staff(session, user, Claim, claim_id, lock=lock, missing=f"没有这件申领：{claim_id}",
                                      field="claim", what=f"申领 {claim_id}")
    if version is not None and version != claim.version:
        raise Conflict("这件申领已被他人处理，请刷新后再办", "version")
    return claim, definitions.get(claim.program)


def act(session: Session, user: User, claim_id: int, *, outcome: str, note: str | None = None,
        months: int | None = None, version: int | None = None, internal_note: str | None = None,
        figures_entered: dict[str, Any] | None = None, publicity_days: int | None = None,
        at: dt.datetime | None = None) -> Claim:
    """A caseworker's decision at the claim's current step: ``pass`` (to the next step, the 公示 or the
    decision) or ``refuse`` (with the reason the claimant is sent). ``note`` is told to the claimant (告知内容:
    the refusal's reason, or what a pass tells them); ``internal_note`` stays with the staff.
    ``figures_entered``: the official figures the caseworker enters (field → value), the only way besides the
    register official_figures that a claim gets one; the amount is computed again with them. Figures come with
    ``pass`` only (with ``refuse`` they are refused, nothing recorded); when they leave nothing due the claim is
    refused with the calculator's reason, the caseworker's notes kept on the step.
    ``publicity_days``: where the text asks for a 公示 and prints no days (``publicity: {days: office}``), the
    days the office sets when it opens it, given with ``pass`` at the last step (kuaiban.programs.publicity)."""
    at = at or audit.now()
    # the claim locked first, as every writer of claims does (docs/programs.md, “One lock order”): a second
    # decision at the same moment (a double click, two caseworkers without the form's version) waits, then reads
    # the step this one passed — before s20 both read the same step and each passed it (two entries, two messages)
    claim, program = _claim_for_staff(session, user, claim_id, version, lock=True)
    if claim.status != "reviewing":
        raise Conflict(f"这件申领当前{STATUS_NAMES[claim.status]}，不在审核环节", "claim")
    step = program.steps[claim.step]
    if not _may_act(user, step.role):
        raise Forbidden(f"“{step.name}”由{definitions.ROLES[step.role]}人员办理")
    if _previous_actor(session, claim) == user.id:
        raise Forbidden("上一环节由您办理，本环节须由另一名工作人员办理", "claim")
    if not (outcome or "").strip():  # the page presets neither: the caseworker chooses, a forgotten choice is said
        raise Invalid("请选择办理结果（通过或不通过）", "outcome")
    if outcome not in ("pass", "refuse"):
        raise Invalid("办理结果应为 pass（通过）或 refuse（不通过）", "outcome")
    if publicity_days is not None and outcome != "pass":
        raise Invalid("公示天数在通过最后一个审核环节时填写", "publicity_days")
    if figures_entered and outcome != "pass":
        # an official figure is entered to compute what is due; a claim refused for its own reason is not
        # computed, so a figure typed with 不通过 would be silently lost: said, and nothing is recorded
        raise Invalid("不通过的申领不录入官方数字：请清空官方数字后提交，或选择“通过”录入", next(iter(figures_entered)))
    if figures_entered:
        not_due = _enter_figures(session, program, claim, user, figures_entered, at)
        if not_due:  # the figures turn the claim down: the caseworker's notes stay with the step
            _event(session, claim, step.code, "refused", (note or "").strip() or None, user, at, internal_note)
            _refuse(session, program, claim, not_due, user, at)
            claim.version += 1
            return claim
    if outcome == "refuse":
        if not (note or "").strip():
            raise Invalid("请写明不通过的原因（将告知申请人）", "note")
        _event(session, claim, step.code, "refused", note, user, at, internal_note)
        _refuse(session, program, claim, [note.strip()], user, at)
    else:
        publicity.check_office_days(program, claim, publicity_days)
        _pass_step(session, program, claim, user, (note or "").strip() or None, at, months=months,
                   internal_note=internal_note,
                   publicity_days=int(str(publicity_days).strip()) if publicity_days is not None else None)
    claim.version += 1
    return claim


def _enter_figures(session: Session, program: Program, claim: Claim, user: User, raw: dict[str, Any],
                   at: dt.datetime) -> list[str]:
    """Official figures entered by a caseworker at review (recorded as the office's, ``_official``); the amount
    computed again with them. Returns the refusal when the calculator now finds nothing due."""
    fields = {f.name: f for f in program.form}
    values, errors = {}, []
    for name, value in raw.items():
        if name not in program.official_fields and not program.register_input(name):
            errors.append({"field": name, "detail": f"{program.name}没有这项官方数字"})
            continue
        try:
            values[name] = _value(fields[name], value)
        except ValueError as exc:
            errors.append({"field": name, "detail": f"{_short(fields[name].label)}{exc}"})
    if errors:
        raise Invalid(errors[0]["detail"], errors[0]["field"], errors=errors)
    checked = {name: v for name, v in values.items() if program.register_input(name)}  # 累计缴费月数, checked
    official = {name: v for name, v in values.items() if name not in checked}
    given = {**(claim.facts.get(figures.OFFICIAL) or {}), **{name: f"staff:{user.id}" for name in official}}
    facts = register_facts.verified(program, {**claim.facts, **official, figures.OFFICIAL: given}, checked, user.id)
    facts = derived.refresh(session, program, claim, facts)  # earlier claims decided meanwhile (24个月)
    _check_month(program, claim.month, claim.created_at.date(), figures.office_facts(program, facts))
    known = figures.entered(session, program, claim.region)
    waiting = []
    try:
        answer = eligibility.compute(program, region=claim.region, month=claim.month, nth=1,
                                     facts=figures.apply(program, claim.month, claim.month, facts, known),
                                     claimed_on=claim.created_at.date())
    except Invalid as exc:  # another figure still to enter; a wrong one (above the ceiling …) is the caseworker's
        if exc.field not in program.official_fields or exc.field in values:
            raise
        answer, waiting = None, [_waiting_flag(program, exc.field)]
    claim.facts = facts
    claim.flags = register_facts.unflag(
        program, [f for f in claim.flags if not f.startswith(WAITING) and not derived.is_flag(f)], set(checked))
    claim.flags += waiting + derived.flags(program, facts)

    def shown(entered: dict[str, Any]) -> str:
        return "；".join(f"{_short(fields[n].label)} {v:g}" if isinstance(v, float) else f"{_short(fields[n].label)} {v}"
                        for n, v in entered.items())

    said = [f"经办机构录入官方数字：{shown(official)}" if official else "",
            f"经办机构核实录入：{shown(checked)}" if checked else ""]
    _event(session, claim, "figures", "entered", "；".join(t for t in said if t), user, at)
    audit.record(session, "program_official_figures_entered", "program_claim", claim.id, actor=user, at=at,
                 values=values)
    if answer is None:
        return []
    claim.monthly_fen = eligibility.to_fen(answer["value"])
    claim.explanation = wording.steps(program, facts, answer["explanation"])
    if claim.monthly_fen <= 0:
        return ["按政策计算，您不符合领取条件：" + "；".join(s["text"] for s in answer["explanation"] if s.get("text"))]
    return []


def _require_official(session: Session, program: Program, claim: Claim) -> None:
    """Before the decision: an official figure the amount needs (other than a yearly figure, whose months may
    wait for the register) must have been entered by the office."""
    known = figures.entered(session, program, claim.region)
    try:
        eligibility.compute(program, region=claim.region, month=claim.month, nth=1,
                            facts=figures.apply(program, claim.month, claim.month, claim.facts, known),
                            claimed_on=claim.created_at.date())
    except Invalid as exc:
        if exc.field in program.official_fields and exc.field not in {f.field for f in program.figures}:
            label = next((f.label for f in program.form if f.name == exc.field), exc.field)
            raise Invalid(f"请先录入官方数字：{_short(label)}（汇编未载，由经办机构按公布的数字录入），"
                          "录入后方可通过", exc.field) from None


def _previous_actor(session: Session, claim: Claim) -> int | None:
    """Who passed the claim's last step (the next step is another person's: 审核 and 复核 apart)."""
    return session.scalar(select(ClaimEvent.actor_id).where(ClaimEvent.claim_id == claim.id,
                                                            ClaimEvent.outcome == "passed")
                          .order_by(ClaimEvent.id.desc()).limit(1))


def _waits_for(role: str) -> str:
    return "审核人员核查（系统比对需人工核查）" if role == "system" else f"{definitions.ROLES[role]}人员办理"


def turn(session: Session, user: User, claim: Claim) -> dict[str, Any] | None:
    """Whose turn the claim's current step is, as the staff member reads it: ``may_act`` (this account may
    take the step now) and ``text`` (本环节待窗口（受理）人员办理 …); None when no step is open."""
    if claim.status != "reviewing":
        return None
    step = definitions.get(claim.program).steps[claim.step]
    if not _may_act(user, step.role):
        return {"may_act": False, "text": f"本环节待{_waits_for(step.role)}"}
    if _previous_actor(session, claim) == user.id:
        return {"may_act": False, "text": f"上一环节由您办理，本环节待另一名{_waits_for(step.role)}"}
    return {"may_act": True, "text": "本环节由您办理"}


def _may_act(user: User, role: str) -> bool:
    """The step's role acts; a flagged automatic check goes to a reviewer; a supervisor may act on any step."""
    return user.role == SUPERVISOR or user.role == role or (role == "system" and user.role == REVIEWER)


def _pass_step(session: Session, program: Program, claim: Claim, user: User | None, note: str | None,
               at: dt.datetime, *, months: int | None, internal_note: str | None = None,
               publicity_days: int | None = None) -> None:
    step = program.steps[claim.step]
    last = claim.step == len(program.steps) - 1
    if last and program.months == "decision" and not months:
        raise Invalid("请填写核定的领取月数（汇编未规定，由经办机构按规定核定）", "months")
    if last and program.max_months and months and int(months) > program.max_months:
        clause = definitions.clauses()[program.max_months_source]
        raise Invalid(f"核定的领取月数（{int(months)} 个月）超过政策规定的最长 {program.max_months} 个月"
                      f"（{clause.label}），请重新核定", "months")
    if last:
        _require_official(session, program, claim)
    _event(session, claim, step.code, "passed", note, user, at, internal_note)
    audit.record(session, "program_step_passed", "program_claim", claim.id, actor=user, at=at, step=step.code)
    if not last:
        claim.step += 1
        claim.step_due = _due(program, claim.step, at)
        _notify(session, claim, "program_step", f"{program.name}申领：{step.name}已通过",
                f"您的{program.name}申领（编号 {claim.id}）已通过“{step.name}”，"
                f"进入“{program.steps[claim.step].name}”。", at)
        return
    if months:
        claim.facts = {**claim.facts, "_months": int(months)}
    if program.publicity_days or publicity_days:
        claim.status = "publicity"
        claim.step_due = None
        claim.publicity_until = _publicity_until(program, at, publicity_days)
        length = publicity.office_days_text(publicity_days) if publicity_days else program.publicity_text
        if publicity_days:
            claim.facts = {**claim.facts, publicity.OFFICE_DAYS: int(publicity_days)}
        _event(session, claim, "publicity", "started", f"公示{length}" if publicity_days else None, user, at)
        _notify(session, claim, "program_publicity", f"{program.name}申领进入公示",
                f"您的{program.name}申领（编号 {claim.id}）审核通过，公示{length}"
                f"（至 {claim.publicity_until.isoformat()}），无异议后发放。", at)
        return
    _approve(session, program, claim, user, at)


def _publicity_until(program: Program, at: dt.datetime, office_days: int | None = None) -> dt.date:
    """The 公示's last day: calendar days, or working days on the platform's calendar (holidays and 调休);
    ``office_days``: the calendar days the office set (the text prints none)."""
    if office_days:
        return at.date() + dt.timedelta(days=int(office_days))
    if program.publicity_working_days:
        return calendar.deadline(at, working_days=program.publicity_days)
    return at.date() + dt.timedelta(days=program.publicity_days)


def _refuse(session: Session, program: Program, claim: Claim, reasons: list[str], user: User | None,
            at: dt.datetime) -> None:
    reasons = wording.texts(program, claim.facts, reasons)  # an official figure is the office's, not the claimant's
    claim.status, claim.reasons, claim.decided_at, claim.step_due = "refused", reasons, at, None
    places.release(session, claim.id)  # the rules count the claims “that were not refused”
    _event(session, claim, "decision", "refused", "；".join(reasons), user, at)
    audit.record(session, "program_claim_refused", "program_claim", claim.id, actor=user, at=at, reasons=reasons)
    # the outbox row of this message is the SMS: the reason is sent to the claimant (京人社发[2020]8号 四)
    _notify(session, claim, "program_refused", f"{program.name}申领审核不通过",
            f"您的{program.name}申领（编号 {claim.id}）审核不通过，原因：{'；'.join(reasons)}"
            + (f"。{origin}" if (origin := register_facts.sentence(program, claim.facts)) else ""), at)


def _approve(session: Session, program: Program, claim: Claim, user: User | None, at: dt.datetime) -> None:
    months = program.months if isinstance(program.months, int) else int(claim.facts["_months"])
    facts = figures.office_facts(program, claim.facts)
    bound = last_month(program, facts)
    known = figures.entered(session, program, claim.region)
    schedule, waiting = [], set()
    for nth in range(1, months + 1):
        month = month_add(claim.month, nth - 1)
        if (program.ends and month > program.ends) or (bound and month > bound[0]):
            break
        fen = _month_fen(program, claim, month, nth, known)
        if fen is None:  # rests on an official figure not published yet: settled before its batch
            waiting.add(month)
            schedule.append((month, 0))
        elif fen > 0:
            schedule.append((month, fen))
    kept_figures = {month: used for month, _ in schedule if month not in waiting
                    and (used := figures.used(program, claim.month, month, claim.facts, known))}
    if kept_figures:  # the official figures each decided month read (the decision's own; kuaiban.programs.settle)
        claim.facts = {**claim.facts, figures.DECIDED: kept_figures}
    for month, fen in schedule:
        session.add(Entitlement(claim_id=claim.id, applicant_id=claim.applicant_id, program=program.code,
                                region=claim.region, month=month, amount_fen=fen,
                                decided_fen=None if month in waiting else fen,  # what binds the payroll (held)
                                status="pending" if month in waiting else "due"))
    claim.status, claim.decided_at, claim.step_due = "approved", at, None
    claim.reasons = [f"符合{program.name}条件，" + ("一次性发放" if _one_payment(program) else f"按月发放 {len(schedule)} 个月")]
    _event(session, claim, "decision", "approved", claim.reasons[0], user, at)
    audit.record(session, "program_claim_approved", "program_claim", claim.id, actor=user, at=at,
                 months=[m for m, _ in schedule], total_fen=sum(f for _, f in schedule))
    last = schedule[-1][0] if schedule else claim.month
    if schedule:
        _place_holds(session, program, claim, schedule[0][0], last, at)
    _notify(session, claim, "program_approved", f"{program.name}申领审核通过",
            f"您的{program.name}申领（编号 {claim.id}）审核通过：{_paid_text(program, claim.month, last, schedule)}，"
            f"发放至{program.payment_to}。{wording.pay_first(program)}{register_facts.sentence(program, claim.facts)}", at)


def _month_fen(program: Program, claim: Claim, month: str, nth: int, known: dict[str, dict[str, Any]]) -> int | None:
    """The month's amount at the decision, with the official figures of its own year; None when one of them
    is not published yet (the month then waits: kuaiban.programs.settle computes it before its batch). For a
    先缴后补 program the amount is provisional until the month's contributions are found paid."""
    if not program.figures:
        answer = eligibility.compute(program, region=claim.region, month=claim.month, owed=month, nth=nth,
                                     facts=figures.office_facts(program, claim.facts),
                                     claimed_on=claim.created_at.date())
        return eligibility.to_fen(answer["value"])
    try:
        answer = eligibility.compute(program, region=claim.region, month=claim.month, owed=month, nth=nth,
                                     facts=figures.apply(program, claim.month, month, claim.facts, known),
                                     claimed_on=claim.created_at.date())
    except Invalid:
        return None
    return eligibility.to_fen(answer["value"])


def _month_start(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def _place_holds(session: Session, program: Program, claim: Claim, first: str, last: str, at: dt.datetime) -> None:
    """While it pays (first to last month), what the program's texts say is not handled for the person."""
    person = session.get(Applicant, claim.applicant_id)
    if not program.holds or person is None or not person.id_number_hash:
        return
    region = next((r for r in program.regions if regions.covers(r, claim.region)), claim.region)
    for rule in program.holds:
        holds.place(session, subject_hash=person.id_number_hash, kind=rule.kind, region=region,
                    starts=_month_start(first), ends=_month_start(month_add(last, 1)) - dt.timedelta(days=1),
                    reason=rule.reason, source=rule.source, origin=f"program_claim:{claim.id}", at=at)


# ---------------------------------------------------------------- 公示


def object_to(session: Session, user: User, claim_id: int, text: str, *, at: dt.datetime | None = None) -> Objection:
    """An objection to a claim on the 公示 list (any signed-in account, during the 公示)."""
    at = at or audit.now()
    claim = session.get(Claim, claim_id)
    if claim is None or claim.status != "publicity":
        raise NotFound(f"公示名单中没有这件申领：{claim_id}", "claim")
    if at.date() > claim.publicity_until:
        raise Conflict("公示期已结束", "claim")
    if access.owns(user, claim.applicant_id, session):
        raise Forbidden("申请人不能对本人的申领提出异议；如需更正，请与经办机构联系", "claim")
    if not (text or "").strip():
        raise Invalid("请写明异议的内容", "text")
    objection = Objection(claim_id=claim.id, text=text.strip()[:2000], filed_by=user.id, filed_at=at)
    session.add(objection)
    session.flush()
    audit.record(session, "program_objection_filed", "program_claim", claim.id, actor=user, at=at,
                 objection=objection.id)
    return objection


def resolve(session: Session, user: User, objection_id: int, *, upheld: bool, note: str,
            at: dt.datetime | None = None) -> Objection:
    """A caseworker's finding on an objection: upheld refuses the claim (the finding is its reason)."""
    at = at or audit.now()
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise NotFound(f"没有这条异议：{objection_id}", "objection")
    claim, program = _claim_for_staff(session, user, objection.claim_id, None)
    if user.role not in ("reviewer", "supervisor"):
        raise Forbidden("异议由审核人员核实")
    if objection.outcome is not None:
        raise Conflict("这条异议已核实", "objection")
    if not (note or "").strip():
        raise Invalid("请写明核实情况", "note")
    objection.outcome, objection.resolution, objection.resolved_at = ("upheld" if upheld else "dismissed"), note, at
    audit.record(session, "program_objection_resolved", "program_claim", claim.id, actor=user, at=at,
                 objection=objection.id, upheld=upheld)
    if upheld and claim.status == "publicity":
        _refuse(session, program, claim, [f"公示期间收到异议，经核实：{note.strip()}"], user, at)
    return objection


def close_publicity(session: Session, user: User, claim_id: int, *, at: dt.datetime | None = None) -> Claim:
    """After the 公示 days with no objection left open: the claim is approved and its schedule written."""
    at = at or audit.now()
    claim, program = _claim_for_staff(session, user, claim_id, None)
    if claim.status != "publicity":
        raise Conflict(f"这件申领当前{STATUS_NAMES[claim.status]}，不在公示", "claim")
    if at.date() <= claim.publicity_until:
        raise Conflict(f"公示期至 {claim.publicity_until.isoformat()}，期满后方可发放", "claim")
    open_ = session.scalar(select(func.count(Objection.id)).where(Objection.claim_id == claim.id,
                                                                  Objection.outcome.is_(None)))
    if open_:
        raise Conflict(f"还有 {open_} 条异议未核实", "claim")
    _event(session, claim, "publicity", "ended", None, user, at)
    if program.no_application:  # 免申即享: approved when the enterprise has confirmed its account
        from kuaiban.programs import listing

        listing.after_publicity(session, program, claim, user, at)
    else:
        _approve(session, program, claim, user, at)
    claim.version += 1
    return claim


# ---------------------------------------------------------------- stop, suspend, recover


def stop(session: Session, user: User, claim_id: int, *, rule: str, month: str, note: str | None = None,
         internal_note: str | None = None, version: int | None = None, at: dt.datetime | None = None) -> Claim:
    """Stop (停发), suspend (暂停) or stop and recover (追回) under one of the program's rules, from
    ``month`` (the month the event happened). What was paid for a month no longer owed is to be recovered.
    The claim is locked before its status is read, so that two stops at the same moment (a double click, two
    caseworkers) open one recovery, not two for the same months; ``version`` (the form's) refuses a stop made
    on a page another's change has overtaken."""
    at = at or audit.now()
    claim, program = _claim_for_staff(session, user, claim_id, version, lock=True)
    found = program.stop_rule(rule)
    if found is None:
        raise Invalid(f"{program.name}没有这种停发情形：{rule}", "rule")
    # 骗取 or a false commitment found after an ordinary stop: the stopped claim is recovered from the start
    # (the months already in a recovery are not counted again)
    late_recovery = claim.status == "stopped" and found.action == "recover"
    if claim.status not in ("approved", "suspended") and not late_recovery:
        raise Conflict(f"这件申领当前{STATUS_NAMES[claim.status]}，无需停发", "claim")
    if late_recovery and session.scalar(select(func.count(Recovery.id)).where(Recovery.claim_id == claim.id,
                                                                             Recovery.rule == found.code)):
        raise Conflict(f"这件申领已因{found.label}列入追回", "rule")
    month = dates.read_month(month or "") or month
    if not _MONTH.match(month or ""):
        raise Invalid("停发月份应为年月，如 2020-09", "month")
    return _stop(session, program, claim, found, month, note, user, at, internal_note)


def _stop(session: Session, program: Program, claim: Claim, found: definitions.StopRule, month: str,
          note: str | None, user: User | None, at: dt.datetime, internal_note: str | None = None) -> Claim:
    first = {"this_month": month, "next_month": month_add(month, 1), "start": "0000-00"}[found.from_]
    status = "suspended" if found.action == "suspend" else "stopped"
    # PostgreSQL: the months are locked before the paid ones are read below, in month order as payroll.build
    # locks them: a batch being built that reads them first is waited for, and its lines are then seen and
    # recovered; one that comes after finds them stopped (s17). SQLite: the stop holds the one write lock already
    for e in session.scalars(select(Entitlement).where(Entitlement.claim_id == claim.id, Entitlement.month >= first,
                                                       Entitlement.status.in_(("due", "pending", "held")))
                             .order_by(Entitlement.month).with_for_update()):
        e.status = status
    overpaid = 0
    if found.action != "suspend":  # the months paid and no longer owed: a debt with its notice (programs.recovery)
        opened = recovery.open_for_stop(session, program, claim, found, first, user, at)
        overpaid = opened.amount_fen if opened else 0
    if found.action != "suspend":  # 停发后 the period is over: what it held back may be handled again
        first_unowed = claim.month if found.from_ == "start" else first
        holds.end(session, f"program_claim:{claim.id}", last_day=_month_start(first_unowed) - dt.timedelta(days=1))
    claim.status = status
    claim.version += 1
    text = f"{found.label}（{month}）" + (f"；{note}" if note else "")
    _event(session, claim, f"stop:{found.code}", status, text, user, at, internal_note)
    audit.record(session, "program_claim_stopped", "program_claim", claim.id, actor=user, at=at, rule=found.code,
                 month=month, overpaid_fen=overpaid)
    _notify(session, claim, "program_stopped", f"{program.name}{definitions.STOP_ACTIONS[found.action]}",
            f"您的{program.name}（编号 {claim.id}）因{found.label}自 {first if found.from_ != 'start' else claim.month}"
            f" 起{definitions.STOP_ACTIONS[found.action]}。"
            + (f"应退回已发放的 {overpaid / 100:.2f} 元。" if overpaid else ""), at)
    return claim


def recheck(session: Session, code: str, region: str, month: str, *, user: User | None = None,
            registers: Registers = REGISTERS, at: dt.datetime | None = None) -> dict[str, Any]:
    """比对停发: every claim of ``code`` paying in ``region`` compared again with the registers of its
    cross-checks that name a stop rule; a record that now matches stops the claim under that rule.

    京人社发[2020]8号 四: “停发经系统比对不符合申领条件人员的失业补助金或临时生活补助”; 人社厅发〔2020〕24号 八 and
    鲁人社函〔2020〕10号 四（七）: “定期对统筹地区领金人员信息比对核查”; 41号 七: “对核查发现应当停发…的，要及时停发”.
    The event's month is the record's ``since`` (YYYY-MM) where the register gives one, else ``month`` (the
    month of the comparison); the rule's own ``from`` applies to it. A register that cannot answer stops
    nobody and is reported. ``user``: the staff member running it (None: the operator's cron)."""
    at = at or audit.now()
    program = definitions.get(code)
    month = dates.read_month(month or "") or month
    if not _MONTH.match(month or ""):
        raise Invalid(f"比对月份不是有效的月份，请按 2020-09 这样的格式填写（收到“{month}”）", "month")
    area = regions.resolve(region)
    if user is not None:
        if user.role not in (REVIEWER, SUPERVISOR):
            raise Forbidden("比对停发由审核或监督人员办理")
        access.require_serves(user, area, f"{regions.label(area)}的比对停发")
    checks = [c for c in program.cross_checks if c.stop]
    caseworkers.write_lock(session)  # SQLite: a caseworker's stop of the same claim waits (PostgreSQL: the rows below)
    paying = session.scalars(select(Claim).where(Claim.program == program.code, Claim.status == "approved",
                                                 access.within(Claim.region, area)).order_by(Claim.id)).all()
    found: list[tuple[Claim, definitions.CrossCheck, str]] = []  # the claims to stop: (claim, check, the event's month)
    unavailable: dict[str, str] = {}  # register → its label (what the staff member reads)
    for claim in paying:
        subject = session.get(Applicant, claim.applicant_id).id_number or ""
        for check in checks:
            if check.register in unavailable or not subject or not check.applies(claim.facts):
                continue
            try:
                record = registers.lookup(session, check.register, subject)
            except Unavailable:
                unavailable[check.register] = check.label
                continue
            if record is None or not check.refuse_if or not all(record.get(k) == v
                                                                 for k, v in check.refuse_if.items()):
                continue
            since = str(record.get("since") or "")
            found.append((claim, check, since if _MONTH.match(since) else month))
            break
    # every lock the stops below need, taken before the first of them writes (and appends to the audit log, whose
    # lock is held to the commit): the claims in claim order, then all their months in (claim, month) order — the
    # order payroll.build locks the months it pays. Stopping the claims one after another, each taking its own,
    # a batch being built beside could hold the next claim's months while waiting for the ones already stopped:
    # a deadlock, the batch or this recheck rolled back (s17, test_s17_payroll_build_recheck_locks).
    # SQLite: write_lock above already holds the one write lock; FOR UPDATE is not sent
    ids = [claim.id for claim, _, _ in found]
    if ids:  # read fresh, locked: a caseworker's stop beside is waited for, then seen
        session.execute(select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id).with_for_update()
                        .execution_options(populate_existing=True)).all()
        session.execute(select(Entitlement.id).where(Entitlement.claim_id.in_(ids),
                                                     Entitlement.status.in_(("due", "pending", "held")))
                        .order_by(Entitlement.claim_id, Entitlement.month).with_for_update()).all()
    stopped = []
    for claim, check, event in found:
        if claim.status != "approved":
            continue
        _stop(session, program, claim, program.stop_rule(check.stop), event, f"经系统比对：{check.reason}",
              user, at)
        stopped.append({"claim": claim.id, "rule": check.stop, "month": event})
    audit.record(session, "program_recheck", "program", None, actor=user, at=at, program=program.code,
                 region=area, month=month, stopped=[s["claim"] for s in stopped], unavailable=sorted(unavailable))
    return {"program": program.code, "region": area, "month": month, "stopped": stopped,
            "unavailable": sorted(unavailable.values())}


def resume(session: Session, user: User, claim_id: int, *, at: dt.datetime | None = None) -> Claim:
    at = at or audit.now()
    # locked (FOR UPDATE) before its status is read, as a stop locks it: a stop committing meanwhile is waited for
    # and seen, never overwritten (s19, test_s19_resume_stop_locks); the claim, then its months, as every writer
    claim, program = _claim_for_staff(session, user, claim_id, None, lock=True)
    if claim.status != "suspended":
        raise Conflict("这件申领未暂停", "claim")
    # a month held for a caseworker (programs.held) before the 暂停 is held again unless a caseworker decided its
    # last hold: a month kept once and held again for another difference is still undecided (its events in order)
    undecided: set[str] = set()
    for step, outcome, note in session.execute(select(ClaimEvent.step, ClaimEvent.outcome, ClaimEvent.note).where(
            ClaimEvent.claim_id == claim.id, ClaimEvent.step.in_(("payroll", "payment_amount")))
            .order_by(ClaimEvent.id)):
        if step == "payroll" and outcome == "held":
            undecided.add((note or "")[:7])
        elif step == "payment_amount":
            undecided.discard((note or "")[:7])
    for e in session.scalars(select(Entitlement).where(Entitlement.claim_id == claim.id,
                                                       Entitlement.status == "suspended")):
        e.status = "held" if e.found_fen is not None and e.month in undecided else "due"
    claim.status = "approved"
    claim.version += 1
    _event(session, claim, "resume", "approved", None, user, at)
    audit.record(session, "program_claim_resumed", "program_claim", claim.id, actor=user, at=at)
    _notify(session, claim, "program_step", f"{program.name}恢复发放", f"您的{program.name}（编号 {claim.id}）恢复发放。", at)
    return claim


# ---------------------------------------------------------------- reading


EVENT_NAMES = {"received": "收到申领", "publicity": "公示", "decision": "审核决定", "resume": "恢复发放",
               "confirmation": "单位确认", "top_up": "提高标准", "figures": "录入官方数字",
               "payroll": "发放核算", "payment_amount": "核定发放金额"}
OUTCOME_NAMES = {"received": "", "passed": "通过", "refused": "不通过", "approved": "通过", "started": "开始",
                 "ended": "期满", "stopped": "停发", "suspended": "暂停", "confirmed": "已确认收款账户",
                 "declined": "放弃", "topped_up": "补发提高标准部分", "raised": "按提高后的标准核定",
                 "entered": "", "held": "暂缓发放", "adjusted": "按实际缴费核算", "kept": "按原决定金额发放", "changed": "按重新核算金额发放"}


CHECKED = "经办机构核实录入："  # a figures event that only entered checked figures (累计缴费月数), no official one


def _told(program: Program, code: str, note: str | None) -> dict[str, Any]:
    """A history row's step name and note: checked months are no 官方数字 (“录入官方数字：经办机构核实录入：…”
    read twice and wrongly), so that row reads “核实录入：累计缴费月数 28”."""
    if code == "figures" and note and note.startswith(CHECKED):
        return {"step_name": "核实录入", "note": note.removeprefix(CHECKED)}
    return {"step_name": _step_name(program, code), "note": note}


def _step_name(program: Program, code: str) -> str:
    """A history row's step as the claimant reads it (never the engine's code)."""
    if code.startswith("stop:"):
        rule = program.stop_rule(code.removeprefix("stop:"))
        return f"停发（{rule.label}）" if rule else "停发"
    step = next((s for s in program.steps if s.code == code), None)
    return step.name if step else EVENT_NAMES.get(code, "办理")


def _paid_text(program: Program, first: str, last: str, schedule: list[tuple[str, int]]) -> str:
    total = f"{sum(f for _, f in schedule) / 100:.2f} 元"
    if _one_payment(program):
        return f"一次性发放 {total}"
    return f"{first} 至 {last}，共 {len(schedule)} 个月，合计 {total}"


PENDING_WORDS = "申请人填写，待经办机构核实"


def _pending(text: str) -> str:
    """An applicant's figure not yet checked: “待经办机构核实”, not “（经办机构核实）”, which reads as done."""
    return text.replace(register_facts.APPLICANT_WORDS, PENDING_WORDS)


def _origin_steps(program: Program, claim: Claim) -> list[dict[str, Any]]:
    """Where each register input's figure came from; before the decision an applicant's figure is still to check
    (passing the review is the caseworker's check: 申请人填写（经办机构核实） from then on)."""
    steps = register_facts.steps(program, claim.facts)
    if claim.status != "reviewing":
        return steps
    return [step | {"text": _pending(step["text"])} for step in steps]


def _one_payment(program: Program) -> bool:
    """A subsidy paid once (一次性补贴, ``schedule.months: 1``): never said to be paid “按月”."""
    return program.months == 1


def _status_name(program: Program, status: str) -> str:
    return "审核通过" if status == "approved" and _one_payment(program) else STATUS_NAMES[status]


def claim_dict(session: Session, claim: Claim, *, staff: bool = False, owner: bool = False) -> dict[str, Any]:
    """A claim as its page and the API show it. ``owner``: the claimant reading their own claim, who sees their
    收款账户 in full — their own record, as the other citizen pages show one's own (not a disclosure, not logged);
    everyone else gets it masked, staff in full only through :func:`disclose`."""
    program = definitions.get(claim.program)
    events = session.scalars(select(ClaimEvent).where(ClaimEvent.claim_id == claim.id).order_by(ClaimEvent.id))
    schedule = session.scalars(select(Entitlement).where(Entitlement.claim_id == claim.id).order_by(Entitlement.month))
    step = program.steps[claim.step] if claim.status == "reviewing" else None
    out = {
        "id": claim.id, "program": claim.program, "program_name": program.name, "region": claim.region,
        "month": claim.month, "status": claim.status, "status_name": _status_name(program, claim.status),
        "step": step.as_json() if step else None, "step_due": claim.step_due,
        "publicity_until": claim.publicity_until, "flags": claim.flags,
        # as every claim now says it, an older claim's too: an official figure is the office's
        "reasons": wording.texts(program, claim.facts, claim.reasons or []),
        "monthly": claim.monthly_fen / 100 if claim.monthly_fen is not None else None,
        # where a register's figure came from (参保缴费记录, or the applicant's, verified by the office) first
        "explanation": _origin_steps(program, claim)
        + wording.steps(program, claim.facts, claim.explanation), "facts": _public(claim.facts), "staff": claim.facts.get("_staff", []),
        "version": claim.version, "created_at": claim.created_at, "decided_at": claim.decided_at,
        # ``note`` is what the claimant was told; the caseworker's internal note only for staff
        "history": [{"step": e.step, "outcome": e.outcome, "at": e.at, **_told(program, e.step, e.note),
                     "outcome_name": OUTCOME_NAMES.get(e.outcome, "")}
                    | ({"internal_note": e.internal_note} if staff else {})
                    for e in events],
        "schedule": [{"month": e.month, "amount": e.amount_fen / 100, "status": e.status} for e in schedule],
    }
    out["recoveries"] = recovery.of_claim(session, claim)  # 追回: what is to be paid back, what was repaid
    # 收款账户 masked (尾号 only) as in every list; a staff detail page shows it in full through disclose
    out["account"] = claim.account if owner else personal_data.mask_account(claim.account)
    if staff:
        applicant = session.get(Applicant, claim.applicant_id)
        out["applicant"] = {"id": applicant.id, "name": applicant.name, "kind": applicant.kind}
        # the official figures the office gave this claim (register or caseworker): what the amount rests on
        out["official_figures"] = {k: v for k, v in figures.office_facts(program, claim.facts).items()
                                   if k in program.official_fields}
        # months computed before a batch at another amount than decided: held for a caseworker (programs.held)
        # ``kept``: what 按原决定金额发放 pays when it is not the decided amount — the decision's figures at the rate
        # actually paid (programs.settle.kept_amount, 22号 第七条（二）)
        out["held_payments"] = []
        for e in session.scalars(select(Entitlement).where(Entitlement.claim_id == claim.id,
                                                           Entitlement.status == "held").order_by(Entitlement.month)):
            row = {"month": e.month, "decided": f"{e.amount_fen / 100:.2f}", "found": f"{(e.found_fen or 0) / 100:.2f}"}
            kept = settle.kept_amount(session, program, claim, e.month)
            out["held_payments"].append(row | ({"kept": f"{kept / 100:.2f}"} if kept and kept != e.amount_fen else {}))
    return out


def disclose(session: Session, user: User, claim: Claim) -> dict[str, str]:
    """The claim's personal fields in full for a caseworker's detail page, to check before a decision: the
    收款账户 and the claimant's 证件号码 (a 单位's 统一社会信用代码), as ``{"account", "id_number"}`` (those the claim
    holds). The read is written to the audit log, one entry naming the fields shown (kuaiban.platform.disclosure,
    个人信息保护法 第五十一条). An applicant is given nothing back in full — their page shows the account masked
    like every list."""
    if user.role == APPLICANT:
        return {}
    shown = personal_fields(session, claim)
    disclosure.record_full_read(session, user, "program_claim", claim.id, fields=list(shown))
    return shown


PERSONAL_ANSWERS = ("birth_date",)  # form answers masked like the account (personal_data.MASKS has each)


def personal_fields(session: Session, claim: Claim) -> dict[str, str]:
    """The claim's personal fields as stored, unmasked and unaudited: ``{"account", "id_number"}`` and the
    personal answers (``birth_date``), those it holds. For the caller to mask (a staff page before 显示完整信息) or to show its owner; a staff member's full
    read goes through :func:`disclose`."""
    applicant = session.get(Applicant, claim.applicant_id)
    shown = {"account": claim.account, "id_number": applicant.id_number if applicant else None}
    # the claimant's own answers that are personal: a 出生日期 would undo the masked 证件号码's hidden birth digits
    shown |= {name: claim.facts.get(name) for name in PERSONAL_ANSWERS if isinstance(claim.facts.get(name), str)}
    return {field: value for field, value in shown.items() if value}


def my_claims(session: Session, user: User) -> list[Claim]:
    """The applicant's claims, an enterprise's listed under another record of its credit code too (access.acts_for)."""
    _applicant(session, user)
    return list(session.scalars(select(Claim).where(Claim.applicant_id.in_(access.acts_for(session, user)))
                                .order_by(Claim.id.desc())))


def my_claim(session: Session, user: User, claim_id: int) -> Claim:
    """The applicant's own claim; another person's is not said to exist (404, as for none: access.require_own)."""
    claim = session.get(Claim, claim_id)
    access.require_own(user, claim.applicant_id if claim else None, f"没有这件申领：{claim_id}", "claim", session)
    return claim


def queue(session: Session, user: User, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The staff member's review queue: claims in their regions at a step their role acts on (a supervisor:
    all), nearest deadline first, overdue marked."""
    today = today or audit.now().date()
    caseworkers.require(user)
    stmt = access.scoped(select(Claim).where(Claim.status == "reviewing"), user, Claim.region)
    rows = []
    for claim in session.scalars(stmt.order_by(Claim.step_due.is_(None), Claim.step_due, Claim.id)):
        program = definitions.get(claim.program)
        step = program.steps[claim.step]
        if not _may_act(user, step.role):
            continue
        rows.append({"id": claim.id, "program": claim.program, "program_name": program.name,
                     "region": claim.region, "step": step.name, "role": step.role, "due": claim.step_due,
                     "overdue": bool(claim.step_due and claim.step_due < today), "flags": claim.flags,
                     "version": claim.version, "turn": turn(session, user, claim)})
    return rows


def waiting_for_others(session: Session, user: User, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Claims in the staff member's regions at a step another role takes (本环节待窗口（受理）人员办理):
    what the queue leaves out, so that a reviewer sees what is coming and whose turn it is."""
    today = today or audit.now().date()
    caseworkers.require(user)
    stmt = access.scoped(select(Claim).where(Claim.status == "reviewing"), user, Claim.region)
    rows = []
    for claim in session.scalars(stmt.order_by(Claim.step_due.is_(None), Claim.step_due, Claim.id)):
        step = definitions.get(claim.program).steps[claim.step]
        if _may_act(user, step.role):
            continue
        rows.append({"id": claim.id, "program_name": definitions.get(claim.program).name, "region": claim.region,
                     "step": step.name, "due": claim.step_due,
                     "overdue": bool(claim.step_due and claim.step_due < today),
                     "turn": f"待{_waits_for(step.role)}"})
    return rows


def publicity_list(session: Session, user: User | None = None) -> list[dict[str, Any]]:
    """The 公示 list: claims in their 公示 days (name and amount, as the texts have them published)."""
    # a 免申即享 list (up to a province's enterprises) has its own paged page: programs.listing.public_list
    paged = [p.code for p in definitions.programs().values() if p.no_application]
    stmt = select(Claim, Applicant.name).join(Applicant, Applicant.id == Claim.applicant_id).where(
        Claim.status == "publicity", Claim.program.not_in(paged))
    if user is not None and user.role != APPLICANT:
        stmt = access.scoped(stmt, user, Claim.region)
    return [{"id": c.id, "program": c.program, "program_name": definitions.get(c.program).name,
             "name": _masked_name(name, c), "region": c.region,
             "monthly": (c.monthly_fen or 0) / 100, "until": c.publicity_until}
            for c, name in session.execute(stmt.order_by(Claim.publicity_until, Claim.id))]


def _masked_name(name: str, claim: Claim) -> str:
    """Enterprises by name; persons with the given name masked (张*, 欧阳**), as public lists show them."""
    if definitions.get(claim.program).audience == "employers":
        return name
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else name


def overdue(session: Session, user: User, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    return [row for row in queue(session, user, today=today) if row["overdue"]]


def _entered_review(session: Session, since: dt.datetime, until: dt.datetime):
    """Claims received in the window and waiting at a step, by region and the role of that step."""
    rows = session.execute(select(Claim.region, Claim.program, Claim.step, func.count(Claim.id))
                           .where(Claim.status == "reviewing", Claim.created_at >= since, Claim.created_at < until)
                           .group_by(Claim.region, Claim.program, Claim.step))
    out = []
    for region, program, step, n in rows:
        role = definitions.get(program).steps[step].role
        out.append((region, REVIEWER if role == "system" else role, n))
    return out


new_work.register("program_claims", "待审核的补贴申领", _entered_review, "/programs/staff")
