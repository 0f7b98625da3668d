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


def test_an_input_for_another_region_is_computed_without_and_said_unused() -> None:
    """An input whose label names the region it serves (（重庆）…, （山东困难企业）…) given for another region's case: the
    text leaves the case computable, so it is computed as before and a step says the input was not used."""
    result = get("residents_contribution_proxy").run({"region": "湖南", "month": "2021-03", "proxy_group": "severe",
                                                      "lowest_tier": 300})
    assert result["value"] == 100  # as without it (the spec's example)
    said = [step["text"] for step in result["explanation"] if "未使用" in step["text"]]
    assert said == ["“城乡居民养老保险最低缴费档次标准”只适用于重庆，本次为湖南，该项未使用"]
    beijing = get("rural_worker_lump_sum").run({"region": "北京", "month": "2020-07", "rural_contract_worker": True,
                                                "contribution_months": 40, "rural_lump_sum_official_months": 3,
                                                "local_minimum_wage": 1910, "continuous_work_months": 40})
    assert beijing["value"] == 4956
    assert sum("只适用于山东，本次为北京，该项未使用" in step["text"] for step in beijing["explanation"]) == 2
    # the region's own inputs say nothing of the kind
    chongqing = get("residents_contribution_proxy").run({"region": "重庆", "month": "2021-11", "proxy_group": "other",
                                                         "lowest_tier": 300})
    assert not any("未使用" in step["text"] for step in chongqing["explanation"])


def test_the_python_calculators_refuse_a_zero_they_multiply_by_in_both_modes() -> None:
    """pension_adjustment's 1.5 % / 0.7 % of the December pension (湘人社规〔2020〕11号 二（一）, 渝人社发〔2021〕22号):
    a pension of 0 is no case; refused as a bad value, in single and population mode alike."""
    retiree = {"region": "湖南", "year": 2020, "scheme": "enterprise", "contribution_months": 360, "pension_base": 0,
               "birth_date": "1945-03-01", "retirement_date": "2005-06-30", "county": "吉首市"}
    error = _refusal("pension_adjustment", retiree)
    assert error.message == "本人上年12月基本养老金：不能为0（计算按此数进行，填0只会得出0），请填写实际的数字（您填写的是 0）"
    table = pa.table({name: [value, value] for name, value in retiree.items()}).set_column(
        4, "pension_base", pa.array([0.0, 3000.0]))
    values, errors = run_table(get("pension_adjustment"), table)
    assert "不能为0" in str(errors[0]) and errors[1] is None and values[1] > 0
