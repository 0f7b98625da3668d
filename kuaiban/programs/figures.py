"""Official figures (官方数字) the compilations do not print and an amount rests on: 湖南 上年度全省全口径社会
平均工资 (湘人社规〔2020〕22号 第七条（二）), 天津 当年社会保险最低缴费基数 (津人社办发〔2020〕89号 一).

A program names them (``figures``: the form field, its label, the month its yearly period starts). The
figures of each period are entered by the office when they are published, into the register
``official_figures`` under the program's region (subject ``430000``; facts ``{field: {"YYYY-MM": value}}``
keyed by the period's first month). A month owed in a period whose figure nobody has entered yet is not
computed with an older year's figure: it waits (kuaiban.programs.settle). Nothing here guesses a figure.

**Only the office gives an official figure** (s14). The applicant never fills one (the claim form refuses it);
a claim's own figure is one the register gave at submission or a caseworker entered at review, each recorded
in the claim's facts under ``_official`` (field → where it came from). :func:`office_facts` leaves out any
official field without that record — an applicant's number typed before this rule, on an older claim, is
never paid from; such a claim's months wait for the office's figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from kuaiban.platform import access, audit, regions
from kuaiban.platform.errors import Forbidden
from kuaiban.platform.models import REVIEWER, SUPERVISOR, User
from kuaiban.programs.definitions import OfficialFigure, Program
from kuaiban.programs.registers import DEFAULT as REGISTERS
from kuaiban.programs.registers import Registers, Unavailable, put

REGISTER = "official_figures"
LABEL = "官方数字（经办机构按公布的数字录入）"


def period_of(month: str, starts: int) -> str:
    """The first month of the yearly period ``month`` falls in: 2021-03 → 2021-01 (starts 1), 2021-03 → 2020-07
    (starts 7)."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - (number < starts):04d}-{starts:02d}"


def subject(program: Program, region: str) -> str:
    """The region the figures are kept under: the program's own region covering ``region`` (a province)."""
    return next((r for r in program.regions if regions.covers(r, region)), region)


def entered(session: Session, program: Program, region: str,
            registers: Registers = REGISTERS) -> dict[str, dict[str, Any]]:
    """The figures the office entered for the program's region, ``{field: {period: value}}``; {} when none
    (or when the register cannot answer now: the months then wait)."""
    if not program.figures:
        return {}
    try:
        record = registers.lookup(session, REGISTER, subject(program, region))
    except Unavailable:
        return {}
    return {k: dict(v) for k, v in (record or {}).items() if isinstance(v, dict)}


def enter(session: Session, program: Program, region: str, field: str, period: str, value: float, *,
          replace: bool = False, actor: User | None = None, at: dt.datetime | None = None) -> float | None:
    """The office enters the figure of one period (a published statistic) for the program's region; the
    figure it replaces (None: none). Every unpaid month of the period is paid by it, so an entered figure is
    changed only on purpose (`replace`), and each entry is in the audit log with the value it replaced and
    the staff account (``actor``: a 审核 or 监督 account serving the program's region; None only for the
    tests' and the operator's own set-up)."""
    if not any(regions.covers(r, region) for r in program.regions):
        raise ValueError(f"{program.name}不在地区 {region} 实施")
    if actor is not None:
        if actor.role not in (REVIEWER, SUPERVISOR):
            raise Forbidden("官方数字由审核或监督人员录入")
        access.require_serves(actor, subject(program, region), f"{regions.label(subject(program, region))}的官方数字")
    known = entered(session, program, region)
    figures = {f.field: f for f in program.figures}
    if field not in figures:
        raise ValueError(f"{program.name}没有官方数字 {field}")
    if period != period_of(period, figures[field].starts):
        raise ValueError(f"{figures[field].label}的年度自每年 {figures[field].starts} 月起算")
    before = known.get(field, {}).get(period)
    if before is not None and before != value and not replace:
        raise ValueError(f"{figures[field].label} {period} 起已录入 {before:g}；确需更正的，请加 --replace 重新录入")
    known.setdefault(field, {})[period] = value
    put(session, REGISTER, LABEL, subject(program, region), known)
    audit.record(session, "program_figure_entered", "program", None, actor=actor, at=at or audit.now(),
                 program=program.code, region=region, field=field, period=period, value=value, replaced=before)
    return before


OFFICIAL = "_official"  # the claim's facts: official field → where its value came from (register / staff)


def prefill(program: Program, month: str, facts: dict[str, Any], known: dict[str, dict[str, Any]]) -> None:
    """The claim takes the figure the office entered for the claim month's period, recorded as the office's."""
    for figure in program.figures:
        value = known.get(figure.field, {}).get(period_of(month, figure.starts))
        if value is not None:
            facts[figure.field] = value
            facts[OFFICIAL] = {**facts.get(OFFICIAL, {}), figure.field: "official_figures"}


def office_facts(program: Program, facts: dict[str, Any]) -> dict[str, Any]:
    """The claim's facts for the calculator (no engine entries), with every official field the office did not
    give left out: an applicant's own number is never paid from."""
    given = facts.get(OFFICIAL) or {}
    return {k: v for k, v in facts.items()
            if not k.startswith("_") and (k not in program.official_fields or k in given)}


def for_month(figure: OfficialFigure, claim_month: str, owed: str, facts: dict[str, Any],
              known: dict[str, dict[str, Any]]) -> Any:
    """The figure in force for the month owed: the one entered for its period in the register, or, for the
    claim month's period, the claim's own when the office gave it (register at submission or staff at review,
    ``_official``); None when the office has not given it yet (the month then waits)."""
    period = period_of(owed, figure.starts)
    value = known.get(figure.field, {}).get(period)
    if value is None and period == period_of(claim_month, figure.starts) and figure.field in (facts.get(OFFICIAL) or {}):
        value = facts.get(figure.field)
    return value


DECIDED = "_decided_figures"  # the claim's facts: decided month → {official field: the value its decision read}


def used(program: Program, claim_month: str, owed: str, facts: dict[str, Any],
         known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The official figures in force for the month owed (``{field: value}``, those known): what the decision of
    the month read, kept on the claim (:data:`DECIDED`) so that a month held at payroll and kept at its decided
    amount is computed from them (kuaiban.programs.settle)."""
    return {f.field: value for f in program.figures
            if (value := for_month(f, claim_month, owed, facts, known)) is not None}


def decided(facts: dict[str, Any], owed: str) -> dict[str, Any] | None:
    """The official figures the decision of the month owed read (:func:`used`); None for a month decided
    before they were kept (s16 payroll2), or decided again since (按重新核算金额发放)."""
    kept = (facts.get(DECIDED) or {}).get(owed)
    return kept if isinstance(kept, dict) else None


def apply(program: Program, claim_month: str, owed: str, facts: dict[str, Any],
          known: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The calculator's facts (:func:`office_facts` of the claim's ``facts``) with each figure replaced by the
    one in force for the month owed (left out when unknown: the calculator then says whether the month needs
    it)."""
    out = office_facts(program, facts)
    for figure in program.figures:
        value = for_month(figure, claim_month, owed, facts, known)
        if value is None:
            out.pop(figure.field, None)
        else:
            out[figure.field] = value
    return out
