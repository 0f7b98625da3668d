"""The named calculators (政策计算器) behind `kuaiban calc`."""

from __future__ import annotations

from kuaiban.rules.calculators.base import Calculator, CalculatorError
from kuaiban.rules.calculators.contribution_base import CALCULATOR as CONTRIBUTION_BASE
from kuaiban.rules.calculators.pension_adjustment import CALCULATOR as PENSION_ADJUSTMENT
from kuaiban.rules.calculators.survivor_benefit import CALCULATOR as SURVIVOR_BENEFIT
from kuaiban.rules.calculators.unemployment_benefit import CALCULATOR as UNEMPLOYMENT_BENEFIT

CALCULATORS: dict[str, Calculator] = {
    calc.name: calc for calc in (PENSION_ADJUSTMENT, CONTRIBUTION_BASE, SURVIVOR_BENEFIT, UNEMPLOYMENT_BENEFIT)
}


def get(name: str) -> Calculator:
    """The calculator called `name`; CalculatorError naming the known ones otherwise."""
    try:
        return CALCULATORS[name]
    except KeyError:
        raise CalculatorError(f"calculator: unknown {name!r}; known: {', '.join(CALCULATORS)}") from None


__all__ = ["CALCULATORS", "Calculator", "CalculatorError", "get"]
