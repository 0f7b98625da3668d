"""待核定的发放金额: a caseworker's queue of held months across claims (s16).

A month is held (kuaiban.programs.held) when its amount computed before a batch differs from the decided one
because an input of the decision changed; it waits, paid at neither amount, until a reviewer or supervisor of the
claim's region decides it on the claim's page. :func:`queue` lists those months for one staff member: exactly
the months :func:`kuaiban.programs.held.confirm` would let them decide — the same role rule (:func:`require`:
program staff, then 审核 or 监督, with confirm's refusal) and the same region rule (the claim's region in the
account's scope, kuaiban.platform.access: ``scoped`` here is the SQL form of confirm's ``require_serves``).

Each row: the claim, the program, the applicant (a person's given name masked, an enterprise by name, as the
staff 公示 list shows them), the month, the decided and the found amount, and since when it is held (the payroll
step that held it: the claim's history row ``payroll``/``held`` of that month; a month held again by 恢复发放
keeps the day it was first held). Oldest first, paged as the other staff lists (50 a page).

Filters (s17), the same names on the page, the API and the command line: ``program`` (a program's code) and
``region`` (a GB/T 2260 code or a name; a city's code includes its districts, kuaiban.platform.access.within, as
the other staff lists), within the account's own regions; a bad one is refused naming its field (422).

新的待办 (s17): months held in a digest's window are counted for the 审核 staff of the claim's region (and the
supervisors above it, as every digest counts), so a held month reaches the people who decide it without their
opening the queue (kuaiban.platform.new_work).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuaiban.platform import access, new_work, regions
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import REVIEWER, Applicant, User
from kuaiban.programs import caseworkers, definitions, held
from kuaiban.programs.held import HELD
from kuaiban.programs.models import Claim, ClaimEvent, Entitlement
from kuaiban.programs.publicity import mask_name

PAGE = 50
DECIDERS = held.DECIDERS


def require(user: User) -> None:
    """Who decides a held month, as :func:`kuaiban.programs.held.confirm` asks it: program staff
    (caseworkers.require), and of them a reviewer or supervisor (403 otherwise, with confirm's words)."""
    caseworkers.require(user)
    held.require_decider(user)


def _yuan(fen: int | None) -> str:
    return f"{(fen or 0) / 100:.2f}"


def filters(program: str | None, region: str | None) -> tuple[str | None, str | None]:
    """The program's code and the region's code a queue is filtered by (blank: no filter), or :class:`Invalid`
    naming the field (``program``, ``region``) in Chinese."""
    program, region = (program or "").strip() or None, (region or "").strip() or None
    if program is not None and program not in definitions.programs():
        raise Invalid(f"没有这个补贴项目：{program}", "program")
    return program, regions.resolve(region, field="region") if region is not None else None


def queue(session: Session, user: User, *, page: int | None = 1, program: str | None = None,
          region: str | None = None) -> dict[str, Any]:
    """The held months of the claims in ``user``'s regions, oldest hold first (then month, claim): ``page`` of
    :data:`PAGE` rows, or every row with ``page=None`` (the command line); only ``program``'s and those in
    ``region`` (and below) when given (:func:`filters`). Refused (403) as :func:`require`."""
    require(user)
    program, region = filters(program, region)
    since = (select(func.min(ClaimEvent.at))
             .where(ClaimEvent.claim_id == Entitlement.claim_id, ClaimEvent.step == "payroll",
                    ClaimEvent.outcome == HELD, func.substr(ClaimEvent.note, 1, 7) == Entitlement.month)
             .correlate(Entitlement).scalar_subquery().label("since"))
    stmt = access.scoped(
        select(Entitlement, Claim.program, Claim.region, Applicant.name, Applicant.kind, since)
        .join(Claim, Claim.id == Entitlement.claim_id).join(Applicant, Applicant.id == Claim.applicant_id)
        .where(Entitlement.status == HELD), user, Claim.region)
    if program is not None:
        stmt = stmt.where(Claim.program == program)
    if region is not None:
        stmt = stmt.where(access.within(Claim.region, region))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    stmt = stmt.order_by(since.is_(None), since, Entitlement.month, Entitlement.claim_id)
    pages = max(1, -(-total // PAGE))
    if page is not None:
        page = min(max(1, page), pages)
        stmt = stmt.offset((page - 1) * PAGE).limit(PAGE)
    items = []
    for e, program, region, name, kind, held_at in session.execute(stmt):
        found = definitions.programs().get(program)
        items.append({"claim": e.claim_id, "program": program, "program_name": found.name if found else program,
                      "applicant": name if kind == "enterprise" else mask_name(name or ""),
                      "region": region, "region_name": regions.label(region), "month": e.month,
                      "decided": _yuan(e.amount_fen), "found": _yuan(e.found_fen),
                      "held_since": held_at.strftime("%Y-%m-%d %H:%M") if held_at else None})
    return {"count": total, "page": page or 1, "pages": 1 if page is None else pages, "items": items}


def count(session: Session, user: User) -> int:
    """How many held months ``user`` may decide (0 for a window account: not theirs to decide)."""
    if user.role not in DECIDERS:
        return 0
    stmt = access.scoped(select(func.count(Entitlement.id)).join(Claim, Claim.id == Entitlement.claim_id)
                         .where(Entitlement.status == HELD), user, Claim.region)
    return session.scalar(stmt) or 0


def _entered(session: Session, since: dt.datetime, until: dt.datetime):
    """Months held in the window (the payroll step's ``held`` history rows), by the claim's region; decided by
    审核 staff (REVIEWER) or supervisors, as :func:`kuaiban.programs.held.confirm` asks."""
    rows = session.execute(select(Claim.region, func.count(ClaimEvent.id))
                           .join(Claim, Claim.id == ClaimEvent.claim_id)
                           .where(ClaimEvent.step == "payroll", ClaimEvent.outcome == HELD,
                                  ClaimEvent.at >= since, ClaimEvent.at < until)
                           .group_by(Claim.region))
    return [(region, REVIEWER, n) for region, n in rows]


new_work.register("program_held_months", "待核定的发放金额", _entered, "/programs/held")
