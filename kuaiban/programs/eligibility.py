"""Eligibility and amounts from the rules pillar: a program names a calculator, and its inputs are built
from the claim (the form, the region, the month owed, the month's place in the schedule).

The rules pillar is used through its public entry point only (``kuaiban.rules.calculators.get``). A
calculator that does not exist yet makes a claim impossible — said plainly — and never an invented amount.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kuaiban.platform import citations, regions
from kuaiban.platform.errors import Invalid, ServiceError
from kuaiban.programs.definitions import Program
from kuaiban.rules.calculators import CalculatorError, get


class NotAvailable(ServiceError):
    """The program's calculator is not in this installation: nobody may claim until it is."""

    status = 409


def available(program: Program) -> bool:
    try:
        get(program.calculator)
    except CalculatorError:
        return False
    return True


def inputs(program: Program, *, region: str, month: str, nth: int, facts: dict[str, Any],
           owed: str | None = None, claimed_on: dt.date | None = None) -> dict[str, Any]:
    """The calculator's input object: ``$region`` (GB/T code), ``$region_name`` (short province name),
    ``$month`` (the claim's first month: the month the claimant names, e.g. 以工代训's training month),
    ``$claim_month`` and ``$claim_date`` (the month and the day the claim was made: the rules and the
    standard in force that day decide — 按照申请之日当地失业保险金标准), ``$owed_month`` (the month owed),
    ``$nth`` (its place in the schedule, 1 = first), ``form.<field>``, a register's figure (``{register, fact,
    form}``: the form field holds it, kuaiban.programs.register_facts), or a literal. Without ``claimed_on``
    (a caller that has no claim) the claim is taken as made on the first day of ``month``."""
    province = regions.ancestors(region)[0] if regions.ancestors(region) else regions.region(region)
    claim_date = claimed_on.isoformat() if claimed_on else f"{month}-01"
    special = {"$region": region, "$month": month, "$owed_month": owed or month, "$nth": nth,
               "$claim_date": claim_date, "$claim_month": claim_date[:7],
               "$region_name": (province.name if province else region).removesuffix("市").removesuffix("省")}
    built = {}
    for name, source in program.calculator_inputs.items():
        if isinstance(source, str) and source in special:
            built[name] = _as_day(program, name, source, special)
        elif isinstance(source, str) and source.startswith("form."):
            key = source.removeprefix("form.")
            if facts.get(key) is not None:
                built[name] = facts[key]
        elif isinstance(source, dict) and "register" in source:  # a register's figure, in its form field
            if facts.get(source["form"]) is not None:
                built[name] = facts[source["form"]]
        elif isinstance(source, dict) and "from" in source:  # a form's Chinese choice → the calculator's code
            key = str(source["from"]).removeprefix("form.")
            if facts.get(key) is not None:
                built[name] = source.get("map", {}).get(facts[key], facts[key])
        else:
            built[name] = source
    return built


def _as_day(program: Program, name: str, source: str, special: dict[str, Any]) -> Any:
    """A claim's month for a calculator whose month field also reads a day (docs/rules.md, "Months and dates
    within a month"): ``$claim_month`` as the claim's day, whose rules decide; a month claimed (``$month``,
    ``$owed_month``) as its first day, as it was read before (a subsidised month has no day of its own). Either
    way the calculator never asks the claimant for a day the form has no field for."""
    value = special[source]
    if source not in ("$claim_month", "$month", "$owed_month"):
        return value
    try:
        field = next((f for f in get(program.calculator).fields if f.name == name), None)
    except CalculatorError:
        return value
    if field is None or not getattr(field, "accepts_day", False):
        return value
    return special["$claim_date"] if source == "$claim_month" else f"{value}-01"


def _field_label(program: Program, error: CalculatorError) -> tuple[str | None, str]:
    """A calculator's error names its input (``.field``, and a ``field：`` prefix in the text); the claimant
    sees the form's label and the form's field, never the calculator's variable name."""
    message = str(error)
    field = getattr(error, "field", None)
    head, sep, rest = message.partition("：")
    if sep and head.isascii():
        field, message = field or head, rest
    source = program.calculator_inputs.get(field or "")
    if source in ("$month", "$owed_month", "$claim_month", "$claim_date") and sep:
        # the claim's month or day, named as the form names it (申领月份), a gap in plain words
        gap = getattr(error, "is_gap", False)
        if source in ("$month", "$owed_month"):
            return "month", "申领月份：" + ("现行政策没有规定这个月份的补贴标准，本系统无法计算" if gap else rest)
        return "program", "现行政策没有规定申领之日适用的补贴标准，本系统暂不能受理" if gap else rest
    if isinstance(source, dict) and "register" in source:
        source = f"form.{source['form']}"
    if isinstance(source, str) and source.startswith("form."):
        name = source.removeprefix("form.")
        label = next((f.label for f in program.form if f.name == name), name)
        # the calculator's own label (月工资：…) gives way to the form's
        return name, f"{label}：{rest}" if sep else message
    return None, message


def compute(program: Program, *, region: str, month: str, nth: int, facts: dict[str, Any],
            owed: str | None = None, claimed_on: dt.date | None = None) -> dict[str, Any]:
    """The calculator's answer for one month; :class:`NotAvailable` or :class:`Invalid` (field named)."""
    try:
        calculator = get(program.calculator)
    except CalculatorError:
        raise NotAvailable(f"{program.name}的计算规则尚未在本系统上线，暂不能申领；请稍后再试或到经办窗口咨询",
                           "program") from None
    try:
        answer = calculator.run(inputs(program, region=region, month=month, nth=nth, facts=facts, owed=owed,
                                       claimed_on=claimed_on))
    except CalculatorError as exc:
        field, text = _field_label(program, exc)
        raise Invalid(text, field or "facts") from None
    return _local_standard(program, answer, facts)


def _local_standard(program: Program, answer: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """A ceiling is not an amount: where the calculator answers “不超过…” and the program names the local
    standard's field (鲁人社函〔2020〕41号 二（三）: 由各统筹地区…确定失业补助金标准), that figure is paid, and it
    may not exceed the ceiling. Without the figure the claim cannot be decided: the field is named."""
    details = answer.get("details") or {}
    if not program.standard_field or not details.get("is_ceiling") or to_fen(answer["value"]) <= 0:
        return answer
    field = next(f for f in program.form if f.name == program.standard_field)
    figure = facts.get(field.name)
    ceiling = float(answer["value"])
    if figure is None:
        raise Invalid(f"请填写{field.label}：按政策计算的 {ceiling:.2f} 元是上限，不是发放标准", field.name)
    if to_fen(figure) > to_fen(ceiling):
        raise Invalid(f"{field.label}（{float(figure):.2f} 元）超过政策规定的上限 {ceiling:.2f} 元", field.name)
    clause = citations.registry()[program.standard_source]
    step = {"text": f"按{field.label} {float(figure):.2f} 元发放（上限 {ceiling:.2f} 元）", "value": float(figure),
            "source": clause.as_json()}
    return answer | {"value": float(figure), "explanation": [*answer["explanation"], step],
                     "details": details | {"ceiling": ceiling, "is_ceiling": False}}


def to_fen(value: Any) -> int:
    """Yuan (as the calculator gives them) to whole fen, rounded half up as a payroll rounds."""
    return int((Decimal(str(value or 0)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
