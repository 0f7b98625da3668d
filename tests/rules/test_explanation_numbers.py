"""Every number in every explanation is a parameter, an input or a computed value — never a literal.

Run over the worked examples of every spec and over random cases of every calculator (the generators
of test_population.py, seeded). A number in a step's text passes when it equals (to 1e-6, or to the
cent) one of
- a parameter value in force at the case's date, or a part of the date a parameter value takes effect
  or ends (the texts' 2019年12月31日);
- an input value or a part of an input date, the answer, a step's value, a detail, any variable the
  simulation computed for the case;
- a product or quotient of a case number and a case number or parameter (rounded up or down): the
  product an explanation writes out, "5772.03 元 × 1.5% = 86.5804 元", is computed, not written
  (sums and differences are left out: they would make almost any small integer, 75 = 2021 − 1946);
as written, or as a percentage (×100) or per mille (×1000), rounded to the decimals the text shows.
"""

from __future__ import annotations

import importlib.util
import math
import random
import re
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kuaiban.rules.calculators import CALCULATORS, CalculatorError
from kuaiban.rules.calculators.base import single_row, vector_simulation
from kuaiban.rules.formulas import MONTHS_PER_YEAR
from kuaiban.rules.system import tax_benefit_system


def _generators() -> dict:
    """The case generators of test_population.py (tests import by path here: --import-mode=importlib)."""
    spec = importlib.util.spec_from_file_location("population_cases", Path(__file__).with_name("test_population.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.GENERATORS


GENERATORS = _generators()
NUMBER = re.compile(r"\d+(?:\.\d+)?")
CASES_PER_CALCULATOR = 40


def _numbers(value: Any) -> set[float]:
    """Every number in a value: numbers themselves, parts of dates and months, numbers inside texts."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, int | float):
        return {float(value)}
    if isinstance(value, date):
        return {float(value.year), float(value.month), float(value.day)}
    if isinstance(value, dict):
        return set().union(*(_numbers(v) for v in value.values())) if value else set()
    if isinstance(value, list | tuple):
        return set().union(*(_numbers(v) for v in value)) if value else set()
    if hasattr(value, "value") and isinstance(value.value, str):  # an enum member (湖南)
        return set()
    return {float(n) for n in NUMBER.findall(str(value))}


@cache
def _parameter_numbers(instant: str) -> frozenset[float]:
    """The values in force at `instant` and the parts of every parameter's dates (and of date values)."""
    found: set[float] = set()

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children is not None:
            for child in children.values():
                walk(child)
            return
        brackets = getattr(node, "brackets", None)
        if brackets is not None:  # a scale: its thresholds, amounts and rates
            for bracket in brackets:
                for child in bracket.children.values():
                    walk(child)
            return
        values = getattr(node, "values_list", [])
        in_force = next((at for at in values if at.instant_str <= instant), None)
        if in_force is not None:
            found.update(_numbers(in_force.value))
        for at in values:
            if isinstance(at.value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", at.value):
                found.update(_numbers(date.fromisoformat(at.value)))
            day = date.fromisoformat(at.instant_str)
            before = date.fromordinal(day.toordinal() - 1)  # "until" the day before the next value
            found.update(float(n) for n in (day.year, day.month, day.day, before.year, before.month, before.day))

    walk(tax_benefit_system().parameters)
    return frozenset(found)


def _one_step(case: set[float], parameters: frozenset[float]) -> set[float]:
    """Everything one arithmetic operation makes of a case number and a case number or parameter."""
    operands = case | parameters | {float(MONTHS_PER_YEAR)}
    made: set[float] = set()
    for a in case:
        for b in operands:
            made.add(a * b)
            if b:
                made.add(a / b)
            if a:
                made.add(b / a)
    return made | {float(math.ceil(n)) for n in made if math.isfinite(n)} | {
        float(math.floor(n)) for n in made if math.isfinite(n)}


def _scaled(numbers: set[float]) -> set[float]:
    return {round(n * k, 6) for n in numbers if math.isfinite(n) for k in (1, 100, 1000)}


def _simulated(calc, values: dict) -> set[float]:
    """Every number the case's simulation holds: the inputs set and every variable it computed."""
    period = calc.period_of(values)
    simulation = vector_simulation(1)
    for name, array in calc.to_variables(single_row(values), period).items():
        simulation.set_input(name, period, array)
    for name in (*calc.explain_variables, calc.variable):
        simulation.calculate(name, period)
    found: set[float] = set()
    for population in simulation.populations.values():
        for holder in population._holders.values():
            for known in holder.get_known_periods():
                array = np.asarray(holder.get_array(known))
                if array.dtype.kind in "biuf":
                    found.update(float(x) for x in array.ravel())
    return found


def _cases(name: str) -> list[dict]:
    calc = CALCULATORS[name]
    cases = [example["input"] for example in calc.examples]
    if name in GENERATORS:
        rng = random.Random(f"numbers-{name}")
        cases += [GENERATORS[name](rng) for _ in range(CASES_PER_CALCULATOR)]
    return cases


def _unexplained(name: str, raw: dict) -> list[tuple[str, float]]:
    calc = CALCULATORS[name]
    try:
        result = calc.run(raw)
    except CalculatorError:
        return []  # a gap or bad input: no explanation
    values = calc.parse(raw)
    period = calc.period_of(values)
    instant = f"{period}-01-01" if len(period) == 4 else f"{period}-01"
    case = (_numbers(values) | _numbers(raw) | _numbers(result["value"]) | _numbers(result["details"])
            | _numbers([s["value"] for s in result["explanation"]]) | _simulated(calc, values))
    parameters = _parameter_numbers(instant)
    allowed = _scaled(case | parameters | _one_step(case, parameters))
    rounded: dict[int, set[float]] = {}
    bad = []
    for step in result["explanation"]:
        for text in NUMBER.findall(step["text"]):
            decimals = len(text.split(".")[1]) if "." in text else 0
            if decimals not in rounded:
                rounded[decimals] = {round(n, decimals) for n in allowed} | allowed
            if round(float(text), 6) not in rounded[decimals]:
                bad.append((step["text"], float(text)))
    return bad


@pytest.mark.parametrize("name", sorted(CALCULATORS))
def test_every_number_of_every_explanation_comes_from_a_parameter_input_or_computed_value(name: str) -> None:
    cases = _cases(name)
    assert cases, f"{name}: no worked example and no generator"
    bad = {(text, number) for raw in cases for text, number in _unexplained(name, raw)}
    assert sorted(bad) == []


CALCULATOR_MODULES = sorted((Path(__file__).resolve().parents[2] / "kuaiban" / "rules" / "calculators").glob("*.py"))
CJK = re.compile(r"[\u4e00-\u9fff]")
FIGURE = re.compile(r"[0-9０-９]")


def _written_figures(path: Path) -> list[str]:
    """Chinese texts written in a calculator's explanation code that carry a figure of their own."""
    import ast

    found = []
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, ast.FunctionDef) or "explain" not in function.name:
            continue
        docstring = ast.get_docstring(function)
        for node in ast.walk(function):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != docstring
                    and CJK.search(node.value) and FIGURE.search(node.value)):
                found.append(f"{path.name}:{node.lineno}: {node.value}")
    return found


@pytest.mark.parametrize("path", CALCULATOR_MODULES, ids=lambda path: path.stem)
def test_python_explanations_take_their_figures_from_parameters(path: Path) -> None:
    # the Python calculators' counterpart of the specs' rule: no figure written into an explanation text
    assert _written_figures(path) == []
