"""The employer calculators through the contract: relief, stable-job refund, work-injury premium."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuaiban.rules.calculators import CalculatorError, get

REFUND = {
    "region": "湖南",
    "application_date": "2020-10-15",
    "refund_type": "general",
    "unit_kind": "enterprise",
    "size": "small",
    "restructuring": False,
    "blacklisted": False,
    "insured_last_year": 100,
    "decrease_last_year": 3,
    "claimants_last_year": 3,
    "layoff_rate_cap": 0.055,
    "contributions_last_year": 50000,
}


def test_relief_for_hubei_is_marked_as_the_national_ceiling() -> None:
    result = get("social_insurance_relief").run({"region": "湖北", "month": "2020-03", "size": "large"})
    assert result["value"] == 1 and result["details"]["is_ceiling"] is True
    assert result["unit"] == "share of employer contribution"


def test_relief_amount_needs_payroll_and_rate_together() -> None:
    relief = get("social_insurance_relief")
    base = {"region": "湖南", "month": "2020-03", "size": "large"}
    with pytest.raises(CalculatorError, match=r"^employer_rate：缺少此字段（提供 payroll 计算减免金额时必填）$"):
        relief.run({**base, "payroll": 1})
    with pytest.raises(CalculatorError, match=r"^payroll：缺少此字段（提供 employer_rate 计算减免金额时必填）$"):
        relief.run({**base, "employer_rate": 0.2})


@pytest.mark.parametrize("month", ["2020-01", "2021-01"])
def test_relief_outside_2020_is_a_gap(month: str) -> None:
    with pytest.raises(CalculatorError, match=rf"^month：没有规则覆盖 {month}（已有：2020-02 至 2020-12 阶段性减免期）$"):
        get("social_insurance_relief").run({"region": "湖南", "month": month, "size": "micro"})


def test_large_firm_after_june_is_in_the_rules_dates_but_gets_zero_with_reason() -> None:
    result = get("social_insurance_relief").run({"region": "湖南", "month": "2020-08", "size": "large"})
    assert result["value"] == 0
    assert "6月底" in result["explanation"][0]["text"]


def test_sme_general_refund_is_the_100_percent_ceiling() -> None:
    result = get("stable_job_refund").run(REFUND)
    assert result["value"] == 50000 and result["details"]["is_ceiling"] is True
    assert any("上限" in item["text"] for item in result["explanation"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"application_date": "2020-08-31"}, "application_date：没有规则覆盖 2020-08-31（已有：2020-09-01 至 2020-12-31，"),
        ({"application_date": "2021-01-01"}, "application_date：没有规则覆盖 2021-01-01（已有：2020-09-01 至 2020-12-31，"),
        ({"refund_type": "hardship"}, "loss_months：缺少此字段（refund_type=hardship 时必填）"),
        ({"insured_last_year": 0}, "insured_last_year：裁员率以其为分母，至少为 1（收到 0）"),
        ({"layoff_rate_cap": 1.5}, "layoff_rate_cap：应为 0 到 1 之间的比例，如 0.2 表示 20%（收到 1.5）"),
        ({"restructuring": "no"}, "restructuring：应为 true 或 false（收到「no」）"),
        ({"region": "湖北"}, "region：没有规则覆盖 湖北（已有：湖南 2020 年）"),
    ],
)
def test_refund_errors_name_the_field_in_chinese(change: dict, message: str) -> None:
    with pytest.raises(CalculatorError, match=f"^{re.escape(message)}"):
        get("stable_job_refund").run({**REFUND, **change})


def test_work_injury_project_and_missing_fields() -> None:
    calc = get("work_injury_premium")
    result = calc.run({"region": "湖南", "month": "2021-06", "basis": "project", "contract_total": 1_000_000})
    assert result["value"] == 1800
    with pytest.raises(CalculatorError, match=r"^industry_class：缺少此字段（basis=industry 时必填）$"):
        calc.run({"region": "湖南", "month": "2021-06", "basis": "industry", "payroll": 1})
    with pytest.raises(CalculatorError, match=r"^industry_class：应为 1 到 8 类（收到 9）$"):
        calc.run({"region": "湖南", "month": "2021-06", "basis": "industry", "industry_class": 9, "payroll": 1})
    with pytest.raises(CalculatorError, match=r"^contract_total：缺少此字段（basis=project 时必填）$"):
        calc.run({"region": "湖南", "month": "2021-06", "basis": "project"})
    with pytest.raises(CalculatorError, match=r"^month：没有规则覆盖 2020-12（已有：2021-01 起，湘政办发〔2020〕55号）$"):
        calc.run({"region": "湖南", "month": "2020-12", "basis": "project", "contract_total": 1})


@settings(max_examples=30, deadline=None)
@given(a=st.floats(0, 1e8), b=st.floats(0, 1e8), cls=st.integers(1, 8))
def test_work_injury_premium_grows_with_payroll(a: float, b: float, cls: int) -> None:
    low, high = sorted((a, b))
    calc = get("work_injury_premium")
    base = {"region": "湖南", "month": "2021-06", "basis": "industry", "industry_class": cls}
    assert calc.run({**base, "payroll": low})["value"] <= calc.run({**base, "payroll": high})["value"]


@settings(max_examples=30, deadline=None)
@given(cls=st.integers(1, 7), payroll=st.floats(0, 1e7))
def test_higher_industry_class_never_pays_less(cls: int, payroll: float) -> None:
    calc = get("work_injury_premium")
    base = {"region": "湖南", "month": "2021-06", "basis": "industry", "payroll": payroll}
    assert calc.run({**base, "industry_class": cls})["value"] <= calc.run({**base, "industry_class": cls + 1})["value"]


@settings(max_examples=30, deadline=None)
@given(a=st.integers(0, 100), b=st.integers(0, 100))
def test_more_layoffs_never_raise_the_refund(a: int, b: int) -> None:
    few, many = sorted((a, b))
    calc = get("stable_job_refund")
    refund = {**REFUND, "size": "large"}
    assert calc.run({**refund, "decrease_last_year": many, "claimants_last_year": many})["value"] <= calc.run(
        {**refund, "decrease_last_year": few, "claimants_last_year": few})["value"]
