"""Region-keyed parameters: a calculator's parameter node has one child per GB/T 2260 code, named
``r<code>`` (OpenFisca keys must be identifiers), e.g. ``work_for_training_subsidy.r430000``.

A case's region is its GB/T 2260 code (a province, or a county where a rule lists counties); the rule of
a province applies to every code inside it.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from kuaiban.rules.formulas import parameter_or_none

PREFIX = "r"


def province_of(codes: np.ndarray) -> np.ndarray:
    """The province code (first two digits + 0000) of each GB/T 2260 code; '' where there is none."""
    codes = np.asarray(codes, dtype=object)
    return np.array([f"{str(c)[:2]}0000" if str(c)[:2].isdigit() else "" for c in codes], dtype=object)


def regional_nodes(parameters, instant, calculator: str, probe: str) -> Iterator[tuple[str, object]]:
    """(code, node) for every region of `calculator` whose `probe` parameter is in force at `instant`."""
    root = parameter_or_none(parameters, instant, calculator)
    if root is None:
        return
    for key in root._children:
        if not key.startswith(PREFIX):
            continue
        node = root[key]
        if parameter_or_none(parameters, instant, f"{calculator}.{key}.{probe}") is not None:
            yield key[len(PREFIX):], node


def optional(node, name: str, default):
    """A child parameter of a regional node, or `default` where that region's structure lacks it."""
    try:
        value = node[name]
    except Exception:  # ParameterNotFoundError / KeyError: this region has no such rule
        return default
    return default if value is None else value


def by_region(population, period, parameters, calculator: str, probe: str, compute, default,
              code_variable: str = "enterprise_region_code") -> np.ndarray:
    """`compute(node)` for the rows of each region whose rule is in force at the period's start; `default`
    for rows no region covers (a gap, which the calculator reports)."""
    province = province_of(population(code_variable, period))
    out = np.full(population.count, default)
    for code, node in regional_nodes(parameters, period.start, calculator, probe):
        here = province == code
        if here.any():
            out = np.where(here, compute(node), out)
    return out
