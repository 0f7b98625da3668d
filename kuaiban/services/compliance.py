"""Time-limit compliance by month (按月统计办结时限执行情况), for ``kuaiban sla report --months N``.

A task is counted in the month its deadline (``due_at``) falls in — the month it had to be done by:
- ``on_time``: finished (办结, 不予受理 or later 撤销: ``completed_at`` set) by the deadline;
- ``late``: finished after it;
- ``overdue_open``: not finished and the deadline passed (as of ``now``);
- ``not_yet_due``: not finished, deadline still ahead;
- ``awaiting_correction``: waiting for the applicant's 补正 — the applicant's turn, whose deadline is counted
  afresh once the materials are in (``cases.supply``), so it counts neither way.
``on_time_rate`` = on_time / (on_time + late + overdue_open), None when nothing was due and decided.
Tasks whose limit no text gives (``due_at`` empty: 时限未知) have no deadline to keep; they are counted in the
month they started (``limit_unknown``), so none disappears from the report.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.platform import access, regions
from kuaiban.services.models import CORRECTION, Case, Task

FIELDS = ("due", "on_time", "late", "overdue_open", "not_yet_due", "awaiting_correction", "limit_unknown")


def month_starts(until: dt.date, months: int) -> list[dt.date]:
    """The first days of the ``months`` months ending with ``until``'s month, oldest first."""
    y, m = until.year, until.month
    out = []
    for _ in range(months):
        out.append(dt.date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return out[::-1]


def _month(moment: dt.datetime) -> dt.date:
    return dt.date(moment.year, moment.month, 1)


def by_month(session: Session, *, months: int, until: dt.date, now: dt.datetime,
             region: str | None = None) -> dict:
    """The report for the ``months`` months ending with ``until``'s month, for the cases of ``region`` and the
    regions under it (None: every region)."""
    starts = month_starts(until, months)
    first = dt.datetime.combine(starts[0], dt.time())
    end = dt.datetime.combine((starts[-1] + dt.timedelta(days=32)).replace(day=1), dt.time())  # the month after
    rows = {s: dict.fromkeys(FIELDS, 0) for s in starts}
    stmt = (select(Task.state, Task.started_at, Task.due_at, Task.completed_at).join(Case)
            .where(access.within(Case.region, region),
                   ((Task.due_at >= first) & (Task.due_at < end))
                   | (Task.due_at.is_(None) & (Task.started_at >= first) & (Task.started_at < end))))
    for state, started, due, done in session.execute(stmt):
        if due is None:
            rows[_month(started)]["limit_unknown"] += 1
            continue
        row = rows[_month(due)]
        row["due"] += 1
        if done is not None:
            row["on_time" if done <= due else "late"] += 1
        elif state == CORRECTION:
            row["awaiting_correction"] += 1
        else:
            row["overdue_open" if due < now else "not_yet_due"] += 1
    out = []
    for start, row in rows.items():
        decided = row["on_time"] + row["late"] + row["overdue_open"]
        out.append({"month": f"{start:%Y-%m}", **row,
                    "on_time_rate": round(row["on_time"] / decided, 4) if decided else None})
    return {"region": region, "region_name": regions.full_name(region) if region else "全国",
            "as_of": now.isoformat(timespec="seconds"), "months": out}
