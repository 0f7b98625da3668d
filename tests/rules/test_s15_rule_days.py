"""A month within which a rule starts, ends or changes (docs/rules.md, "Months and dates within a month").

Such a month given alone is asked for its day (the field named, the day of the change given); a day given in the
same field (2021-05-20 for the month 2021-05) is answered by the rule in force on that day: before, on and after
the day each case below is worked by hand from the text. OpenFisca YAML tests take a month as the period of a
monthly variable, never a day within it, so these cases go through the calculators.
"""

from __future__ import annotations

import pytest

from kuaiban.rules.calculators import get
from tests.rules.audit_support import refused as refusal
from tests.rules.audit_support import run

HUNAN_WIFE = {"region": "湖南", "dependant_relation": "wife", "dependant_age": 50}
TIANJIN = {"enterprise_region": "天津", "enterprise_size": "small", "insured_last_year": 30, "decrease_last_year": 5,
           "contributions_last_year": 10000, "ui_paid_months": 12, "unemployment_rate_target": 0.055}
SKILL = {"ui_contribution_months": 12, "certificate_kind": "skill"}
CQ_KEY_COUNTY = {"region": "重庆", "national_key_county": True, "local_minimum_wage": 1800}


def asked_day(name: str, case: dict, day_text: str, differs: str) -> None:
    """The month alone is asked for its day, the question naming each day's outcome (s15 rules2: a month whose
    days all give the same answer is answered instead, tests/rules/test_s15_month_changes.py)."""
    error = refusal(name, case)
    assert error.field == "month"
    assert error.reason.startswith(f"该月内政策于{day_text}起变化，该月内按日计算结果不同（{differs}），请填写具体日期")
    assert not error.is_gap  # a question, not a case no rule covers


# 湘人社规〔2020〕9号 (hunan-hrss-2020.txt:5711) “居住在本省其他地区一人者，每人每月补助费由现行的 425 元调整为 690 元”;
# :5743 “本通知自公布之日起执行（公布之前按原标准执行）”; 公布 2020 年 6 月 19 日 (:5748). The 425 before is not encoded.
def test_survivor_allowance_of_june_2020_is_the_day_s_rule() -> None:
    asked_day("survivor_hardship_allowance", {**HUNAN_WIFE, "month": "2020-06"}, "2020年6月19日",
              "6月1日起：无适用规定；6月19日起：690元/月")
    before = refusal("survivor_hardship_allowance", {**HUNAN_WIFE, "month": "2020-06-18"})
    assert before.is_gap and "2020-06-19 起" in before.reason
    assert run("survivor_hardship_allowance", {**HUNAN_WIFE, "month": "2020-06-19"})["value"] == 690
    assert run("survivor_hardship_allowance", {**HUNAN_WIFE, "month": "2020-06-25"})["value"] == 690
    # a month within which nothing changes is answered as before, given as a month or as any day in it
    assert run("survivor_hardship_allowance", {**HUNAN_WIFE, "month": "2020-07"})["value"] == 690
    assert run("survivor_hardship_allowance", {**HUNAN_WIFE, "month": "2020-07-31"})["value"] == 690


# 人社部发〔2021〕29号 四 (chongqing-hrss-2021.txt:19158) “技能提升补贴申领条件,继续放宽至企业在职职工参加失业保险1年以上”;
# dated 2021年5月20日 (:19189). 重庆's own rule runs from 2021-01-01 (渝人社办[2021]179号 二, :19350): no day asked.
def test_skill_upgrade_claim_in_may_2021_is_the_day_s_rule() -> None:
    asked_day("skill_upgrade_subsidy", {**SKILL, "region": "湖南", "month": "2021-05"}, "2021年5月20日",
              "5月1日起：无适用规定；5月20日起：符合")
    assert refusal("skill_upgrade_subsidy", {**SKILL, "region": "湖南", "month": "2021-05-19"}).is_gap
    assert run("skill_upgrade_subsidy", {**SKILL, "region": "湖南", "month": "2021-05-20"})["value"] is True
    assert run("skill_upgrade_subsidy", {**SKILL, "region": "湖南", "month": "2021-05-31"})["value"] is True
    chongqing = {**SKILL, "region": "重庆", "month": "2021-05", "skill_subsidy_claimed_this_year": False,
                 "higher_level_subsidised": False}
    assert run("skill_upgrade_subsidy", chongqing)["value"] is True


# 津政办规〔2020〕7号 二（一） (national-and-provinces-2020-q2.txt:3079–3083) “返还其上年度企业与职工实际缴纳失业保险费的
# 50%，对参保职工 30 人及以下的小微企业，裁员率放宽至 20%”, dated 2020 年 5月 2日 (:3411): 10,000 × 50 % = 5,000 (layoff
# rate 5/30 under 20 %). From 2021-05-20 人社部发〔2021〕29号 一 (chongqing-hrss-2021.txt:19146) answers (another calculator).
def test_tianjin_refund_applied_for_in_a_month_its_rule_starts_or_ends() -> None:
    asked_day("stable_job_refund_regional", {**TIANJIN, "month": "2020-05"}, "2020年5月2日", "5月1日起：无适用规定；5月2日起：5000元")
    assert refusal("stable_job_refund_regional", {**TIANJIN, "month": "2020-05-01"}).is_gap
    assert run("stable_job_refund_regional", {**TIANJIN, "month": "2020-05-02"})["value"] == 5000
    asked_day("stable_job_refund_regional", {**TIANJIN, "month": "2021-05"}, "2021年5月20日", "5月1日起：5000元；5月20日起：无适用规定")
    assert run("stable_job_refund_regional", {**TIANJIN, "month": "2021-05-19"})["value"] == 5000
    after = refusal("stable_job_refund_regional", {**TIANJIN, "month": "2021-05-20"})
    assert after.is_gap and "人社部发〔2021〕29号" in after.reason


# 渝人社办[2021]189号（四）3 (chongqing-hrss-2021.txt:9254) “对国家重点帮扶县,失业保险金标准按当地最低工资标准90%确定”,
# in force from 2021-09-08 as encoded: 1,800 × 90 % = 1,620.
def test_chongqing_key_county_benefit_of_september_2021_is_the_day_s_rule() -> None:
    asked_day("unemployment_benefit", {**CQ_KEY_COUNTY, "month": "2021-09"}, "2021年9月8日", "9月1日起：无适用规定；9月8日起：1620元/月")
    assert refusal("unemployment_benefit", {**CQ_KEY_COUNTY, "month": "2021-09-07"}).is_gap
    assert run("unemployment_benefit", {**CQ_KEY_COUNTY, "month": "2021-09-08"})["value"] == 1620
    assert run("unemployment_benefit", {**CQ_KEY_COUNTY, "month": "2021-09-30"})["value"] == 1620


# 沪府规〔2020〕10号（二十一） (court-national-provinces-2020.txt:3031–3033) “距离法定退休年龄不足 2 年的人员，继续发放失业
# 保险金直至法定退休年龄”; :3094 “本意见自 2020 年 5月 29日起施行”. Benefit ended 2020-03-31, retiring 2021-12-31: 21
# months at the end, so the national 1 year (hunan-hrss-2020.txt:5151) does not reach it (0 before the 29th); from
# the 29th the Shanghai rule is in force, and whether it reaches back to a benefit that ended before is not printed
# (refused naming benefit_end_date, as in June).
def test_shanghai_two_year_rule_in_may_2020_is_the_day_s_rule() -> None:
    case = {"region": "上海", "unemployment_benefit_exhausted": True, "benefit_end_date": "2020-03-31",
            "statutory_retirement_date": "2021-12-31"}
    asked_day("unemployment_benefit_to_retirement", {**case, "month": "2020-05"}, "2020年5月29日",
              "5月1日起：0个月；5月29日起：不予计算（领取失业保险金期满日期）")
    assert run("unemployment_benefit_to_retirement", {**case, "month": "2020-05-28"})["value"] == 0
    for day in ("2020-05-29", "2020-05-31"):
        error = refusal("unemployment_benefit_to_retirement", {**case, "month": day})
        assert error.field == "benefit_end_date" and "2020年5月29日起施行" in error.reason


def test_a_day_is_read_only_in_the_month_field_of_a_monthly_calculator() -> None:
    with pytest.raises(Exception) as caught:  # not a day of the calendar
        get("survivor_hardship_allowance").run({**HUNAN_WIFE, "month": "2020-06-31"})
    assert "不是有效的月份" in str(caught.value)
    # other month fields stay months (contribution_late_fee's 欠缴月份)
    described = {field.name: field for field in get("contribution_late_fee").fields}
    assert described["month"].accepts_day and not described["arrears_month"].accepts_day
