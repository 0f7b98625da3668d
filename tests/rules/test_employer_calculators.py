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
    with pytest.raises(CalculatorError, match=r"^三项社会保险单位费率合计：缺少此字段（提供缴费工资总额计算减免金额时必填）$"):
        relief.run({**base, "payroll": 1})
    with pytest.raises(CalculatorError, match=r"^当月缴费工资总额：缺少此字段（提供单位费率计算减免金额时必填）$"):
        relief.run({**base, "employer_rate": 0.2})


@pytest.mark.parametrize("month", ["2020-01", "2021-01"])
def test_relief_outside_2020_is_a_gap(month: str) -> None:
    with pytest.raises(CalculatorError, match=rf"^缴费所属月份：所收政策文件对 {month} 没有规定，无法计算（已有规定：2020-02 至 2020-12 阶段性减免期）$"):
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
        ({"application_date": "2020-08-31"}, "申请日期：所收政策文件对 2020-08-31 没有规定，无法计算（已有规定：湖南 2020-09-01 至 2020-12-31，"),
        ({"application_date": "2021-01-01"}, "申请日期：所收政策文件对 2021-01-01 没有规定，无法计算（已有规定：湖南 2020-09-01 至 2020-12-31，"),
        # 湘政办发〔2020〕20号 二（四）: either test suffices, so the message names both (rules-ue D5)
        ({"refund_type": "hardship"}, "上年度10月至本年度6月连续亏损月数：缺少此字段（困难企业认定须连续6个月亏损或净利润同比下降超过20%"),
        ({"insured_last_year": 0}, "上年度参保职工人数：裁员率以其为分母，至少为 1（您填写的是 0）"),
        ({"layoff_rate_cap": 1.5}, "统筹区裁员率控制线：应为 0 到 1 之间的比例，如 0.2 表示 20%（您填写的是 1.5）"),
        ({"restructuring": "no"}, "兼并重组、化解产能过剩、淘汰落后产能企业：应为 true 或 false（您填写的是「no」）"),
        ({"region": "湖北"}, "参保地：所收政策文件对 湖北 没有规定，无法计算（已有规定：2020 年仅湖南）"),
    ],
)
def test_refund_errors_name_the_field_in_chinese(change: dict, message: str) -> None:
    with pytest.raises(CalculatorError, match=f"^{re.escape(message)}"):
        get("stable_job_refund").run({**REFUND, **change})


def test_work_injury_project_and_missing_fields() -> None:
    calc = get("work_injury_premium")
    result = calc.run({"region": "湖南", "month": "2021-06", "basis": "project", "contract_total": 1_000_000})
    assert result["value"] == 1800
    with pytest.raises(CalculatorError, match=r"^行业类别 1–8：缺少此字段（按行业类别参保时必填）$"):
        calc.run({"region": "湖南", "month": "2021-06", "basis": "industry", "payroll": 1})
    with pytest.raises(CalculatorError, match=r"^行业类别 1–8：应为 1 到 8 类（您填写的是 9）$"):
        calc.run({"region": "湖南", "month": "2021-06", "basis": "industry", "industry_class": 9, "payroll": 1})
    with pytest.raises(CalculatorError, match=r"^工程合同总造价：缺少此字段（工程建设项目按项目参保时必填）$"):
        calc.run({"region": "湖南", "month": "2021-06", "basis": "project"})
    with pytest.raises(CalculatorError, match=r"^缴费所属月份：所收政策文件对 2020-12 没有规定，无法计算（已有规定：2021-01 起，湘政办发〔2020〕55号）$"):
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


REFUND_2021 = {**{k: v for k, v in REFUND.items() if k not in ("restructuring", "blacklisted")},
               "region": "重庆", "application_date": "2021-06-01", "fund_reserve_ok": True}


def test_the_2021_national_refund_returns_the_sme_ceiling_and_cites_its_notice() -> None:
    result = get("stable_job_refund").run(REFUND_2021)
    assert result["value"] == 30000.0  # 50000 × 60 %, 中小微企业按不超过60%
    assert result["details"]["is_ceiling"] is True
    assert {s["source"]["doc_no"] for s in result["explanation"]} == {"人社部发〔2021〕29号"}
    assert any("截至 2021-12-31" in s["text"] for s in result["explanation"])


@pytest.mark.parametrize(("day", "covered"), [("2021-05-19", False), ("2021-05-20", True), ("2021-12-31", True),
                                               ("2022-01-01", False), ("2020-12-31", False)])
def test_the_2021_refund_window_is_the_notice_date_to_the_deadline(day: str, covered: bool) -> None:
    """2020-12-31 is inside Hunan's 2020 window but 重庆 is not Hunan: refused for its region."""
    calc = get("stable_job_refund")
    if covered:
        assert calc.run(REFUND_2021 | {"application_date": day})["value"] == 30000.0
    else:
        with pytest.raises(CalculatorError):
            calc.run(REFUND_2021 | {"application_date": day})


def test_2021_needs_the_fund_condition_and_refuses_hardship() -> None:
    calc = get("stable_job_refund")
    with pytest.raises(CalculatorError, match=r"^统筹地区上年度失业保险基金滚存结余备付期限在1年以上："):
        calc.run({k: v for k, v in REFUND_2021.items() if k != "fund_reserve_ok"})
    with pytest.raises(CalculatorError, match=r"^返还类型："):
        calc.run(REFUND_2021 | {"refund_type": "hardship"})


def test_2020_hunan_still_requires_the_blacklist_and_restructuring_answers() -> None:
    with pytest.raises(CalculatorError, match=r"^被列入生态环境、市场监管“黑名单”或“失信被执行人”："):
        get("stable_job_refund").run({k: v for k, v in REFUND.items() if k != "blacklisted"})


def test_work_injury_says_when_a_supplied_rate_is_not_used() -> None:
    base = {"region": "湖南", "basis": "industry", "industry_class": 3, "payroll": 10000}
    calc = get("work_injury_premium")
    extended = calc.run(base | {"month": "2022-04", "current_rate": 0.004})
    assert extended["value"] == 40.0  # 人社厅发〔2021〕2号 二: reduced rates run to 2022-04-30
    assert "人社厅发〔2021〕2号" in {s["source"]["doc_no"] for s in extended["explanation"]}
    after = calc.run(base | {"month": "2022-05", "current_rate": 0.004})
    assert after["value"] == 120.0
    assert any("未采用" in s["text"] and "2022-04-30" in s["text"] for s in after["explanation"])
    higher = calc.run(base | {"month": "2021-06", "current_rate": 0.015})
    assert higher["value"] == 120.0
    assert any("未采用" in s["text"] for s in higher["explanation"])


def test_chongqing_2021_contribution_base_states_the_unit_floor_and_small_firm_rate() -> None:
    result = get("contribution_base").run({"region": "重庆", "year": 2021, "monthly_wage": 3000})
    assert result["value"] == 3699.0  # the personal floor is unchanged
    cited = [s for s in result["explanation"] if s["source"]["doc_no"] == "渝人社发〔2021〕15号"]
    assert [s["value"] for s in cited] == [2800.0, 0.14]
