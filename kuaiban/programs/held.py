"""Months held at payroll (待核定发放金额, s16): the decision binds the payment.

Before a batch of a program settled at payment (先缴后补, official figures: :mod:`kuaiban.programs.settle`) each
unpaid month is computed again. Where that amount differs from the one the decision gave the month, the month is
paid at neither: it is **held** (``status == "held"``), the two amounts are kept (``amount_fen`` = ``decided_fen``,
the decided one; ``found_fen``, the one computed), the claim's history records it and every batch's report lists
it (:func:`listed`) until a reviewer or supervisor of the claim's region decides the month (:func:`confirm`):

- ``decided`` — 按原决定金额发放: the decision stands; the month is paid at the decided amount — computed from the
  official figures the decision read (kept on the claim at approval) and the month's contributions as actually
  paid (湘人社规〔2020〕22号 第七条（二）: 费率按实际缴纳社会保险的费率执行), so a month also paid at another rate than
  the form's is paid at that rate; a month decided before those figures were kept: the decided amount. The
  amount found is kept, so that the same difference is not held again at the next batch (a new one is);
- ``found`` — 按重新核算金额发放: a new decision of the month's amount, which the claimant is told (the message
  centre, kind ``program_paid``) with the reason. The old decision's figures are no longer the month's: kept
  again later, the month is paid at this amount. A month found at nothing (0: held since s17) and decided so is
  not paid: it is ``pending`` again, looked at by each batch (a new difference is held again).

Either way the reason is required, the step is a history row of the claim (``payment_amount``, the caseworker
named) and an audit entry (``program_payment_amount_confirmed``, both amounts, the choice, the reason). The month
is paid once, by the next batch built (the batch already built for its month is never rebuilt: the lines' unique
index on beneficiary, program and month holds, as for every month owed). A second decision of the same month
is refused (the month is no longer held); the check and the change are one conditional UPDATE, so two
caseworkers at the same moment decide it once.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, dates, notifications
from kuaiban.platform.errors import Conflict, Forbidden, Invalid
from kuaiban.platform.models import REVIEWER, SUPERVISOR, User
from kuaiban.programs import caseworkers, definitions, figures, settle
from kuaiban.programs.models import Claim, ClaimEvent, Entitlement

HELD = "held"
CHOICES = {"decided": "按原决定金额发放", "found": "按重新核算金额发放"}
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _yuan(fen: int | None) -> str:
    return f"{(fen or 0) / 100:.2f}"


def listed(session: Session, program: str, region: str, month: str, *, limit: int = 500) -> list[dict[str, Any]]:
    """The held months of ``program`` in ``region`` (and below) up to ``month``: what a batch's report names
    (claim, month, region, the decided and the computed amount), oldest first; at most ``limit``."""
    rows = session.scalars(select(Entitlement).where(
        Entitlement.program == program, Entitlement.status == HELD, Entitlement.month <= month,
        access.within(Entitlement.region, region)).order_by(Entitlement.month, Entitlement.claim_id).limit(limit))
    return [{"claim": e.claim_id, "month": e.month, "region": e.region, "decided": _yuan(e.amount_fen),
             "found": _yuan(e.found_fen)} for e in rows]


DECIDERS = (REVIEWER, SUPERVISOR)


def require_decider(user: User) -> None:
    """Who decides a held month's amount: a reviewer or supervisor (403 otherwise). The one role check of
    :func:`confirm` and of the queue of held months (kuaiban.programs.held_queue)."""
    if user.role not in DECIDERS:
        raise Forbidden("发放金额由审核或监督人员核定")


def confirm(session: Session, user: User, claim_id: int, month: str, *, choice: str, reason: str,
            internal_note: str | None = None, at: dt.datetime | None = None) -> dict[str, Any]:
    """A reviewer's or supervisor's decision of a held month's amount (see the module): the month is then due at
    the amount chosen. Refused: another role or region (403), a bad choice, month or an empty reason (422,
    naming the field), a month not held (409: decided already, or never held)."""
    at = at or audit.now()
    claim = caseworkers.get_for_staff(session, user, Claim, claim_id, lock=True, missing=f"没有这件申领：{claim_id}",
                                      field="claim", what=f"申领 {claim_id}")
    require_decider(user)
    if choice not in CHOICES:
        raise Invalid("请选择按原决定金额发放或按重新核算金额发放", "choice")
    month = dates.read_month(month or "") or month
    if not _MONTH.match(month or ""):
        raise Invalid(f"月份不是有效的月份，请按 2021-11 这样的格式填写（收到“{month}”）", "month")
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("请写明核定理由", "reason")
    entitlement = session.scalar(select(Entitlement).where(Entitlement.claim_id == claim.id,
                                                           Entitlement.month == month))
    if entitlement is None or entitlement.status != HELD:
        raise Conflict(f"{month} 没有待核定的发放金额（可能已由他人核定，请刷新后查看）", "month")
    decided, found = entitlement.amount_fen, entitlement.found_fen
    program = definitions.get(claim.program)
    # the decision kept: its official figures at the rate actually paid (settle.kept_amount; 22号 第七条（二）),
    # the decided amount for a month decided before its figures were kept
    kept = settle.kept_amount(session, program, claim, month) if choice == "decided" else None
    pay = (kept or decided) if choice == "decided" else found
    # nothing decided (a month found at 0 and decided so): not due; pending, looked at again by each batch
    values: dict[str, Any] = {"status": "due" if pay > 0 else settle.PENDING, "amount_fen": pay}
    if choice == "found":  # a new decision: the amount now decided; nothing found against it any more
        values |= {"decided_fen": found, "found_fen": None}
    done = session.execute(update(Entitlement).where(Entitlement.id == entitlement.id, Entitlement.status == HELD)
                           .values(**values).execution_options(synchronize_session=False)).rowcount
    if done != 1:  # decided by another caseworker a moment ago
        raise Conflict(f"{month} 没有待核定的发放金额（可能已由他人核定，请刷新后查看）", "month")
    session.expire(entitlement)
    if choice == "found" and figures.decided(claim.facts, month) is not None:  # the figures of the old decision
        claim.facts = {**claim.facts, figures.DECIDED: {m: v for m, v in claim.facts[figures.DECIDED].items()
                                                        if m != month}}
    if choice == "decided" and pay != decided:
        note = (f"{month} 按原审核决定发放：按审核决定所用的官方数字、当月实际缴纳的费率核算为 {_yuan(pay)} 元"
                f"（审核决定 {_yuan(decided)} 元）：{reason}")
    elif choice == "decided":
        note = f"{month} 按原审核决定金额 {_yuan(decided)} 元发放：{reason}"
    else:
        note = f"{month} 发放金额核定为 {_yuan(found)} 元（原审核决定 {_yuan(decided)} 元）：{reason}"
    session.add(ClaimEvent(claim_id=claim.id, step="payment_amount", outcome="kept" if choice == "decided" else "changed",
                           note=note, internal_note=(internal_note or "").strip() or None, actor_id=user.id, at=at))
    claim.version += 1
    audit.record(session, "program_payment_amount_confirmed", "program_claim", claim.id, actor=user, at=at,
                 month=month, choice=choice, amount_fen=pay, decided_fen=decided, found_fen=found, reason=reason)
    if choice == "found":
        notifications.post(session, kind="program_paid", title=f"{program.name}发放金额调整",
                           text=f"您的{program.name}（编号 {claim.id}）{note}。"
                                + ("该月补贴随下一发放批次发放。" if pay > 0 else "该月不发放补贴。"),
                           applicant=claim.applicant_id, link=f"/programs/claims/{claim.id}",
                           ref=f"program-claim-{claim.id}", at=at)
    return {"claim": claim.id, "month": month, "choice": choice, "amount": _yuan(pay), "decided": _yuan(decided),
            "found": _yuan(found)}
