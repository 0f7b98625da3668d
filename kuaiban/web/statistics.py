"""统计 page for supervisors: cases and items handled, time to completion against the statutory and
target limits (the speed-up achieved), materials avoided, the good-rating rate — as SVG charts with
the same numbers in tables — the monthly time-limit compliance (as ``kuaiban sla report``), 失业登记 and
补贴申领, and the state of the national-interface sync.

The figures are `kuaiban.services.stats.summary` for the signed-in supervisor's region (the same
function and scope as GET /api/stats), `services.compliance.by_month`, `unemployment.statistics.overview`
and `programs.statistics.overview` — each pillar's public function, same scope; other roles get 403,
visitors are sent to /login.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from kuaiban.deps import get_session
from kuaiban.platform import audit
from kuaiban.platform.auth import ROLE_NAMES
from kuaiban.platform.errors import Forbidden
from kuaiban.platform.models import User
from kuaiban.programs import statistics as program_stats
from kuaiban.services import catalogue, compliance, stats
from kuaiban.services.ratings import GOOD, LEVELS
from kuaiban.unemployment import statistics as ue_stats
from kuaiban.web.charts import Series, bar_chart
from kuaiban.web.page_support import page_user
from kuaiban.web.templating import render

router = APIRouter(include_in_schema=False)
UNIT_NAMES = {"working_days": "个工作日", "days": "日", "minutes": "分钟", "months": "个月"}
# the unit spelled out beside a limit, so that 10 日 and 5 个工作日 are not read as the same kind of day
UNIT_BASIS = {"working_days": "工作日，不含法定节假日，按调休安排", "days": "自然日，含节假日",
              "minutes": "分钟", "months": "自然月"}
SLA_MONTHS, MAX_SLA_MONTHS = 6, 24


def _pct(value: float) -> str:
    return f"{value * 100:.0f}%" if value == round(value, 2) else f"{value * 100:.1f}%"


def limit_text(limit: dict) -> str:
    if limit.get("value") is None:
        return {"local": "由各地确定", "none": "未规定"}.get(limit.get("kind"), "未规定")
    return f"{limit['value']} {UNIT_NAMES.get(limit['kind'], limit['kind'])}"


def limit_label(limit: dict) -> str:
    """A limit with its unit spelled out: "10 日（自然日，含节假日）", "5 个工作日（工作日，…）"."""
    text = limit_text(limit)
    basis = UNIT_BASIS.get(limit.get("kind", ""))
    return f"{text}（{basis}）" if limit.get("value") is not None and basis else text


def target_label(code: str, target: dict) -> str:
    """The 承诺时限 with its unit and, where 附件2 splits it by channel, each branch (现场办理 5 个工作日；
    网上申领 未规定) — the branch the measured average is compared with is the first one."""
    try:
        conditions = catalogue.speedup_item(code).target.conditions
    except KeyError:
        conditions = ()
    if not conditions:
        return limit_label(target)
    return "；".join(f"{c.when} {limit_label({'kind': c.kind, 'value': c.value})}" for c in conditions)


def limit_bases(rows: list[dict]) -> list[dict[str, str]]:
    """Per item, what each limit says in the text and where it is printed (人社部发〔2020〕26号 附件2)."""
    out = []
    for r in rows:
        try:
            s = catalogue.speedup_item(r["code"])
        except KeyError:
            continue
        out.append({"code": r["code"], "name": r["name"], "statutory": s.statutory_text, "target": s.target_text,
                    "reading": s.reading or "",
                    "source": f"{s.source.doc_no}{(' ' + s.source.attachment) if s.source.attachment else ''}"})
    return out


def time_rows(summary: dict) -> list[dict[str, Any]]:
    """Per item: limits, average and p90, and speed-up achieved beside the speed-up the target asks for
    (1 − target / statutory, when both limits are in the same unit)."""
    rows = []
    for t in summary["times"]:
        st, tg = t["statutory"], t["target"]
        target_speedup = None
        if st.get("value") and tg.get("value") is not None and st["kind"] == tg["kind"]:
            target_speedup = round(1 - tg["value"] / st["value"], 4)
        unit = UNIT_NAMES.get(st["kind"], "")
        rows.append({
            "code": t["code"], "name": t["name"], "completed": t["completed"],
            "statutory": limit_label(st), "target": target_label(t["code"], tg),
            # why no target speed-up: different units are not converted (a working day is not a day)
            "units_differ": bool(st.get("value") and tg.get("value") is not None and st["kind"] != tg["kind"]),
            "average": f"{st['average']} {unit}" if "average" in st else "—",
            "p90": f"{st['p90']} {unit}" if "p90" in st else "—",
            "within": _pct(st["within_limit"]) if "within_limit" in st else "—",
            "within_target": _pct(tg["within_limit"]) if "within_limit" in tg else "—",
            "speedup": t.get("speedup_achieved"), "target_speedup": target_speedup,
            "avg_share": st["average"] / st["value"] if "average" in st and st.get("value") else None,
            "p90_share": st["p90"] / st["value"] if "p90" in st and st.get("value") else None,
        })
    return rows


def charts(summary: dict, rows: list[dict]) -> dict[str, Any]:
    bundles = summary["bundles"]["by_bundle"]
    names = sorted(bundles)
    out = {
        "bundles": bar_chart("各“一件事”办件量", names, [
            Series("已申请", [bundles[n]["submitted"] for n in names]),
            Series("已办结", [bundles[n]["completed"] for n in names])]) if names else None,
    }
    timed = [r for r in rows if r["avg_share"] is not None]
    out["times"] = bar_chart(
        "办理用时占法定时限的比例", [f"{r['code']} {r['name']}" for r in timed],
        [Series("平均用时", [r["avg_share"] for r in timed]), Series("P90 用时", [r["p90_share"] for r in timed])],
        fmt=_pct, max_value=max([1.0, *(r["p90_share"] for r in timed)]),
        markers=[1 - r["target_speedup"] if r["target_speedup"] is not None else None for r in timed],
        marker_name="承诺时限") if timed else None
    sped = [r for r in rows if r["speedup"] is not None]
    out["speedup"] = bar_chart(
        "提速成效：实际提速与目标提速", [f"{r['code']} {r['name']}" for r in sped],
        [Series("实际提速", [max(0.0, r["speedup"]) for r in sped]),
         Series("目标提速", [r["target_speedup"] for r in sped])], fmt=_pct, max_value=1.0) if sped else None
    m = summary["materials"]
    out["materials"] = bar_chart("材料精减", ["应交材料", "实际收取", "去重免交", "承诺代替"], [
        Series("份数", [m["required"], m["asked"], m["avoided_by_deduplication"], m["avoided_by_commitment"]])],
    ) if m["required"] else None
    r = summary["ratings"]
    out["ratings"] = bar_chart("好差评分布", [LEVELS[level] for level in sorted(LEVELS, reverse=True)], [
        Series("评价数", [r["by_level"].get(str(level), 0) for level in sorted(LEVELS, reverse=True)])],
    ) if r["count"] else None
    return out


def sync_status(engine) -> dict[str, Any]:
    """The national-interface sync's counts, or why there are none (module or tables absent)."""
    try:
        from kuaiban.unemployment.national import sync
    except ImportError:
        return {"configured": False, "reason": "全国失业登记接口同步模块未安装"}
    status = getattr(sync, "status", None)
    if status is None:
        return {"configured": False, "reason": "同步模块未提供状态查询"}
    try:
        data = status(engine)
    except SQLAlchemyError:
        return {"configured": False, "reason": "同步数据表尚未建立（数据库未迁移到含全国接口同步的版本）"}
    idle = not any(data.get("inbox", {}).values()) and not data.get("outbox") and not data.get("cursors")
    return {"configured": True, "idle": idle, **data}


_LINE_CITE = re.compile(r"（[^（）]*汇编\s*第\s*[\d–\-]+\s*行）")


def plain_basis(text: str) -> str:
    """A stored basis without the compilation line it was read from (line numbers mean nothing to readers)."""
    return _LINE_CITE.sub("", text).strip()


def unemployment_figures(session: Session, user: User, now) -> dict[str, Any]:
    figures = ue_stats.overview(session, user, now=now)
    figures["limits"] = [limit | {"basis": plain_basis(limit["basis"])} for limit in figures["limits"]]
    return figures


def sla_months(raw: str | None) -> int:
    """The months of the compliance table (?months=N, as ``kuaiban sla report --months N``), 1–24."""
    try:
        n = int(raw) if raw else SLA_MONTHS
    except ValueError:
        return SLA_MONTHS
    return min(max(n, 1), MAX_SLA_MONTHS)


@router.get("/statistics")
def statistics_page(request: Request, session: Annotated[Session, Depends(get_session, scope="function")],
                    user: Annotated[User, page_user()], months: str | None = None):
    try:
        summary = stats.summary(session, user)
    except Forbidden as exc:
        return render(request, "statistics/forbidden.html", {"message": exc.message, "user": user,
                                                              "role": ROLE_NAMES.get(user.role, user.role)},
                      status=403)
    rows = time_rows(summary)
    ratings = summary["ratings"]
    now = audit.now()
    sla = compliance.by_month(session, months=sla_months(months), until=now.date(), now=now, region=user.region)
    return render(request, "statistics/index.html", {
        "user": user, "s": summary, "rows": rows, "charts": charts(summary, rows), "levels": LEVELS,
        "bases": limit_bases(rows), "ue": unemployment_figures(session, user, now),
        "prog": program_stats.overview(session, user), "sla": sla,
        "good_levels": "、".join(LEVELS[g] for g in GOOD),
        "good_rate": _pct(ratings["good_rate"]) if ratings["good_rate"] is not None else "—",
        "pct": _pct, "sync": sync_status(request.app.state.engine),
    })
