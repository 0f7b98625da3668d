"""Statistics of 失业登记 generated from the records themselves.

- 人社厅发〔2020〕3号 六 (data/compilations/hunan-hrss-2020.txt:3445): “逐步实现登记失业人员数据从信息系统中直接生成”.
- 人社厅发〔2020〕79号 （九） (data/compilations/shandong-2020.txt:5451): “统计报表期为上月21日至本月20日” —
  :func:`report_period`; （十一） (5455): national-platform and local registrations are counted together.

Gap: the statistics scope of 3号 六 and 79号 （十） is registrations “在城镇区域办理”; the records do not say
whether a place is urban, so every registration is counted and the figures are not restricted to 城镇.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kuaiban.platform import access, regions
from kuaiban.platform.auth import require_role
from kuaiban.platform.errors import Forbidden, Invalid
from kuaiban.platform.models import REVIEWER, SUPERVISOR, User
from kuaiban.unemployment import models as m
from kuaiban.unemployment.citations import cited
from kuaiban.unemployment.decision import is_unassigned
from kuaiban.unemployment.deregistration import exit_reasons
from kuaiban.unemployment.registration import in_scope

PERIOD_SOURCE = cited("ue_statistics_period")


def report_period(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The report period of ``year-month``: the 21st of the previous month to the 20th of this one.

    >>> report_period(2021, 1)
    (datetime.date(2020, 12, 21), datetime.date(2021, 1, 20))
    """
    if not 1 <= month <= 12:
        raise Invalid(f"月份无效：{month}", "month")
    start = dt.date(year - 1, 12, 21) if month == 1 else dt.date(year, month - 1, 21)
    return start, dt.date(year, month, 20)


def _within(moment: dt.datetime | dt.date | None, start: dt.date, end: dt.date) -> bool:
    if moment is None:
        return False
    day = moment.date() if isinstance(moment, dt.datetime) else moment
    return start <= day <= end


def compute(session: Session, start: dt.date, end: dt.date, *, region: str | None = None) -> dict:
    """Every figure for the period ``start``–``end`` (both days included), for ``region``'s registrations
    (a region code covers its sub-regions; None: all)."""
    if end < start:
        raise Invalid("统计期结束日期早于开始日期", "end")
    stmt = select(m.Registration).options(selectinload(m.Registration.followups),
                                          selectinload(m.Registration.deregistration))
    if region:
        stmt = stmt.where(access.within(m.Registration.aab301, region))
    regs = list(session.scalars(stmt))
    staffing = access.Staffing.load(session)
    end_moment = dt.datetime.combine(end, dt.time(23, 59, 59))

    submitted = [r for r in regs if _within(r.submitted_at, start, end)]
    decided = [r for r in regs if _within(r.decided_at, start, end)]
    approved = [r for r in decided if r.decision == m.APPROVED_CODE]
    on_time = [r for r in decided if r.due_at is not None and r.decided_at <= r.due_at]
    late = [r for r in decided if r.due_at is not None and r.decided_at > r.due_at]
    pending_overdue = [r for r in regs if r.submitted_at <= end_moment and r.due_at is not None
                       and r.due_at < end_moment
                       and (r.decided_at is None or r.decided_at > end_moment)]

    def registered_at_end(r: m.Registration) -> bool:
        if r.decision != m.APPROVED_CODE or r.decided_at > end_moment:
            return False
        return r.deregistration is None or r.deregistration.effective_on > end

    current = [r for r in regs if registered_at_end(r)]
    followed = [r for r in current if any(_within(f.at, start, end) for f in r.followups)]
    exits = [r.deregistration for r in regs if r.deregistration and _within(r.deregistration.effective_on, start, end)]
    names = {code: reason.name for code, reason in exit_reasons().items()}
    by_reason = Counter(d.reason_code for d in exits)
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "source": PERIOD_SOURCE},
        "region": region,
        "region_name": regions.full_name(region) if region else "全国",
        "submitted": len(submitted),
        "submitted_by_region": {code: {"name": regions.full_name(code) or "未知地区", "count": n}
                                for code, n in sorted(Counter(r.aab301 for r in submitted).items())},
        "unassigned_pending": sum(1 for r in regs if is_unassigned(staffing, r)),
        "submitted_by_channel": dict(sorted(Counter(r.channel for r in submitted).items())),
        "submitted_by_place_basis": dict(sorted(Counter(r.place_basis for r in submitted).items())),
        "decided": len(decided),
        "approved": len(approved),
        "rejected": len(decided) - len(approved),
        "decided_on_time": len(on_time),
        "decided_late": len(late),
        "decided_deadline_unknown": len(decided) - len(on_time) - len(late),
        "pending_overdue_at_end": len(pending_overdue),
        "flagged_by_registers": sum(1 for r in submitted if r.register_flagged),
        "registered_at_end": len(current),
        "registered_at_end_by_place_basis": dict(sorted(Counter(r.place_basis for r in current).items())),
        "deregistered": len(exits),
        "deregistered_by_reason": {code: {"name": names.get(code, code), "count": n}
                                   for code, n in sorted(by_reason.items())},
        "followed_up": len(followed),
        "follow_up_coverage": round(len(followed) / len(current), 4) if current else None,
    }


def statistics_for(session: Session, user: User, start: dt.date, end: dt.date, *, region: str | None = None) -> dict:
    """:func:`compute` for a supervisor or reviewer, limited to their region."""
    require_role(user, SUPERVISOR, REVIEWER)
    region = regions.resolve(region) if region else user.region
    if region and not in_scope(user, region):
        raise Forbidden(f"无权统计地区 {regions.label(region)}", "region")
    return compute(session, start, end, region=region)


def overview(session: Session, user: User, *, now: dt.datetime) -> dict:
    """Every registration of the regions ``user`` serves, as of ``now`` (the supervisor's 统计 page): counts by
    state, the pending ones past their time limit, the decided ones within or past it, and the same by
    登记失业地 — with the limits the registrations were given (unit and basis as recorded on each)."""
    require_role(user, SUPERVISOR, REVIEWER)
    rows = session.execute(access.scoped(
        select(m.Registration.aab301, m.Registration.status, m.Registration.due_at, m.Registration.decided_at,
               m.Registration.limit_working_days, m.Registration.limit_basis),
        user, m.Registration.aab301)).all()
    by_status: Counter[str] = Counter()
    regions_: dict[str, dict] = {}
    limits: Counter[tuple[int, str]] = Counter()
    overdue = on_time = late = unknown = 0
    for region, status, due, decided, days, basis in rows:
        by_status[status] += 1
        limits[(days, basis)] += 1
        row = regions_.setdefault(region, {"region": region, "region_name": regions.full_name(region) or "未知地区",
                                           "total": 0, "by_status": Counter(), "overdue": 0})
        row["total"] += 1
        row["by_status"][status] += 1
        if decided is None:
            if status == m.PENDING and due is not None and due < now:
                overdue += 1
                row["overdue"] += 1
        elif due is None:
            unknown += 1
        elif decided <= due:
            on_time += 1
        else:
            late += 1
    decided_known = on_time + late
    return {
        "as_of": now.isoformat(timespec="seconds"),
        "total": len(rows),
        "by_status": {s: by_status.get(s, 0) for s in m.STATES} | {s: n for s, n in by_status.items()
                                                                   if s not in m.STATES},
        "pending_overdue": overdue,
        "decided_on_time": on_time,
        "decided_late": late,
        "decided_deadline_unknown": unknown,
        "on_time_rate": round(on_time / decided_known, 4) if decided_known else None,
        "limits": [{"working_days": d, "basis": b, "count": n} for (d, b), n in sorted(limits.items())],
        "by_region": [r | {"by_status": dict(r["by_status"])} for _, r in sorted(regions_.items())],
    }
