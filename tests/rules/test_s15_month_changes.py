"""A month given alone although a rule changes within it (docs/rules.md, "Months and dates within a month").

The case is computed on the month's 1st and on each day of a change. Where every day gives the same answer (the
same value, or the same refusal) the month is answered as on its 1st, with a step saying that the rule changes
within the month without changing this result; only where the days differ is the day asked for, and the question
names each day's outcome. Population mode settles its rows the same way, row by row. Each figure below is worked
by hand from the text cited next to it.
"""

from __future__ import annotations

import pyarrow as pa

from kuaiban.rules.calculators import get
from kuaiban.rules.population import run_table
from tests.rules.audit_support import refused, run, step

# 山东 稳岗返还 (stable_job_refund_regional): 鲁人社字〔2020〕26号 二（一） (shandong-2020.txt:5229) “可返还其上年度单位及其
# 职工实际缴纳失业保险费的50%”; 鲁人社字〔2020〕63号 dated 2020年6月8日 (:3107) 二（一）1 (:3125) “将中小微企业稳岗返还标准
# 提高至……100%”. Contributions 100,000: 50,000 before the 8th, and from the 8th 100,000 for 中小微 only.
SHANDONG_REFUND = {"enterprise_region": "山东", "month": "2020-06", "insured_last_year": 100, "decrease_last_year": 6,
                   "claimants_last_year": 5, "contributions_last_year": 100000, "ui_paid_months": 24,
                   "fund_reserve_months": 15}


def test_a_large_enterprise_s_june_2020_refund_is_answered_because_63_hao_does_not_change_it() -> None:
    result = run("stable_job_refund_regional", {**SHANDONG_REFUND, "enterprise_size": "large"})
    assert result["value"] == 50000
    assert "100000元×50%＝50000元" in step(result, "一般稳岗返还")["text"]
    note = result["explanation"][-1]
    assert note["text"].startswith("该月内政策于2020年6月8日起变化") and "结果相同" in note["text"]
    assert (note["source"]["doc_no"], note["source"]["article"]) == ("鲁人社字〔2020〕63号", "二（一）1")


def test_a_small_enterprise_s_june_2020_refund_asks_the_day_naming_both_figures() -> None:
    error = refused("stable_job_refund_regional", {**SHANDONG_REFUND, "enterprise_size": "small"})
    assert error.field == "month" and not error.is_gap
    assert error.reason.startswith("该月内政策于2020年6月8日起变化，该月内按日计算结果不同"
                                   "（6月1日起：50000元；6月8日起：100000元），请填写具体日期")
    assert run("stable_job_refund_regional", {**SHANDONG_REFUND, "enterprise_size": "small",
                                              "month": "2020-06-08"})["value"] == 100000


# 山东 高校毕业生灵活就业社保补贴: 鲁人社字〔2020〕22号 五（二） (shandong-2020.txt:527) “补贴标准原则上不超过其实际缴费的
# 2/3”: 900 × 2/3 = 600. 鲁政办字〔2020〕77号 四 (:160, in force 2020-06-05) says the same 2/3 for graduates.
def test_a_graduate_s_june_2020_social_insurance_subsidy_is_answered() -> None:
    case = {"region": "山东", "month": "2020-06", "si_mode": "灵活就业（个人申领）",
            "si_group": "离校（毕业）2年内未就业高校毕业生", "graduation_date": "2019-07-01",
            "si_first_approval_date": "2020-04-01", "si_months_received": 1, "si_personal_paid": 900}
    result = run("social_insurance_subsidy", case)
    assert result["value"] == 600
    assert result["explanation"][-1]["source"]["doc_no"] == "鲁政办字〔2020〕77号"


# 山东 失业保险金: 鲁政办发〔2020〕4号 16 (shandong-2020.txt:48) “上调至当地最低工资标准的90%”: 1,910 × 90 % = 1,719. From
# 2020-07-06 鲁人社函〔2020〕41号 一（二） (:5348) pays a late claim at the claim-time standard: the same 1,719.
def test_shandong_s_july_2020_benefit_is_answered_with_the_late_claim_rule_noted() -> None:
    result = run("unemployment_benefit", {"region": "山东", "month": "2020-07", "local_minimum_wage": 1910,
                                          "claim_delay_days": 75})
    assert result["value"] == 1719
    assert result["explanation"][-1]["source"]["doc_no"] == "鲁人社函〔2020〕41号"


# 湘人社规〔2020〕2号 二 (hunan-hrss-2020.txt:4163) “提高到最低工资标准的 90%”: 1,700 × 90 % = 1,530; :4147 “本通知自2020年
# 2月21日起施行，有效期5年” — from 2025-02-21 no encoded rule.
def test_hunan_s_february_2025_benefit_asks_the_day_naming_the_figure_and_the_gap() -> None:
    error = refused("unemployment_benefit", {"region": "湖南", "month": "2025-02", "local_minimum_wage": 1700})
    assert "（2月1日起：1530元/月；2月21日起：无适用规定）" in error.reason
    assert run("unemployment_benefit", {"region": "湖南", "month": "2025-02-20", "local_minimum_wage": 1700})[
        "value"] == 1530


# 沪府规〔2020〕10号（二十一） (court-national-provinces-2020.txt:3031–3035), in force 2020-05-29 (:3094): a benefit that runs
# to 2020-06-30 is not extended in May under either rule (人社部发〔2020〕40号 二 before): 0 on every day.
def test_shanghai_s_may_2020_before_the_benefit_ends_is_answered() -> None:
    case = {"region": "上海", "month": "2020-05", "unemployment_benefit_exhausted": True,
            "benefit_end_date": "2020-06-30", "statutory_retirement_date": "2021-03-15"}
    assert run("unemployment_benefit_to_retirement", case)["value"] == 0


def test_a_month_whose_days_all_refuse_alike_is_refused_not_asked() -> None:
    # 京人社保字〔2020〕68号 四 (court-national-provinces-2020.txt:1972–1978): the employer's 110 % “2020 年 7月起”; the
    # individual's rule (七) from 2020-06-10. An employer's June: no rule on any day (it was a question; on 06-10, a crash)
    case = {"region": "北京", "declarant": "employer", "previous_month_contribution": 12345.67}
    assert refused("late_declaration", {**case, "month": "2020-06"}).is_gap
    assert refused("late_declaration", {**case, "month": "2020-06-15"}).is_gap
    assert run("late_declaration", {**case, "month": "2020-07"})["value"] == 13580.24


def test_population_rows_are_settled_as_single_mode() -> None:
    sizes = ["large", "small", "medium", "small"]
    months = ["2020-06", "2020-06", "2020-06", "2020-06-10"]
    table = pa.Table.from_pylist([{**SHANDONG_REFUND, "contributions_last_year": 100000.0, "month": month,
                                   "enterprise_size": size} for size, month in zip(sizes, months, strict=True)])
    values, errors = run_table(get("stable_job_refund_regional"), table)
    assert values[0] == 50000 and errors[0] is None
    assert values[3] == 100000 and errors[3] is None
    for row in (1, 2):
        assert errors[row].startswith("month：该月内政策于2020年6月8日起变化")
        assert "（6月1日起：50000元；6月8日起：100000元）" in errors[row]


# 鲁人社字〔2020〕55号 dated 2020年5月21日 (shandong-2020.txt:2829), 第二十五条 “本办法自发布之日起施行” (:2919); 第七条 (:2871)
# “按月给予生产经营主体补贴……补贴标准由设区的市确定” (the city's 600 is the user's figure): 4 × 600 = 2,400.
CITY_ROUTE = {"application_date": "2020-06-10", "region": "370200", "enterprise_size": "small",
              "work_for_training_kind": "city_standard", "wfts_trainees": 4, "wfts_months_used": 2,
              "wfts_city_standard": 600}


def test_a_shandong_city_route_training_month_of_may_2020_is_the_day_s_rule() -> None:
    asked = refused("work_for_training_subsidy", {**CITY_ROUTE, "training_month": "2020-05"})
    assert asked.field == "training_month" and not asked.is_gap
    assert asked.reason.startswith("该月内政策于2020年5月21日起变化（鲁人社字〔2020〕55号自该日发布施行）")
    assert "请填写以工代训的具体日期" in asked.reason
    before = refused("work_for_training_subsidy", {**CITY_ROUTE, "training_month": "2020-05-20"})
    assert before.field == "training_month" and "2020年5月21日发布施行" in before.reason
    assert run("work_for_training_subsidy", {**CITY_ROUTE, "training_month": "2020-05-21"})["value"] == 2400
    assert run("work_for_training_subsidy", {**CITY_ROUTE, "training_month": "2020-06"})["value"] == 2400
    # the month, not the day given within it, is what must have begun by the application day
    may_claim = {**CITY_ROUTE, "application_date": "2020-05-25", "training_month": "2020-05-28"}
    assert run("work_for_training_subsidy", may_claim)["value"] == 2400


# 湘政发〔2020〕19号 “本意见自发布之日起实施,有效期5年” (hunan-hrss-2020.txt:5562), 发布 2020年12月31日 (:5565): the pension
# reaches December 2020 from its 31st (it stopped at 2021-01 before) and ends with 2025-12-30. 基础养老金 103 (the user's
# figure) + 六（一） 5 years over 15 × 2 = 10 + 六（二） 13,900 ÷ 139 = 100 → 213 (tests/rules/test_residents_pension.py).
RESIDENT = {"region": "湖南", "basic_pension": 103, "contribution_years": 20, "account_balance": 13900,
            "birth_date": "1955-05-05", "total_contribution_years": 20, "scheme_start_date": "2010-07-01"}


def test_the_residents_pension_reaches_december_2020_from_the_notice_s_day() -> None:
    asked = refused("residents_pension", {**RESIDENT, "month": "2020-12"})
    assert "（12月1日起：无适用规定；12月31日起：213元/月）" in asked.reason
    assert run("residents_pension", {**RESIDENT, "month": "2020-12-31"})["value"] == 213
    assert refused("residents_pension", {**RESIDENT, "month": "2020-12-30"}).is_gap
    ends = refused("residents_pension", {**RESIDENT, "month": "2025-12"})
    assert "（12月1日起：213元/月；12月31日起：无适用规定）" in ends.reason
    assert run("residents_pension", {**RESIDENT, "month": "2025-12-30"})["value"] == 213
    assert run("residents_pension", {**RESIDENT, "month": "2021-01"})["value"] == 213


def test_population_rows_of_december_2020_are_settled_as_single_mode() -> None:
    months = ["2020-12", "2020-12-31", "2025-12", "2021-06"]
    births = ["1955-05-05", "1955-05-05", "1955-05-05", "1970-01-01"]
    table = pa.Table.from_pylist([{**RESIDENT, "basic_pension": 103.0, "account_balance": 13900.0, "month": month,
                                   "birth_date": birth} for month, birth in zip(months, births, strict=True)])
    values, errors = run_table(get("residents_pension"), table)
    assert "（12月1日起：无适用规定；12月31日起：213元/月）" in errors[0]
    assert values[1] == 213 and errors[1] is None
    assert "（12月1日起：213元/月；12月31日起：无适用规定）" in errors[2]
    assert values[3] == 0 and errors[3] is None  # 1970-born: not yet 60
