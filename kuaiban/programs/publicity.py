"""The public 公示 (no sign-in): what is in 公示 now, per program and region, with what each text says must be
published and no more personal information than that.

What the texts ask (data/clauses/programs.yaml, the program's ``publicity.source``):

- 湘人社规〔2020〕22号 第十一条、第十二条: “将符合条件的企业（单位）／人员相关补贴信息在同级人力资源和社会保障门户网站
  公示7天” — the subsidy's information, not itemised: the unit's name, or the person's name masked, the region
  and the amount;
- 鲁人社字〔2020〕55号 第十四条 (以工代训): “领取补贴的单位或人员名单（含隐藏部分字段的身份证号）、补贴金额等” — the
  only text that asks for an ID number, and with fields hidden: a person's number is shown by its last four
  characters only; a unit (以工代训 is claimed by enterprises) by its name.

个人信息保护法 第六条 (影响最小的方式) and 第三十四条 (不超出履行法定职责所必需的范围和限度): a person's given name is
masked (张*, 欧阳**), an ID number is never shown where the text does not ask for it, and nothing else of the
claim (account, form, address, phone) is published. Enterprises are named: a unit's name is not personal
information, and the texts publish it.

Objections: the engine's own (``claims.object_to``), open to any signed-in account during the 公示 and resolved by
a reviewer (upheld: the claim is refused). 湘人社规〔2020〕22号 第十六条 also asks for a 举报投诉电话; its number is
the office's and not in the texts, so it is named, never printed. An objection without an account is not built.

The 免申即享 lists (稳岗返还) have their own paged public page (``listing.public_list``) and are linked from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, citations, regions
from kuaiban.platform.errors import Invalid
from kuaiban.platform.models import Applicant
from kuaiban.programs import definitions
from kuaiban.programs.models import Claim, ClaimEvent

PAGE = 50
# the 公示 clauses that ask for the ID number (with fields hidden) of the persons listed
ASKS_ID_NUMBER = frozenset({"lu55_publicity"})
PRIVACY_SOURCES = ("pipl_minimal", "pipl_public_duty")
REPORT_LINE_SOURCES = {"430000": "hn22_report_line"}  # 湖南: 设立举报投诉电话，接受社会监督


OFFICE_DAYS = "_publicity_days"  # the claim's fact: the 公示 days the office set (the text prints none)
MAX_OFFICE_DAYS = 90  # a typing guard, not a rule of any text
OFFICE_BASIS = "公示天数由经办机构确定（文件未规定）"


def asks_office_days(program: definitions.Program, claim: Any) -> bool:
    """Whether passing the claim's current step opens a 公示 whose days the office sets: an ordinary claim (not a
    免申即享 list) of a program whose text asks for a 公示 and prints no days, at its last review step."""
    return (program.publicity_office and not program.no_application and claim.status == "reviewing"
            and claim.step == len(program.steps) - 1)


def check_office_days(program: definitions.Program, claim: Any, days: Any) -> None:
    """The 公示 days a caseworker gives when passing a step: required where :func:`asks_office_days`, refused
    anywhere else (the text's own days hold, or no 公示 opens here)."""
    if not asks_office_days(program, claim):
        if days is not None:
            raise Invalid("本环节不设定公示天数（公示天数按文件规定，或本环节通过后不进入公示）", "publicity_days")
        return
    if days is None or isinstance(days, bool) or not str(days).strip().isdigit():
        raise Invalid("请填写公示天数：文件规定须经公示，未规定公示天数，由经办机构确定", "publicity_days")
    if not 1 <= int(str(days).strip()) <= MAX_OFFICE_DAYS:
        raise Invalid(f"公示天数应为 1 至 {MAX_OFFICE_DAYS} 天", "publicity_days")


def office_days_text(days: int) -> str:
    """The 公示's length as the claimant reads it, saying who set it (the text prints none)."""
    return f"{int(days)}天（文件未规定公示天数，由经办机构确定）"


def programs_in_publicity() -> list[definitions.Program]:
    """The programs whose claims go through a 公示 of their own (免申即享 lists have their own page)."""
    return [p for p in definitions.programs().values() if p.has_publicity and not p.no_application]


def public_list(session: Session, *, program: str | None = None, region: str | None = None, page: int = 1,
                today: dt.date | None = None) -> dict[str, Any]:
    """What is in 公示 now (its last day not past), grouped by program and region (50 rows a page, ordered by
    program, region, claim). A claim past its last day waits for the caseworker's close, out of the public list."""
    today = today or audit.now().date()
    shown = programs_in_publicity()
    if program:
        shown = [p for p in shown if p.code == definitions.get(program).code]
    codes = [p.code for p in shown]
    started = (select(ClaimEvent.claim_id, func.min(ClaimEvent.at).label("at"))
               .where(ClaimEvent.step == "publicity", ClaimEvent.outcome == "started")
               .group_by(ClaimEvent.claim_id).subquery())
    stmt = (select(Claim.id, Claim.program, Claim.region, Claim.monthly_fen, Claim.publicity_until, started.c.at,
                   Applicant.id, Applicant.name, Applicant.kind)
            .join(Applicant, Applicant.id == Claim.applicant_id)
            .outerjoin(started, started.c.claim_id == Claim.id)
            .where(and_(Claim.status == "publicity", Claim.program.in_(codes), Claim.publicity_until >= today)))
    area = regions.resolve(region) if region else None
    if area:
        stmt = stmt.where(access.within(Claim.region, area))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, page)
    rows = session.execute(stmt.order_by(Claim.program, Claim.region, Claim.id).offset((page - 1) * PAGE).limit(PAGE))
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    asks_id = {p.code for p in shown if p.publicity_source in ASKS_ID_NUMBER}
    for cid, code, reg, fen, until, at, applicant, name, kind in rows:
        item = {"claim": cid, "name": name if kind == "enterprise" else mask_name(name),
                "amount": f"{(fen or 0) / 100:.2f}", "from": at.date() if at else None, "until": until}
        if code in asks_id and kind != "enterprise":  # the sealed number is read only where the text asks
            item["id_number"] = mask_id_last4(session.get(Applicant, applicant).id_number)
        groups.setdefault((code, reg), []).append(item)
    return {
        "page": page, "pages": max(1, -(-total // PAGE)), "total": total, "region": area,
        "groups": [{"program": code, "program_name": definitions.get(code).name, "region": reg,
                    "region_name": regions.label(reg), "items": items}
                   for (code, reg), items in groups.items()],
        "programs": [describe(p) for p in shown],
        "objection": objection_channel(),
        "privacy": [_cite(k) for k in PRIVACY_SOURCES],
        "listings": [{"program": p.code, "program_name": p.name, "href": f"/programs/listing/{p.code}"}
                     for p in definitions.programs().values() if p.no_application],
    }


def describe(program: definitions.Program) -> dict[str, Any]:
    """A program's 公示 as its text sets it: the period, the clause, and the columns published."""
    asks_id = program.publicity_source in ASKS_ID_NUMBER
    columns = ["单位名称" if program.audience == "employers" else "姓名（名字已遮蔽）", "地区",
               "补贴金额（元）" if program.months == 1 else "月补贴金额（元）", "公示起止日期"]
    if asks_id and program.audience != "employers":
        columns.insert(1, "身份证号（仅显示后四位）")
    return {"program": program.code, "program_name": program.name,
            "period": program.publicity_text if program.publicity_days else "由经办机构确定",
            # the 公示的依据 line: the text's days, or who sets them where the text prints none
            "basis": f"公示{program.publicity_text}" if program.publicity_days else OFFICE_BASIS,
            "source": _cite(program.publicity_source) if program.publicity_source else None,
            "columns": columns, "amount_label": columns[-2]}


def objection_channel() -> dict[str, Any]:
    """How the public objects: the platform's objection (signed in), and 湖南's 举报投诉电话 where the text asks."""
    return {"online": "公示期内，登录个人或单位账号后，在本页对应一行填写异议内容提交；经办机构核实，异议属实的不予发放。",
            "login": "/login?next=/programs/publicity/public",
            "anonymous": False,
            "report_lines": [{"region": r, "region_name": regions.label(r), "source": _cite(k),
                              "text": "也可拨打当地人力资源和社会保障部门设立的举报投诉电话（号码以当地公布为准）。"}
                             for r, k in REPORT_LINE_SOURCES.items()]}


def mask_name(name: str) -> str:
    """张* / 欧阳**: the family name's first character kept (as claims.publicity_list masks it)."""
    return name[:1] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def mask_id_last4(number: str | None) -> str | None:
    """Only the last four characters: 55号's 隐藏部分字段, with the least shown (个人信息保护法 第六条)."""
    if not number:
        return None
    v = number.strip()
    return "*" * max(len(v) - 4, 0) + v[-4:]


def _cite(key: str) -> dict[str, str]:
    c = citations.clause(key)
    return {"label": c.label, "quote": c.quote}
