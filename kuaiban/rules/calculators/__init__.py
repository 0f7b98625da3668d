"""The named calculators (政策计算器) behind `kuaiban calc`.

Two kinds, one contract: the specs of kuaiban/rules/specs/*.yaml (found by directory, loaded by
declarative.py) and the calculators still written in Python here. A spec wins over a Python module of
the same name, so converting a calculator is adding its spec and deleting its module.
"""

from __future__ import annotations

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators.base import Calculator, CalculatorError, parse_value
from kuaiban.rules.calculators.contribution_base import CALCULATOR as CONTRIBUTION_BASE
from kuaiban.rules.calculators.declarative import load_specs
from kuaiban.rules.calculators.pension_adjustment import CALCULATOR as PENSION_ADJUSTMENT
from kuaiban.rules.calculators.residents_pension import RESIDENTS_CONTRIBUTION_SUBSIDY, RESIDENTS_PENSION
from kuaiban.rules.calculators.social_insurance_relief import CALCULATOR as SOCIAL_INSURANCE_RELIEF
from kuaiban.rules.calculators.stable_job_refund import CALCULATOR as STABLE_JOB_REFUND
from kuaiban.rules.calculators.work_injury_premium import CALCULATOR as WORK_INJURY_PREMIUM

PYTHON_CALCULATORS: dict[str, Calculator] = {
    calc.name: calc
    for calc in (
        PENSION_ADJUSTMENT,
        CONTRIBUTION_BASE,
        SOCIAL_INSURANCE_RELIEF,
        STABLE_JOB_REFUND,
        WORK_INJURY_PREMIUM,
        RESIDENTS_PENSION,
        RESIDENTS_CONTRIBUTION_SUBSIDY,
    )
}
CALCULATORS: dict[str, Calculator] = PYTHON_CALCULATORS | load_specs()


def get(name: str) -> Calculator:
    """The calculator called `name`; CalculatorError naming the known ones otherwise."""
    try:
        return CALCULATORS[name]
    except KeyError:
        raise CalculatorError(msg.not_a_choice("calculator", CALCULATORS, name)) from None


__all__ = ["CALCULATORS", "Calculator", "CalculatorError", "get", "parse_value"]
