"""Whether a program takes claims today, and which months a claim may start from — said before any typing.

Three things bound a claim made on a given day (what :func:`kuaiban.programs.claims.submit` checks after
the fact, shown here up front so that the list and the form can say it):

- the program's 受理期 (``schedule.claim_from`` / ``claim_until``): outside it, nothing may be claimed. Where
  a text prints a day (学校于6月10日前完成核实) the 受理期 starts or ends on that day, cited; the day named is
  the last (or first) day a claim is taken — “6月10日前” read as 截至6月10日 (docs/programs.md);
- the first month claimed: the month of the claim, or back to ``schedule.back`` where a text allows 补发;
- the rules in force: the calculator answers only for the dates its parameters cover
  (``Calculator.coverage``, read through the rules pillar's public entry point). A month the rules do not
  cover cannot be decided, so it is not offered.

The rules' coverage is read from what a calculator publishes about itself (``describe()``'s ``coverage``:
region and ``YYYY-MM-DD 至 YYYY-MM-DD`` / ``YYYY-MM-DD 起``); a calculator whose coverage cannot be read this
way is taken as covering every month (the claim's own check still refuses, with the calculator's words).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from kuaiban.platform import citations, regions
from kuaiban.programs.definitions import Program
from kuaiban.rules.calculators import CalculatorError, get, parse_value

MONTH_INPUTS = ("$month", "$owed_month")  # the first month claimed (and the months owed after it)
DAY_INPUTS = ("$claim_date", "$claim_month")  # the day the claim is made
_RECEIVED = re.compile(r"（(?:收到|您填写的是|您选择的是)[^）]*）$")  # the value a calculator's message echoes: here, the day of the claim
_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2})(?:\s*至\s*(\d{4}-\d{2}-\d{2})|\s*起)")
NATIONAL = ("全国", "全国（各地）")


def month_text(month: str) -> str:
    """2021-03 as people write it: 2021年3月."""
    return f"{int(month[:4])}年{int(month[5:7])}月"


def day_text(day: str) -> str:
    """2020-06-10 as people write it: 2020年6月10日."""
    return f"{int(day[:4])}年{int(day[5:7])}月{int(day[8:10])}日"


def _bound(program: Program, which: str) -> str | None:
    """The 受理期's first or last day as people write it, with its clause where a text prints the day
    (2020年6月10日（鲁人社字〔2020〕60号 二（一）信息审核）), else its month (2020年12月); None when open-ended."""
    day = program.claim_from_day if which == "from" else program.claim_until_day
    if day is not None:
        cited = f"（{citations.registry()[day.source].label}）" if day.source else ""
        return f"{day_text(day.day)}{cited}"
    month = program.claim_from if which == "from" else program.claim_until
    return month_text(month) if month else None


def _first_day(program: Program) -> str | None:
    if program.claim_from_day:
        return program.claim_from_day.day
    return f"{program.claim_from}-01" if program.claim_from else None


def _last_day(program: Program) -> str | None:
    if program.claim_until_day:
        return program.claim_until_day.day
    return f"{program.claim_until}-31" if program.claim_until else None  # compared as text: the month's end


def _month_add(month: str, n: int) -> str:
    y, m = int(month[:4]), int(month[5:7]) - 1 + n
    return f"{y + m // 12:04d}-{m % 12 + 1:02d}"


@dataclass(frozen=True)
class Window:
    """What the claimant is told before filling anything in.

    ``state``: ``open``; ``not_yet`` (受理期 not begun); ``closed`` (受理期 over); ``paused`` (the rules refuse
    a claim made on this day and take claims again from a later day: 10月底前 each year); ``no_rules`` (no month
    the claim could start from is covered by the rules in force). ``months``: the first months a claim made
    today may name, oldest first (empty unless open)."""

    state: str
    text: str
    months: tuple[str, ...] = ()
    note: str = ""  # why the months stop before the month of the claim (the rules in force end earlier)

    @property
    def open(self) -> bool:
        return self.state == "open"

    @property
    def months_text(self) -> str:
        """可申领的月份 as one phrase: 2026年12月; 2025年12月至2026年12月; or a list where there are gaps."""
        runs: list[list[str]] = []
        for m in self.months:
            if runs and _month_add(runs[-1][-1], 1) == m:
                runs[-1].append(m)
            else:
                runs.append([m])
        return "、".join(month_text(r[0]) if len(r) == 1 else f"{month_text(r[0])}至{month_text(r[-1])}"
                        for r in runs)

    def as_json(self) -> dict:
        return {"state": self.state, "open": self.open, "text": self.text, "months": list(self.months),
                "months_text": self.months_text, "note": self.note}


def _province_short(region: str) -> str:
    found = regions.ancestors(region)
    province = found[0] if found else regions.region(region)
    name = province.name if province else region
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def _spans(program: Program, region: str) -> list[tuple[str, str | None]] | None:
    """The date spans [start, last] the calculator covers for the region (national ones too); None when
    unknown (no calculator, or coverage it does not publish in a form read here)."""
    try:
        coverage = get(program.calculator).coverage
    except CalculatorError:
        return None
    short = _province_short(region)
    out = []
    for entry in coverage:
        if entry.get("region") not in (short, *NATIONAL):
            continue
        match = _SPAN.search(str(entry.get("dates", "")))
        if match is None:
            return None
        out.append((match.group(1), match.group(2)))
    return out or None if coverage else None


def _covers(spans: list[tuple[str, str | None]], day: str) -> bool:
    return any(start <= day and (last is None or day <= last) for start, last in spans)


def _period_input(program: Program) -> str | None:
    """What sets the calculator's period for this program: ``$month``/``$owed_month`` (the months claimed),
    ``$claim_date``/``$claim_month`` (the day of the claim), or None (not known here)."""
    try:
        field = get(program.calculator).period_field
    except CalculatorError:
        return None
    source = program.calculator_inputs.get(field)
    return source if isinstance(source, str) else None


def day_refusal(program: Program, region: str, day: dt.date) -> str | None:
    """Why the rules refuse a claim made on ``day``, with their clause, or None: for a program judged on the day of
    the claim (``$claim_date``), the calculator's own checks on that day alone — the very rule submission applies
    when it runs the calculator (湘人社规〔2020〕14号 三（三）: 当年10月底前提交). A refusal that needs the
    claim's other facts, or no rule for the day (``no_rules``' business), is not one."""
    if _period_input(program) not in DAY_INPUTS:
        return None
    calc = get(program.calculator)
    field = calc.period_field
    raw = {spec.name: region if spec.type == "region" else day.isoformat() for spec in calc.fields
           if spec.name == field or spec.type == "region"}
    try:
        values = {spec.name: parse_value(spec, raw[spec.name]) for spec in calc.fields if spec.name in raw}
        message = calc.gap(values)
    except (CalculatorError, TypeError, ValueError):  # a check that needs the claim's other facts
        return None
    if not message or (error := CalculatorError(message)).field != field or error.is_gap:
        return None
    keys = calc.spec.check_clauses(field, day.isoformat()) if calc.spec is not None else ()
    cited = "、".join(citations.registry()[k].label for k in keys)
    return _RECEIVED.sub("", error.reason) + (f"（{cited}）" if cited else "")


def _reopens(program: Program, region: str, today: dt.date) -> str | None:
    """The first day of a later month (within a year and the 受理期) on which the rules take a claim again."""
    last = _last_day(program)
    for n in range(1, 13):
        first = f"{_month_add(today.strftime('%Y-%m'), n)}-01"
        if last and first > last:
            return None
        if day_refusal(program, region, dt.date.fromisoformat(first)) is None:
            return first
    return None


def _paused(program: Program, region: str, today: dt.date) -> Window | None:
    """The window while the rules refuse a claim made today (:func:`day_refusal`): ``paused`` until the day they
    take one again, or ``closed`` when the 受理期 ends first."""
    why = day_refusal(program, region, today)
    if why is None:
        return None
    again = _reopens(program, region, today)
    if again is None:
        return Window("closed", f"受理期内已不能申领：{why}")
    return Window("paused", f"现已截止受理：{why}；{day_text(again)}起可申领")


def window(program: Program, region: str, today: dt.date) -> Window:
    """The program's window for a claim made ``today`` in ``region``."""
    current, day = today.strftime("%Y-%m"), today.isoformat()
    if (first := _first_day(program)) and day < first:
        until = f"至{_bound(program, 'until')}" if program.claim_until else "起"
        return Window("not_yet", f"受理期尚未开始（受理期为 {_bound(program, 'from')}{until}）")
    if (last := _last_day(program)) and day > last:
        return Window("closed", f"受理期已结束（截至 {_bound(program, 'until')}）")
    if (paused := _paused(program, region, today)) is not None:
        return paused
    first = current
    if program.back_source:
        first = max(m for m in (program.back_from,
                                _month_add(current, -program.back_months) if program.back_months else None) if m)
    months = []
    m = first
    while m <= current:
        months.append(m)
        m = _month_add(m, 1)
    spans = _spans(program, region)
    source = _period_input(program)
    if spans is not None and source in MONTH_INPUTS:
        months = [m for m in months if _covers(spans, f"{m}-01")]
    elif spans is not None and source in DAY_INPUTS and not _covers(spans, today.isoformat()):
        months = []
    if not months:
        last = max((s[1] for s in spans or () if s[1]), default=None)
        ends = f"（现行政策规定至 {month_text(last[:7])}）" if last else ""
        return Window("no_rules", f"现行政策未规定此后的补贴标准{ends}，本系统暂不能受理申领")
    text = "可申领" + (f"，受理期至 {_bound(program, 'until')}" if program.claim_until else "")
    note = ""
    if months[-1] < current:
        note = f"现行政策规定的补贴标准只到 {month_text(months[-1])}，此后的月份本系统无法计算"
    return Window("open", text, tuple(months), note)
