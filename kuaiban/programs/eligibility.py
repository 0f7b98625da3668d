"""Eligibility and amounts from the rules pillar: a program names a calculator, and its inputs are built
from the claim (the form, the region, the month owed, the month's place in the schedule).

The rules pillar is used through its public entry point only (``kuaiban.rules.calculators.get``). A
calculator that does not exist yet makes a claim impossible — said plainly — and never an invented amount.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kuaiban.platform import regions
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
           owed: str | None = None) -> dict[str, Any]:
    """The calculator's input object: ``$region`` (GB/T code), ``$region_name`` (short province name),
    ``$month`` (the month claimed: the standard is the one in force when the claim was made — 按照申请之日
    当地失业保险金标准), ``$owed_month`` (the month owed), ``$nth`` (its place in the schedule, 1 = first),
    ``$claim_date`` (the claimed month's first day), ``form.<field>``, or a literal."""
    province = regions.ancestors(region)[0] if regions.ancestors(region) else regions.region(region)
    special = {"$region": region, "$month": month, "$owed_month": owed or month, "$nth": nth,
               "$claim_date": f"{month}-01",
               "$region_name": (province.name if province else region).removesuffix("市").removesuffix("省")}
    built = {}
    for name, source in program.calculator_inputs.items():
        if isinstance(source, str) and source in special:
            built[name] = special[source]
        elif isinstance(source, str) and source.startswith("form."):
            key = source.removeprefix("form.")
            if facts.get(key) is not None:
                built[name] = facts[key]
        elif isinstance(source, dict) and "from" in source:  # a form's Chinese choice → the calculator's code
            key = str(source["from"]).removeprefix("form.")
            if facts.get(key) is not None:
                built[name] = source.get("map", {}).get(facts[key], facts[key])
        else:
            built[name] = source
    return built


def _field_label(program: Program, error: CalculatorError) -> tuple[str | None, str]:
    """A calculator's error names its input (``.field``, and a ``field：`` prefix in the text); the claimant
    sees the form's label and the form's field, never the calculator's variable name."""
    message = str(error)
    field = getattr(error, "field", None)
    head, sep, rest = message.partition("：")
    if sep and head.isascii():
        field, message = field or head, rest
    source = program.calculator_inputs.get(field or "")
    if isinstance(source, str) and source.startswith("form."):
        name = source.removeprefix("form.")
        label = next((f.label for f in program.form if f.name == name), name)
        # the calculator's own label (月工资：…) gives way to the form's
        return name, f"{label}：{rest}" if sep else message
    return None, message


def compute(program: Program, *, region: str, month: str, nth: int, facts: dict[str, Any],
            owed: str | None = None) -> dict[str, Any]:
    """The calculator's answer for one month; :class:`NotAvailable` or :class:`Invalid` (field named)."""
    try:
        calculator = get(program.calculator)
    except CalculatorError:
        raise NotAvailable(f"{program.name}的计算规则尚未在本系统上线，暂不能申领；请稍后再试或到经办窗口咨询",
                           "program") from None
    try:
        return calculator.run(inputs(program, region=region, month=month, nth=nth, facts=facts, owed=owed))
    except CalculatorError as exc:
        field, text = _field_label(program, exc)
        raise Invalid(text, field or "facts") from None


def to_fen(value: Any) -> int:
    """Yuan (as the calculator gives them) to whole fen, rounded half up as a payroll rounds."""
    return int((Decimal(str(value or 0)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
