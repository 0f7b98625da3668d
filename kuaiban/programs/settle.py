"""Before a batch pays a month of a program that pays after the contributions (先缴后补) or whose amount rests
on an official figure of the month's year, the month is computed again from what is known now.

湘人社规〔2020〕22号 第八条: "社会保险补贴实行“先缴后补”方式"; 第七条: the amount is what was actually paid
("按其…实际缴纳的…单位缴费部分进行补贴…未缴齐上述三种社会保险费的不予补贴"), or for a flexible worker the
上年度 average wage × 60 % × the rate actually paid. The decision writes the schedule from the claim form;
those amounts are provisional. :func:`settle` (called by ``payroll.build``) takes every month owed up to the
batch's month and not paid yet:

- the contributions register (``pay_first.register``) must show that month paid (its record's ``months``:
  ``{"2021-03": {"paid": true, <the month's facts>}}``); the month's facts replace the form's
  (``pay_first.month_facts``);
- each official figure is the one of the month's period (kuaiban.programs.figures);
- the calculator computes the month again. A month with a positive amount is ``due`` at that amount; any other
  month (not paid yet, register silent or unreachable, a figure not published yet, nothing due) is ``pending``
  (待核实) and is looked at again by the next batch — a contribution paid late is subsidised then (a decided
  month computed at nothing because an input of the decision changed is held instead, below).

Nothing is paid on a guess: a register that cannot answer leaves the months waiting.

The decision binds the payment (s16). A month the decision gave an amount (``decided_fen``) and which is now
computed at another is told apart by computing it once more from the decision's own inputs (:func:`_as_decided`):

- they still give the decided amount: the difference is the month's contributions as actually paid (先缴后补,
  the rate or the employer part the register shows — the amount the text pays, 湘人社规〔2020〕22号 第七条). The
  month is paid at that amount, as before, and the claim's history says so (``adjusted``: both amounts);
- they give another: an input the decision rested on changed since (an official figure corrected with
  ``enter-figure --replace``). The month is paid at neither — also when it now computes to nothing (0, s17;
  before, such a month waited ``pending`` with nobody deciding it). It is **held** (``held``, 待核定): the amount found
  is kept beside the decided one (``found_fen``), the claim's history says so (the claimant: the month waits for
  the office; staff: both amounts), the batch's report names it (kuaiban.programs.held.listed), and a reviewer or
  supervisor decides it (kuaiban.programs.held.confirm); a held month is not computed again until then.

A month the decision left waiting for an official figure (no decided amount) is paid at its first computed
amount, as the decision said.

A month is written only if its status and amounts are still the ones read (compare and set, the row count
checked): a 停发 or 暂停 committed by a caseworker meanwhile (settle reads the months without a lock) is never
undone — the month stays stopped and the batch does not pay it; a month another settle adjusted or held meanwhile
gets no second history row (s17).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import Applicant, User
from kuaiban.programs import eligibility, figures
from kuaiban.programs.definitions import Program
from kuaiban.programs.models import Claim, ClaimEvent, Entitlement, PaymentLine
from kuaiban.programs.registers import DEFAULT as REGISTERS
from kuaiban.programs.registers import Registers, Unavailable

PENDING = "pending"
HELD = "held"  # computed at another amount than decided: paid at neither until a caseworker decides (s16)


def _months_between(first: str, later: str) -> int:
    return (int(later[:4]) - int(first[:4])) * 12 + int(later[5:7]) - int(first[5:7])


def _contributions(session: Session, program: Program, claim: Claim, registers: Registers) -> dict[str, Any]:
    """The register's months of the claimant (person or enterprise); {} when it has none or cannot answer."""
    if program.pay_first is None:
        return {}
    applicant = session.get(Applicant, claim.applicant_id)
    if applicant is None or not applicant.id_number:
        return {}
    try:
        record = registers.lookup(session, program.pay_first.register, applicant.id_number)
    except Unavailable:
        return {}
    months = (record or {}).get("months")
    return months if isinstance(months, dict) else {}


def _month_facts(program: Program, claim: Claim, owed: str, paid: dict[str, Any],
                 known: dict[str, dict[str, Any]]) -> tuple[dict[str, Any] | None, str | None]:
    """The facts the month is computed from, or (None, why it waits)."""
    facts = dict(claim.facts)  # with ``_official``: figures.apply keeps only the office's official figures
    if program.pay_first is not None:
        record = paid.get(owed)
        if not isinstance(record, dict) or not record.get("paid"):
            return None, f"{owed} 未查到缴费记录（先缴后补）"
        for name, key in program.pay_first.month_facts.items():
            if key in record:
                facts[name] = record[key]
    return figures.apply(program, claim.month, owed, facts, known), None


def _as_decided(program: Program, claim: Claim, owed: str, known: dict[str, dict[str, Any]]) -> int | None:
    """The month computed now from the decision's own inputs (the claim's facts, without the register's month
    facts of 先缴后补) and the figures in force now: the decided amount unless an input the decision rested on
    changed since (an official figure corrected with ``--replace``, say); None when it cannot be computed."""
    try:
        answer = eligibility.compute(program, region=claim.region, month=claim.month, owed=owed,
                                     nth=_months_between(claim.month, owed) + 1,
                                     facts=figures.apply(program, claim.month, owed, dict(claim.facts), known),
                                     claimed_on=claim.created_at.date())
    except Invalid:
        return None
    return eligibility.to_fen(answer["value"])


def _kept(program: Program, claim: Claim, owed: str, facts: dict[str, Any] | None) -> int | None:
    """The decided amount of a month a caseworker kept (按原决定金额发放, kuaiban.programs.held): the official
    figures the decision read (kept on the claim at approval, figures.decided) with the month's contributions as
    actually paid (``facts``: the month's, the register's rate) — 湘人社规〔2020〕22号 第七条（二）: 费率按实际缴纳
    社会保险的费率执行, whichever figure is kept. None when the decision's figures were not kept (a month decided
    before s16 payroll2, or decided again) or the month cannot be computed: the decided amount then, as before."""
    figures_read = figures.decided(claim.facts, owed)
    if figures_read is None or facts is None:
        return None
    try:
        answer = eligibility.compute(program, region=claim.region, month=claim.month, owed=owed,
                                     nth=_months_between(claim.month, owed) + 1, facts={**facts, **figures_read},
                                     claimed_on=claim.created_at.date())
    except Invalid:
        return None
    fen = eligibility.to_fen(answer["value"])
    return fen if fen > 0 else None


def kept_amount(session: Session, program: Program, claim: Claim, owed: str, *,
                registers: Registers = REGISTERS) -> int | None:
    """:func:`_kept` of one month now (what 按原决定金额发放 pays, told to the caseworker deciding it); None as
    there. The batch that pays the month computes it again (the register may say more by then)."""
    known = figures.entered(session, program, claim.region, registers)
    facts, _ = _month_facts(program, claim, owed, _contributions(session, program, claim, registers), known)
    return _kept(program, claim, owed, facts)


def settle(session: Session, program: Program, region: str, month: str, *, registers: Registers = REGISTERS,
           actor: User | None = None, at: dt.datetime | None = None, record: bool = True) -> dict[str, Any]:
    """Every month owed up to ``month`` in ``region`` not paid yet, computed again: due or pending.

    ``record`` False: the audit entry is not appended here but returned (``audit``: its details, None when
    nothing was read) for the caller to append after its own locks — payroll.build, whose months are locked
    after this (PostgreSQL: the log's append lock is held to the commit, so it must be the last lock taken).

    PostgreSQL lock order (s19): before the first write to a claim's months the claim row is locked ``FOR KEY
    SHARE`` (the months' history rows need that lock, foreign key), so that the claim comes before its months as
    in every stop (claims._stop, claims.recheck, held.confirm: the claim ``FOR UPDATE``, then its months); a stop
    of the claim waits for this transaction, or this waits for the stop."""
    at = at or audit.now()
    paid_line = exists().where(and_(PaymentLine.applicant_id == Entitlement.applicant_id,
                                    PaymentLine.program == Entitlement.program,
                                    PaymentLine.month == Entitlement.month))
    rows = session.execute(
        select(Entitlement, Claim).join(Claim, Claim.id == Entitlement.claim_id)
        .where(Entitlement.program == program.code, Entitlement.status.in_(("due", PENDING)),
               Entitlement.month <= month, access.within(Entitlement.region, region), Claim.status == "approved",
               ~paid_line)
        .order_by(Entitlement.claim_id, Entitlement.month)).all()
    known = figures.entered(session, program, region, registers)
    waiting: list[str] = []
    held: list[list] = []
    adjusted: list[list] = []
    counts = {"due": 0, PENDING: 0, HELD: 0}
    changed = 0
    contributions: dict[int, dict[str, Any]] = {}
    locked: set[int] = set()  # the claims locked FOR KEY SHARE (PostgreSQL), in claim order as the rows are
    postgres = session.get_bind().dialect.name == "postgresql"
    for entitlement, claim in rows:
        if claim.id not in contributions:
            contributions[claim.id] = _contributions(session, program, claim, registers)
        facts, why = _month_facts(program, claim, entitlement.month, contributions[claim.id], known)
        fen, computed = 0, False  # computed: the month's facts known and the calculator answered (0 included)
        if facts is not None:
            try:
                answer = eligibility.compute(program, region=claim.region, month=claim.month, owed=entitlement.month,
                                             nth=_months_between(claim.month, entitlement.month) + 1, facts=facts,
                                             claimed_on=claim.created_at.date())
                fen, computed = eligibility.to_fen(answer["value"]), True
                why = None if fen > 0 else f"{entitlement.month} 按当月情况计算无补贴"
            except Invalid as exc:  # an official figure of the month's year not entered yet, say
                label = next((f.label for f in program.form if f.name == exc.field), None)
                why = (f"{entitlement.month}：等待经办机构录入官方数字（{label}），录入前不发放"
                       if exc.field in program.official_fields else f"{entitlement.month}：{exc.message}")
        decided = entitlement.decided_fen
        # a caseworker kept the decision against this very amount (held.confirm): not held again for it
        kept_against = computed and decided is not None and fen == entitlement.found_fen
        events: list[ClaimEvent] = []
        if computed and decided is not None and fen not in (decided, entitlement.found_fen) \
                and _as_decided(program, claim, entitlement.month, known) != decided:
            # the decision's own inputs give another amount now (an official figure corrected, say): paid at
            # neither until a caseworker decides (kuaiban.programs.held). Nothing (0) too (s17): the month the
            # decision granted would otherwise wait unpaid, silently, with nobody deciding it. A 0 the decision's
            # inputs still give the decided amount beside is the month's contributions not (all) paid yet
            # (22号 第七条（一）未缴齐…不予补贴; 第八条 先缴后补): pending below, paid once the register shows them paid
            values = {"status": HELD, "found_fen": fen, "amount_fen": decided}
            kept = _kept(program, claim, entitlement.month, facts)
            at_rate_paid = (f"（按审核决定所用的官方数字、当月实际缴纳的费率核算为 {kept / 100:.2f} 元，按原决定发放即发放此数）"
                            if kept is not None and kept != decided else "")
            events.append(ClaimEvent(claim_id=claim.id, step="payroll", outcome=HELD, actor_id=actor.id if actor else None,
                                     at=at, note=f"{entitlement.month} 的补贴暂缓发放：发放前核算的金额与审核决定不一致，待经办机构核定后发放",
                                     internal_note=f"{entitlement.month}：审核决定 {decided / 100:.2f} 元{at_rate_paid}，发放前按当月缴费记录和"
                                                   f"官方数字核算为 {fen / 100:.2f} 元；两者均未发放，请核定本月发放金额"))
        elif fen > 0 or kept_against:
            if decided is not None and fen not in (decided, entitlement.found_fen) and fen != entitlement.amount_fen:
                # 先缴后补: the month's contributions as actually paid (the rate, the employer part) give the
                # amount the text pays (湘人社规〔2020〕22号 第七条 按实际缴纳); the decision's inputs still give the
                # decided one. Paid, and said on the claim.
                events.append(ClaimEvent(claim_id=claim.id, step="payroll", outcome="adjusted",
                                         actor_id=actor.id if actor else None, at=at,
                                         note=f"{entitlement.month} 按当月实际缴费核算为 {fen / 100:.2f} 元（审核时按申请表核算为 "
                                              f"{decided / 100:.2f} 元；先缴后补，按实际缴纳的计算）"))
            if kept_against:  # a caseworker kept the decision: its
                # figures at the rate actually paid (22号 第七条（二）); the decided amount for a month decided before
                values = {"status": "due", "amount_fen": _kept(program, claim, entitlement.month, facts) or decided}
            else:
                values = {"status": "due", "amount_fen": fen}
        else:
            values = {"status": PENDING}
        # compare and set: written only if the month is still as read (its status and amounts). A 停发 or 暂停
        # committed since the read (nothing here locks the rows read) is never undone — the month stays stopped
        # and no line pays it; a month another batch's settle held or adjusted a moment ago (same status, another
        # amount) is not held or adjusted twice: the history rows (events) are added only when this write
        # succeeded. A month computed as it stands is not written at all
        done = 1
        if events or any(getattr(entitlement, k) != v for k, v in values.items()):
            if postgres and claim.id not in locked:  # the claim before its months (see the docstring)
                session.execute(select(Claim.id).where(Claim.id == claim.id).with_for_update(read=True, key_share=True))
                locked.add(claim.id)
            done = session.execute(update(Entitlement).where(
                Entitlement.id == entitlement.id, Entitlement.status == entitlement.status,
                Entitlement.amount_fen == entitlement.amount_fen,
                Entitlement.found_fen.is_not_distinct_from(entitlement.found_fen))
                .values(**values).execution_options(synchronize_session=False)).rowcount
        month_owed = entitlement.month
        session.expire(entitlement)  # what the row holds now (written here, or changed by another)
        if done != 1:
            changed += 1
            waiting.append(f"申领 {claim.id} {month_owed}：核算期间状态已变更（停发、暂停或已由其他批次核算），本次未核算")
            continue
        session.add_all(events)
        if values["status"] == HELD:
            held.append([claim.id, month_owed])
        elif events:
            adjusted.append([claim.id, month_owed])
        elif values["status"] == PENDING:
            waiting.append(f"申领 {claim.id} {why}")
        counts[values["status"]] += 1
    entry = dict(program=program.code, region=region, month=month, due=counts["due"], pending=counts[PENDING],
                 waiting=waiting[:50], held=counts[HELD], adjusted=adjusted[:50], changed=changed) if rows else None
    if entry is not None and record:
        audit.record(session, "program_months_settled", "program", None, actor=actor, at=at, **entry)
    return {"due": counts["due"], "pending": counts[PENDING], "held": held, "adjusted": adjusted, "waiting": waiting,
            "audit": None if record else entry}
