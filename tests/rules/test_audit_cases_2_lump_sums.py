"""Audit A of session 12, items 2 and 4: two calculators whose headline was not what the text pays. The 重庆
一次性缴费 showed 0 with the amount only in the details; the 农民合同制工人一次性生活补助 showed the monthly standard
as the answer. Each case is worked by hand from the clause cited beside it."""

from __future__ import annotations

import pytest

from tests.rules.audit_support import refused, run


def cited(result: dict, article: str) -> list[str]:
    """The texts of the steps citing `article` of their document."""
    return [step["text"] for step in result["explanation"] if step["source"]["article"] == article]


# ---- rural_worker_lump_sum ----
# shandong-2020.txt:5366 (鲁人社函〔2020〕41号 三（二）): “一次性生活补助金月标准按照当地失业保险金月标准执行。按累计缴费时间每满
# 1年发1个月，农民合同制工人领取一次性生活补助金的期限最长不超过24个月。”
# shandong-2020.txt:5368 三（三）: “领取一次性生活补助金和享受失业保险金的累计时间最长不得超过24个月。”
# shandong-2020.txt:220 (六保三促 14): 失业保险金 “当地最低工资标准的90%” → 1910 × 90 % = 1719 元/月.
# court-national-provinces-2020.txt:2476 (京人社发[2020]8号 二): “农民合同制工人一次性生活补助费标准由 1542元调整到
# 1652元。” The months are not printed: the user supplies them (《北京市失业保险规定》).

SHANDONG = {"region": "山东", "month": "2020-08", "rural_contract_worker": True, "local_minimum_wage": 1910}
BEIJING = {"region": "北京", "month": "2020-07", "rural_contract_worker": True, "contribution_months": 40}


def test_shandong_pays_the_monthly_standard_times_one_month_per_full_year() -> None:
    # 40 months contributed → ⌊40/12⌋ = 3 months × 1719 = 5157 (5366); the standard goes into the details
    result = run("rural_worker_lump_sum", SHANDONG | {"contribution_months": 40, "continuous_work_months": 40})
    assert result["value"] == 5157 and result["unit"] == "CNY"
    assert result["details"] == {"monthly_standard": 1719, "months": 3}


def test_shandong_months_are_capped_at_24_together_with_unemployment_benefit() -> None:
    # 30 months → 2 full years; 23 months of 失业保险金 leave 24 − 23 = 1 month (5368): 1 × 1719 = 1719
    result = run("rural_worker_lump_sum", SHANDONG | {"contribution_months": 30, "continuous_work_months": 30,
                                                      "unemployment_benefit_months": 23})
    assert result["value"] == 1719 and result["details"]["months"] == 1
    assert any("已享受失业保险金23个月" in text for text in cited(result, "三（三）"))


def test_shandong_with_the_24_month_cap_used_up_gives_zero_saying_why() -> None:
    # 24 months of 失业保险金 already: 累计时间最长不得超过24个月 (5368) → nothing payable
    result = run("rural_worker_lump_sum", SHANDONG | {"contribution_months": 40, "continuous_work_months": 40,
                                                      "unemployment_benefit_months": 24})
    assert result["value"] == 0
    assert any("已用完" in text for text in cited(result, "三（三）"))


def test_shandong_under_a_full_year_of_contributions_gives_zero_saying_why() -> None:
    # 每满1年发1个月 (5366): 11 months contributed make no full year (continuous work of 13 months qualifies, 5364)
    result = run("rural_worker_lump_sum", SHANDONG | {"contribution_months": 11, "continuous_work_months": 13})
    assert result["value"] == 0
    assert any("不满一年" in text for text in cited(result, "三（二）"))


def test_beijing_without_the_months_is_refused_naming_the_official_figure() -> None:
    error = refused("rural_worker_lump_sum", BEIJING)
    assert error.field == "rural_lump_sum_official_months"
    assert "《北京市失业保险规定》" in error.reason and "汇编未载" in error.reason


def test_beijing_pays_the_standard_times_the_supplied_months_and_names_the_figure() -> None:
    # 1652 (2476) × 3 supplied months = 4956
    result = run("rural_worker_lump_sum", BEIJING | {"rural_lump_sum_official_months": 3})
    assert result["value"] == 4956 and result["details"] == {"monthly_standard": 1652, "months": 3}
    texts = [step["text"] for step in result["explanation"]]
    assert any("1652元×3个月＝4956元" in text for text in texts)
    assert any("领取月数" in text and "官方数字由使用者提供" in text for text in texts)


def test_the_beijing_months_are_not_taken_for_shandong() -> None:
    error = refused("rural_worker_lump_sum", SHANDONG | {"contribution_months": 40, "continuous_work_months": 40,
                                                         "rural_lump_sum_official_months": 3})
    assert error.field == "rural_lump_sum_official_months"


def test_beijing_not_a_rural_contract_worker_gives_zero_without_asking_for_months() -> None:
    result = run("rural_worker_lump_sum", BEIJING | {"rural_contract_worker": False})
    assert result["value"] == 0 and "须为农民合同制工人" in result["explanation"][0]["text"]


# ---- pension_back_payment (渝人社发〔2021〕67号, chongqing-hrss-2021.txt) ----
# :18639 一（三）: “2011年7月1日及以后申报参加…的参保人员,…累计缴费不足15年的,可以延长缴费至满15年。2011年6月30日及以前已
# 申报参加…、延长缴费5年后仍不足15年的,可以一次性缴费至满15年。”
# :18663 二（三）: “…由参保人员按我市个人身份参加企业职工基本养老保险的缴费基数自愿选择,并按 20% 的缴费比例缴费。”
# :18667–18669 三: “延长缴费人员一次性缴费后,…按本人申报缴费基数8%计入基本养老保险个人账户。”
# :18647 二（一）: 缴费基数 “不低于…平均工资的60%、不高于…300%” → 100000 / 12 = 8333.33; 5000 to 25000.
# :18653 二（二）1: “补缴金额=申报补缴时上年度就业人员平均工资×本人各年度缴费指数之和×(单位缴费比例+职工个人缴费比例)”.

LUMP_SUM = {"region": "重庆", "month": "2022-03", "pension_payment_case": "延长缴费后一次性缴费",
            "average_wage_last_year": 100000, "pension_insured_since": "2005-01-01", "contribution_months": 150,
            "extended_months_paid": 60}


def test_the_lump_sum_is_the_headline_and_the_account_credit_a_detail() -> None:
    # 180 − 150 = 30 months; 5000 × 20 % × 30 = 30000 (18663); credited 5000 × 8 % × 30 = 12000 (18669)
    result = run("pension_back_payment", LUMP_SUM | {"chosen_contribution_base": 5000})
    assert result["value"] == 30000
    assert result["details"]["lump_sum_account_credit"] == 12000 and result["details"]["lump_sum_months"] == 30
    assert cited(result, "二（三）")[0] == "一次性缴费＝自愿选择的月缴费基数5000元×20%×30个月＝30000元"


def test_a_lump_sum_without_the_chosen_base_is_refused() -> None:
    # the base is 由参保人员…自愿选择 (18663): not the floor taken silently
    error = refused("pension_back_payment", LUMP_SUM)
    assert error.field == "chosen_contribution_base"
    assert "自愿选择" in error.reason and "5000元至25000元" in error.reason


@pytest.mark.parametrize("base", [40000, 4999.99])
def test_a_chosen_base_outside_the_range_is_refused_saying_the_range(base) -> None:
    # not clamped to 25000 (or raised to 5000) any more
    error = refused("pension_back_payment", LUMP_SUM | {"chosen_contribution_base": base})
    assert error.field == "chosen_contribution_base" and "5000元至25000元" in error.reason


def test_the_range_bounds_themselves_are_accepted() -> None:
    assert run("pension_back_payment", LUMP_SUM | {"chosen_contribution_base": 25000})["value"] == 150000
    assert run("pension_back_payment", LUMP_SUM | {"chosen_contribution_base": 5000})["value"] == 30000


def test_insured_from_july_2011_may_only_extend_zero_with_the_reason() -> None:
    # 2011年7月1日及以后…可以延长缴费至满15年 (18639): no lump sum, so no base is asked for
    result = run("pension_back_payment", LUMP_SUM | {"pension_insured_since": "2012-01-01"})
    assert result["value"] == 0
    assert any("不能一次性缴费" in text for text in cited(result, "一（三）"))


def test_insured_before_july_2011_must_first_extend_five_years() -> None:
    # 延长缴费5年后仍不足15年的 (18639): 30 months extended are not yet 60
    result = run("pension_back_payment", LUMP_SUM | {"extended_months_paid": 30, "chosen_contribution_base": 5000})
    assert result["value"] == 0
    assert any("须先延长缴费60个月" in text and "尚不能一次性缴费" in text for text in cited(result, "一（三）"))


def test_fifteen_years_reached_owe_no_lump_sum() -> None:
    result = run("pension_back_payment", LUMP_SUM | {"contribution_months": 180})
    assert result["value"] == 0 and any("已满180个月" in text for text in cited(result, "一（三）"))


def test_the_employer_back_payment_example_is_unchanged() -> None:
    # 84000 × (2.5 × (20 % + 8 %) + 1.2 × (16 % + 8 %)) = 84000 × 0.988 = 82992 (18653)
    case = {"region": "重庆", "month": "2022-01", "pension_payment_case": "用人单位职工补缴",
            "average_wage_last_year": 84000, "index_sum_until_2019_04": 2.5, "index_sum_from_2019_05": 1.2,
            "back_paid_years": 3.7}
    assert run("pension_back_payment", case)["value"] == 82992


def test_the_case_asked_must_be_said_and_a_back_payment_needs_its_indices() -> None:
    case = {"region": "重庆", "month": "2022-01", "average_wage_last_year": 84000, "index_sum_from_2019_05": 1.2}
    assert refused("pension_back_payment", case).field == "pension_payment_case"
    case = {"region": "重庆", "month": "2022-01", "pension_payment_case": "用人单位职工补缴", "average_wage_last_year": 84000}
    assert refused("pension_back_payment", case).field == "index_sum_until_2019_04"
