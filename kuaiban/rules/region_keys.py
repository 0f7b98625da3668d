"""Region-keyed parameters: a calculator's parameter node has one child per GB/T 2260 code, named
``r<code>`` (OpenFisca keys must be identifiers), e.g. ``work_for_training_subsidy.r430000``.

A case's region is its GB/T 2260 code (a province, or a county where a rule lists counties); the rule of
a region applies to every code inside it (``r440000`` to all of 广东, ``r440100`` to 广州 and its districts),
and where both cover a case the more specific one wins.
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


def code_prefix(code: str) -> str:
    """The digits that every code inside `code` starts with: 440000 → 44, 440100 → 4401, 440106 → 440106."""
    code = str(code)
    while code.endswith("00") and len(code) > 2:
        code = code[:-2]
    return code


def covered_by(codes: np.ndarray, region: str) -> np.ndarray:
    """True where a case's code lies inside `region` (its own code or one below it)."""
    prefix = code_prefix(region)
    return np.array([str(c).isdigit() and len(str(c)) == 6 and str(c).startswith(prefix) for c in codes], dtype=bool)


def by_region(population, period, parameters, calculator: str, probe: str, compute, default,
              code_variable: str = "enterprise_region_code") -> np.ndarray:
    """`compute(node)` for the rows of each region whose rule is in force at the period's start (the most
    specific region wins); `default` for rows no region covers (a gap, which the calculator reports)."""
    codes = np.asarray(population(code_variable, period), dtype=object)
    out = np.full(population.count, default)
    nodes = sorted(regional_nodes(parameters, period.start, calculator, probe), key=lambda pair: len(code_prefix(pair[0])))
    for code, node in nodes:
        here = covered_by(codes, code)
        if here.any():
            out = np.where(here, compute(node), out)
    return out
