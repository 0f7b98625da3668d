"""追回: what was paid and is not owed, as a debt the caseworker follows to its end.

A stop recorded after months were paid (``claims._stop``) opens one recovery: the months, the amount, the stop
rule and the clause it rests on, and a notice to the person through the message centre (its outbox row is
the SMS channel). Repayments are recorded as they come — partial or whole, with the day and the channel —
each keyed by its reference (the bank's 流水号, the window's receipt), so the same payment entered twice is
recorded once. The status follows: 待追回 → 部分追回 → 已追回; a supervisor may write the rest off (核销)
with a decision and its reason. Every change is audited in the same transaction.

What the texts say (data/clauses/programs.yaml): the recover rules' clauses (京人社发[2020]8号 三: 退回全部申领的
失业补助金; 湘人社规〔2020〕22号 第十六条: 依法追回被骗取的社会保险补贴资金) and, for months paid after a stop,
the stop rule's own clause (the months are not owed under it). None of the five compilations lets a later
payment of the same person be **offset** against the debt (the one 冲抵 they print, 湖南 hunan-hrss-2020.txt
5764, is an employer's reduced contributions against later contributions): nothing is offset, the debt is
recorded and repaid. None prints a time limit for repaying, an interest rate or a rule for 核销: none is
applied; 核销 is the supervisor's recorded decision.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, citations, notifications, regions
from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import SUPERVISOR, Applicant, User
from kuaiban.programs import caseworkers, definitions
from kuaiban.programs.models import Claim, PaymentLine, Recovery, Repayment

STATUS_NAMES = {"owed": "待追回", "partial": "部分追回", "repaid": "已追回", "written_off": "核销"}
OPEN = ("owed", "partial")
CHANNELS = {"bank_transfer": "银行转账退回", "counter": "经办窗口缴回", "other": "其他方式"}
PAID = ("issued", "paid", "reissued")  # a returned line never reached the person: nothing to recover
_REFERENCE = re.compile(r"^[0-9A-Za-z._/-]{1,64}$")
_REFERENCE_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")
# where the person repays: no compilation names an account or a place, so the notice and the claim say whom to ask
HOW_TO_REPAY = "退回的方式（账户或地点）请与经办机构联系；经办机构收到后登记，您可在申领详情中查看已退回和尚欠的金额。"


# ---------------------------------------------------------------- opening (from a stop)


def open_for_stop(session: Session, program: definitions.Program, claim: Claim, rule: definitions.StopRule,
                  first: str, actor: User | None, at: dt.datetime) -> Recovery | None:
    """The recovery of the months from ``first`` that were paid (None when none was): recorded, audited and
    told to the person with the clause it rests on. Called by the stop, in its transaction."""
    # a month already in a recovery of the claim (an earlier stop, then 骗取 found) is not recovered twice
    earlier = list(session.scalars(select(Recovery.months).where(Recovery.claim_id == claim.id)))
    if any(months is None for months in earlier):
        # a recovery from before 0019 whose months migration 0023 could not tell: never guessed, never doubled
        raise Conflict("这件申领此前的追回未记载所含月份，无法确定哪些月份已列入追回，请核对后人工办理", "rule")
    covered = {m for months in earlier for m in months}
    lines = [(m, fen) for m, fen in session.execute(select(PaymentLine.month, PaymentLine.amount_fen).where(
        PaymentLine.claim_id == claim.id, PaymentLine.month >= first, PaymentLine.status.in_(PAID))
        .order_by(PaymentLine.month)) if m not in covered]
    amount = sum(fen for _, fen in lines)
    if not amount:
        return None
    months = [m for m, _ in lines]
    since = claim.month if rule.from_ == "start" else first
    recovery = Recovery(claim_id=claim.id, applicant_id=claim.applicant_id, program=program.code,
                        region=claim.region, months=months, rule=rule.code, source=rule.source,
                        amount_fen=amount, repaid_fen=0, status="owed", created_at=at,
                        reason=f"{rule.label}：{since} 起不应发放")
    session.add(recovery)
    session.flush()
    audit.record(session, "program_recovery_opened", "program_recovery", recovery.id, actor=actor, at=at,
                 claim=claim.id, rule=rule.code, source=rule.source, months=months, amount_fen=amount)
    clause = _clause(rule.source)
    notifications.post(
        session, kind="program_recovery", title=f"{program.name}：已发放款项需退回",
        text=(f"您的{program.name}（编号 {claim.id}）因{rule.label}，{_months_text(months)}已发放的 "
              f"{amount / 100:.2f} 元不应发放，需退回（追回编号 {recovery.id}）。"
              + (f"依据：{clause.label}“{clause.quote}”。" if clause else "") + HOW_TO_REPAY),
        applicant=claim.applicant_id, link=f"/programs/claims/{claim.id}", ref=f"program-recovery-{recovery.id}",
        at=at)
    return recovery


# ---------------------------------------------------------------- repayments and 核销


def record_repayment(session: Session, user: User | None, recovery_id: int, *, amount_fen: int,
                     paid_on: dt.date, channel: str, reference: str, note: str | None = None,
                     at: dt.datetime | None = None) -> tuple[Repayment, bool]:
    """Record one repayment (退回) of ``recovery_id``: ``(repayment, recorded)``. The same reference again with
    the same amount, day and channel changes nothing (``recorded`` False); with other figures it is refused.
    ``user`` None: the operator's command (a bank's file of returns)."""
    at = at or audit.now()
    recovery = _for_staff(session, user, recovery_id, write=True)
    reference = (reference or "").strip()
    if not _REFERENCE.match(reference):
        raise Invalid("请填写退回凭证号（银行流水号或收据号，字母、数字，不超过64位）", "reference")
    if channel not in CHANNELS:
        raise Invalid(f"退回方式应为：{'、'.join(CHANNELS.values())}", "channel")
    if not isinstance(amount_fen, int) or amount_fen <= 0:
        raise Invalid("退回金额应大于 0", "amount")
    if paid_on > at.date():
        raise Invalid("退回日期不能晚于今天", "paid_on")
    if paid_on < recovery.created_at.date():
        raise Invalid(f"退回日期不能早于追回登记之日（{recovery.created_at.date().isoformat()}）", "paid_on")
    same = _same_reference(session, recovery.id, reference, amount_fen, paid_on, channel)
    if same is not None:
        return same, False
    _check_open(recovery, amount_fen)
    repayment = Repayment(recovery_id=recovery.id, reference=reference, amount_fen=amount_fen, paid_on=paid_on,
                          channel=channel, note=(note or "").strip()[:500] or None,
                          actor_id=user.id if user else None, recorded_at=at)
    session.add(repayment)
    recovery.repaid_fen += amount_fen
    recovery.status = "repaid" if recovery.repaid_fen == recovery.amount_fen else "partial"
    recovery.version += 1
    session.flush()
    audit.record(session, "program_recovery_repaid", "program_recovery", recovery.id, actor=user, at=at,
                 repayment=repayment.id, reference=reference, amount_fen=amount_fen, paid_on=paid_on.isoformat(),
                 channel=channel, status=recovery.status)
    left = recovery.amount_fen - recovery.repaid_fen
    notifications.post(
        session, kind="program_recovery", title="退回款项已登记",
        text=f"已登记您 {paid_on.isoformat()} {CHANNELS[channel]}的 {amount_fen / 100:.2f} 元（追回编号 {recovery.id}）。"
             + (f"尚欠 {left / 100:.2f} 元。" if left else "应退回的款项已全部退回。"),
        applicant=recovery.applicant_id, link=f"/programs/claims/{recovery.claim_id}",
        ref=f"program-recovery-{recovery.id}", at=at)
    return repayment, True


def write_off(session: Session, user: User, recovery_id: int, *, reason: str, version: int | None = None,
              at: dt.datetime | None = None) -> Recovery:
    """核销: a supervisor's decision that what is left will not be recovered, with its reason. The texts
    print no ground for it; the decision and the reason are recorded and audited, never inferred."""
    at = at or audit.now()
    if user is None or user.role != SUPERVISOR:
        raise Forbidden("核销须由监督人员决定")
    recovery = _for_staff(session, user, recovery_id, write=True)
    if version is not None and version != recovery.version:
        raise Conflict("这笔追回已被他人处理，请刷新后再办", "version")
    if recovery.status not in OPEN:
        raise Conflict(f"这笔追回{STATUS_NAMES[recovery.status]}，不能核销", "recovery")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("请写明核销的理由", "reason")
    left = recovery.amount_fen - recovery.repaid_fen
    recovery.status, recovery.decided_by, recovery.decision_reason, recovery.decided_at = (
        "written_off", user.id, reason[:2000], at)
    recovery.version += 1
    audit.record(session, "program_recovery_written_off", "program_recovery", recovery.id, actor=user, at=at,
                 written_off_fen=left, reason=reason[:2000])
    notifications.post(
        session, kind="program_recovery", title="追回款项已核销",
        text=f"经办机构决定：追回编号 {recovery.id} 尚欠的 {left / 100:.2f} 元予以核销，不再追回。",
        applicant=recovery.applicant_id, link=f"/programs/claims/{recovery.claim_id}",
        ref=f"program-recovery-{recovery.id}", at=at)
    return recovery


# ---------------------------------------------------------------- reading


def listing(session: Session, user: User | None, *, status: str | None = None, region: str | None = None,
            program: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """The recoveries of the staff member's regions (``user`` None: the operator, every region), oldest
    open first; ``status`` one of STATUS_NAMES or ``open`` (待追回 and 部分追回)."""
    if user is not None:
        caseworkers.require(user)
    stmt = select(Recovery)
    if status == "open":
        stmt = stmt.where(Recovery.status.in_(OPEN))
    elif status:
        if status not in STATUS_NAMES:
            raise Invalid(f"状态应为：open、{'、'.join(STATUS_NAMES)}", "status")
        stmt = stmt.where(Recovery.status == status)
    if region:
        stmt = stmt.where(access.within(Recovery.region, regions.resolve(region)))
    if program:
        stmt = stmt.where(Recovery.program == definitions.get(program).code)
    if user is not None:
        stmt = access.scoped(stmt, user, Recovery.region)
    rows = session.scalars(stmt.order_by(Recovery.status.not_in(OPEN), Recovery.created_at, Recovery.id)
                           .limit(limit))
    return [recovery_dict(session, r, staff=True, repayments=False) for r in rows]


def one(session: Session, user: User, recovery_id: int) -> dict[str, Any]:
    return recovery_dict(session, _for_staff(session, user, recovery_id, write=False), staff=True)


def of_claim(session: Session, claim: Claim) -> list[dict[str, Any]]:
    """A claim's recoveries as its claimant reads them (amounts, months, reason, clause, repayments)."""
    return [recovery_dict(session, r) for r in
            session.scalars(select(Recovery).where(Recovery.claim_id == claim.id).order_by(Recovery.id))]


def recovery_dict(session: Session, r: Recovery, *, staff: bool = False, repayments: bool = True) -> dict[str, Any]:
    """A recovery as staff (``staff``) or its person read it. The person reads the amounts, the months, the
    status, the reason and clause, the repayments (day, channel, amount, reference) and whom to ask; the
    repayment's 说明 and the supervisor's 核销 reason are the office's own (the 核销 message leaves the reason
    out too) and are for staff only."""
    clause = _clause(r.source)
    program = definitions.get(r.program) if r.program else None
    out = {"id": r.id, "claim": r.claim_id, "program": r.program, "program_name": program.name if program else "",
           "region": r.region, "region_name": regions.label(r.region) if r.region else "",
           "months": r.months or [], "amount": f"{r.amount_fen / 100:.2f}", "repaid": f"{r.repaid_fen / 100:.2f}",
           "outstanding": f"{(0 if r.status == 'written_off' else r.amount_fen - r.repaid_fen) / 100:.2f}",
           "written_off": f"{(r.amount_fen - r.repaid_fen) / 100:.2f}" if r.status == "written_off" else None,
           "reason": r.reason, "rule": r.rule, "status": r.status, "status_name": STATUS_NAMES.get(r.status, r.status),
           "source": clause.as_record() | {"label": clause.label} if clause else None,
           "created_at": r.created_at, "decided_at": r.decided_at, "version": r.version, "offset": False,
           "how_to_repay": HOW_TO_REPAY if r.status in OPEN else None}
    if staff:
        out["decision_reason"] = r.decision_reason
        if r.applicant_id is not None:
            applicant = session.get(Applicant, r.applicant_id)
            out["applicant"] = {"id": applicant.id, "name": applicant.name, "kind": applicant.kind}
    if repayments:
        out["repayments"] = [
            {"reference": p.reference, "amount": f"{p.amount_fen / 100:.2f}", "paid_on": p.paid_on,
             "channel": p.channel, "channel_name": CHANNELS.get(p.channel, p.channel), "recorded_at": p.recorded_at}
            | ({"note": p.note} if staff else {})
            for p in session.scalars(select(Repayment).where(Repayment.recovery_id == r.id).order_by(Repayment.id))]
    return out


def totals(session: Session, user: User) -> dict[str, int]:
    """How many recoveries of the staff member's regions are in each status."""
    caseworkers.require(user)
    stmt = access.scoped(select(Recovery.status, func.count(Recovery.id)), user, Recovery.region)
    return dict(session.execute(stmt.group_by(Recovery.status)).all())


# ---------------------------------------------------------------- helpers


def _for_staff(session: Session, user: User | None, recovery_id: int, *, write: bool) -> Recovery:
    """The recovery for a staff member (``user`` None: the operator's command, checked by its caller). Writes
    to one recovery are serialised, so that what is owed is read fresh and two repayments at once can never
    pass it, nor one reference be recorded twice: PostgreSQL locks the row (``FOR UPDATE``); SQLite takes its
    one write lock before the read (caseworkers.write_lock)."""
    return caseworkers.get_for_staff(session, user, Recovery, recovery_id, lock=write,
                                     missing=f"没有这笔追回：{recovery_id}", field="recovery", what=f"追回 {recovery_id}")


def _same_reference(session: Session, recovery_id: int, reference: str, amount_fen: int, paid_on: dt.date,
                    channel: str) -> Repayment | None:
    """The repayment already recorded under ``reference``: the same one again on this recovery (returned), or
    a different one (refused, naming it). A reference is one payment — a bank's 流水号 one transfer, a window's
    receipt one payment — so it is recorded once across every recovery, whatever the channel: the same slip
    entered against a second recovery (the person's other program, a mistyped recovery number) is refused,
    never credited twice. Two requests on two recoveries lock two different rows, so on PostgreSQL the
    reference itself is locked for the check (SQLite's one write lock already serialises them)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_REFERENCE_LOCK, {"key": f"prog-repayment-reference:{reference}"})
    same = session.scalar(select(Repayment).where(Repayment.reference == reference).order_by(Repayment.id).limit(1))
    if same is None:
        return None
    recorded = f"{same.paid_on.isoformat()} {CHANNELS.get(same.channel, same.channel)} {same.amount_fen / 100:.2f} 元"
    if same.recovery_id != recovery_id:
        # the other recovery may be another region's: neither its number nor its amount is said (review s14)
        raise Conflict(f"凭证号 {reference} 已登记在另一笔追回中，同一凭证号只登记一次，请核对追回编号和凭证号",
                       "reference")
    if (same.amount_fen, same.paid_on, same.channel) == (amount_fen, paid_on, channel):
        return same
    raise Conflict(f"凭证号 {reference} 已登记为 {recorded}，与本次填写的不同，请核对", "reference")


def _check_open(recovery: Recovery, amount_fen: int) -> None:
    if recovery.status not in OPEN:
        raise Conflict(f"这笔追回{STATUS_NAMES[recovery.status]}，不再登记退回", "recovery")
    outstanding = recovery.amount_fen - recovery.repaid_fen
    if amount_fen > outstanding:
        raise Invalid(f"退回金额超过尚欠的 {outstanding / 100:.2f} 元", "amount")


def _clause(key: str | None) -> citations.Clause | None:
    if not key:
        return None
    try:
        return citations.clause(key)
    except KeyError:
        return None


def _months_text(months: list[str]) -> str:
    if len(months) == 1:
        return f"{months[0]} "
    return f"{months[0]} 至 {months[-1]} 共 {len(months)} 个月"
