"""A formula's “no rule” placeholder is never an answer (s15 review, M1).

Several variables answer −1 where no rule covers a row (their ``default_value``, or ``by_region``'s
fallback); the calculator's checks are meant to refuse those cases first. When a check misses one (as
late_declaration's did for a June 2020 day until 51104a1), single mode used to crash citing the missing
rule and population mode wrote −1.0 as the answer. Now an amount, count or share below 0 is refused in both
modes with the gap words every gap uses: “所收政策文件对 … 没有规定，无法计算（已有规定：…）”.

No calculator answers a negative value: its amounts, bases, counts and shares are never below 0 (the −1s
in kuaiban/rules/tests/*.yaml are all placeholders of cases the calculators refuse).
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from kuaiban.rules import messages as msg
from kuaiban.rules.calculators import CALCULATORS, CalculatorError, get
from kuaiban.rules.calculators.base import NEVER_NEGATIVE
from kuaiban.rules.population import evaluate, result_table

# the reviewer's row: a 北京 employer's June 2020 day, before 京人社保字〔2020〕68号's employer rule (2020-07-01)
JUNE_DAY = {"month": "2020-06-20", "region": "北京", "declarant": "employer", "previous_month_contribution": 12345.67}
JULY = {**JUNE_DAY, "month": "2020-07"}
REFUSED = ("month：所收政策文件对 北京 2020-06-20 没有规定，无法计算"
           "（已有规定：北京 2020-06-10 至 2021-06-30，京人社保字〔2020〕68号）")


@pytest.fixture
def check_missed(monkeypatch):
    """late_declaration as if its check for an employer before July 2020 were missing (a gap the checks miss)."""
    calc = get("late_declaration")
    monkeypatch.setattr(calc, "gap", lambda values: None)
    return calc


def test_every_unit_is_known_to_be_never_negative_or_not_a_number() -> None:
    assert {c.unit for c in CALCULATORS.values()} <= NEVER_NEGATIVE | {"date", "boolean"}


def test_single_mode_refuses_the_placeholder_as_a_gap(check_missed) -> None:
    with pytest.raises(CalculatorError) as caught:
        check_missed.run(JUNE_DAY)
    assert caught.value.is_gap and caught.value.field == "month"
    assert str(caught.value) == "缴费月份" + REFUSED[len("month"):]
    assert check_missed.run(JULY)["value"] == 13580.24  # a month with a rule: answered as before


def test_population_mode_refuses_the_same_row_in_the_same_words(check_missed) -> None:
    table = pa.table({k: [str(JUNE_DAY[k]), str(JULY[k])] for k in JUNE_DAY})
    values, errors = evaluate(check_missed, table)
    assert errors.messages[errors.codes[0]] == REFUSED and msg.is_gap(REFUSED)
    assert errors.codes[1] == 0 and values[1] == pytest.approx(13580.24)
    written = result_table(check_missed, table, values, errors).to_pylist()
    assert written[0]["value"] is None and written[0]["error"].startswith("缴费月份：所收政策文件对 北京 2020-06-20")
    assert written[0]["error_field"] == "month"
    assert written[1]["value"] == pytest.approx(13580.24) and written[1]["error"] is None


def test_the_real_row_is_refused_by_the_calculators_own_check() -> None:
    """With its check (51104a1): both modes give the check's own words, not the placeholder."""
    calc = get("late_declaration")
    with pytest.raises(CalculatorError) as caught:
        calc.run(JUNE_DAY)
    _, errors = evaluate(calc, pa.table({k: [str(v)] for k, v in JUNE_DAY.items()}))
    assert caught.value.is_gap and "2020年7月以前" in str(caught.value)
    assert "2020年7月以前" in errors.messages[errors.codes[0]]


def test_a_placeholder_in_any_variable_is_refused(monkeypatch) -> None:
    """A synthetic placeholder: minimum_wage's formula answering −1 for every row."""
    calc = get("minimum_wage")
    example = calc.examples[0]["input"]
    variable = calc.variable
    from kuaiban.rules.system import tax_benefit_system

    var = tax_benefit_system().variables[variable]
    originals = dict(var.formulas)
    for start, formula in originals.items():
        monkeypatch.setitem(var.formulas, start, lambda person, period, parameters, f=formula:
                            f(person, period, parameters) * 0 - 1.0)
    with pytest.raises(CalculatorError) as caught:
        calc.run(example)
    assert caught.value.is_gap and "没有规定，无法计算" in str(caught.value)
    _, errors = evaluate(calc, pa.table({k: [str(v)] for k, v in example.items()}))
    assert msg.is_gap(errors.messages[errors.codes[0]])


def test_no_worked_example_is_refused_by_the_guard() -> None:
    for calc in CALCULATORS.values():
        for example in calc.examples:
            answered = calc.run(example["input"])["value"]
            assert not calc.refuses(answered), calc.name
