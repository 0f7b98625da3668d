"""Rules dated to the day in population mode: the day chooses the formulas and parameters in force, so
rows of days between two changes share one simulation, and answers and messages stay those of single mode."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pyarrow as pa
import pytest

from kuaiban.rules.calculators import CalculatorError, get
from kuaiban.rules.period_use import change_days
from kuaiban.rules.population import _periods, evaluate, prepare


def test_a_rule_reading_its_day_only_for_parameters_changes_only_when_they_do():
    # 人社部发〔2021〕18号 applies from 2021-09-01; its figures are not changed later in the library
    assert change_days("survivor_benefit") == (date(2021, 9, 1),)


def test_a_rule_counting_from_its_day_makes_every_day_count():
    # the deadline is a number of days from the day itself
    assert change_days("statutory_deadline") is None


def survivor_rows(count: int) -> list[dict]:
    rng = random.Random(18)
    first = date(2021, 7, 1)  # two months before the rule, then two years of it
    rows = []
    for _ in range(count):
        row = {"death_date": (first + timedelta(days=rng.randint(0, 900))).isoformat(),
               "status": rng.choice(["employed", "retired"]), "contribution_months": rng.randint(0, 480),
               "base_income": round(rng.uniform(2000, 7000), 2)}
        if rng.random() < 0.8:  # a retired person without it fails a check of the spec
            row["pension_months"] = rng.randint(0, 300)
        if rng.random() < 0.3:
            row["personal_contributions"] = round(rng.uniform(0, 30000), 2)
        rows.append(row)
    return rows


def as_table(rows: list[dict]) -> pa.Table:
    names = [spec.name for spec in get("survivor_benefit").fields]
    return pa.table({name: [row.get(name) for row in rows] for name in names})


def test_days_of_one_span_share_one_period():
    calc = get("survivor_benefit")
    rows = [row for row in survivor_rows(300) if row["death_date"] >= "2021-09-01"]
    keys, name = _periods(calc, prepare(calc, as_table(rows)))
    assert len(set(keys.tolist())) == 1 and name(int(keys[0])) == "2021-09-01"


def test_population_over_900_days_answers_as_single_mode_and_names_each_refused_day():
    calc = get("survivor_benefit")
    rows = survivor_rows(400)
    values, errors = evaluate(calc, as_table(rows))
    messages = errors.as_objects()
    refused = 0
    for row, value, message in zip(rows, values, messages, strict=True):
        try:
            expected = calc.run(row)["value"]
        except CalculatorError as error:
            assert calc.label_message(message) == str(error), row
            if row["death_date"] < "2021-09-01":
                assert row["death_date"] in message  # the row's own day, not its group's
                refused += 1
        else:
            assert message is None, (row, message)
            assert value == pytest.approx(expected, abs=0.005), row
    assert refused > 20  # both sides of the rule's first day are exercised


def test_formulas_the_analysis_cannot_read_count_every_day():
    from kuaiban.rules.period_use import _formula_reads, _ReadsTheDate

    def two_arguments(person, period):
        return person("x", period)

    def with_options(person, period, parameters):
        return person("x", period, options=["add"])

    def only_inputs_and_parameters(person, period, parameters):
        return person("x", period) * parameters(period.start).survivor_benefit.funeral_multiple

    for formula in (two_arguments, with_options, lambda person, period, parameters: person("x", period)):
        with pytest.raises(_ReadsTheDate):
            _formula_reads(formula)
    assert _formula_reads(only_inputs_and_parameters) == ({"x"}, {"survivor_benefit"})


def test_a_scales_brackets_count_among_the_parameters_whose_changes_matter():
    from types import SimpleNamespace

    from openfisca_core.parameters import ParameterNode

    from kuaiban.rules.system import change_instants, leaf_parameters

    node = ParameterNode("", data={"scale": {"brackets": [
        {"threshold": {"2020-01-01": 0}, "rate": {"2020-01-01": 0.1, "2021-07-01": 0.2}}]}})
    system = SimpleNamespace(parameters=node)
    assert {p.name for p in leaf_parameters(system)} == {"scale[0].threshold", "scale[0].rate"}
    assert [str(i) for i in change_instants(system)] == ["2019-12-31", "2020-01-01", "2021-07-01"]
