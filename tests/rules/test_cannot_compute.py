"""Where the texts print no figure, a calculator asks for it by name; it never answers 0 or -1 in its place.

Each case is one found by the outside review of 2026-12-03 (hand-worked from the compilations)."""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import CalculatorError, get

CHONGQING_LARGE_FIRM = {"month": "2021-06", "region": "重庆", "enterprise_size": "large", "monthly_wage": 5000,
                        "individual_contribution_base": 5000}
HARDSHIP_2022 = {"month": "2022-03", "region": "重庆", "enterprise_size": "small", "hardship_industry": True,
                 "monthly_wage": 2500, "individual_contribution_base": 3699}
PARENTAL = {"leave_date": "2021-12-01", "region": "重庆", "leave_kind": "parental_to_first_birthday",
            "basic_wage_before_leave": 4000, "local_minimum_wage": 2100}


def refused(name: str, case: dict) -> CalculatorError:
    with pytest.raises(CalculatorError) as caught:
        get(name).run(case)
    return caught.value


def test_a_chongqing_large_firm_without_its_rate_is_asked_for_the_rate() -> None:
    # 渝人社发〔2021〕15号 五 prints 14 % for 小微企业 only
    error = refused("employer_pension_contribution", CHONGQING_LARGE_FIRM)
    assert error.field == "supplied_employer_pension_rate" and "无法计算" in error.message
    supplied = get("employer_pension_contribution").run(CHONGQING_LARGE_FIRM | {"supplied_employer_pension_rate": 0.16})
    assert supplied["value"] == 800


def test_a_2022_hardship_firm_base_is_raised_to_the_floor_and_the_floor_needs_last_years_wage() -> None:
    # 渝人社发〔2021〕43号 二 (002:18189): floor = 60 % × 6500 = 3900 > the individual base 3699 → 3900 × 16 %
    result = get("employer_pension_contribution").run(HARDSHIP_2022 | {"previous_year_average_wage": 6500})
    assert result["value"] == 624.00
    cited = {(s["source"]["doc_no"], s["source"]["article"]) for s in result["explanation"]}
    assert ("渝人社发〔2021〕43号", "二") in cited and ("渝人社发〔2021〕43号", "一") in cited
    assert refused("employer_pension_contribution", HARDSHIP_2022).field == "previous_year_average_wage"


def test_tianjin_pension_arrears_before_2011_07_have_no_printed_method() -> None:
    case = {"month": "2020-07", "region": "天津", "arrears_insurance": "pension", "arrears_month": "2011-06",
            "arrears_amount": 10000, "days_overdue": 30}
    assert refused("contribution_late_fee", case).field == "arrears_month"
    assert get("contribution_late_fee").run(case | {"arrears_month": "2011-07"})["value"] == 150
    assert get("contribution_late_fee").run(case | {"arrears_insurance": "medical"})["value"] == 150


def test_parental_leave_needs_the_birth_date_and_counts_days_to_the_first_birthday() -> None:
    assert refused("leave_entitlement", PARENTAL).field == "child_birth_date"
    result = get("leave_entitlement").run(PARENTAL | {"child_birth_date": "2021-08-15"})
    assert result["value"] == 257  # 2021-12-01 up to 2022-08-15
    yearly = get("leave_entitlement").run({"leave_date": "2021-12-01", "region": "重庆", "leave_kind": "parental_yearly",
                                           "child_birth_date": "2021-08-15"})
    assert yearly["value"] == 10 and yearly["details"]["is_ceiling"] is True  # 每年各累计休五至十天
    maternity = {"leave_date": "2021-12-01", "region": "重庆", "leave_kind": "maternity"}
    assert refused("leave_entitlement", maternity).field == "national_maternity_days"


def test_a_code_outside_the_province_is_no_minimum_wage_band() -> None:
    error = refused("minimum_wage", {"month": "2022-04", "region": "重庆", "region_code": "110101"})
    assert error.field == "region_code"


def test_the_workforce_includes_the_dispatched_workers() -> None:
    case = {"check_date": "2022-01-05", "region": "重庆", "dispatched_workers": 11, "workforce_total": 0}
    assert refused("dispatch_share", case).field == "workforce_total"
    within = get("dispatch_share").run(case | {"dispatched_workers": 10, "workforce_total": 100})
    assert within["value"] is False and within["explanation"], "a result without a reason"


def test_a_short_career_is_said_to_count_as_fifteen_years() -> None:
    # 002:18542 低于15年的,统一按15年进行调整: 120 months → 10 years → counted as 15 → 30 元
    case = {"region": "重庆", "year": 2021, "scheme": "institution", "contribution_months": 120, "pension_base": 5000,
            "birth_date": "1945-12-31", "retirement_date": "2005-12-31", "county": "渝中区"}
    step = next(s for s in get("pension_adjustment").run(case)["explanation"] if "缴费年限" in s["text"])
    assert step["value"] == 30 and "计为 15 年" in step["text"] and "计为 10 年" not in step["text"]
