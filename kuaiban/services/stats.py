"""Statistics for supervisors (部里跟踪调度: 事项整合数、“提速”量、材料精减数, and 好差评).

- bundles and items handled;
- time to completion per item, average and p90, in the unit of each limit (working days, days,
  minutes), against the statutory and target limits of 人社部发〔2020〕26号 附件2: the speed-up
  actually achieved is 1 − average / statutory limit;
- materials avoided: asked once instead of once per item (deduplication), and replaced by commitments;
- the good-rating rate (好评: 非常满意、满意、基本满意), of the cases and of the benefit claims (补贴申领) rated;
- 未分派: open tasks no active staff member of the role that must act serves (``services.assignment``);
- the same counts per region (行政区划代码 with its full name).

Elapsed working days count the working days after the start day up to the completion day, as the
deadline does (民法典 第二百零一条): a task done on the day it started took 0.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuaiban.platform import access, regions
from kuaiban.platform import calendar as sla
from kuaiban.platform.auth import require_role
from kuaiban.platform.models import SUPERVISOR, User
from kuaiban.services import assignment, catalogue
from kuaiban.services.models import CASE_DONE, DONE, REFUSED, Case, Rating, Task
from kuaiban.services.ratings import GOOD


def elapsed(start: dt.datetime, end: dt.datetime, kind: str) -> float | None:
    """Time from start to end in the unit of a limit kind (None for months: not comparable)."""
    if kind == "minutes":
        return (end - start).total_seconds() / 60
    if kind == "days":
        return float((end.date() - start.date()).days)
    if kind == "working_days":
        n, day = 0, start.date()
        while day < end.date():
            day += dt.timedelta(days=1)
            n += sla.is_working_day(day)
        return float(n)
    return None


def p90(values: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _against(limit: catalogue.Limit, spans: list[tuple[dt.datetime, dt.datetime]]) -> dict:
    out: dict = {"kind": limit.kind, "value": limit.value}
    if limit.value is None or limit.kind == "months":
        return out
    values = [v for s, e in spans if (v := elapsed(s, e, limit.kind)) is not None]
    if not values:
        return out
    avg = sum(values) / len(values)
    out |= {"average": round(avg, 2), "p90": round(p90(values), 2),
            "within_limit": round(sum(v <= limit.value for v in values) / len(values), 4)}
    return out


READERS = (SUPERVISOR,)  # who may read the statistics (the nav offers the page to them only)


def summary(session: Session, user: User) -> dict:
    """Statistics of the supervisor's region (every region for a supervisor without one)."""
    require_role(user, *READERS)

    def scoped(stmt):
        return access.scoped(stmt, user, Case.region)

    by_bundle = {name: {"submitted": n, "completed": 0} for name, n in session.execute(
        scoped(select(Case.bundle_name, func.count(Case.id)).group_by(Case.bundle_name))).all()}
    for name, n in session.execute(scoped(select(Case.bundle_name, func.count(Case.id))
                                          .where(Case.status == CASE_DONE).group_by(Case.bundle_name))).all():
        by_bundle[name]["completed"] = n
    tasks = dict(session.execute(scoped(select(Task.state, func.count(Task.id)).join(Case)
                                        .group_by(Task.state))).all())
    required, asked, committed = session.execute(scoped(select(
        func.coalesce(func.sum(Case.materials_required), 0), func.coalesce(func.sum(Case.materials_asked), 0),
        func.coalesce(func.sum(Case.materials_committed), 0)))).one()

    spans: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for code, start, end in session.execute(scoped(select(Task.item_code, Task.started_at, Task.completed_at)
                                                   .join(Case).where(Task.state == DONE,
                                                                     Task.item_code.is_not(None)))):
        spans[code].append((start, end))
    times = []
    for code in sorted(spans):
        try:
            s = catalogue.speedup_item(code)
        except KeyError:
            continue  # no limit to compare with
        stat = _against(s.statutory, spans[code])
        target = _against(s.target, spans[code])
        row = {"code": code, "name": s.name, "completed": len(spans[code]), "statutory": stat, "target": target}
        if "average" in stat and stat["value"]:
            row["speedup_achieved"] = round(1 - stat["average"] / stat["value"], 4)
        times.append(row)

    lost = assignment.unassigned(session, user)
    per_region: dict[str | None, dict] = {}
    for region, status, n in session.execute(scoped(select(Case.region, Case.status, func.count(Case.id))
                                                    .group_by(Case.region, Case.status))):
        row = per_region.setdefault(region, {"submitted": 0, "completed": 0, "unassigned_tasks": 0})
        row["submitted"] += n
        row["completed"] += n if status == CASE_DONE else 0
    for _task, _case, region in lost:
        per_region[region]["unassigned_tasks"] += 1
    by_region = [{"region": code, "region_name": regions.full_name(code) or "未知地区", **row}
                 for code, row in sorted(per_region.items(), key=lambda kv: kv[0] or "")]

    # a case's rating and a benefit claim's (补贴申领) alike, by the region of what was rated
    levels: dict[int, int] = defaultdict(int)
    of_claims = 0
    for level, claim_id, n in session.execute(access.scoped(
            select(Rating.level, Rating.claim_id.is_not(None), func.count(Rating.id))
            .group_by(Rating.level, Rating.claim_id.is_not(None)), user, Rating.region)):
        levels[level] += n
        of_claims += n if claim_id else 0
    rated = sum(levels.values())
    good = sum(n for lv, n in levels.items() if lv in GOOD)
    return {
        "region": user.region,
        "region_name": regions.full_name(user.region) if user.region else "全国",
        "unassigned": {"tasks": len(lost), "cases": len({case for _task, case, _region in lost})},
        "by_region": by_region,
        "bundles": {"submitted": sum(b["submitted"] for b in by_bundle.values()),
                    "completed": sum(b["completed"] for b in by_bundle.values()), "by_bundle": by_bundle},
        "items": {"total": sum(tasks.values()), "completed": tasks.get(DONE, 0), "refused": tasks.get(REFUSED, 0),
                  "by_state": tasks},
        "times": times,
        "materials": {"required": int(required), "asked": int(asked),
                      "avoided_by_deduplication": int(required) - int(asked),
                      "avoided_by_commitment": int(committed),
                      "avoided": int(required) - int(asked) + int(committed)},
        "ratings": {"count": rated, "good": good, "good_rate": round(good / rated, 4) if rated else None,
                    "by_level": {str(k): v for k, v in sorted(levels.items())}, "of_claims": of_claims},
    }
