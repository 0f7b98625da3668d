"""Plausibility of inputs (audit s20 4.7): survivor_benefit with status=employed, pension_months=24 and base_income=0
answered “0 元” silently. An amount the rule multiplies by is refused at 0 (`positive: true` in a spec, one check in
single and population mode), months the chosen status does not use are refused, and so are counts no life reaches."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from kuaiban.rules.calculators import CALCULATORS, CalculatorError, get
from kuaiban.rules.population import run_table

AUDIT = {"death_date": "2022-03-01", "status": "employed", "contribution_months": 120, "pension_months": 24,
         "base_income": 0}


def _refusal(name: str, raw: dict) -> CalculatorError:
    with pytest.raises(CalculatorError) as caught:
        get(name).run(raw)
    return caught.value


def test_the_audit_case_is_refused_not_answered_zero() -> None:
    error = _refusal("survivor_benefit", AUDIT)
    assert error.field in ("base_income", "pension_months")
    assert not error.is_gap


def test_an_income_of_zero_is_refused_naming_the_field() -> None:
    error = _refusal("survivor_benefit", AUDIT | {"pension_months": 0})
    assert error.field == "base_income"
    assert error.message.startswith("死亡时本省上一年度城镇居民月人均可支配收入：不能为0")


def test_months_of_pension_for_someone_who_died_in_work_are_refused() -> None:
    error = _refusal("survivor_benefit", AUDIT | {"base_income": 3000})
    assert error.field == "pension_months" and "在职人员" in error.message
    # 0, as the field's own hint says for 在职人员, or nothing: computed (第五条（一）: 10 years → 9 months)
    for raw in (AUDIT | {"base_income": 3000, "pension_months": 0},
                {k: v for k, v in AUDIT.items() if k != "pension_months"} | {"base_income": 3000}):
        assert get("survivor_benefit").run(raw)["value"] == 3000 * 2 + 3000 * 9


def test_months_no_life_reaches_are_refused() -> None:
    retired = AUDIT | {"status": "retired", "base_income": 3000}
    assert _refusal("survivor_benefit", retired | {"pension_months": 1500}).field == "pension_months"
    assert _refusal("survivor_benefit", retired | {"pension_months": 24, "contribution_months": 1500}).field \
        == "contribution_months"


def test_population_mode_refuses_the_same_rows() -> None:
    calc = get("survivor_benefit")
    rows = [AUDIT | {"pension_months": 0}, AUDIT | {"base_income": 3000}, AUDIT | {"base_income": 3000,
                                                                                 "pension_months": 0}]
    table = pa.table({name: [row[name] for row in rows] for name in AUDIT})
    values, errors = run_table(calc, table)
    assert errors[0] is not None and "不能为0" in str(errors[0])
    assert errors[1] is not None and "在职人员" in str(errors[1])
    assert errors[2] is None and np.isclose(values[2], 33000)


@pytest.mark.parametrize("name", sorted(n for n, c in CALCULATORS.items() if c.spec is not None
                                        and any(e.get("positive") for e in c.spec.data["inputs"])))
def test_every_positive_input_refuses_zero_in_the_examples(name: str) -> None:
    calc = CALCULATORS[name]
    positive = [e["name"] for e in calc.spec.data["inputs"] if e.get("positive")]
    for example in calc.examples:
        for field in positive:
            if field not in example["input"]:
                continue
            with pytest.raises(CalculatorError) as caught:
                calc.run(example["input"] | {field: 0})
            assert "不能为0" in caught.value.message, (name, field, caught.value.message)
