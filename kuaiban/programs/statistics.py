"""补贴申领 figures for the supervisor's 统计 page: claims by program and state, what approved claims owe and
what was paid by month, the claims in 公示, and the recoveries still outstanding — all for the regions the
supervisor serves (``access.scoped``), amounts in yuan.

- approved by month: the entitlement schedule of approved claims (``Entitlement``) by the month owed,
  stopped months left out (they are no longer owed); ``pending`` months (先缴后补, or a figure not yet
  published) are owed but not yet payable and are counted apart;
- paid by month: payment lines by the month owed — 已到账 (paid) and 已发出 (issued, not yet confirmed);
- outstanding recoveries: 待追回 and 部分追回, amount less what was repaid (核销 ones owe nothing).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuaiban.platform import access
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import NotFound
from kuaiban.platform.models import REVIEWER, SUPERVISOR, User
from kuaiban.programs import definitions
from kuaiban.programs.claims import STATUS_NAMES
from kuaiban.programs.models import Claim, Entitlement, PaymentLine, Recovery
from kuaiban.programs.recovery import OPEN


def program_name(code: str | None) -> str:
    if not code:
        return "未知项目"
    try:
        return definitions.get(code).name
    except NotFound:
        return code


def _yuan(fen: int | None) -> float:
    return round((fen or 0) / 100, 2)


def overview(session: Session, user: User) -> dict[str, Any]:
    """The 补贴申领 figures of the regions ``user`` serves (a supervisor or reviewer)."""
    require_role(user, SUPERVISOR, REVIEWER)
    claims: dict[str, dict[str, Any]] = {}
    for program, status, n in session.execute(access.scoped(
            select(Claim.program, Claim.status, func.count(Claim.id)).group_by(Claim.program, Claim.status),
            user, Claim.region)):
        row = claims.setdefault(program, {"program": program, "program_name": program_name(program), "total": 0,
                                          "by_status": {}})
        row["total"] += n
        row["by_status"][status] = n
    used = sorted({s for r in claims.values() for s in r["by_status"]},
                  key=lambda s: list(STATUS_NAMES).index(s) if s in STATUS_NAMES else len(STATUS_NAMES))

    months: dict[str, dict[str, float]] = defaultdict(lambda: {"approved": 0.0, "pending": 0.0, "paid": 0.0,
                                                               "issued": 0.0})
    for month, status, fen in session.execute(access.scoped(
            select(Entitlement.month, Entitlement.status, func.sum(Entitlement.amount_fen))
            .where(Entitlement.status != "stopped").group_by(Entitlement.month, Entitlement.status),
            user, Entitlement.region)):
        months[month]["pending" if status in ("pending", "held") else "approved"] += _yuan(fen)
    for month, status, fen in session.execute(access.scoped(
            select(PaymentLine.month, PaymentLine.status, func.sum(PaymentLine.amount_fen))
            .where(PaymentLine.status.in_(("paid", "issued"))).group_by(PaymentLine.month, PaymentLine.status),
            user, PaymentLine.region)):
        months[month][status] += _yuan(fen)

    open_count, open_fen = session.execute(access.scoped(
        select(func.count(Recovery.id), func.coalesce(func.sum(Recovery.amount_fen - Recovery.repaid_fen), 0))
        .where(Recovery.status.in_(OPEN)), user, Recovery.region)).one()
    return {
        "claims": [claims[k] for k in sorted(claims)],
        "statuses": [{"code": s, "name": STATUS_NAMES.get(s, s)} for s in used],
        "total": sum(r["total"] for r in claims.values()),
        "in_publicity": sum(r["by_status"].get("publicity", 0) for r in claims.values()),
        "by_month": [{"month": k, **{f: round(v, 2) for f, v in months[k].items()}} for k in sorted(months)],
        "recoveries_outstanding": {"count": int(open_count), "amount": _yuan(int(open_fen))},
    }
