"""Population mode's cheaper gap key and choice conversion (issue 12 item 6, work injury): a field with few values
over a wide range (months 202003 and 202101) is given dense codes so the combination key stays two bytes a row;
a date's span codes are worked out on integer days; choice codes already in the enum's order are copied. The
rows are grouped exactly as before and the simulations get the same enum indices."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kuaiban.rules.calculators import get
from kuaiban.rules.calculators.base import CalculatorError, Coded, enum_codes
from kuaiban.rules.population import _dense_codes, prepare, run_table
from kuaiban.rules.variables.work_injury_benefit_adjustment import SurvivorRelation, WorkInjuryBenefitKind


def test_dense_codes_keep_the_rows_grouped_as_before():
    rng = np.random.default_rng(1)
    for occurring in ([0, 98], [3, 40, 41], [0, 5, 9, 200], [1, 7, 9, 30, 31, 60]):
        codes = np.array(occurring, dtype=np.int16)[rng.integers(0, len(occurring), 5000)]
        dense, size, values = _dense_codes(codes, 300, occurring)
        assert size == len(occurring) and values == list(range(size))
        assert dense.min() >= 0 and dense.max() < size
        for value in occurring:  # one dense code per original code, and back
            assert len(set(dense[codes == value].tolist())) == 1
        assert len(set(dense.tolist())) == len(occurring)


def test_choice_codes_in_the_enums_order_are_copied_others_looked_up():
    codes = np.array([0, 2, 1, 2, 0], dtype=np.int16)
    in_order = Coded(codes, tuple(member.name for member in WorkInjuryBenefitKind))
    copied = enum_codes(WorkInjuryBenefitKind, in_order)
    assert copied.tolist() == codes.tolist() and copied.dtype == np.int16 and copied is not codes
    reordered = Coded(codes, ("other", "spouse", "orphan"))
    expected = [SurvivorRelation[name].index for name in np.array(reordered.words)[codes]]
    assert enum_codes(SurvivorRelation, reordered).tolist() == expected


def test_two_months_file_answers_as_the_rows_one_by_one():
    """湖南 2020 and 重庆 2021 rows interleaved, start dates on both sides of each cut-off, some refusals (湖南
    without a minimum wage): each row's value and error are those of its own single-mode answer."""
    rng = np.random.default_rng(12)
    n = 400
    hunan = rng.random(n) < 0.5
    days = np.datetime64("2019-06-01") + rng.integers(0, 700, n)
    table = pa.table({
        "region": pa.array(np.where(hunan, "湖南", "重庆")).dictionary_encode(),
        "month": pa.array(np.where(hunan, "2020-03", "2021-01")).dictionary_encode(),
        "work_injury_benefit_kind": np.where(hunan, "disability_allowance", "survivor_pension"),
        "disability_grade": pa.array(rng.integers(1, 7, n), mask=~hunan),
        "survivor_relation": pa.array(np.where(rng.random(n) < 0.5, "spouse", "other"), mask=hunan),
        "monthly_benefit_before": np.round(rng.uniform(800, 3000, n), 2),
        "benefit_start_date": pa.array(days),
        "local_minimum_wage": pa.array(np.full(n, 1700.0), mask=rng.random(n) < 0.1),
    })
    calc = get("work_injury_benefit_adjustment")
    assert prepare(calc, table).distinct["month"] == [202003, 202101]
    values, errors = run_table(calc, table)
    refused = 0
    for i, row in enumerate(table.to_pylist()):
        try:
            single = calc.run({key: str(value) if key == "benefit_start_date" else value
                               for key, value in row.items() if value is not None})
        except CalculatorError as error:
            assert errors[i] is not None and errors[i].split("：", 1)[1] == str(error).split("：", 1)[1], i
            refused += 1
            continue
        assert errors[i] is None and values[i] == single["value"], (i, single, errors[i])
    assert 0 < refused < n
